"""Vector partials: arithmetic on ``<N x float>`` (``PartialsType``) in LLVM.

The partials of a ``Dual[float, N > 1]`` live in one vector register; the
Dual calculus adds, subtracts, negates and scales them with these, one
vector instruction each (``operators`` maps ``+ - * /`` on partials here).
"""
from llvmlite import ir
from numba.core import types

from .registry import generic_intrinsic
from .types import PartialsType, is_real

_I32 = ir.IntType(32)


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
