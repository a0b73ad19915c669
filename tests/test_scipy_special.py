"""scipy.special functions on duals (dualad/_rules/scipy_special.py), against mpmath.

Every scipy rule, at sampled points, float32 and float64: the first and second
derivatives of the scalar path (``scipy.special.f(Dual)``, nested duals) and
of the array path (``scipy.special.f(DualArray)``) against mpmath at 40
digits, and the array path against central differences. Skipped (with the
reason) when scipy is not installed.
"""
import mpmath
import numpy as np
import pytest

import dualad as da
from reference import MP_FUNCTIONS, assert_close, central_difference, reference_derivatives, sample_points

sp = pytest.importorskip("scipy.special", reason="scipy is optional; its rules need it")

from dualad._rules.scipy_special import scipy_rule, scipy_rules  # noqa: E402

ORDER = ("jv", "yv", "iv", "kv", "ive", "kve", "gammainc", "gammaincc", "zeta")  # derivative in z only, the order constant
RULES = tuple(r for r in scipy_rules() if r.name not in ORDER)
MP_ORDER = {name: MP_FUNCTIONS[name] for name in ORDER}
by_rule = pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
dtypes = pytest.mark.parametrize("dtype", [np.float32, np.float64])
N = 4
CALL = {"sici.si": lambda x: sp.sici(x)[0], "sici.ci": lambda x: sp.sici(x)[1]}


def user_function(rule):
    """The scipy.special function a user calls for ``rule``."""
    return CALL.get(rule.name) or getattr(sp, rule.name)


def test_every_rule_is_reached_through_its_ufunc():
    for r in RULES:
        if r.name not in CALL:
            assert scipy_rule(getattr(sp, r.name)) is r
    assert scipy_rule(sp._ufuncs._zeta).name == "zeta"


@by_rule
@dtypes
def test_scalar_derivatives_against_mpmath(rule, dtype):
    fn = user_function(rule)
    for args in sample_points(rule, N, dtype=dtype):
        ref = reference_derivatives(rule, args)
        what = f"scipy.special.{rule.name}"
        if rule.arity == 1:
            (x,) = args
            assert_close(fn(x), ref, (0,), dtype, what)
            assert_close(da.derivative(fn)(x), ref, (1,), dtype, what)
            assert_close(da.derivative(fn, 2)(x), ref, (2,), dtype, what)
            continue
        g = da.grad(lambda a, b: fn(a, b), argnums=(0, 1))(*args)
        assert_close(g[0], ref, (1, 0), dtype, what)
        assert_close(g[1], ref, (0, 1), dtype, what)
        v = np.array(args)
        H = da.hessian(lambda v: fn(v[0], v[1]))(v)
        assert H.dtype == dtype
        assert_close(H[0, 0], ref, (2, 0), dtype, what)
        assert_close(H[0, 1], ref, (1, 1), dtype, what)
        assert_close(H[1, 0], ref, (1, 1), dtype, what)
        assert_close(H[1, 1], ref, (0, 2), dtype, what)


@by_rule
@dtypes
def test_array_derivatives_against_mpmath(rule, dtype):
    fn = user_function(rule)
    pts = sample_points(rule, N, dtype=dtype)
    cols = [np.array([p[i] for p in pts], dtype) for i in range(rule.arity)]
    if rule.arity == 1:
        d1 = da.derivative(fn)(cols[0])
        d2 = da.derivative(fn, 2)(cols[0])
        assert d1.dtype == dtype and d2.dtype == dtype
        for k, args in enumerate(pts):
            ref = reference_derivatives(rule, args)
            assert_close(d1[k], ref, (1,), dtype, f"{rule.name} array")
            assert_close(d2[k], ref, (2,), dtype, f"{rule.name} array")
        return
    x, y = cols
    J = da.jacobian(fn, argnums=(0, 1))(x, y)
    for k, args in enumerate(pts):
        ref = reference_derivatives(rule, args)
        assert_close(J[0][k, k], ref, (1, 0), dtype, f"{rule.name} array")
        assert_close(J[1][k, k], ref, (0, 1), dtype, f"{rule.name} array")


@by_rule
def test_array_path_against_central_differences(rule):
    fn = user_function(rule)
    for args in sample_points(rule, 2, seed=1):
        for i in range(rule.arity):
            index = tuple(1 if j == i else 0 for j in range(rule.arity))
            num = central_difference(lambda *a: float(fn(*a)), args, index, 1e-6)
            vals = [np.array([a]) for a in args]
            got = da.jacobian(lambda *a: fn(*a), argnums=i)(*vals)[0, 0]
            assert abs(got - num) <= 1e-6 * (1 + abs(num)), (rule.name, args, got, num)


def test_aliases_reach_the_main_table():
    x = 0.7
    for name, ref in (("gammaln", da.polygamma(0, x)), ("psi", da.polygamma(1, x)),
                      ("digamma", da.polygamma(1, x)), ("erf", 2 / np.sqrt(np.pi) * np.exp(-x * x)),
                      ("expm1", np.exp(x)), ("log1p", 1 / (1 + x))):
        assert da.derivative(getattr(sp, name))(x) == pytest.approx(ref, rel=1e-14), name
        assert da.derivative(getattr(sp, name))(np.array([x]))[0] == pytest.approx(ref, rel=1e-14)


def test_log_ndtr_far_in_the_tail():
    # d/dx log ndtr(x) ~ -x for x -> -inf: no 0/0
    assert da.derivative(sp.log_ndtr)(-40.0) == pytest.approx(40.0249, rel=1e-4)
    assert da.derivative(sp.expit)(-800.0) == 0.0


def test_function_without_rule_is_refused():
    with pytest.raises(TypeError, match="no derivative rule|no rule"):
        da.derivative(sp.struve_h0 if hasattr(sp, "struve_h0") else sp.kolmogorov)(0.5)
    with pytest.raises(TypeError, match="no rule"):
        da.derivative(sp.kolmogorov)(np.array([0.5]))


@pytest.mark.parametrize("name", ORDER)
@dtypes
def test_bessel_of_constant_order_against_mpmath(name, dtype):
    fn = getattr(sp, name)
    rel = 1e-12 if dtype == np.float64 else 2e-4
    vs = {"gammainc": (0.5, 1.0, 2.5, 3.7), "gammaincc": (0.5, 1.0, 2.5, 3.7),
          "zeta": (1.5, 2.0, 3.0, 4.5)}.get(name, (0.0, 0.5, 1.0, 2.5))
    for v in vs:
        z = np.array([0.4, 1.3, 3.7, 7.1], dtype)
        d1 = da.derivative(lambda z: fn(v, z))(z)
        d2 = da.derivative(lambda z: fn(v, z), 2)(z)
        assert d1.dtype == dtype and d2.dtype == dtype
        for k, zk in enumerate(z):
            with mpmath.workdps(40):
                f = lambda t: MP_ORDER[name](v, t)  # noqa: E731
                r1, r2 = (float(mpmath.diff(f, mpmath.mpf(float(zk)), n)) for n in (1, 2))
            scale = 1 + abs(float(MP_ORDER[name](v, float(zk))))
            assert abs(d1[k] - r1) <= rel * (abs(r1) + scale), (name, v, zk, d1[k], r1)
            assert abs(d2[k] - r2) <= rel * (abs(r2) + scale), (name, v, zk, d2[k], r2)
        # the scalar path
        s1 = da.derivative(lambda z: fn(v, z))(float(z[1]))
        assert s1 == pytest.approx(float(d1[1]), rel=1e-5 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("name", ORDER)
def test_bessel_order_must_be_constant(name):
    with pytest.raises(TypeError, match="must be a constant"):
        da.derivative(lambda v: getattr(sp, name)(v, 1.5))(1.5)
    with pytest.raises(TypeError, match="must be a constant"):
        da.grad(lambda x: np.sum(getattr(sp, name)(x, x)))(np.array([1.5, 2.0]))


def test_riemann_zeta_of_a_dual_is_refused():
    with pytest.raises(TypeError, match="no derivative of the Riemann zeta"):
        da.derivative(sp.zeta)(2.5)
    with pytest.raises(TypeError, match="no derivative of the Riemann zeta"):
        da.derivative(sp.zeta)(np.array([2.5, 3.0]))
    assert sp.zeta(2.0) == pytest.approx(np.pi ** 2 / 6, rel=1e-15)


def test_sici_returns_both_derivatives():
    x = np.array([0.4, 1.3, 5.0])
    si, ci = sp.sici(da.DualArray(x, np.ones((3, 1))))
    np.testing.assert_allclose(si.values, sp.sici(x)[0], rtol=1e-15)
    np.testing.assert_allclose(si.partials[:, 0], np.sin(x) / x, rtol=1e-14)
    np.testing.assert_allclose(ci.partials[:, 0], np.cos(x) / x, rtol=1e-14)
    s, c = sp.sici(da.Dual(1.3, 1.0))  # scalar path
    assert s.eps == pytest.approx(np.sin(1.3) / 1.3, rel=1e-14)
    assert c.eps == pytest.approx(np.cos(1.3) / 1.3, rel=1e-14)


def test_gammasgn_is_a_step():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 3.0])
    np.testing.assert_array_equal(da.derivative(sp.gammasgn)(x), np.zeros(5))
    d = sp.gammasgn(da.Dual(-1.5, 1.0))
    assert d.value == 1.0 and d.eps == 0.0


BETAINC = ((2.0, 3.5), (0.7, 1.3), (5.0, 0.6))


@pytest.mark.parametrize("a, b", BETAINC)
@dtypes
def test_betainc_in_x_against_mpmath(a, b, dtype):
    x = np.array([0.07, 0.3, 0.55, 0.91], dtype)
    d1 = da.derivative(lambda t: sp.betainc(a, b, t))(x)
    d2 = da.derivative(lambda t: sp.betainc(a, b, t), 2)(x)
    assert d1.dtype == dtype and d2.dtype == dtype
    rel = 1e-12 if dtype == np.float64 else 2e-4
    for k, xk in enumerate(x):
        with mpmath.workdps(40):
            f = lambda t: mpmath.betainc(a, b, 0, t, regularized=True)  # noqa: E731
            r1, r2 = (float(mpmath.diff(f, mpmath.mpf(float(xk)), n)) for n in (1, 2))
        assert abs(d1[k] - r1) <= rel * (1 + abs(r1)), (a, b, xk, d1[k], r1)
        assert abs(d2[k] - r2) <= rel * (1 + abs(r2)), (a, b, xk, d2[k], r2)
    s2 = da.derivative(lambda t: sp.betainc(a, b, t), 2)(float(x[1]))  # scalar path
    assert s2 == pytest.approx(float(d2[1]), rel=1e-5 if dtype == np.float32 else 1e-13)


def test_betainc_array_parameters_and_central_differences():
    a, b = np.array([0.8, 2.0, 4.0]), 1.7
    x = np.array([0.2, 0.5, 0.8])
    J = da.jacobian(lambda t: sp.betainc(a, b, t))(x)
    h = 1e-6
    num = (sp.betainc(a, b, x + h) - sp.betainc(a, b, x - h)) / (2 * h)
    np.testing.assert_allclose(np.diag(J), num, rtol=1e-7)
    np.testing.assert_array_equal(J - np.diag(np.diag(J)), 0.0)
    # a scalar x broadcast against array parameters
    g = da.derivative(lambda t: np.sum(sp.betainc(a, b, t)))(0.5)
    num = np.sum(sp.betainc(a, b, 0.5 + h) - sp.betainc(a, b, 0.5 - h)) / (2 * h)
    assert g == pytest.approx(num, rel=1e-7)


def test_betainc_parameters_must_be_constant():
    for f in (lambda a: sp.betainc(a, 2.0, 0.5), lambda b: sp.betainc(2.0, b, 0.5)):
        with pytest.raises(TypeError, match="differentiates in x only"):
            da.derivative(f)(1.5)
        with pytest.raises(TypeError, match="differentiates in x only"):
            da.derivative(f)(np.array([1.5, 2.5]))
