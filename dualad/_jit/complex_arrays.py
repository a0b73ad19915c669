"""Arrays of complex duals: their parts and moduli, elementwise.

``np.real``, ``np.imag``, ``np.conjugate``, ``np.abs`` and ``abs`` of an
array of complex duals (``Dual[complex128, n]``, ...) map the scalar parts
(``attributes``) over it; the parts and ``|z|`` are arrays of real duals of
the same shape (``elementwise`` declines ``abs`` for them). Every other array
expression on complex duals is ``elementwise``'s, unchanged.
"""
import numpy as np
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
