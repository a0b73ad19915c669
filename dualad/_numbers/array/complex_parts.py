"""The complex parts of a DualArray: ``real``, ``imag``, ``conj``, ``abs``, ``angle``.

They are the non-holomorphic maps of complex numbers, as for the scalar duals
(guides/complex.md): ``real``, ``imag`` and ``conj`` are real-linear, so each
maps the values and every partial alike (the partials of ``z.real`` are the
real parts of z's partials: the derivative along each seeded direction).
``abs(z)`` is ``hypot(z.real, z.imag)`` (its derivative 0 at z == 0, the
hypot convention) and ``angle(z)`` is ``atan2(z.imag, z.real)``: both come from
the rule table. On a real DualArray they are what NumPy gives: ``real`` a
copy, ``imag`` plain zeros (no derivative), ``angle`` 0 or pi (a step), ``abs``
the fabs rule.
"""
import numpy as np

from ... import _rules
from .arguments import _as_dual
from .core import DualArray, _new, is_complex_array, method
from .registry import implements


def _part(x, part):
    """A component's real part, imaginary part or conjugate (a DualArray: recursively)."""
    if isinstance(x, DualArray):
        return _new(_part(x.values, part), _part(x.partials, part), x.tag)
    if part == "conj":
        return np.conjugate(x)
    return getattr(x, part)


def _real(self):
    """The real part: a real DualArray whose partials are the partials' real parts."""
    return _part(self, "real") if is_complex_array(self) else self


def _imag(self):
    """The imaginary part: a real DualArray whose partials are the partials' imaginary parts."""
    if is_complex_array(self):
        return _part(self, "imag")
    return _new(self.values * 0, self.partials * 0, self.tag)


DualArray.real = property(_real)
DualArray.imag = property(_imag)


@method
def conjugate(self):
    """The complex conjugate, of the values and every partial (a real array: a copy)."""
    return _part(self, "conj") if is_complex_array(self) else self.copy()


DualArray.conj = conjugate


def absolute(z):
    """``abs`` of a DualArray: hypot of its parts if complex, else the fabs rule."""
    if is_complex_array(z):
        return _rules.FUNCTIONS["hypot"](_part(z, "real"), _part(z, "imag"))
    return z._apply1(_rules.RULES_BY_NAME["fabs"])


@method
def __abs__(self):
    return absolute(self)


@implements(np.real)
def real(val):
    v = _as_dual(val, "real")
    return _part(v, "real") if is_complex_array(v) else v.copy()


@implements(np.imag)
def imag(val):
    v = _as_dual(val, "imag")
    if is_complex_array(v):
        return _part(v, "imag")
    return np.zeros(v.shape, v.dtype)


@implements(np.angle)
def angle(z, deg=False):
    """atan2(z.imag, z.real) of a complex array; of a real one 0 or pi (a step: derivative 0)."""
    v = _as_dual(z, "angle")
    if is_complex_array(v):
        a = _rules.FUNCTIONS["atan2"](_part(v, "imag"), _part(v, "real"))
        return a * (180.0 / np.pi) if deg else a
    values = v.values
    while isinstance(values, DualArray):
        values = values.values
    return np.angle(values, deg=deg)
