"""``betainc(a, b, x)`` with a dual ``a`` or ``b``: its continued fraction, run on the duals.

The derivatives of the regularized incomplete beta function in its parameters
have no closed form. Here the function itself is evaluated by the continued
fraction of DLMF 8.17.22 (as in Numerical Recipes' ``betacf``, by the modified
Lentz method), with the prefactor ``x**a (1-x)**b / (a B(a, b))`` written with
dualad's ``exp``, ``log``, ``log1p`` and ``betaln`` rules, all on the dual
numbers themselves. So the derivatives, of every order and mixed, are the
derivatives of a convergent expansion that is analytic in (a, b, x):

* the continued fraction converges geometrically for ``x < (a+1)/(a+b+2)``;
  beyond, ``I_x(a, b) = 1 - I_{1-x}(b, a)`` (no cancellation in the derivative:
  that of ``1 - r`` is ``-dr``). ``log(1 - x)`` is ``log1p(-x)`` on both sides;
* its partial convergents and their derivatives converge together (a
  uniformly convergent sequence of analytic functions); the iteration stops
  when the last factor ``delta`` is 1 in *every* component (value and
  partials at every level) to a few ulps, not only in its value;
* the value returned is SciPy's (``betainc(a, b, x)`` to the bit): the
  expansion's own value is replaced by it (a constant shift of the innermost
  value), so only the derivatives come from the expansion;
* at ``x = 0`` and ``x = 1`` the function is 0 or 1 for every a, b: there the
  derivative in a and b is 0 and the one in x is the x-rule's.

Checked against mpmath (``mpmath.betainc(..., regularized=True)`` and
``mpmath.diff``) to 1e-10 relative, first and second order (tests/test_scipy_special.py).
"""
import numpy as np

from .._core.base import DualNumber
from . import elementary as E
from .scipy_ladders import _sp, betaln

MAX_TERMS = 10000


def _inner(x):
    while isinstance(x, DualNumber):
        x = x._primal()
    return x


def _where(mask, x, y):
    if np.ndim(mask) == 0:
        return x if mask else y
    return np.where(mask, x, y)


def _spread(x):
    """The largest magnitude among all components of x (values and partials, all levels)."""
    if isinstance(x, DualNumber):
        parts = (x.values, x.partials) if hasattr(x, "values") else x._components()
        return max(_spread(p) for p in parts)
    if isinstance(x, (tuple, list)) or (isinstance(x, np.ndarray) and x.dtype == object):
        return max((_spread(p) for p in np.ravel(np.asarray(x, dtype=object))), default=0.0)
    return float(np.max(np.abs(x), initial=0.0))


def _continued_fraction(a, b, x, eps):
    """The continued fraction of I_x(a, b) / (x**a (1-x)**b / (a B(a, b))), modified Lentz."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 / (1.0 - qab * x / qap)
    h = d
    for m in range(1, MAX_TERMS):
        m2 = 2.0 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 / (1.0 + aa * d)
        c = 1.0 + aa / c
        h = h * d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 / (1.0 + aa * d)
        c = 1.0 + aa / c
        delta = d * c
        h = h * delta
        if _spread(delta - 1.0) < eps:
            return h
    return h * np.nan  # not converged: no value rather than a wrong one


def betainc_parameters(a, b, x, x_rule):
    """betainc(a, b, x) where a or b (and maybe x) is dual; ``x_rule(a0, b0, x)`` is the
    exact rule in x for constant parameters (used at x = 0 and x = 1)."""
    a0, b0, x0 = (np.asarray(_inner(v)) for v in (a, b, x))
    value = _sp().betainc(a0, b0, x0)
    eps = 8.0 * np.finfo(np.result_type(value, np.float32)).eps
    boundary = (x0 == 0.0) | (x0 == 1.0)  # outside [0, 1]: nan, from the expansion too
    if np.all(boundary):
        return x_rule(a0, b0, x) if isinstance(x, DualNumber) else value
    xs = _where(boundary, 0.5, x)  # any interior point: replaced below
    swap = ~boundary & (x0 > (a0 + 1.0) / (a0 + b0 + 2.0))
    p, q = _where(swap, b, a), _where(swap, a, b)
    log_x, log_1mx = E.log(xs), E.log1p(-xs)
    t = _where(swap, 1.0 - xs, xs)
    lx, l1mx = _where(swap, log_1mx, log_x), _where(swap, log_x, log_1mx)
    front = E.exp(p * lx + q * l1mx - betaln(p, q)) / p
    r = front * _continued_fraction(p, q, t, eps)
    r = _where(swap, 1.0 - r, r)
    r = r + (value - _inner(r))  # SciPy's value; the derivatives are the expansion's
    if np.any(boundary):
        edge = x_rule(a0, b0, x) if isinstance(x, DualNumber) else value
        r = np.where(boundary, edge, r)
    return r
