"""The arithmetic of DualArray: the kernel ``_arith``, powers, and the operators.

``_arith`` is the product and quotient rules on components, for any mix of
DualArrays, ndarrays and real scalars (``ufuncs`` calls it for ``np.add`` &
co. too). The operators keep fast paths for the common cases (a Python
scalar, a DualArray of the same perturbation) before converting the other
operand; they and the comparisons (by value) are methods of DualArray, added
to it with ``@method`` when this module is imported.
"""
import numpy as np

from ... import _rules
from ..._core.base import lead
from .core import (DualArray, _check_n, _col, _finish, _new, _operand, _primal, _split,
                   by_value, method)

# Arithmetic operation codes of ``_arith``.
_ADD, _SUB, _MUL, _DIV = 0, 1, 2, 3


# ---------------------------------------------------------------- kernel ---

def _arith(op, x, y):
    """x op y (op one of _ADD, _SUB, _MUL, _DIV) for operands at least one of which is dual."""
    top = lead(x, y)
    tag = top.tag
    xv, px = _split(top, x)
    yv, py = _split(top, y)
    if px is not None and py is not None:
        _check_n(px, py)
        if op == _ADD:
            return _new(xv + yv, px + py, tag)
        if op == _SUB:
            return _new(xv - yv, px - py, tag)
        if op == _MUL:
            return _new(xv * yv, px * _col(yv) + py * _col(xv), tag)
        # Quotient rule without forming y*y: d(x/y) = (dx - q dy) / y.
        q = xv / yv
        return _new(q, (px - py * _col(q)) / _col(yv), tag)
    if px is not None:
        if op == _ADD:
            return _shifted(xv + yv, xv.shape, px, tag)
        if op == _SUB:
            return _shifted(xv - yv, xv.shape, px, tag)
        if op == _MUL:
            return _finish(xv * yv, px * _col(yv), tag)
        return _finish(xv / yv, px / _col(yv), tag)
    if op == _ADD:
        return _shifted(xv + yv, yv.shape, py, tag)
    if op == _SUB:
        return _finish(xv - yv, -py, tag)
    if op == _MUL:
        return _finish(xv * yv, py * _col(xv), tag)
    q = xv / yv
    return _finish(q, py * _col(-(q / yv)), tag)


def _shifted(v, shape, p, tag):
    """The values v of a dual (of shape ``shape``, partials p) plus a constant.

    The partials are p, copied (results never share partials memory), or
    broadcast, which copies them too, where the constant widened the shape.
    """
    return _finish(v, p.copy(), tag) if v.shape == shape else _finish(v, p, tag)


def _pow_const(x, c):
    """x ** c for a DualArray x and a constant real scalar c."""
    v = x.values
    p = x.partials
    if c == 0:
        return _new(v ** c, np.zeros_like(p), x.tag)
    t = type(c)
    if c == 2 and (t is int or t is float):
        return _new(v * v, p * _col(v * 2.0), x.tag)
    f = v ** c
    with np.errstate(all="ignore"):
        f1 = v * c if c - 1 == 1 else v ** (c - 1) * c
        return _new(f, p * _col(f1), x.tag)


def _is_scalar_constant(c):
    t = type(c)
    return t is int or t is float or (isinstance(c, np.generic) and c.dtype.kind in "biuf")


def _power(x, y):
    if type(x) is DualArray and _is_scalar_constant(y):
        return _pow_const(x, y)
    return _rules.FUNCTIONS["pow"](x, y)


# ------------------------------------------------------------- operators ---

@method
def __add__(self, other):
    t = type(other)
    if t is float or t is int or t is complex:
        return _new(self.values + other, self.partials.copy(), self.tag)
    if t is DualArray and other.tag == self.tag:
        _check_n(self.partials, other.partials)
        return _new(self.values + other.values, self.partials + other.partials, self.tag)
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _arith(_ADD, self, other)


@method
def __radd__(self, other):
    t = type(other)
    if t is float or t is int or t is complex:
        return _new(other + self.values, self.partials.copy(), self.tag)
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _arith(_ADD, other, self)


@method
def __sub__(self, other):
    t = type(other)
    if t is float or t is int or t is complex:
        return _new(self.values - other, self.partials.copy(), self.tag)
    if t is DualArray and other.tag == self.tag:
        _check_n(self.partials, other.partials)
        return _new(self.values - other.values, self.partials - other.partials, self.tag)
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _arith(_SUB, self, other)


@method
def __rsub__(self, other):
    t = type(other)
    if t is float or t is int or t is complex:
        return _new(other - self.values, -self.partials, self.tag)
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _arith(_SUB, other, self)


@method
def __mul__(self, other):
    t = type(other)
    if t is float or t is int or t is complex:
        return _new(self.values * other, self.partials * other, self.tag)
    if t is DualArray and other.tag == self.tag:
        _check_n(self.partials, other.partials)
        a = self.values
        b = other.values
        return _new(a * b, self.partials * _col(b) + other.partials * _col(a), self.tag)
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _arith(_MUL, self, other)


@method
def __rmul__(self, other):
    t = type(other)
    if t is float or t is int or t is complex:
        return _new(other * self.values, other * self.partials, self.tag)
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _arith(_MUL, other, self)


@method
def __truediv__(self, other):
    t = type(other)
    if t is float or t is int or t is complex:
        return _new(self.values / other, self.partials / other, self.tag)
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _arith(_DIV, self, other)


@method
def __rtruediv__(self, other):
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _arith(_DIV, other, self)


@method
def __pow__(self, other, modulo=None):
    if modulo is not None:
        return NotImplemented
    t = type(other)
    if t is int or t is float:
        return _pow_const(self, other)
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _power(self, other)


@method
def __rpow__(self, other):
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _rules.FUNCTIONS["pow"](other, self)


@method
def __floordiv__(self, other):
    return _binary_rule("floordiv", self, other)


@method
def __rfloordiv__(self, other):
    return _binary_rule("floordiv", other, self)


@method
def __mod__(self, other):
    return _binary_rule("mod", self, other)


@method
def __rmod__(self, other):
    return _binary_rule("mod", other, self)


@method
def __divmod__(self, other):
    return self // other, self % other


@method
def __rdivmod__(self, other):
    return other // self, other % self


@method
def __neg__(self):
    return _new(-self.values, -self.partials, self.tag)


@method
def __pos__(self):
    return self.copy()


def _binary_rule(name, x, y):
    """A binary rule of the table for the operators that have no kernel here (//, %)."""
    x = _operand(x)
    y = _operand(y)
    if x is None or y is None:
        return NotImplemented
    return _rules.FUNCTIONS[name](x, y)


# In-place operators write into the existing memory, so that views see
# the change as in NumPy.
def _inplace(self, result):
    if result is NotImplemented:
        return result
    if isinstance(result, DualArray) and result.tag > self.tag:
        return result  # an outer perturbation: self cannot hold it
    self[...] = result
    return self


@method
def __iadd__(self, other):
    return _inplace(self, self.__add__(other))


@method
def __isub__(self, other):
    return _inplace(self, self.__sub__(other))


@method
def __imul__(self, other):
    return _inplace(self, self.__mul__(other))


@method
def __itruediv__(self, other):
    return _inplace(self, self.__truediv__(other))


@method
def __ipow__(self, other):
    return _inplace(self, self.__pow__(other))


# ------------------------------------------------- comparisons: by value ---

@method
def __eq__(self, other):
    return by_value(_primal(self) == _primal(other))


@method
def __ne__(self, other):
    return by_value(_primal(self) != _primal(other))


def ordered(a, b, op):
    """(a, b) for an ordering comparison; complex values refuse, as Python's complex
    numbers and dualad's complex scalars do (NumPy's lexicographic order is no order
    of the complex plane: a branch on it would be a silent choice)."""
    if np.iscomplexobj(a) or np.iscomplexobj(b):
        raise TypeError(f"'{op}' is not supported for complex DualArrays (complex numbers "
                        "are not ordered); compare their .real or abs() instead")
    return a, b


@method
def __lt__(self, other):
    a, b = ordered(_primal(self), _primal(other), "<")
    return by_value(a < b)


@method
def __le__(self, other):
    a, b = ordered(_primal(self), _primal(other), "<=")
    return by_value(a <= b)


@method
def __gt__(self, other):
    a, b = ordered(_primal(self), _primal(other), ">")
    return by_value(a > b)


@method
def __ge__(self, other):
    a, b = ordered(_primal(self), _primal(other), ">=")
    return by_value(a >= b)

