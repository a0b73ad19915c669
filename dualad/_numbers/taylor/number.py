"""``Taylor``: a truncated univariate Taylor series, for derivatives of high order.

The number holds the normalised coefficients ``t_k = y^(k)(t0) / k!``,
k = 0..K, of a quantity y along one perturbation; seeded as ``[x, 1, 0, ...]``
it carries f(x) and every derivative up to order K through f in one pass,
at O(K²) per operation (``series``), where nested duals cost 2^K.

Users see the coefficients on the trailing axis (``coefficients``, shape
``(..., K + 1)``), so a Taylor number of shape ``(n,)`` is n series at once
(the NumPy path, vectorised across the elements); inside, they are stored
coefficient-major (``_c``, shape ``(K + 1, ...)``, see ``series``).
"""
import operator

import numpy as np

from ..._core.base import ArithmeticByName, DualNumber, is_real_scalar, ufunc_name
from ..._rules import FUNCTIONS, RULES_BY_NAME, RULES_BY_UFUNC
from ..._rules.elementary import not_holomorphic
from . import functions, series

_new = object.__new__


def _coefficients(c):
    arr = np.asarray(c)
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    if arr.dtype.kind not in "fc":
        raise TypeError(f"Taylor coefficients must be real or complex numbers, got dtype "
                        f"{arr.dtype}")
    if arr.ndim == 0:
        raise ValueError("Taylor needs a sequence of coefficients t0..tK (at least one)")
    if arr.shape[-1] == 0:
        raise ValueError("Taylor needs at least one coefficient")
    return arr


class Taylor(ArithmeticByName, DualNumber):
    """A truncated Taylor series ``t0 + t1*e + ... + tK*e**K`` (e**(K+1) = 0).

    ``coefficients`` is an array whose trailing axis holds t0..tK (normalised:
    ``tk = y^(k) / k!``); leading axes hold independent series. Operators,
    ``abs``, ``**``, the ``da.*`` functions and NumPy's ufuncs propagate all
    K+1 coefficients; comparisons compare values (t0).

    >>> import dualad as da
    >>> x = da.Taylor([0.0, 1.0, 0.0, 0.0])   # x = 0 + e, to order 3
    >>> da.sin(x).coefficients.tolist()        # sin(e) = e - e**3/6
    [0.0, 1.0, 0.0, -0.16666666666666666]
    >>> (da.exp(x) * x).derivatives().tolist()  # d^k/dx^k x*exp(x) at 0
    [0.0, 1.0, 2.0, 3.0]
    """

    __slots__ = ("_c", "tag")
    _rank = 3

    def __init__(self, coefficients, tag=0):
        self._c = np.ascontiguousarray(np.moveaxis(_coefficients(coefficients), -1, 0))
        self.tag = tag

    def _new(self, c):
        """A Taylor number of this perturbation with the coefficient-major series c."""
        t = _new(Taylor)
        t._c = c
        t.tag = self.tag
        return t

    def _truncated(self, order):
        return self._new(self._c[:order + 1])

    # ---- what it holds ------------------------------------------------------
    @property
    def order(self):
        """K, the highest power of the perturbation carried."""
        return self._c.shape[0] - 1

    @property
    def value(self):
        """t0 (a Python float for a float64 scalar series)."""
        v = self._c[0]
        return float(v) if v.ndim == 0 and v.dtype == np.float64 else v

    def derivatives(self):
        """The derivatives ``k! * t_k``, k = 0..K, on the trailing axis."""
        k = np.arange(self.order + 1)
        fact = np.cumprod(np.maximum(k, 1)).astype(self.dtype)
        return self.coefficients * fact

    @property
    def coefficients(self):
        """t0..tK on the trailing axis: shape ``self.shape + (K + 1,)``."""
        return np.moveaxis(self._c, 0, -1)

    @property
    def shape(self):
        return self._c.shape[1:]

    @property
    def ndim(self):
        return self._c.ndim - 1

    @property
    def dtype(self):
        return self._c.dtype

    # ---- complex parts: real coefficients only ----------------------------------
    # Taylor mode at a complex point gives f^(k)(z) for a holomorphic f only, and
    # z.real, z.imag, conj(z) are not holomorphic: refused on complex series.
    def _real_part(self, name, value):
        if self.dtype.kind == "c":
            raise not_holomorphic(name)
        return value

    @property
    def real(self):
        return self._real_part("real", self)

    @property
    def imag(self):
        return self._real_part("imag", self._new(np.zeros_like(self._c)))

    def conjugate(self):
        return self._real_part("conjugate", self)

    conj = conjugate

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a scalar Taylor number")
        return self._c.shape[1]

    def __getitem__(self, index):
        index = index if isinstance(index, tuple) else (index,)
        return self._new(self._c[(slice(None),) + index])

    def __repr__(self):
        tag = f", tag={self.tag}" if self.tag else ""
        return f"Taylor({self.coefficients.tolist()!r}{tag})"

    # ---- operands -------------------------------------------------------------
    def _classify(self, other):
        """('same', Taylor) | ('const', array or scalar) | ('outer', None) | (None, None)."""
        if type(other) is Taylor:
            if other.tag != self.tag:
                raise TypeError(
                    "cannot combine Taylor numbers of two different perturbations "
                    f"(tags {self.tag} and {other.tag}): Taylor transforms do not nest; "
                    "take the higher order in one call (da.taylor(f, order)) instead")
            if other.order != self.order:
                raise ValueError(f"cannot combine Taylor numbers of orders {self.order} "
                                 f"and {other.order}")
            return "same", other
        if isinstance(other, DualNumber):
            if other.tag > self.tag:
                return "outer", None
            raise TypeError(
                f"cannot combine a Taylor number with a {type(other).__name__} of an inner "
                "perturbation: Taylor coefficients are real numbers. Use da.derivative "
                "with order <= 2 inside, or one Taylor transform for all orders")
        if is_real_scalar(other):
            return "const", other if isinstance(other, (float, np.floating)) else float(other)
        if type(other) is complex or isinstance(other, np.complexfloating):
            return "const", other
        if isinstance(other, (np.ndarray, list)):
            arr = np.asarray(other)
            if arr.dtype.kind in "biufc":
                return "const", arr.astype(np.float64) if arr.dtype.kind in "biu" else arr
        return None, None

    def _const_series(self, c):
        return series.constant(c, self._c)

    def _arith(self, other, op):
        kind, o = self._classify(other)
        if kind is None or kind == "outer":
            return NotImplemented
        a = self._c
        if kind == "same":
            a, b = series.align(a, o._c)
            if op == "add":
                return self._new(a + b)
            if op == "sub":
                return self._new(a - b)
            if op == "rsub":
                return self._new(b - a)
            if op == "mul":
                return self._new(series.mul(a, b))
            if op == "div":
                return self._new(series.div(a, b))
            return self._new(series.div(b, a))
        c = o if isinstance(o, float) else np.asarray(o)
        a = series.lift(a, np.ndim(c))
        if op == "add":
            return self._new(a + self._const_series(c))
        if op == "sub":
            return self._new(a - self._const_series(c))
        if op == "rsub":
            return self._new(self._const_series(c) - a)
        if op == "mul":
            return self._new(a * c)
        if op == "div":
            return self._new(a / c)
        return self._new(series.div(self._const_series(c), a))

    def __neg__(self):
        return self._new(-self._c)

    def __pos__(self):
        return self

    def __abs__(self):
        return self._apply1(RULES_BY_NAME["fabs"])

    def _binary_rule(self, name, other, reflected):
        kind, _ = self._classify(other)
        if kind is None or kind == "outer":
            return NotImplemented
        f = FUNCTIONS[name]
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

    # ---- comparisons: by value ------------------------------------------------
    def _cmp(self, other, op):
        o = other.value if isinstance(other, Taylor) else other
        if op not in (operator.eq, operator.ne) and (
                self.dtype.kind == "c" or np.iscomplexobj(o)):
            raise TypeError("ordering comparisons are not supported for complex Taylor "
                            "numbers (complex numbers are not ordered); compare abs() of "
                            "a real quantity instead")
        return op(self.value, o)

    def __eq__(self, other):
        return self._cmp(other, operator.eq)

    def __ne__(self, other):
        return self._cmp(other, operator.ne)

    def __lt__(self, other):
        return self._cmp(other, operator.lt)

    def __le__(self, other):
        return self._cmp(other, operator.le)

    def __gt__(self, other):
        return self._cmp(other, operator.gt)

    def __ge__(self, other):
        return self._cmp(other, operator.ge)

    __hash__ = None

    # ---- the rule table -------------------------------------------------------
    def _apply1(self, rule):
        return functions.apply1(rule, self)

    def _apply2(self, rule, x, y):
        kx, cx = self._classify(x) if x is not self else ("same", x)
        ky, cy = self._classify(y) if y is not self else ("same", y)
        if None in (kx, ky) or "outer" in (kx, ky):
            raise TypeError(f"{rule.name}() cannot combine a Taylor number with "
                            f"{type(x).__name__} and {type(y).__name__} operands")
        return functions.apply2(rule, cx, cy)

    # ---- NumPy ----------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs:
            return NotImplemented
        return _UFUNCS.call(ufunc, inputs)

    def __array_function__(self, func, types, args, kwargs):
        handler = _ARRAY_FUNCTIONS.get(func)
        if handler is None:
            raise TypeError(f"numpy.{func.__name__} is not supported on Taylor numbers "
                            "(supported: " + ", ".join(sorted(
                                f"numpy.{f.__name__}" for f in _ARRAY_FUNCTIONS)) + ")")
        return handler(*args, **kwargs)


# ---------------------------------------------------------------- NumPy ---

class _UfuncTable:
    """NumPy ufuncs on Taylor operands: rules, arithmetic, comparisons by value."""

    ARITH = {np.add: ("__add__", "__radd__"), np.subtract: ("__sub__", "__rsub__"),
             np.multiply: ("__mul__", "__rmul__"), np.divide: ("__truediv__", "__rtruediv__"),
             np.power: ("__pow__", "__rpow__"), np.float_power: ("__pow__", "__rpow__"),
             np.floor_divide: ("__floordiv__", "__rfloordiv__"),
             np.remainder: ("__mod__", "__rmod__")}
    COMPARE = {np.less: operator.lt, np.less_equal: operator.le, np.greater: operator.gt,
               np.greater_equal: operator.ge, np.equal: operator.eq, np.not_equal: operator.ne}
    VALUE = (np.isnan, np.isfinite, np.isinf, np.signbit)

    def call(self, ufunc, inputs):
        values = [i.value if isinstance(i, Taylor) else i for i in inputs]
        if ufunc in self.COMPARE:
            return self.COMPARE[ufunc](*values)
        if ufunc in self.VALUE:
            return ufunc(*values)
        if ufunc in self.ARITH:
            a, b = inputs
            name, rname = self.ARITH[ufunc]
            out = getattr(a, name)(b) if isinstance(a, Taylor) else getattr(b, rname)(a)
        elif ufunc is np.negative:
            out = -inputs[0]
        elif ufunc is np.positive:
            out = inputs[0]
        elif ufunc is np.square:
            out = inputs[0] * inputs[0]
        elif ufunc is np.reciprocal:
            out = 1.0 / inputs[0]
        elif ufunc in RULES_BY_UFUNC:
            out = FUNCTIONS[RULES_BY_UFUNC[ufunc].name](*inputs)
        else:
            raise TypeError(f"{ufunc_name(ufunc)} has no derivative rule for Taylor numbers; "
                            "register one with da.register")
        if out is NotImplemented:
            raise TypeError(f"{ufunc_name(ufunc)}: unsupported operands "
                            f"{', '.join(type(i).__name__ for i in inputs)}")
        return out


_UFUNCS = _UfuncTable()


def _series_and_template(*args):
    template = next(a for a in args if isinstance(a, Taylor))
    out = []
    for a in args:
        if isinstance(a, Taylor):
            template._classify(a)  # same perturbation and order, or raise
            out.append(a._c)
        else:
            kind, c = template._classify(a)
            if kind != "const":
                raise TypeError(f"unsupported operand {type(a).__name__} with Taylor numbers")
            out.append(template._const_series(c))
    return template, out


def _where(cond, a, b):
    template, (ca, cb) = _series_and_template(a, b)
    ca, cb = series.align(ca, cb)
    cond = np.asarray(cond)
    ca, cb = series.align(series.lift(ca, cond.ndim), cb)
    return template._new(np.where(cond, ca, cb))


def _sum(a, axis=None):
    if axis is None:
        axis = tuple(range(a.ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return a._new(a._c.sum(axis=tuple(1 + ax % a.ndim for ax in axes)))


_ARRAY_FUNCTIONS = {np.where: _where, np.sum: _sum}
