"""Taylor recurrences lowered as straight-line code on the coefficients' LLVM values.

A recurrence of ``taylor_ops`` is a plain Python function over indexable
coefficient sequences, ``fn(*inputs, *outputs, n)`` (inputs: coefficient
sequences and floats; outputs: sequences it fills). ``recurrence(fn, n_out)``
makes of it one intrinsic ``r(*inputs)`` returning the Taylor number(s) it
fills, lowered in one of two ways from the *same* source:

* ``n <= UNROLL_MAX_N``: fn runs at compile time on Python lists of
  ``_Value`` objects, whose arithmetic emits LLVM instructions. The result is
  the fully unrolled recurrence on SSA values (``extractvalue``/``insertvalue``
  of the ``[n x double]`` coefficient array): no stack buffer, no
  zero-initialised temporary, no loop, so LLVM schedules and vectorises the
  whole kernel body. The operations and their order are those of the loop
  (the same floating-point results in float64).
* larger n: fn compiled as a loop over stack buffers (``compile_internal``
  with pointers, one compiled loop per recurrence and dtype), so the code and
  compile time of each operation stay O(1) in K instead of O(K²).

The threshold was measured on ``bench/bench_taylor.py`` (see ``UNROLL_MAX_N``).
"""
from llvmlite import ir
from numba.core import cgutils, types

from .registry import generic_intrinsic
from .taylor_types import is_taylor
from .types import is_real

UNROLL_MAX_N = 17
"""Recurrences on at most this many coefficients (order 16) are unrolled.

Measured (exp(sin x)/(1 + x²) at 1e5 points, one thread, f inlined into the
kernel; the same box at the same time): order 8 at 2.2x the primal unrolled,
15x looped (before); order 16 at 4.5-8x unrolled, ~60x looped; order 24
unrolled 38x against looped 86-100x, but its compile took 1.6 s against
0.9 s, and the unrolled code (so its compile time) grows as K². Above the
threshold the loops keep each operation's code O(1) in K."""


class _Value:
    """A float LLVM value during codegen; arithmetic with numbers and other values
    emits the instruction (Python numbers become constants of the dtype)."""

    __slots__ = ("builder", "ty", "v")

    def __init__(self, builder, ty, v):
        self.builder, self.ty, self.v = builder, ty, v

    def _of(self, other):
        if isinstance(other, _Value):
            return other.v
        return ir.Constant(self.ty, float(other))

    def _new(self, v):
        return _Value(self.builder, self.ty, v)

    def __add__(self, o):
        return self._new(self.builder.fadd(self.v, self._of(o)))

    def __radd__(self, o):
        return self._new(self.builder.fadd(self._of(o), self.v))

    def __sub__(self, o):
        return self._new(self.builder.fsub(self.v, self._of(o)))

    def __rsub__(self, o):
        return self._new(self.builder.fsub(self._of(o), self.v))

    def __mul__(self, o):
        return self._new(self.builder.fmul(self.v, self._of(o)))

    def __rmul__(self, o):
        return self._new(self.builder.fmul(self._of(o), self.v))

    def __truediv__(self, o):
        return self._new(self.builder.fdiv(self.v, self._of(o)))

    def __rtruediv__(self, o):
        return self._new(self.builder.fdiv(self._of(o), self.v))

    def __neg__(self):
        return self._new(self.builder.fneg(self.v))


def _typer(args):
    """The Taylor type of the result (that of every Taylor argument), or None if
    args do not fit."""
    tt = next((a for a in args if is_taylor(a)), None)
    if tt is None or not all(a == tt or is_real(a) for a in args):
        return None
    return tt


def _unrolled(fn, context, builder, tt, sig, args, n_out):
    ty = context.get_value_type(tt.dtype)
    ins = []
    for a, v in zip(sig.args, args):
        if is_taylor(a):
            c = cgutils.create_struct_proxy(a)(context, builder, value=v).c
            ins.append([_Value(builder, ty, builder.extract_value(c, k)) for k in range(tt.n)])
        else:
            ins.append(_Value(builder, ty, context.cast(builder, v, a, tt.dtype)))
    outs = [[None] * tt.n for _ in range(n_out)]
    fn(*ins, *outs, tt.n)
    results = []
    for out in outs:
        arr = ir.Constant(context.get_value_type(tt.coefficients), ir.Undefined)
        for k, val in enumerate(out):
            v = val.v if isinstance(val, _Value) else ir.Constant(ty, float(val))
            arr = builder.insert_value(arr, v, k)
        st = cgutils.create_struct_proxy(tt)(context, builder)
        st.c = arr
        results.append(st._getvalue())
    return results


def _looped(fn, context, builder, tt, sig, args, n_out):
    arr_ty = context.get_value_type(tt.coefficients)
    ptr = types.CPointer(tt.dtype)
    zero = ir.Constant(ir.IntType(32), 0)
    vals, argtys, outs = [], [], []

    def buffer():
        arr = cgutils.alloca_once(builder, arr_ty)
        return arr, builder.gep(arr, [zero, zero])

    for a, v in zip(sig.args, args):
        if is_taylor(a):
            arr, p = buffer()
            builder.store(cgutils.create_struct_proxy(a)(context, builder, value=v).c, arr)
            vals.append(p)
            argtys.append(ptr)
        else:
            vals.append(context.cast(builder, v, a, tt.dtype))
            argtys.append(tt.dtype)
    for _ in range(n_out):
        arr, p = buffer()
        outs.append(arr)
        vals.append(p)
        argtys.append(ptr)
    vals.append(context.get_constant(types.intp, tt.n))
    argtys.append(types.intp)
    context.compile_internal(builder, fn, types.none(*argtys), vals)
    results = []
    for arr in outs:
        st = cgutils.create_struct_proxy(tt)(context, builder)
        st.c = builder.load(arr)
        results.append(st._getvalue())
    return results


def recurrence(fn, n_out=1, unroll=False):
    """The intrinsic ``r(*inputs)`` running ``fn(*inputs, *outputs, n)``: the Taylor
    number it fills (``n_out == 1``), or a tuple of the n_out it fills.

    ``unroll=True``: unrolled at every order (for O(K) recurrences, whose
    unrolled code is O(K) too); else up to ``UNROLL_MAX_N`` coefficients."""

    def typer(typingctx, *args):
        tt = _typer(args)
        if tt is None:
            return None
        ret = tt if n_out == 1 else types.UniTuple(tt, n_out)

        def codegen(context, builder, sig, args):
            lower = _unrolled if (unroll or tt.n <= UNROLL_MAX_N) else _looped
            results = lower(fn, context, builder, tt, sig, args, n_out)
            if n_out == 1:
                return results[0]
            return context.make_tuple(builder, sig.return_type, results)
        return ret(*args), codegen

    arity = fn.__code__.co_argcount - n_out - 1
    fixed = _FIXED[arity](typer)  # numba's lowering needs named parameters
    fixed.__name__ = fn.__name__.strip("_")[:-2] + "_recurrence"
    return generic_intrinsic(fixed)


def _fixed1(typer):
    def r(typingctx, a):
        return typer(typingctx, a)
    return r


def _fixed2(typer):
    def r(typingctx, a, b):
        return typer(typingctx, a, b)
    return r


def _fixed3(typer):
    def r(typingctx, a, b, c):
        return typer(typingctx, a, b, c)
    return r


def _fixed4(typer):
    def r(typingctx, a, b, c, d):
        return typer(typingctx, a, b, c, d)
    return r


_FIXED = {1: _fixed1, 2: _fixed2, 3: _fixed3, 4: _fixed4}

