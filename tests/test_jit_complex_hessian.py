"""hessian(njit_f, holomorphic=True) at complex inputs (issue 10, numba side).

Compiled on nested complex duals Dual[Dual[complex, C], 1] (the gradient from
the compiled evaluations along 1 and 1j, Cauchy-Riemann checked at both
levels), against the Python path, JAX, closed forms and central differences of
the compiled gradient; the refusals as the Python path and JAX refuse. Two
dispatchers, one array shape, chunks 3 and 2, one scalar, complex64 once.
"""
import cmath

import numpy as np
import pytest

numba = pytest.importorskip("numba")
from numba import njit  # noqa: E402

import dualad as da  # noqa: E402

Z = np.array([1 + 2j, -0.5 + 0.3j, 0.2 - 1.1j])


@njit
def coupled(z):
    """A holomorphic scalar of a complex vector: a loop, indexing, cmath."""
    t = 0j
    for i in range(z.size):
        t += cmath.tanh(z[i]) * z[(i + 1) % z.size] + cmath.sqrt(z[i]) ** 3
    return t


def py_coupled(z):
    n = len(z)
    return sum(da.tanh(z[i]) * z[(i + 1) % n] + da.sqrt(z[i]) ** 3 for i in range(n))


@njit
def g(z):
    return cmath.exp(z) * z ** 2


def test_holomorphic_hessian_of_a_vector_dispatcher():
    H = da.hessian(coupled, holomorphic=True)(Z)
    assert H.shape == (3, 3) and H.dtype == np.complex128
    want = da.hessian(py_coupled, holomorphic=True)(list(Z))
    np.testing.assert_allclose(H, np.array(want, dtype=complex), rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_allclose(da.hessian(coupled, holomorphic=True, chunk=2)(Z), H,
                               rtol=1e-14)
    grad = da.grad(coupled, holomorphic=True)
    h = 1e-6
    for j in range(3):   # central differences of the compiled gradient along z_j
        e = np.zeros(3, complex)
        e[j] = h
        cd = (grad(Z + e) - grad(Z - e)) / (2 * h)
        np.testing.assert_allclose(H[:, j], cd, rtol=1e-7, atol=1e-8)
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def jf(z):
        return sum(jnp.tanh(z[i]) * z[(i + 1) % 3] + jnp.sqrt(z[i]) ** 3 for i in range(3))
    np.testing.assert_allclose(H, np.asarray(jax.hessian(jf, holomorphic=True)(Z)),
                               rtol=1e-13, atol=1e-14)


def test_holomorphic_hessian_of_a_scalar_dispatcher():
    for w in [0.3 + 0.7j, -0.8 - 0.2j]:
        exact = cmath.exp(w) * (w * w + 4 * w + 2)
        got = da.hessian(g, holomorphic=True)(w)
        assert isinstance(got, (complex, np.complexfloating))
        assert abs(got - exact) < 1e-14 * abs(exact)
        assert abs(got - da.derivative(g, order=2)(w)) < 1e-15 * abs(exact)  # HyperDual path
    zs = np.array([0.3 + 0.7j, -0.8 - 0.2j])   # vmap: point by point
    np.testing.assert_allclose(da.vmap(da.hessian(g, holomorphic=True))(zs),
                               np.exp(zs) * (zs * zs + 4 * zs + 2), rtol=1e-14)
    got32 = da.hessian(g, holomorphic=True)(np.complex64(0.3 + 0.7j))
    assert got32.dtype == np.complex64
    assert abs(got32 - cmath.exp(0.3 + 0.7j) * ((0.3 + 0.7j) ** 2 + 4 * (0.3 + 0.7j) + 2)) < 1e-5


@njit
def grid(z):
    t = 0j
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            t += cmath.sin(z[i, j]) * z[0, 0]
    return t


def test_holomorphic_hessian_over_a_matrix_has_its_shape_twice():
    Z2 = np.array([[1 + 2j, -0.5 + 0.3j], [0.2 - 1.1j, 0.4j]])
    H = da.hessian(grid, holomorphic=True)(Z2)
    assert H.shape == (2, 2, 2, 2)
    want = da.hessian(lambda z: np.sum(np.sin(z) * z[0, 0]), holomorphic=True)(Z2)
    np.testing.assert_allclose(H, want, rtol=1e-14, atol=1e-15)


def test_non_holomorphic_functions_and_real_inputs_are_refused():
    with pytest.raises(ValueError, match="Cauchy-Riemann"):   # the first level
        da.hessian(njit(lambda v: np.sum(v * np.abs(v))), holomorphic=True)(Z)
    # holomorphic at first order here (z0 = 0) but not at the second:
    # d/dy1 (df/dx0) = 1 while 1j d/dx1 (df/dx0) = 0, an entry below the diagonal
    f = njit(lambda v: v[0] * v[1].imag + v[0] * v[0])
    v = np.array([0j, 1 + 1j])
    py = lambda v: v[0] * v[1].imag + v[0] * v[0]  # noqa: E731
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.hessian(py, holomorphic=True)(v)
    with pytest.raises(ValueError, match="hessian: f is not holomorphic"):
        da.hessian(f, holomorphic=True)(v)
    np.testing.assert_allclose(da.grad(f, holomorphic=True)(v), [1, 0])  # first level passes
    with pytest.raises(TypeError, match="requires inputs with complex dtype"):
        da.hessian(coupled, holomorphic=True)(Z.real.copy())
    with pytest.raises(TypeError, match="requires outputs with complex dtype"):
        da.hessian(njit(lambda v: np.sum(np.abs(v) ** 2)), holomorphic=True)(Z)
    # a real-valued f of complex inputs: jax.hessian (jacfwd) refuses, and so does dualad
    with pytest.raises(TypeError, match="holomorphic=True"):
        da.hessian(njit(lambda v: np.sum(np.abs(v) ** 2)))(Z)
    with pytest.raises(TypeError, match="holomorphic=True"):
        da.hessian(lambda v: np.sum(np.abs(v) ** 2))(Z)


@njit
def mixed(z):
    """A holomorphic map of a complex vector (an output array)."""
    out = np.empty_like(z)
    for i in range(z.size):
        out[i] = cmath.exp(z[i]) * z[(i + 1) % z.size] ** 2 + cmath.sin(z[i]) * z[0]
    return out


def py_mixed(z):
    n = len(z)
    return np.array([da.exp(z[i]) * z[(i + 1) % n] ** 2 + da.sin(z[i]) * z[0]
                     for i in range(n)])


def test_jacobian_of_jacobian_of_a_dispatcher():
    hol = dict(holomorphic=True)
    T = da.jacobian(da.jacobian(mixed, **hol), **hol)(Z)
    assert T.shape == (3, 3, 3) and T.dtype == np.complex128
    want = da.jacobian(da.jacobian(py_mixed, **hol), **hol)(Z)
    np.testing.assert_allclose(T, want, rtol=1e-13, atol=1e-14)
    jac = da.jacobian(mixed, **hol)
    h = 1e-6
    for j in range(3):   # T[..., k, j] = d/dz_j (df/dz_k)
        e = np.zeros(3, complex)
        e[j] = h
        np.testing.assert_allclose(T[..., j], (jac(Z + e) - jac(Z - e)) / (2 * h),
                                   rtol=1e-7, atol=1e-8)
    # jacobian(grad) is the Hessian
    np.testing.assert_array_equal(
        da.jacobian(da.grad(coupled, **hol), **hol)(Z), da.hessian(coupled, **hol)(Z))
    with pytest.raises(TypeError, match="holomorphic=True"):
        da.jacobian(da.jacobian(mixed, **hol))(Z)
    with pytest.raises(NotImplementedError, match="both transforms take holomorphic=True"):
        da.jacobian(da.grad(njit(lambda v: np.sum(np.abs(v) ** 2))), **hol)(Z)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.jacobian(da.jacobian(njit(lambda v: v * v[0].imag + v), **hol), **hol)(
            np.array([0j, 1 + 1j]))


@njit
def two_args(z, w):
    """A holomorphic scalar of a complex vector and a complex scalar."""
    t = cmath.exp(w) * w
    for i in range(z.size):
        t += cmath.sin(z[i]) * w ** 2 + z[i] * z[(i + 1) % z.size]
    return t


def py_two_args(z, w):
    n = len(z)
    return da.exp(w) * w + sum(da.sin(z[i]) * w ** 2 + z[i] * z[(i + 1) % n]
                               for i in range(n))


def test_several_argnums_give_the_mixed_blocks():
    """hessian(argnums=(0, 1)) and jacobian(jacobian(., argnums), argnums) of a
    dispatcher at complex points: JAX's nesting (h[i][j] shaped arg i + arg j),
    against the Python path and closed forms; one argnum of each transform picks
    a single block."""
    hol = dict(holomorphic=True)
    w = 0.4 - 0.9j
    H = da.hessian(two_args, argnums=(0, 1), **hol)(Z, w)
    want = da.hessian(py_two_args, argnums=(0, 1), **hol)(Z, w)
    assert [[np.shape(b) for b in row] for row in H] == [[(3, 3), (3,)], [(3,), ()]]
    for row, want_row in zip(H, want):
        for b, c in zip(row, want_row):
            np.testing.assert_allclose(b, c, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(H[0][1], 2 * w * np.cos(Z), rtol=1e-14)    # d2/dz dw
    np.testing.assert_allclose(H[1][1], np.exp(w) * (w + 2) + 2 * np.sum(np.sin(Z)), rtol=1e-14)
    np.testing.assert_array_equal(H[0][1], H[1][0])
    T = da.jacobian(da.jacobian(two_args, argnums=(0, 1), **hol), argnums=(0, 1), **hol)(Z, w)
    for row, h_row in zip(T, H):
        for b, c in zip(row, h_row):
            np.testing.assert_allclose(b, c, rtol=1e-14, atol=1e-15)
    # grad along z, its Jacobian along w: the one block d/dw (df/dz)
    np.testing.assert_allclose(
        da.jacobian(da.grad(two_args, argnums=0, **hol), argnums=1, **hol)(Z, w), H[0][1],
        rtol=1e-14)
    with pytest.raises(ValueError, match="Cauchy-Riemann"):
        da.hessian(njit(lambda z, w: z * np.conj(w)), argnums=(0, 1), **hol)(1j, 2 + 1j)
