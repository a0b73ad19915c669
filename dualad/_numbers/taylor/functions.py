"""The rule table on Taylor numbers: recurrences where there is one, else the generic path.

``apply1(rule, x)`` and ``apply2(rule, x, y)`` are what ``Taylor._apply1`` /
``_apply2`` call. The table's rules listed in ``_UNARY`` are propagated by
their O(K²) recurrences (``series``), their value taken from the table's own
function (so the zeroth coefficient is the float result, and raises where it
raises); ``pow`` uses the recurrence of x**c (x0 != 0), of c**y (c > 0) or
exp(y log x) (x0 > 0). lgamma and polygamma(n, .) obey no differential
equation of low degree (Hölder), so their Taylor series at the point
(polygamma(n + k, x0) / k!, one evaluation per coefficient) is composed with
the input's (``series.compose``: O(K) for a seed x0 + t, Horner otherwise),
and gamma is the exp recurrence on lgamma's series. Every other case, every other rule (and every rule
added to the table or registered with ``da.register``) goes through
``generic``, which follows the rule's ladder and so its conventions at
kinks. A recurrence applies only to the table's own rule of that name.
"""
import math

import numpy as np

from ..._rules import FUNCTIONS, RULES_BY_NAME, polygamma as _polygamma, polygamma_rule
from ..._rules.elementary import not_holomorphic
from . import generic, series

LN2 = math.log(2.0)
LN10 = math.log(10.0)


def _fn(name):
    return FUNCTIONS[name]


def _exp(c, x0):
    return series.exp(c, _fn("exp")(x0))


def _exp2(c, x0):
    return series.exp(c, _fn("exp2")(x0), LN2)


def _expm1(c, x0):
    y = series.exp(c, _fn("exp")(x0))
    y[0] = _fn("expm1")(x0)
    return y


def _log(c, x0):
    return series.log(c, _fn("log")(x0))


def _log2(c, x0):
    return series.log(c, _fn("log2")(x0), 1.0 / LN2)


def _log10(c, x0):
    return series.log(c, _fn("log10")(x0), 1.0 / LN10)


def _log1p(c, x0):
    y0 = _fn("log1p")(x0)  # first: its domain error, not a division by zero below
    b = c.copy()
    b[0] += 1.0
    return series.log(b, y0)


def _sqrt(c, x0):
    return series.sqrt(c, _fn("sqrt")(x0))


def _sin(c, x0):
    return series.sin_cos(c, _fn("sin")(x0), _fn("cos")(x0))[0]


def _cos(c, x0):
    return series.sin_cos(c, _fn("sin")(x0), _fn("cos")(x0))[1]


def _sinh(c, x0):
    return series.sin_cos(c, _fn("sinh")(x0), _fn("cosh")(x0), 1.0)[0]


def _cosh(c, x0):
    return series.sin_cos(c, _fn("sinh")(x0), _fn("cosh")(x0), 1.0)[1]


def _tan(c, x0):
    t = _fn("tan")(x0)
    return series.tan_like(c, t, 1.0 + t * t, 1.0)


def _tanh(c, x0):
    if np.iscomplexobj(x0):  # tanh' = 1 - tanh² (no sech² by |x0| off the real line)
        t = _fn("tanh")(x0)
        return series.tan_like(c, t, 1.0 - t * t, -1.0)
    # w0 = sech²(x0) = 4e / (1 + e)² with e = exp(-2|x0|), as the table's ladder
    e = np.exp(-2.0 * np.abs(x0)) if not isinstance(x0, float) else math.exp(-2.0 * abs(x0))
    s = 1.0 + e
    return series.tan_like(c, _fn("tanh")(x0), 4.0 * e / (s * s), -1.0)


def _polygamma_coefficients(c, x0, order, shift):
    """d_k = polygamma(order + k - shift, x0) / k! for k >= shift (0 below), as a
    series of c's degree: the Taylor coefficients of lgamma (order 0, shift 1, d_0
    set by the caller) or of polygamma(order, .) (shift 0) at x0."""
    n = c.shape[0]
    d = np.zeros((n,) + np.shape(x0), np.result_type(c.dtype, np.asarray(x0).dtype))
    fact = 1.0
    for k in range(n):
        if k > 0:
            fact *= k
        if k >= shift:
            d[k] = _polygamma(order + k - shift, x0) / fact
    return d


def _lgamma(c, x0):
    d = _polygamma_coefficients(c, x0, 0, 1)
    d[0] = _fn("lgamma")(x0)
    return series.compose(c, d)


def _gamma(c, x0):
    # gamma = gamma(x0) exp(lgamma(x) - lgamma(x0)): the exp recurrence on lgamma's
    # series (lgamma is log|gamma|, whose derivative is psi for negative x0 too)
    y0 = _fn("gamma")(x0)
    return series.exp(_lgamma(c, x0), y0)


def _polygamma_of(n):
    def rec(c, x0):
        return series.compose(c, _polygamma_coefficients(c, x0, n, 0))
    return rec


_UNARY = {"gamma": _gamma, "lgamma": _lgamma, "exp": _exp, "exp2": _exp2, "expm1": _expm1, "log": _log, "log2": _log2,
          "log10": _log10, "log1p": _log1p, "sqrt": _sqrt, "sin": _sin, "cos": _cos,
          "sinh": _sinh, "cosh": _cosh, "tan": _tan, "tanh": _tanh}


def recurrence_names():
    """The rules propagated by a recurrence of their own (the others: generic)."""
    return tuple(sorted(_UNARY) + ["pow"])


def _polygamma_order(rule):
    """n if rule is the table's polygamma(n, .), else None."""
    name = rule.name
    if name.startswith("polygamma_") and name[10:].isdigit():
        n = int(name[10:])
        if polygamma_rule(n) is rule:
            return n
    return None


def _is_complex(a):
    """True for a complex series or constant (Taylor numbers of complex coefficients)."""
    return np.iscomplexobj(a._c if hasattr(a, "_c") else a)


def holomorphic_or_refuse(rule, *args):
    """True if an operand is complex (then rule is holomorphic, else TypeError naming it)."""
    if any(_is_complex(a) for a in args):
        if not rule.holomorphic:
            raise not_holomorphic(rule.name)
        return True
    return False


def apply1(rule, x):
    """rule(x) for a Taylor number x (complex: the holomorphic rules only)."""
    holomorphic_or_refuse(rule, x)
    rec = _UNARY.get(rule.name)
    if rec is not None and RULES_BY_NAME.get(rule.name) is rule:
        return x._new(rec(x._c, x.value))
    n = _polygamma_order(rule)
    if n is not None:
        return x._new(_polygamma_of(n)(x._c, x.value))
    return generic.unary(rule, x)


def apply2(rule, x, y):
    """rule(x, y), one or both operands Taylor numbers of one tag (the others constants)."""
    holomorphic_or_refuse(rule, x, y)
    if rule.name == "pow" and RULES_BY_NAME["pow"] is rule:
        out = _pow(x, y)
        if out is not None:
            return out
    return generic.binary(rule, x, y)


def _pow(x, y):
    """x**y by a recurrence, or None where none applies (a zero or negative base)."""
    tx, ty = hasattr(x, "_c"), hasattr(y, "_c")
    pow_ = _fn("pow")
    if tx and not ty:
        x0 = x.value
        if np.all(np.asarray(x0) != 0.0):
            return x._new(series.power(x._c, pow_(x0, y), y))
        return None
    if ty and not tx:
        if _positive_or_complex(x):
            return y._new(series.exp(y._c, pow_(x, y.value), _log_of(x)))
        return None
    x0 = x.value
    if _positive_or_complex(x0):
        z = series.mul(y._c, series.log(x._c, _fn("log")(x0)))
        return x._new(series.exp(z, pow_(x0, y.value)))
    return None


def _positive_or_complex(x0):
    """exp(y log x) is x**y: x0 > 0, or x0 != 0 complex (principal log, NumPy's pow)."""
    a = np.asarray(x0)
    if a.dtype.kind == "c":
        return bool(np.all(a != 0.0))
    return bool(np.all(a > 0.0))


def _log_of(c):
    if isinstance(c, float):
        return math.log(c)
    return FUNCTIONS["log"](c) if np.iscomplexobj(c) else np.log(c)
