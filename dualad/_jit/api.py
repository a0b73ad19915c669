"""Helpers for code that seeds and reads compiled duals (Jacobians, Hessians).

All are callable inside nopython code only.
"""
from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import TypingError
from numba.extending import intrinsic, overload

from .casts import cast_value
from .intrinsics import innermost, make_dual
from .complex_partials import cvget
from .partials import vget
from .registry import OVERLOAD
from .types import ComplexPartialsType, Dual2Type, DualType, PartialsType, is_dual, is_real

_I32 = ir.IntType(32)


def _as_i32(builder, v):
    w = v.type.width
    if w > 32:
        return builder.trunc(v, _I32)
    if w < 32:
        return builder.sext(v, _I32)
    return v


@intrinsic(prefer_literal=True, target="generic")
def seed(typingctx, x, i, n):
    """seed(x, i, n): a Dual with value x and partials e_i (n a compile-time int).

    x may be a real (the Dual is Dual[float, n]) or, for n == 1, a dual (one
    nesting level up; ``i`` must then be 0).
    """
    if not isinstance(n, types.IntegerLiteral):
        raise TypingError("dualad seed(x, i, n): n must be a compile-time constant "
                          "(a literal or a global int)")
    if not isinstance(i, types.Integer):
        return None
    count = n.literal_value
    if is_real(x):
        base = x if isinstance(x, types.Float) else types.float64
    elif is_dual(x) and count == 1:
        base = x
    else:
        return None
    typ = DualType(base, count)
    sig = typ(x, i, n)

    def codegen(context, builder, sig, args):
        v = cast_value(context, builder, x, base, args[0])
        st = cgutils.create_struct_proxy(typ)(context, builder)
        st.value = v
        if count == 1:
            st.partials = cast_value(context, builder, types.float64, base,
                                     context.get_constant(types.float64, 1.0))
        else:
            zero = context.get_constant_null(typ.partials_type)
            one = context.get_constant(base, 1.0)
            st.partials = builder.insert_element(zero, one, _as_i32(builder, args[1]))
        return st._getvalue()
    return sig, codegen


@intrinsic(prefer_literal=True, target="generic")
def seed2(typingctx, x, i, n):
    """seed2(x, i, n): a Dual2 with value x, gradient e_i and a zero Hessian (n a constant)."""
    if not isinstance(n, types.IntegerLiteral):
        raise TypingError("dualad seed2(x, i, n): n must be a compile-time constant")
    if not (is_real(x) and isinstance(i, types.Integer)):
        return None
    base = x if isinstance(x, types.Float) else types.float64
    typ = Dual2Type(base, n.literal_value)

    def codegen(context, builder, sig, args):
        st = cgutils.create_struct_proxy(typ)(context, builder)
        st.value = cast_value(context, builder, x, base, args[0])
        one = context.get_constant(base, 1.0)
        if typ.n == 1:
            st.grad = one
        else:
            zero = context.get_constant_null(typ.grad_type)
            st.grad = builder.insert_element(zero, one, _as_i32(builder, args[1]))
        st.hess = context.get_constant_null(typ.hess_type)
        return st._getvalue()
    return typ(x, i, n), codegen


@intrinsic(prefer_literal=True, target="generic")
def partials_zero(typingctx, dtype, n):
    """Zero partials: a float (n == 1) or a vector of n floats (n a constant)."""
    if not isinstance(n, types.IntegerLiteral):
        raise TypingError("dualad partials_zero(dtype, n): n must be a compile-time constant")
    dt = getattr(dtype, "instance_type", getattr(dtype, "dtype", None))
    if dt not in (types.float32, types.float64):
        return None
    count = n.literal_value
    typ = PartialsType(dt, count) if count > 1 else dt

    def codegen(context, builder, sig, args):
        return context.get_constant_null(typ)
    return typ(dtype, n), codegen


def partial(d, i):
    """Partial i of the dual d (0.0 for a real d, a constant)."""


@overload(partial, **OVERLOAD)
def _partial(d, i):
    if isinstance(d, DualType):
        if d.n == 1:
            return lambda d, i: d.partials
        get = cvget if isinstance(d.partials_type, ComplexPartialsType) else vget
        return lambda d, i: get(d.partials, i)
    if is_real(d) or isinstance(d, types.Complex):
        return lambda d, i: 0.0 * d


def value_of(x):
    """The innermost real value of x (x itself for a real)."""


@overload(value_of, **OVERLOAD)
def _value_of(x):
    if is_dual(x) or is_real(x):
        return lambda x: innermost(x)


def lift(x):
    """Dual(x, 1): x perturbed at one nesting level deeper (x a real or a dual)."""


@overload(lift, **OVERLOAD)
def _lift(x):
    if is_real(x) or is_dual(x):
        return lambda x: make_dual(x, 1.0)


def partial_at(y, level):
    """The partial of y along the perturbation at nesting depth ``level`` (a constant).

    A y of lower depth (or a real) is a constant there: its partial is 0.
    """


@overload(partial_at, prefer_literal=True, **OVERLOAD)
def _partial_at(y, level):
    if not isinstance(level, types.IntegerLiteral):
        return None
    lv = level.literal_value
    if isinstance(y, DualType) and y.n == 1 and y.depth == lv:
        return lambda y, level: y.partials
    if is_real(y) or (is_dual(y) and y.depth < lv):
        return lambda y, level: 0.0 * y
    raise TypingError(
        f"dualad: expected a real number or a Dual of nesting depth <= {lv} "
        f"with one partial, got {y}")
