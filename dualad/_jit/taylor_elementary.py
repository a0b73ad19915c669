"""The rule table's functions on compiled Taylor numbers (the implementations).

Recurrences (``taylor_ops``) for exp, log, pow, sqrt, sin/cos, sinh/cosh, tan,
tanh and the rules that follow from them; rules whose derivative does not
involve f itself (atan, asin, acos, asinh, acosh, atanh, erf, erfc) integrate
y' = f'(x) x' from f' built of recurrences; the binary rules follow their
ladders' conventions (selections, constant quotients, hypot at the origin).
``UNARY`` and ``BINARY`` map rule names to them; ``taylor_functions``
registers them. lgamma and polygamma(n, .) compose their Taylor series at
the point (derivatives polygamma(n + k, x0), O(K³) by Horner: no recurrence
of degree two exists for them), and gamma = gamma(x0) exp(lgamma(x) - lgamma(x0)),
the exp recurrence on lgamma's series (valid for negative x0 too: lgamma is
log|gamma|, whose derivative is psi everywhere).
"""
import math

import numpy as np
from numba.extending import overload

from .registry import OVERLOAD, jitable
from .taylor_ops import (LN2, LN10, _same_or_const, t_constant, t_exp, t_integrate, t_log,
                         t_mul, t_power, t_scale, t_shift, t_sincos, t_sqrt, t_tanlike,
                         t_with_value)
from .taylor_types import buffer_of, from_buffer
from .._rules.special import polygamma_float as _polygamma_float


def _exp(x):
    return t_exp(x, math.exp(x.c[0]), 1.0)


def _exp2(x):
    return t_exp(x, 2.0 ** x.c[0], LN2)


def _expm1(x):
    return t_with_value(t_exp(x, math.exp(x.c[0]), 1.0), math.expm1(x.c[0]))


def _log_scaled(x, y0, scale):
    return t_log(x, y0, scale)


def _log(x):
    return t_log(x, math.log(x.c[0]), 1.0)


def _log2(x):
    return t_log(x, math.log(x.c[0]) / LN2, 1.0 / LN2)


def _log10(x):
    return t_log(x, math.log10(x.c[0]), 1.0 / LN10)


def _log1p(x):
    return t_log(t_shift(x, 1.0), math.log1p(x.c[0]), 1.0)


def _sqrt(x):
    return t_sqrt(x, math.sqrt(x.c[0]))


def _power(x, r):
    # x**r, r a constant: the recurrence of x y' = r y x' where x0 != 0; at
    # x0 == 0 a non-negative integer r by products (exact), others as the
    # recurrence gives them (the infinite derivatives of 0**r).
    x0 = x.c[0]
    n = len(x.c)
    if x0 == 0.0 and r >= 0.0 and r == math.floor(r):
        m = int(r)
        y = t_constant(x, 1.0)
        for _ in range(min(m, n)):
            y = t_mul(y, x)
        if m >= n:
            y = t_scale(y, 0.0)
        return y
    return t_power(x, x0 ** r, r)


def _cbrt(x):
    x0 = x.c[0]
    return t_power(x, math.copysign(abs(x0) ** (1.0 / 3.0), x0), 1.0 / 3.0)


def _sin(x):
    x0 = x.c[0]
    return t_sincos(x, math.sin(x0), math.cos(x0), -1.0)[0]


def _cos(x):
    x0 = x.c[0]
    return t_sincos(x, math.sin(x0), math.cos(x0), -1.0)[1]


def _sinh(x):
    x0 = x.c[0]
    return t_sincos(x, math.sinh(x0), math.cosh(x0), 1.0)[0]


def _cosh(x):
    x0 = x.c[0]
    return t_sincos(x, math.sinh(x0), math.cosh(x0), 1.0)[1]


def _tan(x):
    t = math.tan(x.c[0])
    return t_tanlike(x, t, 1.0 + t * t, 1.0)[0]


def _tanh(x):
    # sech² from exp(-2|x|), as the table's ladder (1 - tanh² loses every digit)
    x0 = x.c[0]
    e = math.exp(-2.0 * abs(x0))
    s = 1.0 + e
    return t_tanlike(x, math.tanh(x0), 4.0 * e / (s * s), -1.0)[0]


def _fabs(x):
    # derivative sign(x): 0 at x == 0 (the table's convention), at every order
    x0 = x.c[0]
    s = 1.0 if x0 > 0.0 else (-1.0 if x0 < 0.0 else 0.0)
    return t_with_value(t_scale(x, s), abs(x0))


def _step(fn):
    def step(x):
        return t_constant(x, fn(x.c[0]))
    return step


def _sign_float(v):
    return 1.0 if v > 0.0 else (-1.0 if v < 0.0 else (0.0 if v == 0.0 else v))


def _degrees(x):
    return t_scale(x, 180.0 / math.pi)


def _radians(x):
    return t_scale(x, math.pi / 180.0)


# ---- rules whose derivative is free of f: y = y0 + integral of g(x) dx ---

def _integrate(x, g, y0):
    """y with y' = g x' and y(0) = y0 (g to degree K - 1 is used)."""
    return t_integrate(x, g, y0)


def _one_minus_x2(x):
    return t_mul(1.0 - x, 1.0 + x)


def _atan(x):
    return _integrate(x, 1.0 / (1.0 + t_mul(x, x)), math.atan(x.c[0]))


def _asin(x):
    return _integrate(x, 1.0 / _sqrt(_one_minus_x2(x)), math.asin(x.c[0]))


def _acos(x):
    return _integrate(x, -1.0 / _sqrt(_one_minus_x2(x)), math.acos(x.c[0]))


def _asinh(x):
    return _integrate(x, 1.0 / _sqrt(1.0 + t_mul(x, x)), math.asinh(x.c[0]))


def _acosh(x):
    return _integrate(x, 1.0 / _sqrt(t_mul(x - 1.0, x + 1.0)), math.acosh(x.c[0]))


def _atanh(x):
    y0 = math.atanh(x.c[0])
    return _integrate(x, 1.0 / _one_minus_x2(x), y0)


TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erf(x):
    return _integrate(x, TWO_OVER_SQRT_PI * _exp(-t_mul(x, x)), math.erf(x.c[0]))


def _erfc(x):
    return _integrate(x, -TWO_OVER_SQRT_PI * _exp(-t_mul(x, x)), math.erfc(x.c[0]))


# ---- lgamma, polygamma, gamma: the series of f(x0 + s) composed with s = x - x0 ---

def _compose(x, d):
    """sum_k d_k (x - x0)^k (d: a Taylor number holding d_k = f^(k)(x0) / k!), by
    Horner, each step only to the degree still needed (as series.compose);
    O(K³), K³/6 multiply-adds; y_k = d_k x_1^k for an affine x (a seed)."""
    n = len(x.c)
    px = buffer_of(x)
    pd = buffer_of(d)
    out = buffer_of(x)
    affine = True
    for m in range(2, n):
        if px[m] != 0.0:
            affine = False
    if affine:
        p = 1.0
        for m in range(n):
            out[m] = pd[m] * p
            if n > 1:
                p *= px[1]
        return from_buffer(out, x)
    tmp = buffer_of(x)
    for m in range(n):
        out[m] = 0.0
    out[0] = pd[n - 1]
    for k in range(n - 2, -1, -1):
        # out = out * s + d[k], with s_0 = 0: (out s)_m = sum_{j=1..m} s_j out_{m-j},
        # needed to degree n - 1 - k (it is multiplied by s^k after)
        for m in range(n - k):
            t = 0.0
            for j in range(1, m + 1):
                t += px[j] * out[m - j]
            tmp[m] = t
        for m in range(n - k):
            out[m] = tmp[m]
        out[0] += pd[k]
    return from_buffer(out, x)


def _polygamma_series(order, x, shift):
    """polygamma(order + k - shift, x0) / k! (k >= shift, else 0) as coefficients k of a
    Taylor number (a value: a stack buffer must not outlive its function)."""
    n = len(x.c)
    x0 = x.c[0]
    d = buffer_of(x)
    fact = 1.0
    for k in range(n):
        if k > 0:
            fact *= k
        d[k] = _polygamma_float(order + k - shift, x0) / fact if k >= shift else 0.0
    return from_buffer(d, x)


def _polygamma_t(order, x):
    return _compose(x, _polygamma_series(order, x, 0))


def _lgamma(x):
    return _compose(x, _with_value(_polygamma_series(0, x, 1), math.lgamma(x.c[0])))


def _gamma(x):
    return t_exp(_lgamma(x), math.gamma(x.c[0]), 1.0)


jitable(_polygamma_float)
for _f in (_compose, _polygamma_series, _polygamma_t):
    jitable(_f)
jitable(_integrate)
jitable(_one_minus_x2)
jitable(_sign_float)
UNARY = {"atan": _atan, "asin": _asin, "acos": _acos, "asinh": _asinh, "acosh": _acosh,
         "atanh": _atanh, "erf": _erf, "erfc": _erfc, "gamma": _gamma, "lgamma": _lgamma,
         "exp": _exp, "exp2": _exp2, "expm1": _expm1, "log": _log, "log2": _log2,
         "log10": _log10, "log1p": _log1p, "sqrt": _sqrt, "cbrt": _cbrt, "sin": _sin,
         "cos": _cos, "sinh": _sinh, "cosh": _cosh, "tan": _tan, "tanh": _tanh,
         "fabs": _fabs, "degrees": _degrees, "radians": _radians,
         "floor": _step(math.floor), "ceil": _step(math.ceil), "trunc": _step(math.trunc),
         "round": _step(np.rint), "sign": _step(_sign_float)}
for _f in UNARY.values():
    jitable(_f)
for _f in (_log_scaled, _power):
    jitable(_f)


def _pow_any(x, y):
    """x**y with one or both a Taylor number."""


@overload(_pow_any, strict=False, **OVERLOAD)
def _pow_ov(x, y):
    kind = _same_or_const(x, y)
    if kind == "left":
        return lambda x, y: _power(x, float(y))
    if kind == "right":
        def impl(x, y):  # c**y = exp(y log c); d/dy at c == 0 is 0 (the table's)
            c = float(x)
            if c == 0.0:
                return t_constant(y, c ** y.c[0])
            return t_exp(y, c ** y.c[0], math.log(c))
        return impl
    if kind == "same":
        def impl(x, y):  # exp(y log x), x0 > 0
            return t_exp(t_mul(y, _log(x)), x.c[0] ** y.c[0], 1.0)
        return impl


# ---- binary rules, on two Taylor numbers of one type (constants promoted) ---

def _with_value(t, v):
    return t_with_value(t, v)


def _atan2(y, x):
    # the higher coefficients of atan(y/x) (or of -atan(x/y)): atan2 differs
    # from it by a constant near the point
    y0, x0 = y.c[0], x.c[0]
    if abs(x0) >= abs(y0):
        t = _atan(y / x)
    else:
        t = -_atan(x / y)
    return _with_value(t, math.atan2(y0, x0))


def _hypot(x, y):
    h0 = math.hypot(x.c[0], y.c[0])
    if h0 == 0.0:  # the table's convention: derivative 0 at the origin, every direction
        return t_constant(x, 0.0)
    return _with_value(_sqrt(t_mul(x, x) + t_mul(y, y)), h0)


def _log_base(x, b):
    return _with_value(_log(x) / _log(b), math.log(x.c[0]) / math.log(b.c[0]))


def _copysign(x, y):
    d = math.copysign(1.0, x.c[0]) * math.copysign(1.0, y.c[0])
    return _with_value(t_scale(x, d), math.copysign(x.c[0], y.c[0]))


def _fmod(x, y):
    x0, y0 = x.c[0], y.c[0]
    return _with_value(x - t_scale(y, math.trunc(x0 / y0)), math.fmod(x0, y0))


def _mod(x, y):
    x0, y0 = x.c[0], y.c[0]
    return _with_value(x - t_scale(y, math.floor(x0 / y0)), x0 % y0)


def _floordiv(x, y):
    return t_constant(x, x.c[0] // y.c[0])


def _maximum(x, y):
    x0, y0 = x.c[0], y.c[0]
    return x if (x0 >= y0 or x0 != x0) else y


def _minimum(x, y):
    x0, y0 = x.c[0], y.c[0]
    return x if (x0 <= y0 or x0 != x0) else y


def _fmax(x, y):
    x0, y0 = x.c[0], y.c[0]
    return x if (x0 >= y0 or y0 != y0) else y


def _fmin(x, y):
    x0, y0 = x.c[0], y.c[0]
    return x if (x0 <= y0 or y0 != y0) else y


BINARY = {"atan2": _atan2, "hypot": _hypot, "log_base": _log_base, "copysign": _copysign,
          "fmod": _fmod, "mod": _mod, "floordiv": _floordiv, "maximum": _maximum,
          "minimum": _minimum, "fmax": _fmax, "fmin": _fmin}
for _f in list(BINARY.values()) + [_with_value]:
    jitable(_f)
