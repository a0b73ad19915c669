"""Floats in nopython code: the float implementation of every rule, on every target.

``float_impl(rule)`` is what a rule computes on plain floats inside numba:
numba's own ``math.<name>`` where it exists and returns a float, else an
intrinsic here (``float_floor``, ``float_sign``, ...: the LLVM code numba
emits for the NumPy ufunc on the CPU, so CPU results and speed are
unchanged, and code NVVM accepts on CUDA), else the rule's own primal made
jitable. ``tofloat`` promotes ints and bools where a rule meets them.
"""
import math

import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import overload

from .registry import OVERLOAD, generic_intrinsic, jitable

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


# ------------------------------------------------- the rules on floats ---

def _floordiv(x, y):
    return x // y


def _mod(x, y):
    return x % y


def _log_base(x, b):
    return math.log(x) / math.log(b)


# Where math.<name> is missing in numba or returns an int (floor & co.). No
# NumPy ufuncs: these lower on every target (numba-cuda has no np.floor, ...),
# with the code numba generates for the ufuncs on the CPU.
FLOAT_IMPL = {
    "floor": float_floor, "ceil": float_ceil, "trunc": float_trunc, "round": float_rint,
    "sign": float_sign, "cbrt": float_cbrt, "fmod": float_fmod, "pow": math.pow,
    "floordiv": jitable(_floordiv), "mod": jitable(_mod), "log_base": jitable(_log_base),
}


def float_impl(rule):
    """The nopython implementation of ``rule`` on floats (numba's math.<name> where it fits)."""
    fn = FLOAT_IMPL.get(rule.name)
    if fn is None:
        fn = getattr(math, rule.name, None)
    if fn is None:
        fn = jitable(rule.primal)
    return fn


def tofloat(x):
    """x as a float: ints and bools convert, floats pass through (nopython only)."""
    return x


@overload(tofloat, **OVERLOAD)
def _tofloat(x):
    if isinstance(x, types.Float):
        return lambda x: x
    if isinstance(x, (types.Integer, types.Boolean)):
        return lambda x: float(x)


def real_unary(fimpl):
    """The impl of a one-argument rule on reals: fimpl on the argument as a float."""
    def impl(x):
        return fimpl(tofloat(x))
    return impl


def real_binary(fimpl):
    """The impl of a two-argument rule on reals."""
    def impl(x, y):
        return fimpl(tofloat(x), tofloat(y))
    return impl
