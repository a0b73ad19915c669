"""``zeta(x, q)`` and ``zeta(x)`` with a dual exponent x: Euler-Maclaurin, run on the duals.

The derivatives of the Hurwitz zeta function in its exponent,
``d^k/dx^k zeta(x, q) = sum_n (-log(n + q))^k (n + q)^-x``, have no closed
form. Here zeta itself is summed by Euler-Maclaurin on the dual numbers
(dualad's ``exp`` and ``log`` rules), so every derivative, in x and in q and
mixed, is the derivative of that expansion::

    zeta(x, q) = sum_{n<N} (n+q)^-x + w^(1-x)/(x-1) + w^-x/2
                 + sum_{j=1..M} B_2j/(2j)! x(x+1)...(x+2j-2) w^(-x-2j+1),   w = N + q.

The expansion is analytic in (x, q), and its remainder after M = 12 terms is
about ``2 x(x+1)...(x+2M) / (2 pi w)^(2M+1)`` times ``w^-x``: with
``N = 16 + x`` (rounded up) it is below 1e-20 relative for 1 < x < 60, and
differentiating it in x only adds powers of ``log w``. It is also the analytic
continuation below x = 1, which the Riemann ``zeta(x)`` (q = 1) uses there.
The value returned is SciPy's (the expansion's own value is replaced by it, a
constant shift of the innermost value). q must be positive (else nan).
Checked against mpmath's ``zeta(x, q, k)`` (its k-th derivative in x),
tests/test_scipy_special.py.
"""
import math

import numpy as np

from . import elementary as E
from .scipy_betainc import _inner
from .scipy_ladders import _sp

M = 12
# B_2j / (2j)!, j = 1..M
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730)
_COEFFS = []
_f = 1.0
for _j, _b in enumerate(_BERNOULLI, start=1):
    _f *= (2 * _j - 1) * (2 * _j)
    _COEFFS.append(_b / _f)
_COEFFS = tuple(_COEFFS)  # a tuple: a constant inside nopython code too
del _f, _j, _b


def hurwitz_expansion(x, q, terms):
    """Euler-Maclaurin's zeta(x, q) with ``terms`` leading terms, on any operands."""
    total = 0.0
    for n in range(terms):
        total = total + E.exp(-x * E.log(q + float(n)))
    w = q + float(terms)
    lw = E.log(w)
    w_x = E.exp(-x * lw)                       # w^-x
    total = total + w * w_x / (x - 1.0) + 0.5 * w_x
    # the j-th correction B_2j/(2j)! x(x+1)...(x+2j-2) w^(-x-2j+1), each from the one
    # before (the rising product alone overflows float32 at x = 40)
    term = _COEFFS[0] * x * w_x / w
    w2 = w * w
    for j in range(1, M):
        total = total + term
        term = term * (_COEFFS[j] / _COEFFS[j - 1]) * (x + (2.0 * j - 1.0)) * (x + 2.0 * j) / w2
    return total + term


def terms_for(x0):
    """N = 16 + x (rounded up; at least 16) for one exponent value x0 (nopython too)."""
    if not (x0 > 0.0):  # x0 <= 0 or nan
        return 16
    return 16 + int(math.ceil(min(x0, 200.0)))


def leading_terms(x0):
    """N for all the exponent values x0 (the largest)."""
    top = np.max(np.where(np.isfinite(x0), x0, 0.0), initial=0.0)
    return terms_for(float(top))


def _where(mask, a, b):
    return (a if mask else b) if np.ndim(mask) == 0 else np.where(mask, a, b)


def zeta_exponent(x, q=None):
    """zeta(x, q) (Hurwitz; Riemann when q is None) where x is dual (q maybe too)."""
    x0 = np.asarray(_inner(x))
    if q is not None:
        value = _sp().zeta(x0, np.asarray(_inner(q)))
        r = hurwitz_expansion(x, q, leading_terms(x0))
        return r + (value - _inner(r))  # SciPy's value; the derivatives are the expansion's
    value = _sp().zeta(x0)
    negative = x0 < 0.0
    if not np.any(negative):
        r = hurwitz_expansion(x, 1.0, leading_terms(x0))
        return r + (value - _inner(r))
    # x < 0: the expansion's sum grows like N^(1-x) and cancels to a small zeta(x);
    # the functional equation zeta(x) = 2^x pi^(x-1) sin(pi x/2) gamma(1-x) zeta(1-x)
    # needs it only at 1 - x > 1 (each factor a rule)
    s = _where(negative, 1.0 - x, x)
    r = hurwitz_expansion(s, 1.0, leading_terms(np.where(negative, 1.0 - x0, x0)))
    t = _where(negative, x, -0.5)  # the factor at a harmless point where unused
    factor = (E.exp(t * _LOG_2PI) / np.pi * E.sin(0.5 * np.pi * t)
              * E.exp(E.lgamma(1.0 - t)))
    r = r * _where(negative, factor, 1.0)
    return r + (value - _inner(r))


_LOG_2PI = float(np.log(2.0 * np.pi))
