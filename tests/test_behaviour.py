"""Behaviour of the transforms that users of NumPy code meet (issue 9, "Behaviour").

Each test states the behaviour and checks the value against a hand-derived
derivative or a central difference.
"""
import numpy as np
import pytest

import dualad as da


def central(f, x, h=1e-6):
    """Central difference of a scalar function f at the float x."""
    return (f(x + h) - f(x - h)) / (2 * h)


# ------------------------------------------------------- bool outputs ---

@pytest.mark.parametrize("transform", [da.grad, da.jacobian, da.derivative])
def test_bool_output_raises(transform):
    with pytest.raises(TypeError, match="bool"):
        transform(lambda x: x > 0.0)(1.5)


def test_bool_array_output_raises():
    with pytest.raises(TypeError, match="bool"):
        da.grad(lambda x: np.sum(x) > 0)(np.ones(3))
    with pytest.raises(TypeError, match="bool"):
        da.jacobian(lambda x: x > 0)(np.ones(3))
    with pytest.raises(TypeError, match="bool"):
        da.jvp(lambda x: x > 0, (np.ones(3),), (np.ones(3),))


def test_int_output_is_a_constant():
    assert da.grad(lambda x: 3)(np.ones(2)).tolist() == [0.0, 0.0]


# ------------------------------------------------------------- dtypes ---

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_keeps_the_input_dtype(dtype):
    x = np.array([0.5, 1.5, 2.0], dtype)
    g = da.grad(lambda x: np.sum(np.sin(x) * x))(x)
    assert g.dtype == dtype
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-6)
    assert da.jacobian(lambda x: x ** 2)(x).dtype == dtype
    assert da.hessian(lambda x: np.sum(x ** 3))(x).dtype == dtype
    assert da.jvp(lambda x: x ** 2, (x,), (np.ones_like(x),))[1].dtype == dtype
    s = da.grad(lambda x: x ** 2)(dtype(1.5))
    assert np.asarray(s).dtype == dtype and s == 3.0


# ------------------------------------------- scalar duals as NumPy scalars ---

def test_dual_scalar_attributes():
    d = da.Dual(1.5, 1.0)
    assert d.shape == () and d.ndim == 0 and d.size == 1
    nested = da.Dual(da.Dual(1.0, 1.0), 1.0)
    assert nested.shape == ()
    h = da.HyperDual(1.0, 1.0, 1.0, 0.0)
    assert h.shape == () and h.ndim == 0
    assert np.shape(d) == () and np.ndim(d) == 0
    assert d.conjugate() is d and d.real is d
    # no dtype: NumPy's mean of a list would then convert the result to a float
    assert not hasattr(d, "dtype")


def test_mean_var_std_of_a_list_of_scalar_duals():
    vals = [1.0, 2.0, 4.0]
    for f, df in ((np.mean, lambda x: np.full(3, 1 / 3)),
                  (np.var, lambda x: 2 * (x - x.mean()) / 3),
                  (np.std, lambda x: (x - x.mean()) / 3 / x.std())):
        g = da.grad(lambda a, b, c: f([a, b, c]), argnums=(0, 1, 2))(*vals)
        np.testing.assert_allclose(g, df(np.array(vals)), rtol=1e-14)


def test_functions_reading_shape_of_a_scalar():
    # code that branches on x.ndim / x.shape runs on scalar duals
    def f(x):
        return x ** 2 if x.ndim == 0 else np.sum(x ** 2)
    assert da.derivative(f)(1.5) == 3.0
    assert da.grad(f)(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]


# ------------------------------------------------ size-1 output of grad ---

def test_grad_of_a_size_one_output():
    x = np.array([0.5, 1.0, 2.0])
    g = da.grad(lambda x: np.sum(x ** 2, keepdims=True))(x)
    assert g.shape == (3,)
    np.testing.assert_allclose(g, 2 * x)
    v, g = da.value_and_grad(lambda x: np.sin(x[:1]) * x[2:])(x)
    assert np.shape(v) == (1,)
    np.testing.assert_allclose(g, [np.cos(0.5) * 2.0, 0.0, np.sin(0.5)])
    with pytest.raises(ValueError, match="size 1"):
        da.grad(lambda x: x[:2])(x)


# ------------------------------------------------------------------ jvp ---

def test_jvp_over_a_tuple_of_differently_shaped_arrays():
    a, b = np.array([0.5, 1.0, 2.0]), np.array([[1.0, 2.0], [3.0, 4.0]])
    ta, tb = np.array([1.0, 0.0, 2.0]), np.array([[0.0, 1.0], [1.0, 0.0]])

    def f(pair):
        x, y = pair
        return np.sum(np.sin(x)) * np.sum(y ** 2)
    v, t = da.jvp(f, ((a, b),), ((ta, tb),))
    expected = np.sum(np.cos(a) * ta) * np.sum(b ** 2) + np.sum(np.sin(a)) * np.sum(2 * b * tb)
    assert v == pytest.approx(np.sum(np.sin(a)) * np.sum(b ** 2))
    assert t == pytest.approx(expected, rel=1e-14)
    v2, t2 = da.jvp(lambda x, y: f((x, y)), (a, b), (ta, tb))
    assert t2 == pytest.approx(expected, rel=1e-14)


def test_nested_jvp_on_arrays():
    x0 = np.array([0.3, 1.2])
    u = np.array([1.0, -0.5])
    w = np.array([0.25, 2.0])

    def inner(x):  # d/ds sin(x + s u) * x  =  cos(x) u x
        return da.jvp(lambda y: np.sin(y) * x, (x,), (u,))[1]
    v, t = da.jvp(inner, (x0,), (w,))
    np.testing.assert_allclose(v, np.cos(x0) * u * x0)
    # d/dx [cos(x) u x] w = (-sin(x) x + cos(x)) u w
    np.testing.assert_allclose(t, (-np.sin(x0) * x0 + np.cos(x0)) * u * w, rtol=1e-14)


def test_jacobian_of_a_function_calling_jvp():
    x0 = np.array([0.3, 1.2, -0.7])

    def g(x):  # tangent along x itself: a dual tangent inside the jacobian
        return da.jvp(lambda y: np.sin(y) * y[0], (x,), (x,))[1]
    J = da.jacobian(g)(x0)
    num = np.stack([(g(x0 + h) - g(x0 - h)) / 2e-6 for h in np.eye(3) * 1e-6], axis=-1)
    np.testing.assert_allclose(J, num, rtol=1e-7, atol=1e-8)


def test_jvp_with_scalar_dual_tangent():
    # jacobian of x -> jvp(f, (x,), (x,)) for a scalar x: tangent is a Dual
    def g(x):
        return da.jvp(lambda y: y ** 3, (x,), (x,))[1]  # 3 x^2 * x
    assert da.derivative(g)(1.5) == pytest.approx(9 * 1.5 ** 2)


# ------------------------------------------ mixed float/array arguments ---

def test_mixed_second_derivative_float_and_array():
    v = np.array([1.0, 2.0, 3.0])
    H = da.jacobian(da.jacobian(np.dot, 0), 1)(1.5, v)
    np.testing.assert_array_equal(H, np.eye(3))
    H2 = da.jacobian(da.jacobian(lambda a, x: a ** 2 * np.sum(np.sin(x)), 0), 1)(1.5, v)
    np.testing.assert_allclose(H2, 3.0 * np.cos(v), rtol=1e-14)
    H3 = da.jacobian(da.jacobian(lambda a, x: a ** 2 * np.sum(np.sin(x)), 1), 0)(1.5, v)
    np.testing.assert_allclose(H3, 3.0 * np.cos(v), rtol=1e-14)
