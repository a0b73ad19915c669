"""Arrays of complex duals: their parts and moduli, elementwise.

``np.real``, ``np.imag``, ``np.conjugate``, ``np.abs`` and ``abs`` of an
array of complex duals (``Dual[complex128, n]``, ...) map the scalar parts
(``attributes``) over it; the parts and ``|z|`` are arrays of real duals of
the same shape (``elementwise`` declines ``abs`` for them). Every other array
expression on complex duals is ``elementwise``'s, unchanged.
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


_PARTS = {np.real: (_real, "real"), np.imag: (_imag, "imag"),
          np.conjugate: (_conj, "conj"), np.absolute: (_abs, "real"), abs: (_abs, "real")}


def _part_typer(fn, which):
    jitable(fn)

    def typer(a):
        if dual_array(a) and is_complex_dual(a.dtype):
            return unary_map(fn, part_type(a.dtype, which))
    return typer


for _uf, (_fn, _which) in _PARTS.items():
    overload(_uf, strict=False, **OVERLOAD)(_part_typer(_fn, _which))


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
