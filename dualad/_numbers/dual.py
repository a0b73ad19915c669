"""``Dual``: a value and N partial derivatives (the classic dual for N == 1)."""
from math import pow as _mpow

import numpy as np

from .._rules import RULES_BY_NAME
from .._rules.elementary import register_fast_dual
from .components import _as_partials, _component, _divide, _scale, _tag_around
from .scalar import _TaggedScalar

_new = object.__new__
_POW_X, _POW_Y = RULES_BY_NAME["pow"].float_partial_ladders


def make_dual(value, partials, tag):
    """A Dual from components already checked (only this module, and the float fast
    path of the elementary functions, set its slots).

    ``partials``: a float, a NumPy scalar, a dual, or a 1-D ndarray of N > 1.
    """
    d = _new(Dual)
    d.value = value
    d._p = partials
    d.tag = tag
    return d


class Dual(_TaggedScalar):
    """A dual number: a value and N partial derivatives.

    ``Dual(value, partials)``: ``partials`` is one number (the classic dual,
    ``eps``) or a sequence of N numbers (a gradient seed). Values and partials
    may themselves be duals: that is how higher derivatives are built.

    >>> import dualad as da
    >>> x = da.Dual(2.0, 1.0)
    >>> y = x * x * da.sin(x)
    >>> y.value == 4.0 * da.sin(2.0)
    True
    >>> round(y.eps, 12) == round(4.0 * da.sin(2.0) + 4.0 * da.cos(2.0), 12)
    True
    """

    __slots__ = ("value", "_p", "tag")
    _rank = 1

    def __init__(self, value, partials, tag=0):
        self.value = _component(value, "Dual value")
        self._p = _as_partials(partials)
        self.tag = tag or _tag_around(self.value, self._p)

    @property
    def partials(self):
        """The N partial derivatives: a tuple (N == 1) or a 1-D ndarray."""
        p = self._p
        return p if type(p) is np.ndarray else (p,)

    @property
    def eps(self):
        """The first partial derivative."""
        p = self._p
        return p[0] if type(p) is np.ndarray else p

    @property
    def n(self):
        """The number of partials."""
        p = self._p
        return p.shape[0] if type(p) is np.ndarray else 1

    def __repr__(self):
        p = self._p
        ps = repr(p) if type(p) is not np.ndarray else repr(tuple(p.tolist()))
        tag = f", tag={self.tag}" if self.tag else ""
        return f"Dual({self.value!r}, {ps}{tag})"

    def _components(self):
        return (self.value, self._p)

    def _check_compatible(self, other):
        if self.n != other.n:
            raise ValueError(f"cannot combine Duals with {self.n} and {other.n} partials "
                             "(same perturbation tag): seed all inputs with the same N")

    def _build(self, parts):
        return make_dual(parts[0], parts[1], self.tag)

    # Calculus of the type.
    def _chain(self, f0, f1, f2=None):
        return make_dual(f0, _scale(self._p, f1), self.tag)

    def _chain2(self, other, f, fx, fy, fxx=None, fxy=None, fyy=None):
        return make_dual(f, _scale(self._p, fx) + _scale(other._p, fy), self.tag)

    def _chain_n(self, operands, f, grads, hess=None):
        total = _scale(operands[0]._p, grads[0])
        for o, g in zip(operands[1:], grads[1:]):
            total = total + _scale(o._p, g)
        return make_dual(f, total, self.tag)

    def _mul_same(self, o):
        a = self.value
        b = o.value
        return make_dual(a * b, _scale(self._p, b) + _scale(o._p, a), self.tag)

    def _div_same(self, o):
        b = o.value
        q = self.value / b
        return make_dual(q, _divide(self._p - _scale(o._p, q), b), self.tag)

    # Fast paths for the commonest case: float value, one float partial, same
    # tag (construction inlined: a call would cost a fifth of the operation).
    # Anything else goes through the general protocol above.
    def __add__(self, other):
        t = type(other)
        if t is Dual:
            p = self._p
            q = other._p
            if other.tag == self.tag and type(p) is float and type(q) is float:
                d = _new(Dual)
                d.value = self.value + other.value
                d._p = p + q
                d.tag = self.tag
                return d
        elif t is float or t is int:
            d = _new(Dual)
            d.value = self.value + other
            d._p = self._p
            d.tag = self.tag
            return d
        return self._arith(other, "add")

    __radd__ = __add__

    def __sub__(self, other):
        t = type(other)
        if t is Dual:
            p = self._p
            q = other._p
            if other.tag == self.tag and type(p) is float and type(q) is float:
                d = _new(Dual)
                d.value = self.value - other.value
                d._p = p - q
                d.tag = self.tag
                return d
        elif t is float or t is int:
            d = _new(Dual)
            d.value = self.value - other
            d._p = self._p
            d.tag = self.tag
            return d
        return self._arith(other, "sub")

    def __mul__(self, other):
        t = type(other)
        if t is Dual:
            p = self._p
            q = other._p
            if other.tag == self.tag and type(p) is float and type(q) is float:
                a = self.value
                b = other.value
                d = _new(Dual)
                d.value = a * b
                d._p = p * b + q * a
                d.tag = self.tag
                return d
        elif t is float or t is int:
            p = self._p
            if type(p) is float:
                d = _new(Dual)
                d.value = self.value * other
                d._p = p * other
                d.tag = self.tag
                return d
        return self._arith(other, "mul")

    __rmul__ = __mul__

    def __truediv__(self, other):
        t = type(other)
        p = self._p
        if t is Dual:
            q = other._p
            if other.tag == self.tag and type(p) is float and type(q) is float:
                b = other.value
                v = self.value / b
                d = _new(Dual)
                d.value = v
                d._p = (p - q * v) / b
                d.tag = self.tag
                return d
        elif (t is float or t is int) and type(p) is float:
            d = _new(Dual)
            d.value = self.value / other
            d._p = p / other
            d.tag = self.tag
            return d
        return self._arith(other, "div")

    def __rsub__(self, other):
        t = type(other)
        if t is float or t is int:
            d = _new(Dual)
            d.value = other - self.value
            d._p = -self._p
            d.tag = self.tag
            return d
        return self._arith(other, "rsub")

    def __rtruediv__(self, other):
        t = type(other)
        v = self.value
        p = self._p
        if (t is float or t is int) and type(v) is float and type(p) is float:
            q = other / v
            d = _new(Dual)
            d.value = q
            d._p = p * -(q / v)
            d.tag = self.tag
            return d
        return self._arith(other, "rdiv")

    def __neg__(self):
        d = _new(Dual)
        d.value = -self.value
        d._p = -self._p
        d.tag = self.tag
        return d

    def __pow__(self, other, modulo=None):
        t = type(other)
        v = self.value
        p = self._p
        if (t is float or t is int) and type(v) is float and type(p) is float \
                and modulo is None:
            if v > 0.0:  # the common case, no pole or branch to guard: math.pow twice
                f0 = _mpow(v, other)
                f1 = other * _mpow(v, other - 1.0)
            elif other == 2:  # squares of any sign
                f0 = v * v
                f1 = 2.0 * v
            else:
                f0, f1, _ = _POW_X(v, float(other))
            d = _new(Dual)
            d.value = f0
            d._p = f1 * p
            d.tag = self.tag
            return d
        return _TaggedScalar.__pow__(self, other, modulo)

    def __rpow__(self, other):
        t = type(other)
        v = self.value
        p = self._p
        if (t is float or t is int) and type(v) is float and type(p) is float:
            f0, f1, _ = _POW_Y(float(other), v)
            d = _new(Dual)
            d.value = f0
            d._p = f1 * p
            d.tag = self.tag
            return d
        return _TaggedScalar.__rpow__(self, other)

    def _apply1(self, rule):
        v = self.value
        if type(v) is float:  # f1 a float too: no _scale needed
            f0, f1, _ = rule.float_ladder(v)
            d = _new(Dual)
            d.value = f0
            d._p = f1 * self._p
            d.tag = self.tag
            return d
        if type(v) is complex and rule.complex_float_ladder is not None:
            f0, f1, _ = rule.complex_float_ladder(v)
            return make_dual(f0, _scale(self._p, f1), self.tag)
        return _TaggedScalar._apply1(self, rule)

    def _apply2(self, rule, x, y):
        # A table rule of one float Dual (and a float, an int or a Dual of the
        # same tag): the float ladders, construction inlined. Else the protocol.
        fl = rule.float_partial_ladders
        if fl is not None:
            tx = type(x)
            ty = type(y)
            if tx is Dual:
                v = x.value
                p = x._p
                if type(v) is float and type(p) is float:
                    if ty is float or ty is int:
                        f0, f1, _ = fl[0](v, float(y))
                        d = _new(Dual)
                        d.value = f0
                        d._p = f1 * p
                        d.tag = x.tag
                        return d
                    if ty is Dual and y.tag == x.tag:
                        w = y.value
                        q = y._p
                        if type(w) is float and type(q) is float:
                            f0, fx, fy = rule.float_ladder(v, w)[:3]
                            d = _new(Dual)
                            d.value = f0
                            d._p = p * fx + q * fy
                            d.tag = x.tag
                            return d
            elif ty is Dual and (tx is float or tx is int):
                w = y.value
                q = y._p
                if type(w) is float and type(q) is float:
                    f0, f1, _ = fl[1](float(x), w)
                    d = _new(Dual)
                    d.value = f0
                    d._p = f1 * q
                    d.tag = y.tag
                    return d
        return _TaggedScalar._apply2(self, rule, x, y)


register_fast_dual(Dual)
