"""The in-place operators on arrays of duals inside nopython code: ``x += y``,
``out[i:j] *= 2``, ``dy[:-1] -= r``.

Each updates its left operand element by element with the scalar function of
``elementwise``'s map of the same operator (``x += y`` is ``operator.add`` per
element), b broadcast to a as NumPy does, and returns a (``rewrites`` relies on
that). An in-place operation on an array of floats with duals is refused: it
would store duals into floats and drop their derivatives.
"""
import numpy as np
from numba.core import types
from numba.core.typing import npydecl as _npydecl
from numba.extending import overload

from .elementwise import OPERATORS, dual_array, is_number, map_operands, source_index
from .registry import OVERLOAD, jitable


def broadcasts_to(src_shape, shape):
    """True if an operand of ``src_shape`` broadcasts to ``shape`` (NumPy's rule)."""
    nd, ns = len(shape), len(src_shape)
    for s in range(ns):
        d = s + nd - ns
        n = src_shape[s]
        if n != 1 and (d < 0 or n != shape[d]):
            return False
    return True


jitable(broadcasts_to)


def inplace_map(fn, a, b):
    """impl(a, b) for ``a op= b``: a's elements replaced by fn(a, b), b broadcast to a.

    A 1-D a (any layout: ``dy[:-1] -= r``, ``out[::2] *= 2``) is updated element by
    element, a C-contiguous one in a flat loop; other layouts get the result of the
    map, element by element. (``a[...] = r`` would cost seconds of compile time per
    operator.)"""
    if not dual_array(a):
        if isinstance(a, types.Array):
            raise TypeError(
                f"dualad: an in-place operation on an array of {a.dtype} with duals would "
                "store duals into it and drop their derivatives. Allocate the array from "
                "the input (np.empty_like(x), np.zeros(n, dtype=x.dtype)) so that it holds "
                "duals, or write y = y op x")
        return None
    b_array = isinstance(b, types.Array)
    if a.ndim == 1 and b_array and b.ndim == 1:   # dy[:-1] -= r: the common case
        def impl(a, b):
            n, m = a.shape[0], b.shape[0]
            if m != n and m != 1:
                raise ValueError("non-broadcastable output operand")
            step = 1 if m == n else 0
            for i in range(n):
                a[i] = fn(a[i], b[i * step])
            return a
        return impl
    if a.ndim == 1 and not b_array:               # x[i:j] *= 2
        def impl(a, b):
            for i in range(a.shape[0]):
                a[i] = fn(a[i], b)
            return a
        return impl
    if a.layout != "C" and a.ndim == 1:   # a strided slice, b of another rank
        def impl(a, b):
            if not broadcasts_to(np.shape(b), a.shape):
                raise ValueError("non-broadcastable output operand")
            bf = np.asarray(b).ravel()
            step = 0 if bf.size == 1 else 1
            for i in range(a.shape[0]):
                a[i] = fn(a[i], bf[i * step])
            return a
        return impl
    if a.layout != "C":                   # (rare: slower to compile)
        def impl(a, b):
            if b_array and not broadcasts_to(np.shape(b), a.shape):
                raise ValueError("non-broadcastable output operand")
            r = fn(a, b)
            for idx in np.ndindex(a.shape):
                a[idx] = r[idx]
            return a
        return impl
    if b_array:
        def impl(a, b):
            if not broadcasts_to(b.shape, a.shape):
                raise ValueError("non-broadcastable output operand")
            af = a.reshape(a.size)
            bf = b.ravel()  # a copy unless C-contiguous: b may overlap a (NumPy buffers)
            if bf.size == af.size:
                for i in range(af.size):
                    af[i] = fn(af[i], bf[i])
            else:
                for i in range(af.size):
                    af[i] = fn(af[i], bf[source_index(i, a.shape, b.shape)])
            return a
        return impl

    def impl(a, b):
        af = a.reshape(a.size)
        for i in range(af.size):
            af[i] = fn(af[i], b)
        return a
    return impl


def _inplace_typer(fn):
    def typer(a, b):
        if isinstance(a, types.Array) and map_operands(a, b):
            return inplace_map(fn, a, b)
    return typer



# --------------------------------------------------------- registrations ---

# numba types ``a op= b`` on arrays first with its own in-place template
# (numba/core/typing/npydecl.py, NumpyRulesInplaceArrayOperator.generic,
# numba 0.68): for a dtype with no ufunc loop its base template returns None
# and the in-place one then fails on ``assert len(sig.args) == 3`` with an
# AttributeError, which numba does not capture, so no later overload (this
# module's) is ever tried. The template is told to decline where duals are
# involved; every other case reaches numba's code unchanged.
_inplace_generic = getattr(_npydecl.NumpyRulesInplaceArrayOperator.generic, "__wrapped__",
                           _npydecl.NumpyRulesInplaceArrayOperator.generic)


def _inplace_declining_duals(self, args, kws):
    if any(dual_array(t) or is_number(t) for t in args):
        return None
    return _inplace_generic(self, args, kws)


_inplace_declining_duals.__wrapped__ = _inplace_generic
_npydecl.NumpyRulesInplaceArrayOperator.generic = _inplace_declining_duals

INPLACE_OPERATORS = frozenset(OPERATORS.values())  # each updates its left operand
for _op, _iop in OPERATORS.items():
    overload(_iop, **OVERLOAD)(_inplace_typer(_op))
