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
RULES = tuple(r for r in scipy_rules() if r.name not in ORDER
              and not r.name.startswith("spherical_"))  # tested below, as dualad.scipy.special
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
    from dualad._rules.scipy_special import special_call
    assert special_call(sp._ufuncs._zeta) is not None  # in q by its rule, in x expanded


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


@pytest.mark.parametrize("name", [n for n in ORDER if n != "zeta"])
def test_bessel_order_must_be_constant(name):
    with pytest.raises(TypeError, match="must be a constant"):
        da.derivative(lambda v: getattr(sp, name)(v, 1.5))(1.5)
    with pytest.raises(TypeError, match="must be a constant"):
        da.grad(lambda x: np.sum(getattr(sp, name)(x, x)))(np.array([1.5, 2.0]))


ZETA_POINTS = ((1.5, 0.3), (2.0, 1.0), (3.7, 2.5), (5.0, 0.1), (12.0, 1.7), (1.1, 4.0),
               (40.0, 0.8))


def test_zeta_in_the_exponent_against_mpmath():
    # Euler-Maclaurin on the duals: first and second order in (x, q), mixed too
    for x, q in ZETA_POINTS:
        with mpmath.workdps(30):
            r1, r2 = (float(mpmath.zeta(x, q, k)) for k in (1, 2))
            rxq = float(mpmath.diff(lambda a, b: mpmath.zeta(a, b), (x, q), (1, 1)))
            rq = float(mpmath.diff(lambda b: mpmath.zeta(x, b), q))
        g = da.grad(lambda v: sp.zeta(v[0], v[1]))(np.array([x, q]))
        H = da.hessian(lambda v: sp.zeta(v[0], v[1]))(np.array([x, q]))
        assert g[0] == pytest.approx(r1, rel=1e-13) and g[1] == pytest.approx(rq, rel=1e-13)
        assert H[0, 0] == pytest.approx(r2, rel=1e-13), (x, q)
        assert H[0, 1] == pytest.approx(rxq, rel=1e-13), (x, q)
        assert H[1, 0] == pytest.approx(rxq, rel=1e-13), (x, q)
        d3 = da.derivative(da.derivative(da.derivative(lambda t: sp.zeta(t, q))))(x)
        assert d3 == pytest.approx(float(mpmath.zeta(x, q, 3)), rel=1e-12), (x, q)


@dtypes
def test_zeta_in_the_exponent_array_path(dtype):
    x = np.array([p[0] for p in ZETA_POINTS], dtype)
    q = np.array([p[1] for p in ZETA_POINTS], dtype)
    d1 = da.derivative(lambda t: sp.zeta(t, q))(x)
    assert d1.dtype == dtype
    rel = 1e-13 if dtype == np.float64 else 2e-5
    for k in range(len(x)):
        r1 = float(mpmath.zeta(float(x[k]), float(q[k]), 1))
        assert d1[k] == pytest.approx(r1, rel=rel), (x[k], q[k])
    val = da.jvp(lambda t: sp.zeta(t, q), (x,), (np.ones_like(x),))[0]
    np.testing.assert_array_equal(val, sp.zeta(x, q))  # SciPy's value
    h = 1e-6
    J = da.jacobian(lambda t: sp.zeta(t, q))(x.astype(float))
    num = (sp.zeta(x.astype(float) + h, q) - sp.zeta(x.astype(float) - h, q)) / (2 * h)
    np.testing.assert_allclose(np.diag(J), num, rtol=1e-6)


def test_riemann_zeta_of_a_dual():
    # x > 0 by the expansion; x < 0 by the functional equation (no cancellation)
    x = np.array([-8.5, -3.5, -1.5, -0.3, 0.5, 2.5, 6.0])
    d1 = da.derivative(sp.zeta)(x)
    d2 = da.derivative(da.derivative(sp.zeta))(x)
    for k, xk in enumerate(x):
        with mpmath.workdps(30):
            r1, r2 = (float(mpmath.zeta(xk, 1, n)) for n in (1, 2))
        assert d1[k] == pytest.approx(r1, rel=1e-13), xk
        assert d2[k] == pytest.approx(r2, rel=1e-13), xk
    assert da.derivative(sp.zeta)(2.5) == pytest.approx(float(d1[5]), rel=1e-15)
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


BETAINC_POINTS = ((2.0, 3.5, 0.3), (0.7, 1.3, 0.9), (5.0, 0.6, 0.55), (0.3, 8.0, 0.07),
                  (12.0, 15.0, 0.45), (0.5, 0.5, 0.2), (40.0, 3.0, 0.97))
_FIRST = ((1, 0, 0), (0, 1, 0), (0, 0, 1))
_SECOND = ((2, 0, 0), (1, 1, 0), (0, 2, 0), (1, 0, 1), (0, 1, 1), (0, 0, 2))


def _mp_betainc_partials(args, indices):
    f = lambda a, b, x: mpmath.betainc(a, b, 0, x, regularized=True)  # noqa: E731
    with mpmath.workdps(30):
        return {ix: float(mpmath.diff(f, tuple(mpmath.mpf(float(t)) for t in args), ix))
                for ix in indices}


def _index(ix):
    """(1, 1, 0) -> the Hessian entry (0, 1)."""
    return tuple(i for i, k in enumerate(ix) for _ in range(k))


def test_betainc_in_a_and_b_against_mpmath():
    # first and second order in (a, b, x), all mixed partials, scalar path
    f = lambda v: sp.betainc(v[0], v[1], v[2])  # noqa: E731
    for args in BETAINC_POINTS:
        ref = _mp_betainc_partials(args, _FIRST + _SECOND)
        v = np.array(args)
        g = da.grad(f)(v)
        H = da.hessian(f)(v)
        scale = max(abs(ref[ix]) for ix in _FIRST)
        for ix in _FIRST:
            assert abs(g[_index(ix)] - ref[ix]) <= 1e-10 * abs(ref[ix]) + 1e-14 * scale, (
                args, ix, g, ref[ix])
        scale = max(abs(ref[ix]) for ix in _SECOND)
        for ix in _SECOND:
            got = H[_index(ix)]
            assert abs(got - ref[ix]) <= 1e-10 * abs(ref[ix]) + 1e-13 * scale, (
                args, ix, got, ref[ix])
        np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-14)


@dtypes
def test_betainc_in_a_and_b_array_path(dtype):
    pts = np.array(BETAINC_POINTS, dtype)
    a, b, x = pts.T
    ga = da.derivative(lambda a: sp.betainc(a, b, x))(a)
    gb2 = da.derivative(lambda b: sp.betainc(a, b, x), 2)(b)
    assert ga.dtype == gb2.dtype == dtype
    rel = 1e-10 if dtype == np.float64 else 2e-4
    for k, args in enumerate(pts):
        ref = _mp_betainc_partials(args, ((1, 0, 0), (0, 2, 0)))
        assert abs(ga[k] - ref[1, 0, 0]) <= rel * (abs(ref[1, 0, 0]) + 1e-4), (args, ga[k])
        assert abs(gb2[k] - ref[0, 2, 0]) <= rel * (abs(ref[0, 2, 0]) + 1e-4), (args, gb2[k])
    # the value is SciPy's, to the bit; a Jacobian in a against central differences
    val = da.jvp(lambda a: sp.betainc(a, b, x), (a,), (np.ones_like(a),))[0]
    np.testing.assert_array_equal(val, sp.betainc(a, b, x))
    if dtype == np.float64:
        J = da.jacobian(lambda a: sp.betainc(a, b, x))(a)
        h = 1e-6
        num = (sp.betainc(a + h, b, x) - sp.betainc(a - h, b, x)) / (2 * h)
        np.testing.assert_allclose(np.diag(J), num, rtol=1e-7, atol=1e-10)
        np.testing.assert_array_equal(J - np.diag(np.diag(J)), 0.0)


def test_betainc_third_order_in_a_and_boundaries():
    # nested duals: every order comes from the same expansion
    a, b, x = 2.0, 3.5, 0.3
    f = lambda a: mpmath.betainc(a, b, 0, x, regularized=True)  # noqa: E731
    with mpmath.workdps(30):
        r3 = float(mpmath.diff(f, a, 3))
    d1 = da.derivative(lambda a: sp.betainc(a, b, x))
    got = da.derivative(da.derivative(d1))(a)  # nested duals (order= uses Taylor numbers)
    assert got == pytest.approx(r3, rel=1e-9)
    # at x = 0 and x = 1 the function is 0 and 1 for every a, b: derivative 0 in a, b
    xs = np.array([0.0, 0.4, 1.0])
    d = da.derivative(lambda a: sp.betainc(a, 2.0, xs))(1.5)
    assert d[0] == 0.0 and d[2] == 0.0 and d[1] < 0
    with np.errstate(divide="ignore", invalid="ignore"):  # log1p(-1), log1p(-1.5)
        gx = da.grad(lambda v: sp.betainc(v[0], 2.0, v[1]))(np.array([1.5, 1.0]))
        assert gx[0] == 0.0 and gx[1] == 0.0  # x**(a-1) (1-x)**(b-1) / B = 0 at x = 1
        assert np.isnan(da.derivative(lambda a: sp.betainc(a, 2.0, 1.5))(1.5))  # x > 1


# ---- dualad.scipy.special: SciPy's Python wrappers, built from the rules ----

import dualad.scipy.special as dss  # noqa: E402

SPHERICAL = ("spherical_jn", "spherical_yn", "spherical_in", "spherical_kn")


def _mp_z_derivatives(f, z, orders):
    with mpmath.workdps(40):
        return [float(mpmath.diff(f, mpmath.mpf(float(z)), k)) for k in orders]


@pytest.mark.parametrize("name", SPHERICAL)
@dtypes
def test_spherical_bessel_against_mpmath(name, dtype):
    fn = getattr(dss, name)
    rel = 1e-12 if dtype == np.float64 else 2e-4
    z = np.array([0.4, 1.3, 3.7, 7.1], dtype)
    for n in (0, 1, 3):
        d1 = da.derivative(lambda z: fn(n, z))(z)
        d2 = da.derivative(lambda z: fn(n, z), 2)(z)
        e1 = da.derivative(lambda z: fn(n, z, derivative=True))(z)   # f''
        e2 = da.derivative(lambda z: fn(n, z, True), 2)(z)           # f'''
        assert d1.dtype == dtype and d2.dtype == e2.dtype == dtype
        for k, zk in enumerate(z):
            mp = lambda t: MP_FUNCTIONS[name](n, t)  # noqa: E731
            r1, r2, r3 = _mp_z_derivatives(mp, zk, (1, 2, 3))
            scale = 1 + abs(float(mp(mpmath.mpf(float(zk)))))
            for got, ref in ((d1[k], r1), (d2[k], r2), (e1[k], r2), (e2[k], r3)):
                assert abs(got - ref) <= rel * (abs(ref) + scale), (name, n, zk, got, ref)
        # the value and the scalar path
        v = da.jvp(lambda z: fn(n, z), (z,), (np.ones_like(z),))[0]
        np.testing.assert_allclose(v, getattr(sp, name)(n, z), rtol=rel)
        s1 = da.derivative(lambda z: fn(n, z))(z[1])
        assert s1 == pytest.approx(float(d1[1]), rel=1e-5 if dtype == np.float32 else 1e-14)
        assert fn(n, float(z[1])) == getattr(sp, name)(n, float(z[1]))  # floats: SciPy's


@pytest.mark.parametrize("name", SPHERICAL[:3])
def test_spherical_bessel_reflection_at_negative_z(name):
    fn, ref = getattr(dss, name), getattr(sp, name)
    z = np.array([-2.3, -0.7, 1.1])
    h = 1e-5
    for n in (0, 1, 2):
        for deriv in (False, True):
            got = da.derivative(lambda z: fn(n, z, deriv))(z)
            num = (ref(n, z + h, deriv) - ref(n, z - h, deriv)) / (2 * h)
            np.testing.assert_allclose(got, num, rtol=1e-7, atol=1e-9)
            val = da.jvp(lambda z: fn(n, z, deriv), (z,), (np.ones(3),))[0]
            np.testing.assert_allclose(val, ref(n, z, deriv), rtol=1e-14)


def test_spherical_kn_negative_z_and_dual_order_are_refused():
    with pytest.raises(ValueError, match="spherical_kn: z < 0"):
        da.derivative(lambda z: dss.spherical_kn(1, z))(np.array([-1.0, 1.0]))
    with pytest.raises(TypeError, match="order n is an integer constant"):
        da.derivative(lambda n: dss.spherical_jn(n, 1.0))(1.0)


@dtypes
def test_multigammaln_against_mpmath(dtype):
    rel = 1e-12 if dtype == np.float64 else 2e-4
    a = np.array([1.6, 3.3, 7.5], dtype)
    for d in (1, 2, 4):
        d1 = da.derivative(lambda a: dss.multigammaln(a, d))(a)
        d2 = da.derivative(lambda a: dss.multigammaln(a, d), 2)(a)
        assert d1.dtype == d2.dtype == dtype
        for k, ak in enumerate(a):
            mp = lambda t: MP_FUNCTIONS["multigammaln"](t, d)  # noqa: E731
            r1, r2 = _mp_z_derivatives(mp, ak, (1, 2))
            assert abs(d1[k] - r1) <= rel * (1 + abs(r1)), (d, ak, d1[k], r1)
            assert abs(d2[k] - r2) <= rel * (1 + abs(r2)), (d, ak, d2[k], r2)
        s = da.derivative(lambda a: dss.multigammaln(a, d))(float(a[1]))
        assert s == pytest.approx(float(d1[1]), rel=1e-5 if dtype == np.float32 else 1e-14)
    v = da.jvp(lambda a: dss.multigammaln(a, 3), (a,), (np.ones(3, dtype),))[0]
    np.testing.assert_allclose(v, sp.multigammaln(a.astype(float), 3), rtol=rel)
    with pytest.raises(ValueError, match="condition a"):
        da.derivative(lambda a: dss.multigammaln(a, 4))(1.2)
    with pytest.raises(ValueError, match="positive integer"):
        da.derivative(lambda a: dss.multigammaln(a, 1.5))(3.0)


def _mp_logsumexp(a, b=None):
    """mpmath's value and gradient (in a) of log(sum(b exp(a))): the softmax weights."""
    with mpmath.workdps(40):
        a = [mpmath.mpf(float(t)) for t in a]
        b = [mpmath.mpf(1)] * len(a) if b is None else [mpmath.mpf(float(t)) for t in b]
        w = [bi * mpmath.exp(ai) for ai, bi in zip(a, b)]
        s = mpmath.fsum(w)
        return float(mpmath.log(abs(s))), np.array([float(wi / s) for wi in w])


@dtypes
def test_logsumexp_gradient_hessian_against_mpmath(dtype):
    rel = 1e-13 if dtype == np.float64 else 2e-6
    for a in (np.array([0.3, -1.2, 2.5, 0.0]), np.array([1000.0, 999.0, 1001.5, -3.0])):
        a = a.astype(dtype)
        v, g = da.value_and_grad(dss.logsumexp)(a)
        ref_v, ref_g = _mp_logsumexp(a)
        assert np.isfinite(g).all() and g.dtype == dtype
        assert v == pytest.approx(ref_v, rel=rel)
        np.testing.assert_allclose(g, ref_g, rtol=rel, atol=rel * 1e-3)
        H = da.hessian(dss.logsumexp)(a)
        np.testing.assert_allclose(H, np.diag(ref_g) - np.outer(ref_g, ref_g), rtol=10 * rel,
                                   atol=rel * 1e-2)
    b = np.array([1.0, -2.0, 0.5, 3.0])
    a = np.array([0.3, 0.2, 2.5, -0.4])
    (v, sgn), = [dss.logsumexp(da.DualArray(a, np.eye(4)), b=b, return_sign=True)]
    ref_v, ref_g = _mp_logsumexp(a, b)
    assert v.value == pytest.approx(ref_v, rel=1e-14)
    assert sgn == np.sign(np.sum(b * np.exp(a)))
    np.testing.assert_allclose(v.partials, ref_g, rtol=1e-13)
    # differentiable in b too: d/db_i = exp(a_i) / sum(b exp(a))
    gb = da.grad(lambda b: dss.logsumexp(a, b=b))(np.abs(b))
    np.testing.assert_allclose(gb, np.exp(a) / np.sum(np.abs(b) * np.exp(a)), rtol=1e-14)


def test_logsumexp_axis_keepdims_against_scipy_and_central_differences():
    from reference import central_jacobian
    rng = np.random.default_rng(3)
    A = rng.normal(size=(3, 4))
    B = rng.uniform(0.5, 2.0, size=(3, 4))
    for kw in ({}, {"axis": 0}, {"axis": 1}, {"axis": -1, "keepdims": True},
               {"axis": (0, 1)}, {"b": B, "axis": 1}, {"axis": None, "keepdims": True}):
        f = lambda A: dss.logsumexp(A, **kw)  # noqa: E731
        ref = sp.logsumexp(A, **kw)
        J = da.jacobian(f)(A)
        assert J.shape == np.shape(ref) + A.shape, kw
        np.testing.assert_allclose(da.jvp(f, (A,), (np.ones_like(A),))[0], ref, rtol=1e-14)
        num = central_jacobian(f, A).reshape(J.shape)  # flat: (out size, in size)
        np.testing.assert_allclose(J, num, rtol=1e-7, atol=1e-9)
    # a list of scalar duals, and a 0-d input
    g = da.grad(lambda t: dss.logsumexp([t, 2.0 * t, 0.5]))(0.3)
    w = np.exp([0.3, 0.6, 0.5])
    assert g == pytest.approx((w[0] + 2 * w[1]) / w.sum(), rel=1e-14)
    assert da.derivative(dss.logsumexp)(1.5) == 1.0
    # empty sums: -inf as SciPy's, derivative 0
    for E, kw in ((np.zeros(0), {}), (np.zeros((2, 0)), {"axis": 1})):
        v, t = da.jvp(lambda x: dss.logsumexp(x, **kw), (E,), (np.ones_like(E),))
        np.testing.assert_array_equal(v, sp.logsumexp(E, **kw))
        np.testing.assert_array_equal(t, 0.0)
    assert dss.logsumexp(np.array([1.0, 2.0])) == sp.logsumexp([1.0, 2.0])  # floats: SciPy's


def test_scipy_wrappers_on_a_scalar_dual_name_the_replacement():
    for f, name in ((lambda a: sp.multigammaln(a, 2), "multigammaln"),
                    (lambda z: sp.spherical_jn(1, z), "spherical_jn"),
                    (lambda a: sp.logsumexp([a, 1.0]), "logsumexp")):
        with pytest.raises(TypeError, match=rf"would drop its derivative.*"
                                            rf"dualad\.scipy\.special\.{name}"):
            da.derivative(f)(3.3)
        with pytest.raises(TypeError, match=rf"dualad\.scipy\.special\.{name}"):
            da.derivative(f)(np.array([3.3, 4.1]))


def test_softmax_and_log_softmax():
    from reference import central_jacobian
    rng = np.random.default_rng(5)
    A = rng.normal(size=(3, 4))
    for f, ref in ((dss.softmax, sp.softmax), (dss.log_softmax, sp.log_softmax)):
        for axis in (None, 0, 1):
            g = lambda A: f(A, axis=axis)  # noqa: E731
            np.testing.assert_allclose(da.jvp(g, (A,), (np.ones_like(A),))[0],
                                       ref(A, axis=axis), rtol=1e-14, atol=1e-16)
            J = da.jacobian(g)(A)
            num = central_jacobian(g, A).reshape(J.shape)
            np.testing.assert_allclose(J, num, rtol=1e-7, atol=1e-9)
    # the softmax Jacobian p_i (delta_ij - p_j), finite at 1e3
    x = np.array([1000.0, 999.0, 1001.5])
    p = sp.softmax(x)
    np.testing.assert_allclose(da.jacobian(dss.softmax)(x), np.diag(p) - np.outer(p, p),
                               rtol=1e-13, atol=1e-16)
    with pytest.raises(TypeError, match=r"dualad\.scipy\.special\.softmax"):
        da.jacobian(sp.softmax)(x)
