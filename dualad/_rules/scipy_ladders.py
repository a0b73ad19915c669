"""The ladders of the scipy.special rules (``scipy_special`` builds the table from them).

Each ladder is code on any number type; ``_function(name)`` is the function
itself on any operand (its rule on duals, scipy's ufunc otherwise), so nested
duals (higher derivatives) work. Conventions as in ``ladders``.
"""
import math

import numpy as np

from .._core.base import DualNumber, lead
from . import elementary as E


SQRT_PI = math.sqrt(math.pi)
TWO_OVER_SQRT_PI = 2.0 / SQRT_PI
LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
SQRT_2PI = math.sqrt(2.0 * math.pi)
LN10 = math.log(10.0)

_state = {}


def _sp():
    import scipy.special
    return scipy.special


def _function(name):
    """The function ``name`` on any operand: its rule on duals, scipy's ufunc otherwise."""
    def fn(*args):
        top = None
        for a in args:
            if isinstance(a, DualNumber):
                top = a if top is None else lead(top, a)
        if top is None:
            rule = _state.get("by_name", {}).get(name)
            return (rule.primal if rule is not None else getattr(_sp(), name))(*args)
        rule = _state["by_name"][name]
        if rule.arity == 1:
            return top._apply1(rule)
        return top._apply2(rule, *args)
    fn.__name__ = name
    return fn


erfcx, erfi, dawson, erfinv, erfcinv = (_function(n) for n in
                                        ("erfcx", "erfi", "dawsn", "erfinv", "erfcinv"))
expit, logit, log_expit, ndtr, log_ndtr, ndtri = (_function(n) for n in (
    "expit", "logit", "log_expit", "ndtr", "log_ndtr", "ndtri"))
rgamma, exp10, entr, expi, exp1 = (_function(n) for n in
                                   ("rgamma", "exp10", "entr", "expi", "exp1"))
j0, j1, y0, y1, i0, i1, i0e, i1e = (_function(n) for n in
                                    ("j0", "j1", "y0", "y1", "i0", "i1", "i0e", "i1e"))
ellipk, ellipe, betaln = (_function(n) for n in ("ellipk", "ellipe", "betaln"))
jv, yv, iv, kv, ive, kve = (_function(n) for n in ("jv", "yv", "iv", "kv", "ive", "kve"))
gammainc, gammaincc = _function("gammainc"), _function("gammaincc")
gammasgn = _function("gammasgn")


def zeta(x, q):
    """Hurwitz zeta through its ufunc: a dual x, even an inner one, reaches Euler-Maclaurin."""
    return _sp()._ufuncs._zeta(x, q)
si, ci = _function("sici.si"), _function("sici.ci")
sin, cos = E.sin, E.cos
exp, log, log1p, sign, psi = E.exp, E.log, E.log1p, E.sign, E.digamma


def trigamma(x):
    return E.polygamma(1, x)


# ------------------------------------------------------------- ladders ---

def _erfcx(x):
    f = erfcx(x)
    d = 2.0 * x * f - TWO_OVER_SQRT_PI
    return f, d, 2.0 * f + 2.0 * x * d


def _erfi(x):
    d = TWO_OVER_SQRT_PI * exp(x * x)
    return erfi(x), d, 2.0 * x * d


def _dawson(x):
    f = dawson(x)
    d = 1.0 - 2.0 * x * f
    return f, d, -2.0 * f - 2.0 * x * d


def _erfinv(x):
    y = erfinv(x)
    d = 0.5 * SQRT_PI * exp(y * y)
    return y, d, 2.0 * y * d * d


def _erfcinv(x):
    y = erfcinv(x)
    d = -0.5 * SQRT_PI * exp(y * y)
    return y, d, 2.0 * y * d * d


def _expit(x):
    s = expit(x)
    d = s * expit(-x)
    return s, d, d * (1.0 - 2.0 * s)


def _logit(x):
    d = 1.0 / (x * (1.0 - x))
    return logit(x), d, (2.0 * x - 1.0) * d * d


def _log_expit(x):
    d = expit(-x)
    return log_expit(x), d, -d * expit(x)


def _ndtr(x):
    phi = exp(-0.5 * x * x) / SQRT_2PI
    return ndtr(x), phi, -x * phi


def _log_ndtr(x):
    f = log_ndtr(x)
    d = exp(-0.5 * x * x - LOG_SQRT_2PI - f)
    return f, d, -d * (x + d)


def _ndtri(x):
    y = ndtri(x)
    d = SQRT_2PI * exp(0.5 * y * y)
    return y, d, y * d * d


def _rgamma(x):
    f = rgamma(x)
    p = psi(x)
    return f, -f * p, f * (p * p - trigamma(x))


def _exp10(x):
    f = exp10(x)
    return f, LN10 * f, LN10 * LN10 * f


def _entr(x):
    return entr(x), -log(x) - 1.0, -1.0 / x


def _expi(x):
    e = exp(x) / x
    return expi(x), e, e - e / x


def _exp1(x):
    e = exp(-x) / x
    return exp1(x), -e, e + e / x


def _j0(x):
    a, b = j0(x), j1(x)
    return a, -b, -a + b / x


def _j1(x):
    a, b = j0(x), j1(x)
    d = a - b / x
    return b, d, -b - d / x + b / (x * x)


def _y0(x):
    a, b = y0(x), y1(x)
    return a, -b, -a + b / x


def _y1(x):
    a, b = y0(x), y1(x)
    d = a - b / x
    return b, d, -b - d / x + b / (x * x)


def _i0(x):
    a, b = i0(x), i1(x)
    return a, b, a - b / x


def _i1(x):
    a, b = i0(x), i1(x)
    d = a - b / x
    return b, d, b - d / x + b / (x * x)


def _i0e(x):
    # i0e = exp(-|x|) i0; s = sign(x) (x != 0 in the domain of the tests)
    a, b = i0e(x), i1e(x)
    s = sign(x)
    return a, b - s * a, 2.0 * a - b / x - 2.0 * s * b


def _i1e(x):
    a, b = i0e(x), i1e(x)
    s = sign(x)
    d = a - b / x - s * b
    return b, d, (b - s * a) - d / x + b / (x * x) - s * d


def _ellipk(m):
    k, e = ellipk(m), ellipe(m)
    den = 2.0 * m * (1.0 - m)
    dk = (e - (1.0 - m) * k) / den
    de = (e - k) / (2.0 * m)
    return k, dk, (de + k - (1.0 - m) * dk) / den - dk * (2.0 - 4.0 * m) / den


def _ellipe(m):
    k, e = ellipk(m), ellipe(m)
    den = 2.0 * m * (1.0 - m)
    dk = (e - (1.0 - m) * k) / den
    de = (e - k) / (2.0 * m)
    return e, de, (de - dk) / (2.0 * m) - de / m


# binary: (f, f_x, f_y, f_xx, f_xy, f_yy)

def _xlogy(x, y):
    ly = log(y)
    return x * ly, ly, x / y, 0.0 * x, 1.0 / y, -x / y / y


def _xlog1py(x, y):
    ly = log1p(y)
    r = 1.0 / (1.0 + y)
    return x * ly, ly, x * r, 0.0 * x, r, -x * r * r


def _betaln(a, b):
    pab = psi(a + b)
    tab = trigamma(a + b)
    return (betaln(a, b), psi(a) - pab, psi(b) - pab,
            trigamma(a) - tab, -tab, trigamma(b) - tab)


def _beta(a, b):
    f = exp(betaln(a, b))
    _, fa, fb, faa, fab, fbb = _betaln(a, b)
    return f, f * fa, f * fb, f * (fa * fa + faa), f * (fa * fb + fab), f * (fb * fb + fbb)


# Bessel functions of a constant order v: derivatives in z only (the order is
# a parameter, as polygamma's n). A dual order raises: no derivative is invented.

def _order_is_constant(name):
    def ladder(v, z):
        raise TypeError(f"scipy.special.{name}: dualad differentiates in its last argument "
                        "only; the order v (or shape a) must be a constant (a float or an "
                        "array)")
    return ladder


def _constant_argument(name, arg):
    def ladder(*args):
        raise TypeError(f"scipy.special.{name}: dualad has no derivative in its argument "
                        f"{arg!r}, which must be a constant (a float or an array); it "
                        "differentiates in q only (zeta(x, q))")
    return ladder


def _jv_z(v, z):
    a, b = jv(v - 1.0, z), jv(v + 1.0, z)
    return jv(v, z), 0.5 * (a - b), 0.25 * (jv(v - 2.0, z) - 2.0 * jv(v, z) + jv(v + 2.0, z))


def _yv_z(v, z):
    a, b = yv(v - 1.0, z), yv(v + 1.0, z)
    return yv(v, z), 0.5 * (a - b), 0.25 * (yv(v - 2.0, z) - 2.0 * yv(v, z) + yv(v + 2.0, z))


def _iv_z(v, z):
    a, b = iv(v - 1.0, z), iv(v + 1.0, z)
    return iv(v, z), 0.5 * (a + b), 0.25 * (iv(v - 2.0, z) + 2.0 * iv(v, z) + iv(v + 2.0, z))


def _kv_z(v, z):
    a, b = kv(v - 1.0, z), kv(v + 1.0, z)
    return kv(v, z), -0.5 * (a + b), 0.25 * (kv(v - 2.0, z) + 2.0 * kv(v, z) + kv(v + 2.0, z))


def _ive_z(v, z):
    # ive = iv exp(-|z|)
    f, s = ive(v, z), sign(z)
    m = 0.5 * (ive(v - 1.0, z) + ive(v + 1.0, z))
    d = m - s * f
    dm = 0.25 * (ive(v - 2.0, z) + 2.0 * f + ive(v + 2.0, z)) - s * m
    return f, d, dm - s * d


def _kve_z(v, z):
    # kve = kv exp(z)
    f = kve(v, z)
    m = -0.5 * (kve(v - 1.0, z) + kve(v + 1.0, z))
    d = m + f
    dm = 0.25 * (kve(v - 2.0, z) + 2.0 * f + kve(v + 2.0, z)) + m
    return f, d, dm + d


def _gammainc_x(a, x):
    # d/dx P(a, x) = x**(a-1) exp(-x) / gamma(a)
    d = exp((a - 1.0) * log(x) - x - E.lgamma(a))
    return gammainc(a, x), d, d * ((a - 1.0) / x - 1.0)


def _gammaincc_x(a, x):
    d = -exp((a - 1.0) * log(x) - x - E.lgamma(a))
    return gammaincc(a, x), d, d * ((a - 1.0) / x - 1.0)


def _gammasgn(x):
    return gammasgn(x), 0.0, 0.0


def _si(x):
    s = sin(x) / x
    return si(x), s, (cos(x) - s) / x


def _ci(x):
    c = cos(x) / x
    return ci(x), c, (-sin(x) - c) / x


def _zeta_q(x, q):
    # Hurwitz zeta(x, q): d/dq = -x zeta(x + 1, q); the exponent x is a constant
    return zeta(x, q), -x * zeta(x + 1.0, q), x * (x + 1.0) * zeta(x + 2.0, q)


def betainc(a, b, x):
    return _sp().betainc(a, b, x)


def _betainc_x3(a, b, x, lb):
    """The ladder of betainc(a, b, .) at x for constant a, b; lb = betaln(a, b)."""
    d = exp((a - 1.0) * log(x) + (b - 1.0) * log1p(-x) - lb)
    return betainc(a, b, x), d, d * ((a - 1.0) / x - (b - 1.0) / (1.0 - x))


def _betainc_x(a, b):
    """The ladder of betainc(a, b, .) for constant a, b (floats or arrays)."""
    lb = _sp().betaln(a, b)
    lb = float(lb) if np.ndim(lb) == 0 else lb  # a Python float: a float32 x stays float32

    def ladder(x):
        return _betainc_x3(a, b, x, lb)
    return ladder
