"""Every ufunc of the rule table on DualArray, against mpmath, first and second order.

For each rule: its NumPy ufuncs (``np.sin``, ``np.arcsin``, ``np.absolute``,
...) and its dualad function (``da.sin``; the only entry point of erf, gamma,
lgamma, log_base), in float32 and float64, with both arguments dual, and with
one constant (which takes the rule's partial ladder), then nested for f''.
"""
import mpmath
import numpy as np
import pytest

import dualad as da
from dualad import DualArray
from dualad._core.base import next_tag
from reference import BINARY, UNARY, assert_close, public_function, reference_derivatives, \
    sample_points

DTYPES = [np.float64, np.float32]
NPTS = 5


def _entry_points(rule):
    out = [(f"np.{u}", getattr(np, u)) for u in rule.ufuncs]
    out.append((f"da.{rule.name}", public_function(rule)))
    return out


def _cases(rules):
    return [pytest.param(rule, fn, id=f"{rule.name}-{name}")
            for rule in rules for name, fn in _entry_points(rule)]


def _expected_dtype(fn, dtype):
    return np.float64 if fn is np.float_power else dtype


def _inner(c, n=1):
    """(values, partials) of a component that may be constant w.r.t. the inner perturbation."""
    if isinstance(c, DualArray):
        return c.values, c.partials
    return c, np.zeros(c.shape + (n,), c.dtype)


def _one_partial(x, tag=None):
    return DualArray(x, np.ones(np.shape(x) + (1,), x.dtype), next_tag() if tag is None else tag)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule,fn", _cases(UNARY))
def test_unary(rule, fn, dtype):
    pts = sample_points(rule, NPTS, seed=3, dtype=dtype)
    x = np.array([p[0] for p in pts], dtype=dtype)
    y = fn(_one_partial(x))
    assert isinstance(y, DualArray) and y.shape == x.shape
    assert y.values.dtype == dtype and y.partials.dtype == dtype
    inner = _one_partial(x)
    y2 = fn(DualArray(inner, np.ones(x.shape + (1,), dtype), next_tag()))
    first_nested, second = _inner(y2.partials)
    first_nested, second = first_nested[..., 0], second[..., 0, 0]
    assert second.dtype == dtype
    for i, p in enumerate(pts):
        ref = reference_derivatives(rule, p, order=2)
        what = f"{rule.name} via {getattr(fn, '__name__', fn)}"
        assert_close(y.values[i], ref, (0,), dtype, what)
        assert_close(y.partials[i, 0], ref, (1,), dtype, what)
        assert_close(first_nested[i], ref, (1,), dtype, what + " (nested)")
        assert_close(second[i], ref, (2,), dtype, what + " (second order)")


def _pair(x, y, tag=None):
    """x, y seeded jointly: N = 2, partials (1, 0) and (0, 1)."""
    tag = next_tag() if tag is None else tag
    n = x.shape
    ex = np.zeros(n + (2,), x.dtype)
    ex[..., 0] = 1
    ey = np.zeros(n + (2,), x.dtype)
    ey[..., 1] = 1
    return DualArray(x, ex, tag), DualArray(y, ey, tag)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule,fn", _cases(BINARY))
def test_binary_both_dual(rule, fn, dtype):
    pts = sample_points(rule, NPTS, seed=5, dtype=dtype)
    x = np.array([p[0] for p in pts], dtype=dtype)
    y = np.array([p[1] for p in pts], dtype=dtype)
    want = _expected_dtype(fn, dtype)
    r = fn(*_pair(x, y))
    assert r.values.dtype == want and r.partials.dtype == want
    X, Y = _pair(x, y)
    r2 = fn(*_pair(X, Y))
    hess = _inner(r2.partials, 2)[1]
    for i, p in enumerate(pts):
        ref = reference_derivatives(rule, p, order=2)
        what = f"{rule.name} via {getattr(fn, '__name__', fn)}"
        assert_close(r.values[i], ref, (0, 0), dtype, what)
        assert_close(r.partials[i, 0], ref, (1, 0), dtype, what)
        assert_close(r.partials[i, 1], ref, (0, 1), dtype, what)
        assert_close(hess[i, 0, 0], ref, (2, 0), dtype, what + " f_xx")
        assert_close(hess[i, 0, 1], ref, (1, 1), dtype, what + " f_xy")
        assert_close(hess[i, 1, 0], ref, (1, 1), dtype, what + " f_yx")
        assert_close(hess[i, 1, 1], ref, (0, 2), dtype, what + " f_yy")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule,fn", _cases(BINARY))
def test_binary_one_constant(rule, fn, dtype):
    """A constant argument (array or scalar) takes the rule's partial ladder."""
    pts = sample_points(rule, NPTS, seed=7, dtype=dtype)
    x = np.array([p[0] for p in pts], dtype=dtype)
    y = np.array([p[1] for p in pts], dtype=dtype)
    rx = fn(_one_partial(x), y)
    ry = fn(x, _one_partial(y))
    rx2 = fn(DualArray(_one_partial(x), np.ones((NPTS, 1), dtype), next_tag()), y)
    ry2 = fn(x, DualArray(_one_partial(y), np.ones((NPTS, 1), dtype), next_tag()))
    # A scalar constant broadcasts (and keeps the array's float type).
    s = fn(_one_partial(x), y[0].item())
    assert s.shape == x.shape and s.values.dtype == _expected_dtype(fn, dtype)
    for i, p in enumerate(pts):
        ref = reference_derivatives(rule, p, order=2)
        what = f"{rule.name} via {getattr(fn, '__name__', fn)}"
        assert_close(rx.values[i], ref, (0, 0), dtype, what)
        assert_close(rx.partials[i, 0], ref, (1, 0), dtype, what + " (y constant)")
        assert_close(ry.partials[i, 0], ref, (0, 1), dtype, what + " (x constant)")
        assert_close(_inner(rx2.partials)[1][i, 0, 0], ref, (2, 0), dtype, what + " f_xx")
        assert_close(_inner(ry2.partials)[1][i, 0, 0], ref, (0, 2), dtype, what + " f_yy")
    ref0 = reference_derivatives(rule, (x[0], y[0]), order=1)
    assert_close(s.partials[0, 0], ref0, (1, 0), dtype, f"{rule.name} with a scalar y")


@pytest.mark.parametrize("dtype", DTYPES)
def test_polygamma_and_digamma(dtype):
    x = np.array([0.3, 1.5, 4.0], dtype=dtype)
    X = DualArray(_one_partial(x), np.ones((3, 1), dtype), next_tag())
    for n in (0, 1, 2):
        y = da.polygamma(n, X)
        for i, xi in enumerate(x):
            exact = [float(mpmath.polygamma(n + k, float(xi))) for k in range(3)]
            tol = 1e-12 if dtype == np.float64 else 2e-4
            np.testing.assert_allclose(float(y.values.values[i]), exact[0], rtol=tol)
            np.testing.assert_allclose(float(y.partials.values[i, 0]), exact[1], rtol=tol)
            np.testing.assert_allclose(float(y.partials.partials[i, 0, 0]), exact[2], rtol=tol)
    d = da.digamma(_one_partial(x))
    assert d.values.dtype == dtype
    np.testing.assert_allclose(d.partials[:, 0], [float(mpmath.polygamma(1, float(v))) for v in x],
                               rtol=1e-12 if dtype == np.float64 else 2e-4)


def test_domain_errors_give_nan_without_warnings():
    x = _one_partial(np.array([-1.0, 0.0, 4.0]))
    with np.errstate(all="raise"):  # our errstate inside wins: nan, as NumPy gives
        y = np.log(x)
        z = np.sqrt(x)
        w = np.arcsin(x)
    assert np.isnan(y.values[0]) and y.values[1] == -np.inf and y.values[2] == np.log(4.0)
    assert z.partials[2, 0] == 0.25 and np.isnan(z.values[0])
    assert np.isnan(w.partials[2, 0])


def test_fmax_ignores_nan_like_numpy():
    x = _one_partial(np.array([1.0, np.nan, 3.0]))
    y = np.array([2.0, 5.0, np.nan])
    r = np.fmax(x, y)
    np.testing.assert_array_equal(r.values, np.fmax(x.values, y))
    np.testing.assert_array_equal(r.partials[:, 0], [0.0, 0.0, 1.0])
    m = np.maximum(x, y)
    assert np.isnan(m.values[1]) and np.isnan(m.values[2])


def test_maximum_tie_takes_first_argument():
    x, y = _pair(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
    r = np.maximum(x, y)
    np.testing.assert_array_equal(r.partials, [[1.0, 0.0], [0.0, 1.0]])
    r = np.minimum(x, y)
    np.testing.assert_array_equal(r.partials, [[1.0, 0.0], [1.0, 0.0]])
