"""Numba code written with array expressions, unchanged, under dualad's transforms.

Realistic scientific functions (a stiff kinetics right-hand side assembled
with np.array, an energy with np.sum/np.dot, a quadratic form with a float
matrix, a shifted log-sum-exp, a Lennard-Jones chain using slices, a small
linear solve), each checked against its closed-form derivatives (or central
differences of the float function), first and second order, float64 and
float32, at one point and under vmap. The signatures compiled here are
deliberate: one Dual width per function and dtype, one Hessian path each.
"""
import numpy as np
import pytest
from numba import njit

import dualad as da
from reference import central_jacobian

A = np.array([[2.0, 1.0, 0.0, 0.5],
              [0.5, 3.0, 1.0, 0.0],
              [0.0, 1.0, 4.0, 1.0],
              [0.3, 0.0, 1.0, 5.0]])
X4 = np.array([0.3, -0.7, 1.1, 0.4])


def tol(dtype):
    return dict(rtol=1e-13, atol=1e-13) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-5)


# ------------------------------------------------------------- the models ---

@njit
def robertson(t, y):
    k1, k2, k3 = 0.04, 3e7, 1e4
    return np.array([-k1 * y[0] + k3 * y[1] * y[2],
                     k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] ** 2,
                     k2 * y[1] ** 2])


def robertson_jacobian(y):
    return np.array([[-0.04, 1e4 * y[2], 1e4 * y[1]],
                     [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
                     [0.0, 6e7 * y[1], 0.0]])


@njit
def energy(x):
    return np.sum(x * x) + 0.5 * np.dot(x, x) + np.sum(np.exp(x)) / x.size


def energy_grad(x):
    return 3.0 * x + np.exp(x) / x.size


def energy_hess(x):
    return np.diag(3.0 + np.exp(x) / x.size)


@njit
def quadratic(x):
    return x @ (A @ x)


@njit
def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


@njit
def lennard_jones(x):
    r = x[1:] - x[:-1]
    return np.sum(4.0 * (r ** -12 - r ** -6))


def lj_grad(x):
    r = x[1:] - x[:-1]
    dr = 4.0 * (-12.0 * r ** -13 + 6.0 * r ** -7)
    g = np.zeros_like(x)
    g[1:] += dr
    g[:-1] -= dr
    return g


def lj_hess(x):
    r = x[1:] - x[:-1]
    d2 = 4.0 * (156.0 * r ** -14 - 42.0 * r ** -8)
    n = x.size
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += d2[i]
        H[i + 1, i + 1] += d2[i]
        H[i, i + 1] -= d2[i]
        H[i + 1, i] -= d2[i]
    return H


@njit
def solve_diag(x):
    M = A + np.eye(4) * x   # a float matrix plus duals on its columns
    return np.linalg.solve(M, np.ones(4))


def solve_float(x):
    return np.linalg.solve(A + np.eye(4) * x, np.ones(4))




# ------------------------------------------------------------------ tests ---

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kinetics_assembled_with_np_array(dtype):
    y = np.array([0.9, 2e-5, 0.1], dtype)
    J = da.jacobian(robertson, argnums=1)(0.0, y)
    assert J.dtype == dtype
    np.testing.assert_allclose(J, robertson_jacobian(y.astype(np.float64)), **tol(dtype))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("f, grad", [
    (energy, energy_grad),
    (quadratic, lambda x: (A + A.T) @ x),
    (logsumexp, softmax),
    (lennard_jones, lj_grad),
], ids=["energy", "quadratic", "logsumexp", "lennard_jones"])
def test_gradients_of_array_expressions(f, grad, dtype):
    x = (X4 if f is not lennard_jones else np.array([0.0, 1.1, 2.3, 3.2])).astype(dtype)
    g = da.grad(f)(x)
    assert g.dtype == dtype
    np.testing.assert_allclose(g, grad(x.astype(np.float64)), **tol(dtype))


@pytest.mark.parametrize("f, hess", [
    (energy, energy_hess),
    (quadratic, lambda x: A + A.T),
    (logsumexp, lambda x: np.diag(softmax(x)) - np.outer(softmax(x), softmax(x))),
    (lennard_jones, lj_hess),
], ids=["energy", "quadratic", "logsumexp", "lennard_jones"])
def test_hessians_of_array_expressions(f, hess):
    x = X4 if f is not lennard_jones else np.array([0.0, 1.1, 2.3, 3.2])
    np.testing.assert_allclose(da.hessian(f)(x), hess(x), rtol=1e-12, atol=1e-12)


def test_small_linear_solve_against_central_differences():
    x = np.array([0.5, 0.2, 0.9, 0.1])
    J = da.jacobian(solve_diag)(x)
    np.testing.assert_allclose(J, central_jacobian(solve_float, x), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(solve_diag(x), solve_float(x), rtol=1e-14)


def test_vmap_of_array_expression_code():
    X = np.random.default_rng(0).uniform(-1.0, 1.0, (7, 4))
    G = da.vmap(da.grad(energy))(X)
    np.testing.assert_allclose(G, np.stack([energy_grad(x) for x in X]), rtol=1e-13)
    Y = np.abs(X[:, :3]) * np.array([1.0, 1e-5, 0.1])
    J = da.vmap(da.jacobian(robertson, argnums=1), in_axes=(None, 0))(0.0, Y)
    np.testing.assert_allclose(J, np.stack([robertson_jacobian(y) for y in Y]), rtol=1e-13)


def test_robertson_with_bdf_and_dualad_jacobian():
    scipy_integrate = pytest.importorskip("scipy.integrate")
    jac = da.jacobian(robertson, argnums=1)
    sol = scipy_integrate.solve_ivp(robertson, (0.0, 40.0), [1.0, 0.0, 0.0], method="BDF",
                                    jac=jac, rtol=1e-8, atol=1e-10)
    assert sol.success
    assert sol.y[0, -1] == pytest.approx(0.7158, abs=1e-4)


@njit
def elementwise_zoo(x):
    y = x.copy()
    y += x
    y[1:] *= 2.0
    z = -y + abs(x - 0.5) + x ** 2 + 2.0 ** x + np.arctan2(x, 2.0) + np.maximum(x, 0.2)
    z = z + np.where(x > 0.0, np.sqrt(np.abs(x)), np.exp(x)) + np.clip(x, -0.5, 0.5)
    z = z + x.mean() * x.prod() + x.cumsum() + x.cumprod() + x.sum()
    return z + np.outer(x, x).sum(axis=0) + np.cumsum(x) + np.mean(x) + np.prod(x) \
        + np.linalg.norm(x) + np.linalg.det(A + np.eye(4) * x[0]) + np.trace(np.outer(x, x))


def elementwise_zoo_float(x):
    return elementwise_zoo.py_func(x)


def test_operators_ufuncs_reductions_and_products_together():
    x = np.array([0.3, -0.7, 1.1, 0.4])
    J = da.jacobian(elementwise_zoo)(x)
    np.testing.assert_allclose(J, central_jacobian(elementwise_zoo_float, x), rtol=1e-7, atol=1e-7)


@njit
def reductions_along_axes(x):
    # prod and mean along every axis (negative ones too) of 2-D and 3-D views
    m = x.reshape(3, 4)
    c = x.reshape(2, 3, 2)[:, ::-1, :]     # a non-contiguous view
    return np.concatenate((np.prod(m, axis=0), np.mean(m, axis=-1),
                           np.prod(c, axis=1).ravel(), np.mean(c, axis=0).ravel(),
                           np.mean(c, axis=-1).ravel(), np.prod(c, axis=2).ravel()))


def test_reductions_along_an_axis_of_any_dimension():
    x = np.linspace(0.4, 1.5, 12)
    J = da.jacobian(reductions_along_axes)(x)
    np.testing.assert_allclose(J, central_jacobian(reductions_along_axes.py_func, x),
                               rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(J, da.jacobian(reductions_along_axes.py_func)(x), rtol=1e-14)
    with pytest.raises(ValueError, match="axis out of bounds"):
        da.jacobian(njit(lambda y: np.mean(y.reshape(2, 3, 2), axis=3).ravel()))(x)


def test_tuple_outputs_of_a_dispatcher():
    @njit
    def f(x, k):
        return x[0] * x[1] * k, (np.sin(x) * k, x[2] ** 2)

    x = np.array([0.3, 0.7, 1.1])
    (a, b), ((c, d), (e, g)) = da.jacobian(f, argnums=(0, 1))(x, 2.0)
    np.testing.assert_allclose(a, [1.4, 0.6, 0.0], rtol=1e-15)
    assert b == pytest.approx(0.21, rel=1e-15)
    np.testing.assert_allclose(c, np.diag(2.0 * np.cos(x)), rtol=1e-15)
    np.testing.assert_allclose(d, np.sin(x), rtol=1e-15)
    np.testing.assert_allclose(e, [0.0, 0.0, 2.2], rtol=1e-15)
    assert g == 0.0
    with pytest.raises(ValueError, match="got a tuple; use da.jacobian"):
        da.grad(f)(x, 2.0)
    # under vmap the whole batch is one compiled loop, each leaf's Jacobian stacked
    X = np.array([x, x[::-1], 2 * x])
    (a, b), ((c, d), (e, g)) = da.vmap(da.jacobian(f, argnums=(0, 1)), in_axes=(0, None))(X, 2.0)
    assert a.shape == (3, 3) and c.shape == (3, 3, 3)
    (A,), ((C,), (E,)) = da.vmap(da.jacobian(f, argnums=(0,)), in_axes=(0, None))(X, 2.0)
    Jx = da.vmap(da.jacobian(f), in_axes=(0, None))(X, 2.0)
    for i in range(3):
        (a, _), ((c, _), (e, _)) = da.jacobian(f, argnums=(0, 1))(X[i], 2.0)
        np.testing.assert_array_equal(Jx[0][i], a)
        np.testing.assert_array_equal(Jx[1][0][i], c)
        np.testing.assert_array_equal(Jx[1][1][i], e)
        np.testing.assert_array_equal(A[i], a)
    with pytest.raises(ValueError, match="got a tuple; use da.jacobian"):
        da.vmap(da.grad(f), in_axes=(0, None))(X, 2.0)


def test_compile_errors_name_the_fix():
    @njit
    def into_float_array(x):
        out = np.zeros(3)
        out += x      # an in-place op storing duals into floats
        return out

    with pytest.raises(TypeError, match=r"in-place operation on an array of float64.*"
                                         r"np\.empty_like\(x\)"):
        da.jacobian(into_float_array)(np.ones(3))

    @njit
    def no_rule(x):
        return np.nextafter(x, 1.0)

    with pytest.raises(Exception, match=r"no derivative rule for numpy\.nextafter.*"
                                        r"da\.register"):
        da.jacobian(no_rule)(np.ones(3))

    @njit
    def singular(x):
        return np.linalg.det(np.outer(x, x))

    with pytest.raises(np.linalg.LinAlgError, match="adjugate"):
        da.grad(singular)(np.ones(3))


@njit
def broadcasting(x):
    m = x.reshape(2, 3)
    col = m[:, :1]                     # (2, 1)
    row = x[:3]                        # (3,)
    return (m * col + row ** 3 - np.where(m > 0.5, m, 2.0) + m[:1] * 2.0).ravel()


def test_broadcasting_of_dual_arrays_and_its_errors():
    x = np.linspace(0.2, 1.4, 6)
    np.testing.assert_allclose(da.jacobian(broadcasting)(x),
                               central_jacobian(broadcasting.py_func, x), rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(da.jacobian(broadcasting)(x),
                               da.jacobian(broadcasting.py_func)(x), rtol=1e-14)
    with pytest.raises(ValueError, match="broadcast"):
        da.jacobian(njit(lambda y: y.reshape(2, 3) * y.reshape(3, 2)[:2, :]))(np.ones(6))


@njit
def inplace_on_views(x):
    m = np.outer(x, x[:3])                 # (4, 3) of duals
    y = x * 1.0
    y[:-1] -= x[1:]                        # slices: the setitem is dropped (a view)
    y[1:] += 2.0 * x[:-1]
    y[::2] *= x[1::2]                      # a strided view
    m[1] *= x[0]                           # a row of a 2-D array: a view
    m[1:, 2] -= x[1:]                      # a column of a 2-D array: a view
    m[..., 0] += 1.0
    idx = np.array([3, 0])
    y[idx] += x[:2]                        # fancy index: a copy, the setitem stays
    y[2] += x[3]                           # an element: a dual, the setitem stays
    return np.concatenate((y, m.ravel()))


def _matches(monkeypatch, rewrite, attr):
    """The list that records, at every match of the numba rewrite, len(rewrite.<attr>)."""
    seen = []
    match = rewrite.match

    def counting(self, *args):
        found = match(self, *args)
        seen.append(len(getattr(self, attr)))
        return found
    monkeypatch.setattr(rewrite, "match", counting)
    return seen


def test_in_place_operators_on_views_and_copies(monkeypatch):
    from dualad._jit import rewrites
    dropped = _matches(monkeypatch, rewrites.InplaceViewSetitem, "dropped")
    J = da.jacobian(inplace_on_views)(X4)
    np.testing.assert_allclose(J, central_jacobian(inplace_on_views.py_func, X4),
                               rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(J, da.jacobian(inplace_on_views.py_func)(X4), rtol=1e-14)
    # the six view updates lose their setitem (in the dual compile: the float one keeps
    # numba's), the fancy-index and element updates keep theirs
    assert max(dropped) == 6


@njit
def sums_of_expressions(x, w):
    d = x[1:] - x[:-1]
    m = np.outer(x, x)
    return (np.sum(x * x) + (2.0 * x + w).sum() + np.sum(np.exp(-d * d))
            + np.sum(x[:1] * x) + np.sum(m * 2.0) + np.sum(x))


def test_sums_of_array_expressions_fused(monkeypatch):
    from dualad._jit import rewrites
    fused = _matches(monkeypatch, rewrites.FusedSum, "found")
    w = np.array([0.5, 1.0, -2.0, 3.0])
    for dtype in (np.float64, np.float32):
        x = X4.astype(dtype)
        g = da.grad(sums_of_expressions)(x, w.astype(dtype))
        assert g.dtype == dtype
        np.testing.assert_allclose(g, da.grad(sums_of_expressions.py_func)(x, w), **tol(dtype))
        np.testing.assert_allclose(g, central_jacobian(
            lambda y: sums_of_expressions.py_func(y, w), X4)[0], rtol=1e-7, atol=1e-6)
    # four 1-D sums of temporaries become loops (the 2-D one and the plain np.sum(x)
    # are numba's); the named d stays an array: np.outer, between it and its sum,
    # reads arrays and is not known to write none
    assert sum(fused) == 8, [f for f in fused if f]   # four per dtype
    with pytest.raises(ValueError, match="broadcast"):
        da.grad(njit(lambda y: np.sum(y[:2] * y)))(X4)
    # NumPy's error model, as numba's array expressions: 1/0 is inf, not an exception
    z = np.array([0.0, 1.0])
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(da.grad(njit(lambda y: np.sum(1.0 / y)))(z),
                                      da.grad(lambda y: np.sum(1.0 / y))(z))


@njit
def chained(x):
    d = x[1:] - x[:-1]
    e = 2.0 * d             # both inlined into the sum's loop: nothing is written between
    return np.sum(e * d)


@njit
def written_between(v):
    x = v.copy()
    d = x[1:] - x[:-1]
    c = x[:-1] * 3.0
    x[1] = 5.0              # d and c stay arrays: computed before x changes
    e = 2.0 * x[1:]         # inlined
    return np.sum(np.exp(-d * d) + c + e)


def test_named_array_expressions_inlined_only_where_their_operands_keep_values(monkeypatch):
    from dualad._jit import rewrites
    found = []
    match = rewrites.FusedSum.match

    def recording(self, *args):
        matched = match(self, *args)
        found.extend(sorted(f[-1]) for f in self.found)
        return matched
    monkeypatch.setattr(rewrites.FusedSum, "match", recording)
    for f in (chained, written_between):
        g = da.grad(f)(X4)
        np.testing.assert_allclose(g, da.grad(f.py_func)(X4), rtol=1e-14)
        np.testing.assert_allclose(g, central_jacobian(f.py_func, X4)[0], rtol=1e-7,
                                   atol=1e-7)
    assert found == [["d", "e"], ["e"]], found


def test_logaddexp_compiles_from_the_table_rules():
    # np.logaddexp / logaddexp2 on duals and arrays of duals: from the larger
    # argument, as the Python path (a tie: 1/2 each, exact)
    @njit
    def f(x):
        return np.sum(np.logaddexp(x, 1.0) * np.logaddexp2(x[0], x))

    x = np.array([0.3, 1.0, -2.0, 1.0])
    np.testing.assert_allclose(da.grad(f)(x), da.grad(f.py_func)(x), rtol=1e-14)
    np.testing.assert_allclose(da.hessian(f)(x), da.hessian(f.py_func)(x), rtol=1e-13,
                               atol=1e-15)
    g32 = da.grad(f)(x.astype(np.float32))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, da.grad(f.py_func)(x), rtol=1e-5)
    tie = da.grad(njit(lambda v: np.logaddexp(v[0], v[1])))(np.array([0.7, 0.7]))
    np.testing.assert_array_equal(tie, [0.5, 0.5])
