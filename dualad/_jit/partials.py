"""Vector partials: arithmetic on ``<N x float>`` (``PartialsType``) in LLVM.

The partials of a ``Dual[float, N > 1]`` live in one vector register; the
Dual calculus adds, subtracts, negates and scales them with these, one
vector instruction each (``operators`` maps ``+ - * /`` on partials here).
"""
import operator

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


# Each vector operation is a typer (typingctx, *types) -> (sig, codegen) | None,
# made an intrinsic below; the calculus' operations reuse the typers.

def _vec_binop(name):
    def typer(typingctx, a, b):
        if isinstance(a, PartialsType) and a == b:
            def codegen(context, builder, sig, args):
                return getattr(builder, name)(*args)
            return a(a, b), codegen
        return None
    typer.__name__ = "v" + name
    return typer


_vadd = _vec_binop("fadd")
_vsub = _vec_binop("fsub")
vadd = generic_intrinsic(_vadd)
vsub = generic_intrinsic(_vsub)


def _vneg(typingctx, a):
    if not isinstance(a, PartialsType):
        return None

    def codegen(context, builder, sig, args):
        # -0.0 - x, not fneg: NVVM (numba-cuda) parses LLVM 7 IR, which has no fneg.
        vt = args[0].type
        minus_zero = ir.Constant(vt, [ir.Constant(vt.element, -0.0)] * vt.count)
        return builder.fsub(minus_zero, args[0])
    return a(a), codegen


vneg = generic_intrinsic(_vneg)


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
    return typer


_vscale = _vec_scalar("fmul")
_vdivide = _vec_scalar("fdiv")
vscale = generic_intrinsic(_vscale)
vdivide = generic_intrinsic(_vdivide)


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


# ---------------------------------------- the calculus' partials operations ---
# padd, psub, pmul, pdiv, pneg: what the calculus writes for sums, differences,
# scalings and negations of partials (or of a Dual2's gradient and Hessian).
# Vector partials are one vector instruction each, lowered inline into the
# calculus function. Anything else (float partials, nested duals' dual
# partials) lowers exactly as the operator does (numba's own float op inline,
# or a call of dualad's compiled overload). Written as ``a.partials + b.partials``,
# the vector case was an overload impl of its own: a compile unit per operation
# and partials type, four to eight of the twenty units of a small f.

def _as_operator(typingctx, op, args):
    """(sig, codegen) lowering ``op(*args)`` as numba lowers the operator, or None."""
    fnty = typingctx.resolve_value_type(op)
    sig = typingctx.resolve_function_type(fnty, args, {})
    if sig is None:
        return None

    def codegen(context, builder, sig, llargs):
        return context.get_function(fnty, sig)(builder, llargs)
    return sig, codegen


def _vector_fast(kind, a, b):
    """The inline vector form of ``kind`` on (a, b), or None where there is none."""
    if kind in ("add", "sub") and isinstance(a, PartialsType) and a == b:
        return _vadd if kind == "add" else _vsub
    if kind in ("mul", "truediv") and isinstance(a, PartialsType) and is_real(b):
        return _vscale if kind == "mul" else _vdivide
    return None


def _partials_op(kind, op):
    def typer(typingctx, a, b):
        if kind == "mul" and is_real(a) and isinstance(b, PartialsType):
            sig, codegen = _vscale(typingctx, b, a)

            def swapped(context, builder, sig_, args):
                return codegen(context, builder, sig, args[::-1])
            return sig.return_type(a, b), swapped
        fast = _vector_fast(kind, a, b)
        if fast is not None:
            return fast(typingctx, a, b)
        return _as_operator(typingctx, op, (a, b))
    typer.__name__ = "p" + kind
    return generic_intrinsic(typer)


padd = _partials_op("add", operator.add)
psub = _partials_op("sub", operator.sub)
pmul = _partials_op("mul", operator.mul)
pdiv = _partials_op("truediv", operator.truediv)


@generic_intrinsic
def pneg(typingctx, a):
    if isinstance(a, PartialsType):
        return _vneg(typingctx, a)
    return _as_operator(typingctx, operator.neg, (a,))
