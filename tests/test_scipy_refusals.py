"""SciPy code that converts its inputs to floats: a clear error, never a wrong value.

scipy.stats, scipy.signal, scipy.integrate and the non-ufunc scipy.special
functions run C/Fortran code on float arrays. Handed duals, they raise
dualad's TypeError, whose message names the SciPy module the user called and
says what to do instead; the suggested rewrites are checked to work.
"""
import numpy as np
import pytest

import dualad as da

st = pytest.importorskip("scipy.stats", reason="scipy is optional")
import scipy.integrate as si  # noqa: E402
import scipy.signal as sg  # noqa: E402
import scipy.special as sp  # noqa: E402

X = np.array([0.1, 0.5, 1.3])

CASES = [
    ("scipy.stats", lambda m: np.sum(st.norm.logpdf(X, loc=m)), 0.3),
    ("scipy.stats", lambda x: np.sum(st.norm.logpdf(x)), X),
    ("scipy.stats", lambda x: np.sum(st.norm.cdf(x)), X),
    ("scipy.signal", lambda x: np.sum(sg.convolve(x, [1.0, 2.0])), X),
    ("scipy.integrate", lambda k: si.odeint(lambda y, t: -k * y, 1.0, [0.0, 1.0])[-1, 0], 0.5),
    ("scipy.integrate", lambda k: si.solve_ivp(lambda t, y: -k * y, (0, 1), [1.0]).y[0, -1], 0.5),
    ("scipy.integrate", lambda k: si.quad(lambda t: k * t, 0.0, 1.0)[0], 0.5),
    ("scipy.special", lambda x: sp.logsumexp(x), X),
    ("scipy.special", lambda x: np.sum(sp.spherical_jn(1, x)), X),
    ("scipy.special", lambda x: np.sum(sp.multigammaln(x + 3.0, 2)), X),
]


@pytest.mark.parametrize("module, f, x", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_refused_with_what_to_do(module, f, x):
    with pytest.raises(TypeError, match=rf"would drop its derivative.*called from {module}"):
        da.grad(f)(x)


@pytest.mark.parametrize("f, name", [
    (lambda x: sp.logsumexp(x), "logsumexp"),
    (lambda x: np.sum(sp.spherical_jn(1, x)), "spherical_jn"),
    (lambda x: np.sum(sp.spherical_yn(1, x, derivative=True)), "spherical_jn"),
    (lambda x: np.sum(sp.multigammaln(x + 3.0, 2)), "multigammaln"),
    (lambda x: sp.multigammaln(x[0] + 3.0, 2), "multigammaln"),  # a scalar Dual
])
def test_scipy_special_wrappers_name_dualad_scipy_special(f, name):
    with pytest.raises(TypeError, match=rf"call dualad\.scipy\.special\.{name}"):
        da.grad(f)(X)


def test_batched_scipy_linalg_functions_name_dualad_scipy_linalg():
    # SciPy >= 1.15 wraps solve_triangular, lu_factor, cho_solve & co. in a batching
    # decorator of scipy._lib that converts the arrays: the hint names the function
    # it wraps, and dualad.scipy.linalg
    import scipy.linalg as sl
    a = np.triu(np.outer(X, X) + np.eye(3))
    for f in (lambda x: np.sum(sl.solve_triangular(a * x[0], x)),
              lambda x: np.sum(sl.lu_factor(a * x[0])[0]),
              lambda x: np.sum(sl.expm(a * x[0]))):
        with pytest.raises(TypeError, match=r"called from scipy\.linalg\.\w+: .*"
                                            r"dualad\.scipy\.linalg has differentiable"):
            da.grad(f)(X)


def test_a_scalar_dual_converts_to_an_object_array():
    # NumPy's own behaviour, kept: the SciPy errors are translated by the transforms
    d = da.Dual(1.5, 1.0)
    a = np.asarray(d)
    assert a.dtype == object and a[()] is d
    assert np.array([d, d]).dtype == object
    with pytest.raises(TypeError, match=r"float\(\) of a Dual would drop"):
        np.asarray(d, dtype=float)


def test_suggested_rewrites_work():
    m, s = 0.3, 1.7
    logpdf = lambda m: np.sum(-0.5 * ((X - m) / s) ** 2 - np.log(s)  # noqa: E731
                              - 0.5 * np.log(2 * np.pi))
    assert da.grad(logpdf)(m) == pytest.approx(np.sum((X - m) / s ** 2), rel=1e-14)
    assert logpdf(m) == pytest.approx(np.sum(st.norm.logpdf(X, m, s)), rel=1e-14)
    g = da.grad(lambda x: np.sum(sp.ndtr(x)))(X)
    np.testing.assert_allclose(g, st.norm.pdf(X), rtol=1e-14)
    g = da.derivative(lambda z: np.sqrt(np.pi / (2 * z)) * sp.jv(1.5, z))(X)
    np.testing.assert_allclose(g, sp.spherical_jn(1, X, derivative=True), rtol=1e-13)
    mg = lambda a: 2 * 1 / 4 * np.log(np.pi) + sp.gammaln(a) + sp.gammaln(a - 0.5)  # noqa: E731
    assert mg(3.3) == pytest.approx(sp.multigammaln(3.3, 2), rel=1e-14)
    assert da.derivative(mg)(3.3) == pytest.approx(sp.digamma(3.3) + sp.digamma(2.8), rel=1e-14)
    J = da.jacobian(lambda x: np.convolve(x, [1.0, 2.0]))(X)
    np.testing.assert_allclose(J, [[1, 0, 0], [2, 1, 0], [0, 2, 1], [0, 0, 2]])


def test_ode_sensitivity_by_jacobians_of_the_right_hand_side():
    # y' = -k y: dy(1)/dk = -exp(-k), integrated as the augmented float system
    def f(y, k):
        return -k * y
    k = 0.5

    def rhs(t, z):
        y, sy = z
        jy = da.jacobian(f, argnums=0)(y, k)
        jk = da.jacobian(f, argnums=1)(y, k)
        return [f(y, k), jy * sy + jk]
    sol = si.solve_ivp(rhs, (0.0, 1.0), [1.0, 0.0], rtol=1e-10, atol=1e-12)
    assert sol.y[1, -1] == pytest.approx(-np.exp(-k), rel=1e-7)
