"""Empty inputs give correctly shaped empty results (as NumPy and JAX do), never a crash."""
import numpy as np
import pytest

import dualad as da


def _sumsq(x):
    return np.sum(x ** 2)


@pytest.mark.parametrize("shape", [(0,), (0, 2)])
def test_python_path_transforms_of_an_empty_array(shape):
    x = np.zeros(shape)
    assert da.grad(_sumsq)(x).shape == shape
    v, g = da.value_and_grad(_sumsq)(x)
    assert v == 0.0 and g.shape == shape
    assert da.jacobian(np.sin)(x).shape == shape + shape
    assert da.hessian(_sumsq)(x).shape == shape + shape
    assert da.jacobian(lambda t: np.sum(t) * np.ones(3))(x).shape == (3,) + shape
    assert da.derivative(np.sin)(x).shape == shape
    value, tangent = da.jvp(np.sin, (x,), (x,))
    assert value.shape == tangent.shape == shape


def test_an_empty_argument_beside_a_non_empty_one():
    Jx, Jy = da.jacobian(lambda x, y: x * y, argnums=(0, 1))(np.zeros(0), 2.0)
    assert Jx.shape == (0, 0) and Jy.shape == (0,)
    J = da.jacobian(lambda x, y: np.concatenate([x, y]), argnums=(0, 1))(np.zeros(0), np.ones(2))
    assert J[0].shape == (2, 0) and np.array_equal(J[1], np.eye(2))


def test_empty_batches_in_vmap_keep_the_per_point_shapes_and_dtype():
    out = da.vmap(da.grad(_sumsq))(np.zeros((0, 3)))
    assert out.shape == (0, 3) and out.dtype == np.float64
    J, j0 = da.vmap(da.jacobian(lambda x: (x, x[0])))(np.zeros((0, 3), np.float32))
    assert J.shape == (0, 3, 3) and j0.shape == (0, 3) and J.dtype == np.float32


def test_an_empty_batch_whose_function_fails_at_zero_says_so():
    def f(x):
        if np.all(x == 0):
            raise ZeroDivisionError("no zeros here")
        return np.sum(x)
    with pytest.raises(ValueError, match="batch is empty.*point of zeros.*no zeros here"):
        da.vmap(da.grad(f))(np.zeros((0, 2)))


def _sumsq_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    return s


def test_compiled_transforms_of_an_empty_array():
    import numba
    f = numba.njit(_sumsq_loop)
    x = np.zeros(0)
    assert da.grad(f)(x).shape == (0,)
    v, g = da.value_and_grad(f)(x)
    assert v == 0.0 and g.shape == (0,)
    assert da.jacobian(f)(x).shape == (0,)
    assert da.hessian(f)(x).shape == (0, 0)
    assert da.derivative(numba.njit(lambda t: t * t))(x).shape == (0,)
    out = da.vmap(da.hessian(f))(np.zeros((0, 3)))
    assert out.shape == (0, 3, 3)
