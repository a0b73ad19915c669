"""LLVM-level building blocks: constructors, casts, vector partials and the
float functions numba-cuda lacks.

Intrinsics are lowered inline into their caller (no call, no separate
compilation), which keeps compile time low; the arithmetic of the number
types (operators.py) is written on top of them as plain jitted code.
"""
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import NumbaTypeError
from numba.extending import intrinsic

from .types import (Dual2Type, DualType, HyperDualType, PartialsType, cast_value,
                    dual2_triangle, is_dual, is_real, unify_types)

_I32 = ir.IntType(32)
generic_intrinsic = intrinsic(target="generic")


def _struct(context, builder, typ, **fields):
    st = cgutils.create_struct_proxy(typ)(context, builder)
    for k, v in fields.items():
        setattr(st, k, v)
    return st._getvalue()


# ------------------------------------------------------------ constructors --

@generic_intrinsic
def dual_like(typingctx, x, value, partials):
    """A Dual of x's type from a value and partials (converted to its components)."""
    if not isinstance(x, DualType):
        return None
    sig = x(x, value, partials)

    def codegen(context, builder, sig, args):
        _, v, p = args
        return _struct(context, builder, x,
                       value=cast_value(context, builder, value, x.base, v),
                       partials=cast_value(context, builder, partials, x.partials_type, p))
    return sig, codegen


@generic_intrinsic
def hyper_like(typingctx, x, re, eps1, eps2, eps1eps2):
    """A HyperDual of x's type from four components."""
    if not isinstance(x, HyperDualType):
        return None
    sig = x(x, re, eps1, eps2, eps1eps2)

    def codegen(context, builder, sig, args):
        comps = [cast_value(context, builder, t, x.base, v)
                 for t, v in zip(sig.args[1:], args[1:])]
        return _struct(context, builder, x, **dict(zip(HyperDualType.fields, comps)))
    return sig, codegen


@generic_intrinsic
def dual2_like(typingctx, x, value, grad, hess):
    """A Dual2 of x's type from a value, a gradient and a packed Hessian."""
    if not isinstance(x, Dual2Type):
        return None
    sig = x(x, value, grad, hess)

    def codegen(context, builder, sig, args):
        _, v, g, h = args
        return _struct(context, builder, x,
                       value=cast_value(context, builder, value, x.base, v),
                       grad=cast_value(context, builder, grad, x.grad_type, g),
                       hess=cast_value(context, builder, hess, x.hess_type, h))
    return sig, codegen


def _outer_operands(builder, x, vals):
    """The gradients vals spread over the packed triangle: (rows, cols) per vector."""
    if x.n == 1:
        return [(v, v) for v in vals]
    rows, cols = dual2_triangle(x.n)
    vt = ir.VectorType(_I32, len(rows))
    mi, mj = ir.Constant(vt, rows), ir.Constant(vt, cols)
    out = []
    for v in vals:
        undef = ir.Constant(v.type, ir.Undefined)
        out.append((builder.shuffle_vector(v, undef, mi), builder.shuffle_vector(v, undef, mj)))
    return out


@generic_intrinsic
def outer_sym(typingctx, x, a, b):
    """a b^T + b a^T (gradients of the Dual2 x's type), packed like x.hess."""
    if not (isinstance(x, Dual2Type) and a == x.grad_type and b == x.grad_type):
        return None

    def codegen(context, builder, sig, args):
        (ai, aj), (bi, bj) = _outer_operands(builder, x, args[1:])
        return builder.fadd(builder.fmul(ai, bj), builder.fmul(aj, bi))
    return x.hess_type(x, a, b), codegen


@generic_intrinsic
def outer_sq(typingctx, x, a):
    """a a^T (a gradient of the Dual2 x's type), packed like x.hess."""
    if not (isinstance(x, Dual2Type) and a == x.grad_type):
        return None

    def codegen(context, builder, sig, args):
        ((ai, aj),) = _outer_operands(builder, x, args[1:])
        return builder.fmul(ai, aj)
    return x.hess_type(x, a), codegen


def _component_base(value, others):
    """The base type of a number built from ``value`` and ``others``.

    A float value decides the float width (a literal 1.0 is float64 in numba
    but must not widen a float32 dual); an int value takes the others' type.
    A dual anywhere makes the base a dual (the deeper one wins).
    """
    comps = [value] + list(others)
    if not all(is_real(t) or is_dual(t) for t in comps):
        return None
    duals = [t for t in comps if is_dual(t)]
    if duals:
        base = duals[0]
        for t in duals[1:]:
            base = unify_types(base, t)
            if base is None:
                return None
        return base
    if isinstance(value, types.Float):
        return value
    floats = [t for t in others if isinstance(t, types.Float)]
    if not floats:
        return types.float64
    return max(floats, key=lambda t: t.bitwidth)


def infer_dual_type(value, partials):
    """The DualType that Dual(value, partials) builds, or None."""
    if isinstance(partials, PartialsType):
        n = partials.n
        others = [partials.dtype]
    elif isinstance(partials, types.BaseTuple) and len(partials) >= 1:
        n = len(partials)
        others = list(partials.types) if isinstance(partials, types.Tuple) \
            else [partials.dtype]
    else:
        n = 1
        others = [partials]
    base = _component_base(value, others)
    if base is None:
        return None
    if n > 1 and is_dual(base):
        raise NumbaTypeError("a compiled Dual with several partials needs float partials "
                             f"(got {base}): nested duals take one partial per level")
    return DualType(base, n)


@generic_intrinsic
def make_dual(typingctx, value, partials):
    """Dual(value, partials) with the type inferred from the arguments."""
    typ = infer_dual_type(value, partials)
    if typ is None:
        return None
    sig = typ(value, partials)

    def codegen(context, builder, sig, args):
        v, p = args
        val = cast_value(context, builder, value, typ.base, v)
        if isinstance(partials, types.BaseTuple):
            items = cgutils.unpack_tuple(builder, p, len(partials))
            items = [cast_value(context, builder, t, typ.base, it)
                     for t, it in zip(partials, items)]
            if typ.n == 1:
                pv = items[0]
            else:
                pv = ir.Constant(context.get_value_type(typ.partials_type), ir.Undefined)
                for i, it in enumerate(items):
                    pv = builder.insert_element(pv, it, ir.Constant(_I32, i))
        else:
            pv = cast_value(context, builder, partials, typ.partials_type, p)
        return _struct(context, builder, typ, value=val, partials=pv)
    return sig, codegen


@generic_intrinsic
def make_hyperdual(typingctx, re, eps1, eps2, eps1eps2):
    base = _component_base(re, (eps1, eps2, eps1eps2))
    if base is None:
        return None
    typ = HyperDualType(base)
    sig = typ(re, eps1, eps2, eps1eps2)

    def codegen(context, builder, sig, args):
        comps = [cast_value(context, builder, t, base, v) for t, v in zip(sig.args, args)]
        return _struct(context, builder, typ, **dict(zip(HyperDualType.fields, comps)))
    return sig, codegen


# ------------------------------------------------------------------- casts --

@generic_intrinsic
def convert(typingctx, x, tref):
    """x cast to the type held by tref (a TypeRef)."""
    target = tref.instance_type
    sig = target(x, tref)

    def codegen(context, builder, sig, args):
        return cast_value(context, builder, x, target, args[0])
    return sig, codegen


@generic_intrinsic
def const_like(typingctx, c, like):
    """A constant operand for a dual of type ``like``: reals take its float type."""
    if is_real(c):
        target = like.dtype if is_dual(like) else like
    elif is_dual(c):
        target = c
    else:
        return None
    sig = target(c, like)

    def codegen(context, builder, sig, args):
        return cast_value(context, builder, c, target, args[0])
    return sig, codegen


@generic_intrinsic
def innermost(typingctx, x):
    """The real value at the bottom of a (nested) dual; reals pass through."""
    if is_dual(x):
        chain = []
        t = x
        while is_dual(t):
            chain.append(t)
            t = t.base
        res = t
    elif is_real(x):
        chain = []
        res = x
    else:
        return None
    sig = res(x)

    def codegen(context, builder, sig, args):
        v = args[0]
        for t in chain:
            st = cgutils.create_struct_proxy(t)(context, builder, value=v)
            v = st.re if isinstance(t, HyperDualType) else st.value
        return v
    return sig, codegen


# --------------------------------------------------------- vector partials --

def _splat(builder, s, vecty):
    undef = ir.Constant(vecty, ir.Undefined)
    one = builder.insert_element(undef, s, ir.Constant(_I32, 0))
    mask = ir.Constant(ir.VectorType(_I32, vecty.count), [0] * vecty.count)
    return builder.shuffle_vector(one, undef, mask)


def _vec_binop(name):
    def typer(typingctx, a, b):
        if isinstance(a, PartialsType) and a == b:
            def codegen(context, builder, sig, args):
                return getattr(builder, name)(*args)
            return a(a, b), codegen
        return None
    typer.__name__ = "v" + name
    return generic_intrinsic(typer)


vadd = _vec_binop("fadd")
vsub = _vec_binop("fsub")


@generic_intrinsic
def vneg(typingctx, a):
    if not isinstance(a, PartialsType):
        return None

    def codegen(context, builder, sig, args):
        # -0.0 - x, not fneg: NVVM (numba-cuda) parses LLVM 7 IR, which has no fneg.
        vt = args[0].type
        minus_zero = ir.Constant(vt, [ir.Constant(vt.element, -0.0)] * vt.count)
        return builder.fsub(minus_zero, args[0])
    return a(a), codegen


def _vec_scalar(name):
    def typer(typingctx, v, s):
        if isinstance(v, PartialsType) and is_real(s):
            def codegen(context, builder, sig, args):
                x = context.cast(builder, args[1], s, v.dtype)
                vt = context.get_value_type(v)
                return getattr(builder, name)(args[0], _splat(builder, x, vt))
            return v(v, s), codegen
        return None
    typer.__name__ = "v" + name + "_scalar"
    return generic_intrinsic(typer)


vscale = _vec_scalar("fmul")
vdivide = _vec_scalar("fdiv")


@generic_intrinsic
def vget(typingctx, v, i):
    """Partial i of a vector of partials."""
    if not (isinstance(v, PartialsType) and isinstance(i, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        idx = builder.trunc(args[1], _I32) if args[1].type.width > 32 else \
            builder.sext(args[1], _I32) if args[1].type.width < 32 else args[1]
        return builder.extract_element(args[0], idx)
    return v.dtype(v, i), codegen


# --------------------------------------------------------- float functions --
# Float implementations of the rules whose NumPy scalar ufuncs numba-cuda
# cannot lower (np.floor, np.sign, np.cbrt, ...): the same LLVM code numba
# emits for those ufuncs on the CPU (so CPU results and speed are unchanged).
# Where NVVM takes the same LLVM code (llvm.floor, llvm.ceil, llvm.trunc,
# comparisons) both targets share it; elsewhere CUDA calls libdevice, which
# numba-cuda links into every module: rint (NVVM rejects llvm.rint), cbrt (no
# LLVM intrinsic) and fmod (NVPTX expands frem as x - y*trunc(x/y), inexact).

_FLOATS = (types.float32, types.float64)


def _on_cuda(context):
    return getattr(context, "target_name", None) == "cuda"


def _libdevice(builder, name, args):
    """Call libdevice's __nv_<name> (double) or __nv_<name>f (float)."""
    ty = args[0].type
    suffix = "f" if isinstance(ty, ir.FloatType) else ""
    fnty = ir.FunctionType(ty, [a.type for a in args])
    fn = cgutils.get_or_insert_function(builder.module, fnty, f"__nv_{name}{suffix}")
    return builder.call(fn, args)


def _llvm_intrinsic(builder, name, args):
    fn = builder.module.declare_intrinsic(name, [args[0].type])
    return builder.call(fn, args)


def _float_unary(name, lower):
    """A generic intrinsic of one float32/float64, lowered by lower(context, builder, sig, x)."""
    def typer(typingctx, x):
        if x not in _FLOATS:
            return None

        def codegen(context, builder, sig, args):
            return lower(context, builder, sig, args[0])
        return x(x), codegen
    typer.__name__ = "float_" + name
    return generic_intrinsic(typer)


def _llvm_unary(intrinsic_name):
    return lambda context, builder, sig, x: _llvm_intrinsic(builder, intrinsic_name, [x])


float_floor = _float_unary("floor", _llvm_unary("llvm.floor"))
float_ceil = _float_unary("ceil", _llvm_unary("llvm.ceil"))
float_trunc = _float_unary("trunc", _llvm_unary("llvm.trunc"))


def _rint(context, builder, sig, x):
    # Round half to even. NVVM rejects llvm.rint (and llvm.nearbyint, llvm.round).
    if _on_cuda(context):
        return _libdevice(builder, "rint", [x])
    return _llvm_intrinsic(builder, "llvm.rint", [x])


float_rint = _float_unary("rint", _rint)


def _sign(context, builder, sig, x):
    # 1, -1, else x itself: sign(0.0) is 0.0, sign(-0.0) is -0.0, sign(nan) is nan.
    # Straight-line selects: the IR LLVM makes of numba's np.sign for floats.
    zero = ir.Constant(x.type, 0.0)
    one = builder.select(builder.fcmp_ordered(">", x, zero),
                         ir.Constant(x.type, 1.0), ir.Constant(x.type, -1.0))
    return builder.select(builder.fcmp_ordered("!=", x, zero), one, x)


float_sign = _float_unary("sign", _sign)


def _cbrt(context, builder, sig, x):
    if _on_cuda(context):
        return _libdevice(builder, "cbrt", [x])
    return context.get_function(np.cbrt, sig)(builder, [x])


float_cbrt = _float_unary("cbrt", _cbrt)


@generic_intrinsic
def float_fmod(typingctx, x, y):
    """C fmod of two floats (the wider type): frem on the CPU, as np.fmod; libdevice on CUDA."""
    if x not in _FLOATS or y not in _FLOATS:
        return None
    res = max(x, y, key=lambda t: t.bitwidth)

    def codegen(context, builder, sig, args):
        a, b = (context.cast(builder, v, t, res) for v, t in zip(args, sig.args))
        if _on_cuda(context):
            return _libdevice(builder, "fmod", [a, b])
        return builder.frem(a, b)
    return res(x, y), codegen
