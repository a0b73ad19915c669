"""Scalar dual number types for plain Python: ``Dual`` and ``HyperDual``.

Both share one operator protocol (``_TaggedScalar``); each type supplies only
its chain rules and its product and quotient rules. Components may be floats,
NumPy scalars (float32 stays float32), or duals of a lower tag (nesting);
``Dual`` partials with N > 1 are a 1-D ndarray (object dtype when nested).
"""
import math
import numbers
import operator

import numpy as np

from . import _rules
from ._base import DualNumber, is_real_scalar, lead

_new = object.__new__
_FLOAT_LADDERS = _rules.FLOAT_LADDERS
_FUNCTIONS = _rules.FUNCTIONS
_RULES_BY_UFUNC = _rules.RULES_BY_UFUNC


def _scale(p, s):
    """p * s for a partials component p and a scalar coefficient s."""
    if type(p) is np.ndarray and isinstance(s, DualNumber):
        out = np.empty(p.shape, dtype=object)
        for i in range(p.shape[0]):
            out[i] = p[i] * s
        return out
    return p * s


def _divide(p, s):
    """p / s for a partials component p and a scalar s."""
    if type(p) is np.ndarray and isinstance(s, DualNumber):
        out = np.empty(p.shape, dtype=object)
        for i in range(p.shape[0]):
            out[i] = p[i] / s
        return out
    return p / s


def _value_of(x):
    """The innermost real value of x (for comparisons)."""
    while isinstance(x, DualNumber):
        x = x._primal()
    return x


def _constant(x):
    """x as a constant operand, or None if x is not a scalar constant."""
    t = type(x)
    if t is float:
        return x
    if t is int or t is bool:
        return float(x)
    if isinstance(x, np.generic):
        if x.dtype.kind in "biu":
            return float(x)
        return x if x.dtype.kind == "f" else None
    if isinstance(x, numbers.Real):
        return float(x)
    if isinstance(x, DualNumber):
        return x
    return None


def _numpy_semantics(x):
    """x with its innermost value as a NumPy scalar (nan instead of raising)."""
    if isinstance(x, _TaggedScalar):
        parts = x._components()
        return x._build((_numpy_semantics(parts[0]),) + parts[1:])
    if type(x) is float:
        return np.float64(x)
    return x


_ARITH_UFUNCS = {
    np.add: "__add__", np.subtract: "__sub__", np.multiply: "__mul__",
    np.divide: "__truediv__", np.true_divide: "__truediv__",
    np.floor_divide: "__floordiv__", np.remainder: "__mod__",
    np.power: "__pow__", np.float_power: "__pow__",
}
_COMPARE_UFUNCS = {
    np.less: "__lt__", np.less_equal: "__le__", np.greater: "__gt__",
    np.greater_equal: "__ge__", np.equal: "__eq__", np.not_equal: "__ne__",
}
_VALUE_UFUNCS = (np.isnan, np.isfinite, np.isinf, np.signbit)


_REFLECTED = {"add": "add", "mul": "mul", "sub": "rsub", "rsub": "sub",
              "div": "rdiv", "rdiv": "div"}


class _TaggedScalar(DualNumber):
    """Operator protocol shared by the scalar dual types.

    Subclasses implement ``_components``/``_build`` and the type's calculus:
    ``_chain`` (unary ladder), ``_chain2`` (binary ladder), ``_mul_same``,
    ``_div_same``.
    """

    __slots__ = ()

    # ---- classification of the other operand -------------------------------
    def _classify(self, other):
        """('same', other) | ('const', c) | ('outer', None) | (None, None)."""
        if type(other) is type(self) and other.tag == self.tag:
            self._check_compatible(other)
            return "same", other
        if isinstance(other, DualNumber):
            # An array of duals (higher _rank) always leads: a scalar dual never
            # holds arrays as components (the array type promotes the scalar).
            if other._rank > self._rank or lead(self, other) is not self:
                return "outer", None
            if other.tag == self.tag:
                return None, None
            return "const", other
        c = _constant(other)
        if c is None:
            return None, None
        return "const", c

    def _primal(self):
        return self._components()[0]

    def _check_compatible(self, other):
        pass

    def _scaled(self, c):
        v, *ps = self._components()
        return self._build((v * c,) + tuple(_scale(p, c) for p in ps))

    def _shifted(self, c):
        parts = self._components()
        return self._build((parts[0] + c,) + parts[1:])

    def _negated(self):
        return self._build(tuple(-p for p in self._components()))

    # ---- arithmetic --------------------------------------------------------
    def _arith(self, other, op):
        kind, o = self._classify(other)
        if kind == "outer":
            # Python tries the reflected method only for operands of different
            # types, so hand the operation to the outer number ourselves.
            if isinstance(other, _TaggedScalar):
                return other._arith(self, _REFLECTED[op])
            return NotImplemented
        if kind is None:
            return NotImplemented
        if kind == "same":
            if op == "add":
                return self._build(tuple(a + b for a, b in zip(self._components(), o._components())))
            if op == "sub":
                return self._build(tuple(a - b for a, b in zip(self._components(), o._components())))
            if op == "mul":
                return self._mul_same(o)
            if op == "div":
                return self._div_same(o)
            if op == "rdiv":
                return o._div_same(self)
            if op == "rsub":
                return o._arith(self, "sub")
        if op == "add":
            return self._shifted(o)
        if op == "sub":
            return self._shifted(-o)
        if op == "rsub":
            return self._negated()._shifted(o)
        if op == "mul":
            return self._scaled(o)
        if op == "div":
            return self._build(tuple(_divide(p, o) for p in self._components()))
        if op == "rdiv":
            v = self._primal()
            q = o / v
            d1 = -(q / v)
            return self._chain(q, d1, -2.0 * d1 / v)
        raise AssertionError(op)

    def __add__(self, other):
        return self._arith(other, "add")

    __radd__ = __add__

    def __sub__(self, other):
        return self._arith(other, "sub")

    def __rsub__(self, other):
        return self._arith(other, "rsub")

    def __mul__(self, other):
        return self._arith(other, "mul")

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._arith(other, "div")

    def __rtruediv__(self, other):
        return self._arith(other, "rdiv")

    def __neg__(self):
        return self._negated()

    def __pos__(self):
        return self

    def __abs__(self):
        return self._apply1(_rules.RULES_BY_NAME["fabs"])

    def _binary_rule(self, name, other, reflected):
        kind, _ = self._classify(other)
        if kind is None or (kind == "outer" and not isinstance(other, _TaggedScalar)):
            return NotImplemented
        f = _rules.FUNCTIONS[name]
        return f(other, self) if reflected else f(self, other)

    def __pow__(self, other, modulo=None):
        if modulo is not None:
            return NotImplemented
        return self._binary_rule("pow", other, False)

    def __rpow__(self, other):
        return self._binary_rule("pow", other, True)

    def __floordiv__(self, other):
        return self._binary_rule("floordiv", other, False)

    def __rfloordiv__(self, other):
        return self._binary_rule("floordiv", other, True)

    def __mod__(self, other):
        return self._binary_rule("mod", other, False)

    def __rmod__(self, other):
        return self._binary_rule("mod", other, True)

    def __divmod__(self, other):
        return self // other, self % other

    def __rdivmod__(self, other):
        return other // self, other % self

    def __floor__(self):
        return self._apply1(_rules.RULES_BY_NAME["floor"])

    def __ceil__(self):
        return self._apply1(_rules.RULES_BY_NAME["ceil"])

    def __trunc__(self):
        return self._apply1(_rules.RULES_BY_NAME["trunc"])

    def __round__(self, ndigits=None):
        if ndigits is None:
            return self._apply1(_rules.RULES_BY_NAME["round"])
        scale = 10.0 ** ndigits
        return (self * scale)._apply1(_rules.RULES_BY_NAME["round"]) / scale

    def round(self, decimals=0, out=None):
        """``np.round(d, decimals)``, which calls this method: derivative 0."""
        if out is not None:
            raise TypeError("round() of a dual number takes no out= argument")
        return self.__round__(decimals or None)

    # ---- comparisons: by value ----------------------------------------------
    def __eq__(self, other):
        return _value_of(self) == _value_of(other)

    def __ne__(self, other):
        return _value_of(self) != _value_of(other)

    def __lt__(self, other):
        return _value_of(self) < _value_of(other)

    def __le__(self, other):
        return _value_of(self) <= _value_of(other)

    def __gt__(self, other):
        return _value_of(self) > _value_of(other)

    def __ge__(self, other):
        return _value_of(self) >= _value_of(other)

    def __hash__(self):
        return hash(_value_of(self))

    # ---- elementary functions ---------------------------------------------
    def _apply1(self, rule):
        f0, f1, f2 = rule.ladder(self._primal())
        return self._chain(f0, f1, f2)

    def _apply2(self, rule, x, y):
        kx, cx = self._classify(x)
        ky, cy = self._classify(y)
        if kx is None or ky is None or "outer" in (kx, ky):
            return _not_scalar_operands(rule, x, y)
        if kx == "same" and ky == "same":
            return x._chain2(y, *rule.ladder(x._primal(), y._primal()))
        ladder_x, ladder_y = _rules.PARTIAL_LADDERS[rule.name]
        if kx == "same":
            return x._chain(*ladder_x(x._primal(), cy))
        return y._chain(*ladder_y(cx, y._primal()))

    # ---- NumPy ------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs:
            return NotImplemented
        rule = _RULES_BY_UFUNC.get(ufunc)
        if rule is not None and len(inputs) == 1 and inputs[0] is self:
            # NumPy semantics: a domain error gives nan (with NumPy's warning), not
            # an exception; only the failing case pays for the NumPy scalars.
            try:
                return self._apply1(rule)
            except (ValueError, ZeroDivisionError, OverflowError):
                return _FUNCTIONS[rule.name](_numpy_semantics(self))
        if any(isinstance(i, (np.ndarray, list)) for i in inputs) or any(
                isinstance(i, DualNumber) and not isinstance(i, _TaggedScalar) for i in inputs):
            scalars = _zero_d_as_scalars(inputs)
            if scalars is not None:
                return self.__array_ufunc__(ufunc, method, *scalars)
            from ._array import array_ufunc_scalar_fallback
            return array_ufunc_scalar_fallback(ufunc, inputs)
        if ufunc in _VALUE_UFUNCS:
            return ufunc(*(_value_of(i) for i in inputs))
        name = _COMPARE_UFUNCS.get(ufunc)
        if name is not None:
            # operator.__lt__ & co., not float.__lt__: that one returns
            # NotImplemented for a NumPy scalar operand
            return np.bool_(getattr(operator, name)(_value_of(inputs[0]), _value_of(inputs[1])))
        try:
            return _scalar_ufunc(ufunc, rule, inputs)
        except (ValueError, ZeroDivisionError, OverflowError):
            return _scalar_ufunc(ufunc, rule, tuple(_numpy_semantics(i) for i in inputs))

    def __array_function__(self, func, types, args, kwargs):
        # np.stack([d1, d2]), np.dot(A, d), ...: DualArray's rules, never an
        # object array of duals (see dualad._array).
        from ._array import array_function_scalar_fallback
        return array_function_scalar_fallback(self, func, types, args, kwargs)


def _zero_d_as_scalars(inputs):
    """inputs with 0-d real arrays as NumPy scalars; None if any other array is among them.

    A NumPy scalar compared with a dual (``np.float64(1) < d``) reaches
    ``__array_ufunc__`` as a 0-d array.
    """
    out = []
    for i in inputs:
        if isinstance(i, (np.ndarray, list)):
            if type(i) is not np.ndarray or i.ndim != 0 or i.dtype.kind not in "biuf":
                return None
            i = i[()]
        elif isinstance(i, DualNumber) and not isinstance(i, _TaggedScalar):
            return None
        out.append(i)
    return tuple(out)


def _scalar_ufunc(ufunc, rule, inputs):
    """A NumPy ufunc on scalar duals (and real scalars)."""
    name = _ARITH_UFUNCS.get(ufunc)
    if name is not None:
        a, b = inputs
        if isinstance(a, _TaggedScalar):
            return getattr(a, name)(b)
        return getattr(b, "__r" + name[2:])(a)
    if ufunc is np.negative:
        return -inputs[0]
    if ufunc is np.positive:
        return inputs[0]
    if ufunc is np.square:
        return inputs[0] * inputs[0]
    if ufunc is np.reciprocal:
        return 1.0 / inputs[0]
    if rule is None:
        raise TypeError(
            f"dualad has no derivative rule for numpy.{ufunc.__name__}; "
            "register one with da.register(func, derivs) or write the "
            "function with dualad's elementary functions")
    return _FUNCTIONS[rule.name](*inputs)


def _not_scalar_operands(rule, x, y):
    if any(isinstance(v, (np.ndarray, list, tuple)) or getattr(v, "_rank", 0) > 1
           for v in (x, y)):
        # An array operand: only the scalar duals become (0-d) DualArrays; the
        # arrays stay constants.
        from ._array import DualArray
        return _rules.FUNCTIONS[rule.name](
            *(DualArray.from_any(v) if isinstance(v, _TaggedScalar) else v for v in (x, y)))
    for name, v in zip(rule.argnames, (x, y)):
        if not (isinstance(v, DualNumber) or is_real_scalar(v)):
            raise TypeError(f"{rule.name}() argument {name!r} must be a real number, "
                            f"a dual number or an array, got {type(v).__name__}")
    raise TypeError(f"{rule.name}(): cannot combine {type(x).__name__} and {type(y).__name__}")


# --------------------------------------------------------------------- Dual --

def _as_partials(partials, where="Dual"):
    if type(partials) is float:
        return partials
    if isinstance(partials, (tuple, list, np.ndarray)):
        if isinstance(partials, np.ndarray) and partials.ndim != 1:
            raise ValueError(f"{where} partials must be 1-D, got shape {partials.shape}")
        items = list(partials)
        if len(items) == 0:
            raise ValueError(f"{where} needs at least one partial")
        items = [_component(p, f"{where} partial") for p in items]
        if len(items) == 1:
            return items[0]
        if any(isinstance(p, DualNumber) for p in items):
            arr = np.empty(len(items), dtype=object)
            arr[:] = items
            return arr
        if isinstance(partials, np.ndarray) and partials.dtype.kind == "f":
            return partials.copy()
        return np.asarray(items, dtype=np.result_type(*items, np.float32) if all(
            isinstance(p, np.floating) for p in items) else np.float64)
    return _component(partials, f"{where} partials")


def _tag_around(*components):
    """The tag of a dual built by hand with tag 0: 0, unless it holds duals.

    A dual built around other duals (``HyperDual(x, 1.0, 1.0, 0.0)`` inside a
    function being differentiated at x) must be the outer number when the two
    meet, or their perturbations are confused. Its tag is put between the
    largest tag it holds, t, and the next tag issued (an integer above t):
    outer to what it holds, inner to later transforms, and the same for every
    dual built by hand around t, so that those combine as one perturbation.
    """
    inner = None
    for c in components:
        if isinstance(c, DualNumber):
            t = c.tag
        elif type(c) is np.ndarray and c.dtype == object:
            t = max((e.tag for e in c if isinstance(e, DualNumber)), default=None)
        else:
            continue
        if t is not None and (inner is None or t > inner):
            inner = t
    if inner is None:
        return 0
    above = math.floor(inner) + 1
    return (inner + above) / 2


def _component(x, what):
    c = _constant(x)
    if c is None:
        raise TypeError(f"{what} must be a real number or a dual number, got {type(x).__name__}")
    return c


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
        d = _new(Dual)
        d.value, d._p = parts
        d.tag = self.tag
        return d

    # Calculus of the type.
    def _chain(self, f0, f1, f2=None):
        d = _new(Dual)
        d.value = f0
        d._p = _scale(self._p, f1)
        d.tag = self.tag
        return d

    def _chain2(self, other, f, fx, fy, fxx=None, fxy=None, fyy=None):
        d = _new(Dual)
        d.value = f
        d._p = _scale(self._p, fx) + _scale(other._p, fy)
        d.tag = self.tag
        return d

    def _mul_same(self, o):
        a = self.value
        b = o.value
        d = _new(Dual)
        d.value = a * b
        d._p = _scale(self._p, b) + _scale(o._p, a)
        d.tag = self.tag
        return d

    def _div_same(self, o):
        b = o.value
        q = self.value / b
        d = _new(Dual)
        d.value = q
        d._p = _divide(self._p - _scale(o._p, q), b)
        d.tag = self.tag
        return d

    # Fast paths for the commonest case: float value, one float partial, same
    # tag. Anything else goes through the general protocol above.
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
        if t is Dual:
            p = self._p
            q = other._p
            if other.tag == self.tag and type(p) is float and type(q) is float:
                b = other.value
                v = self.value / b
                d = _new(Dual)
                d.value = v
                d._p = (p - q * v) / b
                d.tag = self.tag
                return d
        return self._arith(other, "div")

    def _apply1(self, rule):
        v = self.value
        f0, f1, _ = (_FLOAT_LADDERS.get(rule.name, rule.ladder) if type(v) is float
                     else rule.ladder)(v)
        d = _new(Dual)
        d.value = f0
        d._p = _scale(self._p, f1)
        d.tag = self.tag
        return d


_rules._Dual = Dual

# ---------------------------------------------------------------- HyperDual --

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
