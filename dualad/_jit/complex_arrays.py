"""Arrays of complex duals: their parts and moduli, elementwise.

``np.real``, ``np.imag``, ``np.conjugate``, ``np.abs`` and ``abs`` of an
array of complex duals (``Dual[complex128, n]``, ...) map the scalar parts
(``attributes``) over it; the parts and ``|z|`` are arrays of real duals of
the same shape (``elementwise`` declines ``abs`` for them). On an array of
real duals the parts are NumPy's of a real array (itself, zeros, a copy).
Every other array expression on complex duals is ``elementwise``'s, unchanged.
"""
import numpy as np
from numba.core import types
from numba.extending import overload

from .complex_partials import part_type
from .elementwise import dual_array, unary_map
from .registry import OVERLOAD, jitable
from .types import is_complex_dual


def _real(x):
    return x.real


def _imag(x):
    return x.imag


def _conj(x):
    return x.conjugate()


def _abs(x):
    return abs(x)


_PARTS = {np.real: (_real, "real"), np.imag: (_imag, "imag"), np.conjugate: (_conj, "conj"),
          np.absolute: (_abs, "real"), abs: (_abs, "real")}   # (np.conj is np.conjugate)


def _same(a):
    return a


def _copy(a):
    return a.copy()


def _zeros(a):
    return np.zeros_like(a)


_OF_REAL = {"real": _same, "imag": _zeros, "conj": _copy}
"""The parts of an array of real duals, as NumPy's of a real array: itself (``.real``),
zeros of its type (``.imag``: a derivative of 0), a copy (``conj``)."""


def _part_typer(fn, which, of_real=None):
    jitable(fn)

    def typer(a):
        if dual_array(a) and is_complex_dual(a.dtype):
            return unary_map(fn, part_type(a.dtype, which))
        if of_real is not None and dual_array(a):
            return of_real
    return typer


for _uf, (_fn, _which) in _PARTS.items():
    _r = _OF_REAL[_which] if _fn is not _abs else None   # (abs of real duals: elementwise)
    overload(_uf, strict=False, **OVERLOAD)(_part_typer(_fn, _which, _r))


# The attribute and method spellings z.real, z.imag, z.conj() cannot be given
# for dual dtypes alone: numba types and lowers an array attribute or method
# by its template for types.Array, whatever the dtype (one registered here
# takes plain arrays' z.real from numba). np.real(z), np.imag(z), np.conj(z)
# work on arrays of duals.


def parts_of(y):
    """f's output y as one 1-D array of real numbers: (Re y, Im y), raveled, for a
    complex y (an array or a scalar, of duals or of complex numbers); (y, 0) for a
    real one. The real-valued form of a complex function (``_backends.complex_batch``)."""


@overload(parts_of, **OVERLOAD)
def _parts_of(y):
    if isinstance(y, types.Array):
        if is_complex_dual(y.dtype) or isinstance(y.dtype, types.Complex):
            return lambda y: np.concatenate((np.real(y).ravel(), np.imag(y).ravel()))
        return lambda y: np.concatenate((y.ravel(), np.zeros_like(y).ravel()))
    if is_complex_dual(y) or isinstance(y, types.Complex):
        return lambda y: np.array([y.real, y.imag])
    return lambda y: np.array([y, 0.0])
