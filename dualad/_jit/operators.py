"""Arithmetic of the compiled number types: operators, constructors, attributes.

Each type supplies only its calculus, exactly as the Python types in
``dualad._scalar`` do (same formulas, same order of operations, so compiled
and Python results agree to the last bit in float64): sums, the product
rule, the quotient rule (``(a' - q b') / b``, never ``b*b``) and the
reciprocal of a dual. Everything else (``**``, ``//``, ``%``, ``abs``,
``round``, ``min``/``max``, elementary functions) goes through the rule
table (functions.py).

Operands are classified at typing time (``classify``): two duals of the same
type meet as equals; a real number, or a dual of lower nesting depth, is a
constant for the other.
"""
import operator

from numba.core import types
from numba.core.errors import TypingError
from numba.extending import overload, overload_attribute, overload_method

from .. import _numbers as _scalar
from .intrinsics import (const_like, convert, dual2_like, dual_like, hyper_like,
                         infer_dual_type, innermost, make_dual, make_hyperdual, outer_sq,
                         outer_sym, vadd, vdivide, vget, vneg, vscale, vsub)
from .types import (OVERLOAD, Dual2Type, DualType, HyperDualType, PartialsType, can_embed,
                    is_dual, is_real, same_shape, unify_types)

GENERIC = OVERLOAD
_jitable_ids = set()


def jitable(fn):
    """Make a plain Python function callable from nopython code (every target).

    (numba's register_jitable, with dualad's overload options.) Inlining at
    the numba IR level was measured: 40 % slower to compile, same speed.
    """
    if id(fn) not in _jitable_ids:
        _jitable_ids.add(id(fn))
        overload(fn, strict=False, **GENERIC)(lambda *args, **kws: fn)
    return fn


def classify(a, b):
    """How two operands meet: ('same' | 'left' | 'right', lead type) or None.

    'left': a is the dual, b a constant for it; 'right': the reverse.
    """
    da, db = is_dual(a), is_dual(b)
    if da and db:
        if a.depth != b.depth:
            lead, c, side = (a, b, "left") if a.depth > b.depth else (b, a, "right")
            if not can_embed(c, lead.base):
                raise TypingError(f"dualad: cannot combine {a.short} and {b.short}")
            return side, lead
        if same_shape(a, b):
            return "same", unify_types(a, b)
        raise TypingError(
            f"dualad: cannot combine {a.short} and {b.short}: numbers of the same nesting "
            "depth must be of the same kind (Dual or HyperDual) with the same number of "
            "partials")
    if da and is_real(b):
        return "left", a
    if db and is_real(a):
        return "right", b
    return None


def converting(fn, a, b, T):
    """An impl casting both operands to T first (float32 meeting float64)."""
    if a == T and b == T:
        return None

    def impl(a, b):
        return fn(convert(a, T), convert(b, T))
    return impl


# ---------------------------------------------------------- Dual calculus --
# Binary impls take (a, b), the names of the operator overloads; in the
# constant forms b is the constant.

def _dual_add(a, b):
    return dual_like(a, a.value + b.value, a.partials + b.partials)


def _dual_sub(a, b):
    return dual_like(a, a.value - b.value, a.partials - b.partials)


def _dual_mul(a, b):
    x = a.value
    y = b.value
    return dual_like(a, x * y, a.partials * y + b.partials * x)


def _dual_div(a, b):
    y = b.value
    q = a.value / y
    return dual_like(a, q, (a.partials - b.partials * q) / y)


def _dual_add_c(a, b):
    return dual_like(a, a.value + const_like(b, a), a.partials)


def _dual_sub_c(a, b):
    return dual_like(a, a.value - const_like(b, a), a.partials)


def _dual_rsub_c(a, b):
    return dual_like(a, const_like(b, a) - a.value, -a.partials)


def _dual_mul_c(a, b):
    k = const_like(b, a)
    return dual_like(a, a.value * k, a.partials * k)


def _dual_div_c(a, b):
    k = const_like(b, a)
    return dual_like(a, a.value / k, a.partials / k)


def _dual_rdiv_c(a, b):
    v = a.value
    q = const_like(b, a) / v
    d1 = -(q / v)
    return dual_like(a, q, a.partials * d1)


def _dual_neg(x):
    return dual_like(x, -x.value, -x.partials)


# ----------------------------------------------------- HyperDual calculus --

def _hyper_add(a, b):
    return hyper_like(a, a.re + b.re, a.eps1 + b.eps1, a.eps2 + b.eps2,
                      a.eps1eps2 + b.eps1eps2)


def _hyper_sub(a, b):
    return hyper_like(a, a.re - b.re, a.eps1 - b.eps1, a.eps2 - b.eps2,
                      a.eps1eps2 - b.eps1eps2)


def _hyper_mul(a, b):
    x, x1, x2, x12 = a.re, a.eps1, a.eps2, a.eps1eps2
    y, y1, y2, y12 = b.re, b.eps1, b.eps2, b.eps1eps2
    return hyper_like(a, x * y, x1 * y + x * y1, x2 * y + x * y2,
                      x12 * y + x1 * y2 + x2 * y1 + x * y12)


def _hyper_div(a, b):
    # q = x/y solved from x = q*y component by component: no y*y anywhere.
    x, x1, x2, x12 = a.re, a.eps1, a.eps2, a.eps1eps2
    y, y1, y2, y12 = b.re, b.eps1, b.eps2, b.eps1eps2
    q = x / y
    q1 = (x1 - q * y1) / y
    q2 = (x2 - q * y2) / y
    q12 = (x12 - q * y12 - q1 * y2 - q2 * y1) / y
    return hyper_like(a, q, q1, q2, q12)


def _hyper_add_c(a, b):
    return hyper_like(a, a.re + const_like(b, a), a.eps1, a.eps2, a.eps1eps2)


def _hyper_sub_c(a, b):
    return hyper_like(a, a.re - const_like(b, a), a.eps1, a.eps2, a.eps1eps2)


def _hyper_rsub_c(a, b):
    return hyper_like(a, const_like(b, a) - a.re, -a.eps1, -a.eps2, -a.eps1eps2)


def _hyper_mul_c(a, b):
    k = const_like(b, a)
    return hyper_like(a, a.re * k, a.eps1 * k, a.eps2 * k, a.eps1eps2 * k)


def _hyper_div_c(a, b):
    k = const_like(b, a)
    return hyper_like(a, a.re / k, a.eps1 / k, a.eps2 / k, a.eps1eps2 / k)


def _hyper_rdiv_c(a, b):
    v = a.re
    q = const_like(b, a) / v
    d1 = -(q / v)
    f2 = -2.0 * d1 / v
    e1 = a.eps1
    e2 = a.eps2
    return hyper_like(a, q, d1 * e1, d1 * e2, d1 * a.eps1eps2 + f2 * e1 * e2)


def _hyper_neg(x):
    return hyper_like(x, -x.re, -x.eps1, -x.eps2, -x.eps1eps2)


# ---------------------------------------------------------- Dual2 calculus --
# Value v, gradient g, packed Hessian h: (a*b).h = a.h b.v + b.h a.v + sym(a.g b.g^T).

def _d2_add(a, b):
    return dual2_like(a, a.value + b.value, a.grad + b.grad, a.hess + b.hess)


def _d2_sub(a, b):
    return dual2_like(a, a.value - b.value, a.grad - b.grad, a.hess - b.hess)


def _d2_mul(a, b):
    x = a.value
    y = b.value
    ga = a.grad
    gb = b.grad
    return dual2_like(a, x * y, ga * y + gb * x,
                      a.hess * y + b.hess * x + outer_sym(a, ga, gb))


def _d2_div(a, b):
    # q = a/b solved from a = q*b component by component: no b*b anywhere.
    y = b.value
    q = a.value / y
    gb = b.grad
    qg = (a.grad - gb * q) / y
    return dual2_like(a, q, qg, (a.hess - b.hess * q - outer_sym(a, qg, gb)) / y)


def _d2_add_c(a, b):
    return dual2_like(a, a.value + const_like(b, a), a.grad, a.hess)


def _d2_sub_c(a, b):
    return dual2_like(a, a.value - const_like(b, a), a.grad, a.hess)


def _d2_rsub_c(a, b):
    return dual2_like(a, const_like(b, a) - a.value, -a.grad, -a.hess)


def _d2_mul_c(a, b):
    k = const_like(b, a)
    return dual2_like(a, a.value * k, a.grad * k, a.hess * k)


def _d2_div_c(a, b):
    k = const_like(b, a)
    return dual2_like(a, a.value / k, a.grad / k, a.hess / k)


def dual2_chain(x, f0, f1, f2):
    """f(x) for a Dual2 x from f, f', f'' at x.value: h' = f' h + f'' g g^T."""
    g = x.grad
    return dual2_like(x, f0, g * f1, x.hess * f1 + outer_sq(x, g) * f2)


def dual2_chain2(x, y, f, fx, fy, fxx, fxy, fyy):
    """f(x, y) for Dual2 x, y of one type from f's derivatives up to order 2."""
    ga = x.grad
    gb = y.grad
    return dual2_like(x, f, ga * fx + gb * fy,
                      x.hess * fx + y.hess * fy + outer_sq(x, ga) * fxx
                      + outer_sym(x, ga, gb) * fxy + outer_sq(x, gb) * fyy)


jitable(dual2_chain)
jitable(dual2_chain2)


def _d2_rdiv_c(a, b):
    v = a.value
    q = const_like(b, a) / v
    d1 = -(q / v)
    return dual2_chain(a, q, d1, -2.0 * d1 / v)


def _d2_neg(x):
    return dual2_like(x, -x.value, -x.grad, -x.hess)


# (same, dual-left-const, const-left-dual) implementations per operator.
def _swap(fn):
    """The impl of c op x from the impl taking (x, c)."""
    jitable(fn)
    def impl(a, b):
        return fn(b, a)
    return impl


_DUAL_IMPLS = {
    "add": (_dual_add, _dual_add_c, _swap(_dual_add_c)),
    "sub": (_dual_sub, _dual_sub_c, _swap(_dual_rsub_c)),
    "mul": (_dual_mul, _dual_mul_c, _swap(_dual_mul_c)),
    "truediv": (_dual_div, _dual_div_c, _swap(_dual_rdiv_c)),
}
_HYPER_IMPLS = {
    "add": (_hyper_add, _hyper_add_c, _swap(_hyper_add_c)),
    "sub": (_hyper_sub, _hyper_sub_c, _swap(_hyper_rsub_c)),
    "mul": (_hyper_mul, _hyper_mul_c, _swap(_hyper_mul_c)),
    "truediv": (_hyper_div, _hyper_div_c, _swap(_hyper_rdiv_c)),
}
_DUAL2_IMPLS = {
    "add": (_d2_add, _d2_add_c, _swap(_d2_add_c)),
    "sub": (_d2_sub, _d2_sub_c, _swap(_d2_rsub_c)),
    "mul": (_d2_mul, _d2_mul_c, _swap(_d2_mul_c)),
    "truediv": (_d2_div, _d2_div_c, _swap(_d2_rdiv_c)),
}
_PARTIALS_IMPLS = {"add": vadd, "sub": vsub}


def _arith_overload(name, op):
    def typer(a, b):
        # Vector partials (inside the Dual calculus).
        if isinstance(a, PartialsType) or isinstance(b, PartialsType):
            if name in _PARTIALS_IMPLS and a == b:
                fn = _PARTIALS_IMPLS[name]
                return lambda a, b: fn(a, b)
            if name == "mul" and isinstance(a, PartialsType) and is_real(b):
                return lambda a, b: vscale(a, b)
            if name == "mul" and isinstance(b, PartialsType) and is_real(a):
                return lambda a, b: vscale(b, a)
            if name == "truediv" and isinstance(a, PartialsType) and is_real(b):
                return lambda a, b: vdivide(a, b)
            return None
        k = classify(a, b)
        if k is None:
            return None
        kind, T = k
        impls = (_DUAL_IMPLS if isinstance(T, DualType) else
                 _DUAL2_IMPLS if isinstance(T, Dual2Type) else _HYPER_IMPLS)[name]
        if kind == "same":
            return converting(op, a, b, T) or impls[0]
        return impls[1] if kind == "left" else impls[2]
    return typer


_ARITH = {"add": (operator.add, operator.iadd), "sub": (operator.sub, operator.isub),
          "mul": (operator.mul, operator.imul),
          "truediv": (operator.truediv, operator.itruediv)}

for _name, (_op, _iop) in _ARITH.items():
    # numba does not fall back from x += y to x = x + y for extension types.
    overload(_op, **GENERIC)(_arith_overload(_name, _op))
    overload(_iop, **GENERIC)(_arith_overload(_name, _op))


@overload(operator.neg, **GENERIC)
def _neg(x):
    if isinstance(x, PartialsType):
        return lambda x: vneg(x)
    if isinstance(x, DualType):
        return _dual_neg
    if isinstance(x, HyperDualType):
        return _hyper_neg
    if isinstance(x, Dual2Type):
        return _d2_neg


@overload(operator.pos, **GENERIC)
def _pos(x):
    if is_dual(x) or isinstance(x, PartialsType):
        return lambda x: x


# ------------------------------------------------ comparisons, by value ---

def _compare_overload(op):
    def typer(a, b):
        if (is_dual(a) and (is_dual(b) or is_real(b))) or (is_dual(b) and is_real(a)):
            return lambda a, b: op(innermost(a), innermost(b))
    return typer


for _op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge):
    overload(_op, **GENERIC)(_compare_overload(_op))


# ------------------------------------------- construction and attributes ---

@overload(_scalar.Dual, strict=False, **GENERIC)
def _dual_ctor(value, partials, tag=0):
    if infer_dual_type(value, partials) is not None:
        def impl(value, partials, tag=0):
            return make_dual(value, partials)
        return impl


@overload(_scalar.HyperDual, strict=False, **GENERIC)
def _hyper_ctor(re, eps1=0.0, eps2=0.0, eps1eps2=0.0, tag=0):
    def impl(re, eps1=0.0, eps2=0.0, eps1eps2=0.0, tag=0):
        return make_hyperdual(re, eps1, eps2, eps1eps2)
    return impl


@overload_attribute(DualType, "eps", **GENERIC)
def _dual_eps(d):
    if d.n == 1:
        return lambda d: d.partials
    return lambda d: vget(d.partials, 0)


@overload_attribute(DualType, "n", **GENERIC)
def _dual_n(d):
    n = d.n
    return lambda d: n


@overload_attribute(HyperDualType, "value", **GENERIC)
def _hyper_value(h):
    return lambda h: h.re


@overload_method(DualType, "partial", **GENERIC)
def _dual_partial(d, i):
    """d.partial(i): partial i (for N == 1, i must be 0)."""
    if d.n == 1:
        return lambda d, i: d.partials
    return lambda d, i: vget(d.partials, i)


@overload(operator.getitem, **GENERIC)
def _partials_getitem(v, i):
    if isinstance(v, PartialsType) and isinstance(i, types.Integer):
        return lambda v, i: vget(v, i)


@overload(len, **GENERIC)
def _partials_len(v):
    if isinstance(v, PartialsType):
        n = v.n
        return lambda v: n


# ----------------------------------------- conversions that lose information --

def _refuse(what):
    def typer(x, *args):
        if is_dual(x):
            raise TypingError(
                f"dualad: {what}() of a {x.short} would drop its derivative. Read the value "
                "explicitly (d.value, h.re) or keep computing with the dual")
    return typer


overload(float, **GENERIC)(_refuse("float"))
overload(int, **GENERIC)(_refuse("int"))
overload(bool, **GENERIC)(_refuse("bool"))


@overload(operator.setitem, **GENERIC)
def _store_dual_in_real_array(arr, idx, val):
    if isinstance(val, types.Array):
        val = val.dtype
    if isinstance(arr, types.Array) and is_dual(val) and not is_dual(arr.dtype):
        raise TypingError(
            f"dualad: storing a {val.short} into an array of {arr.dtype} would drop its "
            "derivative. Store d.value explicitly, or allocate the output from the "
            "input (np.empty_like(x)) so that it holds duals")
