"""``HyperDual``: exact second (mixed) derivatives in one pass."""
from .components import _component, _tag_around
from .scalar import _TaggedScalar

_new = object.__new__


class HyperDual(_TaggedScalar):
    """A hyper-dual number ``re + eps1*e1 + eps2*e2 + eps1eps2*e1*e2`` (e1² = e2² = 0).

    Seeded with ``eps1 = eps2 = 1`` it carries f, f', f' and f'' of one
    variable in one pass; seeded along two directions it gives the mixed
    second derivative, exactly.

    >>> import dualad as da
    >>> x = da.HyperDual(0.5, 1.0, 1.0, 0.0)
    >>> y = da.exp(x * x)
    >>> abs(y.eps1eps2 - (2.0 + 4.0 * 0.25) * da.exp(0.25)) < 1e-15
    True
    """

    __slots__ = ("re", "eps1", "eps2", "eps1eps2", "tag")
    _rank = 1
    _first_order = False

    def __init__(self, re, eps1=0.0, eps2=0.0, eps1eps2=0.0, tag=0):
        self.re = _component(re, "HyperDual re")
        self.eps1 = _component(eps1, "HyperDual eps1")
        self.eps2 = _component(eps2, "HyperDual eps2")
        self.eps1eps2 = _component(eps1eps2, "HyperDual eps1eps2")
        self.tag = tag or _tag_around(self.re, self.eps1, self.eps2, self.eps1eps2)

    @property
    def value(self):
        return self.re

    def __repr__(self):
        tag = f", tag={self.tag}" if self.tag else ""
        return f"HyperDual({self.re!r}, {self.eps1!r}, {self.eps2!r}, {self.eps1eps2!r}{tag})"

    def _components(self):
        return (self.re, self.eps1, self.eps2, self.eps1eps2)

    def _build(self, parts):
        h = _new(HyperDual)
        h.re, h.eps1, h.eps2, h.eps1eps2 = parts
        h.tag = self.tag
        return h

    def _chain(self, f0, f1, f2):
        e1 = self.eps1
        e2 = self.eps2
        return self._build((f0, f1 * e1, f1 * e2, f1 * self.eps1eps2 + f2 * e1 * e2))

    def _chain2(self, o, f, fx, fy, fxx, fxy, fyy):
        a1, a2, a12 = self.eps1, self.eps2, self.eps1eps2
        b1, b2, b12 = o.eps1, o.eps2, o.eps1eps2
        return self._build((
            f,
            fx * a1 + fy * b1,
            fx * a2 + fy * b2,
            fx * a12 + fy * b12 + fxx * a1 * a2 + fxy * (a1 * b2 + a2 * b1) + fyy * b1 * b2,
        ))

    def _chain_n(self, operands, f, grads, hess):
        e1 = e2 = e12 = 0.0
        for o, g in zip(operands, grads):
            e1 = e1 + g * o.eps1
            e2 = e2 + g * o.eps2
            e12 = e12 + g * o.eps1eps2
        for a, oa in enumerate(operands):
            for b, ob in enumerate(operands):
                e12 = e12 + hess[a][b] * oa.eps1 * ob.eps2
        return self._build((f, e1, e2, e12))

    def _mul_same(self, o):
        a, a1, a2, a12 = self._components()
        b, b1, b2, b12 = o._components()
        return self._build((a * b, a1 * b + a * b1, a2 * b + a * b2,
                            a12 * b + a1 * b2 + a2 * b1 + a * b12))

    def _div_same(self, o):
        # q = a/b solved from a = q*b component by component: no b*b anywhere.
        a, a1, a2, a12 = self._components()
        b, b1, b2, b12 = o._components()
        q = a / b
        q1 = (a1 - q * b1) / b
        q2 = (a2 - q * b2) / b
        q12 = (a12 - q * b12 - q1 * b2 - q2 * b1) / b
        return self._build((q, q1, q2, q12))
