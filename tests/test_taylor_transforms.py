"""da.taylor, da.jet, Taylor-mode da.derivative (issue 11): results, shapes, errors, JAX."""
import math

import numpy as np
import pytest

import dualad as da
from dualad._transforms.derivative import _nested


def f_bench(x):
    return np.exp(np.sin(x)) / (1.0 + x * x)


def test_taylor_coefficients_scalar_array_float32_int():
    c = da.taylor(f_bench, 6)(0.3)
    assert c.shape == (7,) and c.dtype == np.float64
    for k in range(1, 5):
        d = (_nested(f_bench, k) if k > 1 else da.derivative(f_bench))(0.3)
        assert c[k] * math.factorial(k) == pytest.approx(d, rel=1e-13)
    x = np.linspace(-1.0, 1.0, 7).reshape(7, 1)
    ca = da.taylor(f_bench, 6)(x)
    assert ca.shape == (7, 1, 7)
    np.testing.assert_allclose(ca[2, 0], da.taylor(f_bench, 6)(float(x[2, 0])), rtol=1e-14)
    c32 = da.taylor(f_bench, 6)(np.float32(0.3))
    assert c32.dtype == np.float32
    np.testing.assert_allclose(c32, c, rtol=2e-5)
    assert da.taylor(f_bench, 3)(1).tolist() == da.taylor(f_bench, 3)(1.0).tolist()
    assert da.taylor(f_bench, 0)(0.3).tolist() == [f_bench(0.3)]


def test_taylor_of_constant_and_identity():
    assert da.taylor(lambda x: 2.5, 3)(1.0).tolist() == [2.5, 0.0, 0.0, 0.0]
    assert da.taylor(lambda x: x, 3)(1.0).tolist() == [1.0, 1.0, 0.0, 0.0]
    assert da.taylor(lambda x: np.ones(3), 2)(np.zeros(3)).shape == (3, 3)


def test_derivative_order_switches_to_taylor_and_agrees_with_nesting():
    for k in (3, 4):
        for x in (0.3, np.array([-0.5, 0.3, 1.2])):
            got = da.derivative(f_bench, order=k)(x)
            want = _nested(f_bench, k)(x)
            np.testing.assert_allclose(got, want, rtol=1e-12)
    assert isinstance(da.derivative(f_bench, order=5)(0.3), float)
    assert da.derivative(da.sin, order=20)(0.0) == 0.0
    assert da.derivative(da.sin, order=21)(0.0) == 1.0
    assert da.derivative(da.exp, order=24)(1.0) == pytest.approx(math.e, rel=1e-14)


def test_derivative_high_order_inside_another_transform_nests():
    # the inner x is a Dual of the outer transform: nested duals, no Taylor
    g = lambda x: x * da.derivative(lambda y: y ** 4 * x, order=3)(x)   # 24 x**3
    assert da.derivative(g)(1.5) == pytest.approx(72 * 1.5 ** 2, rel=1e-14)


def test_directional_derivatives():
    f = lambda v: np.sum(v * v * v) + v[0] * np.sin(v[1])
    x = np.array([0.5, -1.0, 2.0])
    v = np.array([1.0, 0.5, -0.25])

    def along(t):
        return f(x + t * v)
    for k in (1, 2, 3, 5):
        got = da.derivative(f, order=k, direction=v)(x)
        want = (_nested(along, k) if k > 2 else da.derivative(along, order=k))(0.0)
        assert got == pytest.approx(want, rel=1e-12, abs=1e-14)
    with pytest.raises(ValueError, match="direction has shape"):
        da.derivative(f, order=3, direction=v[:2])(x)


def test_jet_convention():
    # x(t) = 0.4 + 1.0 t + 0.3 t^2/2 (factorial-scaled terms), y = f(x(t))
    y0, ys = da.jet(f_bench, (0.4,), ([1.0, 0.3, 0.0, 0.0],))
    g = lambda t: f_bench(0.4 + t + 0.15 * t * t)
    c = da.taylor(g, 4)(0.0)
    assert y0 == pytest.approx(c[0])
    for k, term in enumerate(ys, 1):
        assert term == pytest.approx(c[k] * math.factorial(k), rel=1e-13)
    # two arguments, arrays
    a = np.array([0.5, 1.0])
    y0, ys = da.jet(lambda p, q: p * np.exp(q), (a, a), ([a, 0 * a], [0 * a + 1, 0 * a]))
    assert ys[0].shape == (2,)


def test_errors():
    with pytest.raises(TypeError, match="order must be an int"):
        da.taylor(f_bench, 2.0)
    with pytest.raises(ValueError, match=">= 0"):
        da.taylor(f_bench, -1)
    with pytest.raises(TypeError, match="callable"):
        da.taylor(3.0, 2)
    with pytest.raises(TypeError, match="must be a real or complex number or an array"):
        da.taylor(f_bench, 3)("x")
    with pytest.raises(TypeError, match="must return a number"):
        da.taylor(lambda x: "y", 3)(1.0)
    with pytest.raises(ValueError, match="must be elementwise"):
        da.taylor(lambda x: np.sum(x), 3)(np.ones(3))
    with pytest.raises(ValueError, match="same number of terms"):
        da.jet(f_bench, (1.0, 2.0), ([1.0], [1.0, 2.0]))
    with pytest.raises(TypeError, match="drop its derivative"):
        da.taylor(lambda x: float(x) * x, 3)(1.0)
    # math.sin in f is dualad's sin (_transforms.traceable): the series of sin
    np.testing.assert_allclose(da.taylor(lambda x: math.sin(x), 3)(1.0),
                               da.taylor(da.sin, 3)(1.0), rtol=1e-15)
    with pytest.raises(TypeError, match="do not nest"):
        da.taylor(lambda x: x * da.taylor(lambda y: x * y, 2)(1.0)[1], 3)(1.0)


def test_numpy_protocols_on_taylor_arrays():
    x = da.Taylor(np.stack([np.array([0.5, 2.0]), np.ones(2), np.zeros(2)], -1))
    y = np.where(x > 1.0, np.sin(x), x * x)
    np.testing.assert_allclose(y.coefficients[0], [0.25, 1.0, 1.0])
    np.testing.assert_allclose(y.coefficients[1], da.taylor(np.sin, 2)(2.0))
    assert np.sum(x).coefficients.tolist() == [2.5, 2.0, 0.0]
    assert x[1].coefficients.tolist() == [2.0, 1.0, 0.0]
    assert (np.float64(2.0) * x).coefficients[1].tolist() == [4.0, 2.0, 0.0]
    assert len(x) == 2 and x.shape == (2,)
    with pytest.raises(TypeError, match="not supported on Taylor"):
        np.dot(x, x)


@pytest.mark.parametrize("order", [1, 3, 6])
def test_jet_agrees_with_jax(order):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from jax.experimental import jet as jax_jet
    import jax.numpy as jnp

    def f_jax(x, y):
        return jnp.exp(jnp.sin(x)) / (1.0 + x * y) + jnp.sqrt(y) * jnp.tanh(x)

    def f_np(x, y):
        return np.exp(np.sin(x)) / (1.0 + x * y) + np.sqrt(y) * np.tanh(x)
    primals = (0.4, 1.3)
    series = ([1.0] + [0.2 * k for k in range(1, order)], [0.5] + [0.0] * (order - 1))
    p_ref, s_ref = jax_jet.jet(f_jax, primals, series)
    p, s = da.jet(f_np, primals, series)
    assert p == pytest.approx(float(p_ref), rel=1e-14)
    np.testing.assert_allclose(s, np.array(s_ref, dtype=np.float64), rtol=1e-12)


def test_third_order_tensor_by_polarisation_matches_nesting():
    from dualad._transforms.taylor import third_order_tensor

    def f(v):
        return np.exp(0.3 * v[0]) * np.sin(v[1]) + v[0] ** 2 * v[2] * v[3] + v[1] * v[2] ** 3

    x = np.array([0.4, -0.7, 1.1, 0.2])
    t = third_order_tensor(f)(x)
    want = da.jacobian(da.hessian(f))(x)
    np.testing.assert_allclose(t, want, rtol=1e-13, atol=1e-13 * np.abs(want).max())
    assert t[0, 2, 3] == pytest.approx(2.0 * x[0], rel=1e-13)  # d³/dv0 dv2 dv3 of v0² v2 v3
