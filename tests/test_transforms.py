"""Multivariate transforms on plain Python/NumPy functions: values, shapes, errors."""
import math

import numpy as np
import pytest

import dualad as da
from models import rosen_grad, rosen_hess
from models import rosen_numpy as rosenbrock


# ---------------------------------------------------------------- scalars ---

def test_grad_of_scalars_with_argnums():
    f = lambda x, y: x * x * y + da.sin(y)  # noqa: E731
    assert da.grad(f)(1.0, 2.0) == pytest.approx(4.0, rel=1e-15)
    gx, gy = da.grad(f, argnums=(0, 1))(1.0, 2.0)
    assert (gx, gy) == (pytest.approx(4.0), pytest.approx(1.0 + math.cos(2.0)))
    assert da.grad(f, argnums=-1)(1.0, 2.0) == pytest.approx(1.0 + math.cos(2.0))


def test_ints_are_promoted():
    f = lambda x, y: x * y ** 2  # noqa: E731
    g = da.grad(f, argnums=(0, 1))(2, 3)
    assert g == (pytest.approx(9.0), pytest.approx(12.0))
    assert isinstance(g[0], float)
    J = da.jacobian(lambda x: x * 2)(np.array([1, 2, 3]))
    assert J.dtype == np.float64
    np.testing.assert_array_equal(J, 2.0 * np.eye(3))


def test_value_and_grad_returns_both():
    v, g = da.value_and_grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 3.0)
    assert v == 6.0 and g == (3.0, 2.0)


def test_hessian_of_scalars_mixed_blocks():
    f = lambda x, y: x * x * y + da.sin(y)  # noqa: E731
    H = da.hessian(f, argnums=(0, 1))(1.0, 2.0)
    expected = ((2 * 2.0, 2 * 1.0), (2 * 1.0, -math.sin(2.0)))
    for i in range(2):
        for j in range(2):
            assert H[i][j] == pytest.approx(expected[i][j], rel=1e-14)


def test_jvp_scalars():
    v, t = da.jvp(lambda x, y: x * da.exp(y), (2.0, 0.5), (1.0, -1.0))
    assert v == pytest.approx(2.0 * math.exp(0.5))
    assert t == pytest.approx(math.exp(0.5) - 2.0 * math.exp(0.5))


def test_tuple_outputs_outputs_outer_argnums_inner():
    J = da.jacobian(lambda x, y: (x * y, x + y, 3.0), argnums=(0, 1))(2.0, 5.0)
    assert J[0] == (5.0, 2.0)
    assert J[1] == (1.0, 1.0)
    assert J[2] == (0.0, 0.0)


# ----------------------------------------------------------------- arrays ---

@pytest.mark.parametrize("n", [2, 5])
def test_rosenbrock_grad_and_hessian_against_hand_derived(n):
    x = np.linspace(-0.7, 1.3, n)
    np.testing.assert_allclose(da.grad(rosenbrock)(x), rosen_grad(x), rtol=1e-14, atol=1e-12)
    H = da.hessian(rosenbrock)(x)
    assert H.shape == (n, n)
    np.testing.assert_allclose(H, rosen_hess(x), rtol=1e-14, atol=1e-11)


def test_jacobian_of_tanh_affine():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((7, 4))
    x = rng.standard_normal(4)
    J = da.jacobian(lambda x: np.tanh(A @ x))(x)
    expected = (1.0 - np.tanh(A @ x) ** 2)[:, None] * A
    np.testing.assert_allclose(J, expected, rtol=1e-13, atol=1e-14)


def test_jacobian_shapes_follow_jax():
    X = np.ones((2, 3))
    f = lambda X: np.sin(X).T  # noqa: E731  (3, 2) output
    assert da.jacobian(f)(X).shape == (3, 2, 2, 3)
    assert da.grad(lambda X: np.sum(X ** 2))(X).shape == (2, 3)
    assert da.hessian(lambda X: np.sum(X ** 3))(X).shape == (2, 3, 2, 3)


def test_chunking_gives_the_same_jacobian():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(11)
    f = lambda x: np.cumsum(np.sin(x) * x[::-1])  # noqa: E731
    full = da.jacobian(f)(x)
    for chunk in (1, 3, 4, 11, 50):
        np.testing.assert_allclose(da.jacobian(f, chunk=chunk)(x), full, rtol=0, atol=0)


def test_float32_stays_float32():
    x = np.array([0.5, 1.5], dtype=np.float32)
    J = da.jacobian(lambda x: np.exp(x) * x[0])(x)
    assert J.dtype == np.float32
    H = da.hessian(lambda x: np.sum(x ** 3))(x)
    assert H.dtype == np.float32
    np.testing.assert_allclose(H, np.diag(6 * x), rtol=1e-6)


def test_tuple_argument_tree():
    f = lambda p: p[0] * np.sum(p[1] ** 2)  # noqa: E731
    g = da.grad(f)((2.0, np.array([1.0, 3.0])))
    assert isinstance(g, tuple) and g[0] == pytest.approx(10.0)
    np.testing.assert_allclose(g[1], [4.0, 12.0])


def test_mixed_second_derivative_tensor_of_matrix_product():
    n = 3
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    T = da.jacobian(da.jacobian(lambda X, Y: X @ X @ Y, argnums=0), argnums=1)(X, Y)
    assert T.shape == (n,) * 6
    # T[i, j, a, b, k, l] = d^2 (XXY)_ij / dX_ab dY_kl = ((E_ab X + X E_ab) F_kl)_ij
    exact = np.zeros((n,) * 6)
    for a in range(n):
        for b in range(n):
            E = np.zeros((n, n))
            E[a, b] = 1.0
            dXX = E @ X + X @ E
            for k in range(n):
                for l in range(n):
                    F = np.zeros((n, n))
                    F[k, l] = 1.0
                    exact[:, :, a, b, k, l] = dXX @ F
    np.testing.assert_allclose(T, exact, rtol=1e-14, atol=1e-14)


def test_jvp_arrays_matches_jacobian():
    rng = np.random.default_rng(3)
    x, t = rng.standard_normal(5), rng.standard_normal(5)
    f = lambda x: np.sin(x) * np.sum(x ** 2)  # noqa: E731
    y, jt = da.jvp(f, (x,), (t,))
    np.testing.assert_allclose(y, f(x))
    np.testing.assert_allclose(jt, da.jacobian(f)(x) @ t, rtol=1e-13)


def test_vmap_plain_loop_matches_per_point():
    X = np.random.default_rng(4).standard_normal((6, 3))
    g = da.grad(lambda x: np.sum(np.sin(x) * x))
    out = da.vmap(g)(X)
    np.testing.assert_allclose(out, np.stack([g(x) for x in X]))
    assert da.vmap(g)(X[:1]).shape == (1, 3)


def test_scipy_minimize_trust_exact_with_dualad_callbacks():
    scipy_optimize = pytest.importorskip("scipy.optimize")
    x0 = np.array([1.3, 0.7, 0.8, 1.9, 1.2])
    res = scipy_optimize.minimize(rosenbrock, x0, jac=da.grad(rosenbrock),
                                  hess=da.hessian(rosenbrock), method="trust-exact")
    ref = scipy_optimize.minimize(scipy_optimize.rosen, x0, jac=scipy_optimize.rosen_der,
                                  hess=scipy_optimize.rosen_hess, method="trust-exact")
    assert res.success
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-5)
    # exact derivatives: the same iterates as SciPy's hand-written rosen_der/rosen_hess
    assert res.nit == ref.nit
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-10)


def test_check_derivatives_passes_and_catches_a_wrong_rule():
    assert da.check_derivatives(rosenbrock, np.array([0.3, -0.2, 0.9]), order=2) <= 1.0

    @da.custom_derivative((lambda x: 2.0 * da.cos(x),))  # deliberately wrong: factor 2
    def bad_sin(x):
        return da.sin(x)

    with pytest.raises(AssertionError, match="differs"):
        da.check_derivatives(lambda x: bad_sin(x) * 1.0, 0.4)


# ----------------------------------------------------------------- errors ---

def test_grad_of_vector_output_points_to_jacobian():
    with pytest.raises(ValueError, match="scalar.*jacobian"):
        da.grad(lambda x: x * 2.0)(np.ones(3))


def test_argnums_out_of_range():
    with pytest.raises(ValueError, match="argnums 2 is out of range"):
        da.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)
    with pytest.raises(TypeError, match="argnums"):
        da.grad(lambda x: x, argnums="0")(1.0)


def test_non_numeric_inputs_name_the_argument():
    with pytest.raises(TypeError, match="argument 0"):
        da.grad(lambda x: x)("abc")
    with pytest.raises(TypeError, match="argument 1"):
        da.jacobian(lambda x, y: x, argnums=1)(1.0, None)
    with pytest.raises(TypeError, match="dtype"):
        da.jacobian(lambda x: x)(np.array(["a", "b"]))


def test_vmap_batch_mismatch_and_bad_outputs():
    with pytest.raises(ValueError, match="batch size 3"):
        da.vmap(lambda x, y: x + y)(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        da.vmap(lambda x: np.ones(int(x) + 1))(np.array([0.0, 1.0]))


def test_bad_chunk():
    with pytest.raises(ValueError, match="chunk"):
        da.jacobian(lambda x: x, chunk=0)


def test_derivative_is_kept_per_function_and_order():
    def f(x):
        return x ** 3
    df = da.derivative(f)
    assert da.derivative(f) is df and da.derivative(f, order=1) is df
    assert da.derivative(f, 2) is not df and da.derivative(f, 2)(2.0) == 12.0
    assert df(2.0) == 12.0
    assert da.derivative(f, np.int64(1))(2.0) == 12.0     # not an int: built, same result

    def f(x):  # noqa: F811 - a redefinition is a new object: never the old transform
        return x ** 4
    assert da.derivative(f)(2.0) == 32.0
    with pytest.raises(TypeError, match="order must be an int"):
        da.derivative(f, True)     # True == 1, yet never the cached order 1
    with pytest.raises(ValueError, match=">= 0"):
        da.derivative(f, -1)
    with pytest.raises(TypeError, match="callable"):
        da.derivative(3.0)


def test_function_store_keys_by_identity_and_stays_bounded():
    from dualad._core.memo import FunctionStore
    store = FunctionStore(size=3)
    fs = [lambda x, k=k: k * x for k in range(10)]
    for k, f in enumerate(fs):
        store.put(f, "key", k)
    assert len(store._tables) == 3
    assert [store.get(f, "key") for f in fs] == [None] * 7 + [7, 8, 9]
    assert store.get(fs[9], "other") is None
    for k in range(20):   # fresh objects, often at a freed object's address: never a hit
        assert store.get(lambda x: x, "key") is None


def test_python_hessians_are_symmetric_to_the_bit():
    # the Jacobian of the gradient rounds d/dx_j (df/dx_i) and d/dx_i (df/dx_j)
    # differently; the Hessian computes the lower triangle only and mirrors it
    f = lambda x: np.sum(np.exp(np.sin(x) * x[::-1]) * np.cos(x[0] * x) / (1 + x ** 2))  # noqa: E731
    for n, dtype in ((3, np.float64), (20, np.float64), (7, np.float32)):
        x = np.random.default_rng(n).uniform(-1, 1, n).astype(dtype)
        H = da.hessian(f)(x)
        assert H.dtype == dtype
        np.testing.assert_array_equal(H, H.T)
        J = da.jacobian(da.grad(f))(x)
        np.testing.assert_allclose(H, J, rtol=8 * np.finfo(dtype).eps,
                                   atol=8 * np.finfo(dtype).eps * np.abs(J).max())
        np.testing.assert_array_equal(np.tril(H), np.tril(J))   # the lower triangle kept
    g = lambda x, a, y: (np.sum(np.exp(np.sin(x) * y[:, None]) * a ** 2)  # noqa: E731
                         + a * np.sum(np.tanh(y) * x[0, 0]))
    rng = np.random.default_rng(1)
    args = (rng.uniform(-1, 1, (2, 3)), 0.7, rng.uniform(-1, 1, 2))
    H = da.hessian(g, argnums=(0, 1, 2))(*args)
    J = da.jacobian(da.grad(g, argnums=(0, 1, 2)), argnums=(0, 1, 2))(*args)
    sizes = [np.size(a) for a in args]
    for i in range(3):
        for j in range(3):
            assert np.shape(H[i][j]) == np.shape(J[i][j]) and type(H[i][j]) is type(J[i][j])
            np.testing.assert_allclose(H[i][j], J[i][j], rtol=1e-14, atol=1e-15)
    full = np.block([[np.reshape(H[i][j], (sizes[i], sizes[j])) for j in range(3)]
                     for i in range(3)])
    np.testing.assert_array_equal(full, full.T)


def test_python_hessian_carries_one_triangle_in_bounded_passes():
    # forward over forward restricted to i >= j: each pass differentiates the
    # gradient's components r0..n-1 along the directions r0..r1-1, with at most
    # HESSIAN_LANES second-order lanes (a pairwise n x n intermediate of a large n
    # must not carry n^2 partials per element)
    from dualad._transforms import hessian as mv
    seen = []

    def energy(x):
        inner, outer = x.partials.shape[-1], x.values.partials.shape[-1]
        seen.append((outer, inner))
        d = x[:, None] - x[None, :]
        return np.sum(np.exp(-d * d)) + np.sum(np.sin(x) ** 2 * x[::-1])
    n = 70
    x = np.random.default_rng(3).uniform(-1, 1, n)
    H = da.hessian(energy)(x)
    assert all(o * i <= mv.HESSIAN_LANES for o, i in seen)
    lanes = sum(o * i for o, i in seen)
    assert lanes < 0.75 * n * n            # the full nested pass carries n^2
    blocks = mv._row_blocks(n, None)
    assert blocks[0][0] == 0 and blocks[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:]))
    d = x[:, None] - x[None, :]            # the closed form
    e = np.exp(-d * d)
    w = (4 * d * d - 2) * e                 # d2/dd2 of exp(-d^2), each pair twice
    ref = -2 * w
    np.fill_diagonal(ref, 0.0)
    np.fill_diagonal(ref, -ref.sum(axis=1))
    s, c, r = np.sin(x), np.cos(x), x[::-1]
    ref[np.diag_indices(n)] += 2 * (c * c - s * s) * r
    anti = 2 * s * c                         # d/dx_i d/dx_{n-1-i} of sin(x_i)^2 x_{n-1-i}
    ref[np.arange(n), np.arange(n)[::-1]] += anti
    ref[np.arange(n)[::-1], np.arange(n)] += anti
    np.testing.assert_allclose(H, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(H, H.T)
    seen.clear()
    H7 = da.hessian(energy, chunk=7)(x)
    assert max(max(o, i) for o, i in seen) == 7
    np.testing.assert_allclose(H7, H, rtol=1e-13, atol=1e-13)
