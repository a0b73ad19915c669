"""Sparsity detection, coloring and sparse Jacobians/Hessians (issue 12).

Patterns are checked against the nonzeros of dense Jacobians/Hessians at random
points (never a missed nonzero), colorings for validity, sparse results against
dense ones (float32 and float64), SciPy's solvers taking the results as they are.
"""
import math
from math import exp

import numpy as np
import pytest
import scipy.sparse as sp
from numba import njit

import dualad as da
from dualad._core import coloring as col
from models import l96, l96_numpy, rosen, rosen_numpy


def l96_loop(x):
    """Lorenz-96 with the Arrhenius term, written with element loops (as for numba)."""
    n = x.shape[0]
    out = np.empty_like(x)
    for i in range(n):
        xp = x[(i + 1) % n]
        out[i] = ((xp - x[i - 2]) * x[i - 1] - x[i] + 8.0
                  + 0.1 * da.exp(-1.0 / x[i]) * da.log(1.0 + xp * xp))
    return out


def mixed(x):
    """Selections by value, steps, reductions and data movement together."""
    a = np.where(x[:3] > 0.5, x[:3] ** 2, np.cos(x[3:6]))
    b = np.maximum(x[6:8], x[8:10]) + np.floor(x[0:2] * 3.0) * x[10:12]
    c = np.concatenate([np.cumsum(x[12:15]), [np.max(x[15:18]), np.sum(x[18:20] ** 2)]])
    d = np.sort(x[20:23]) * x[23] + np.abs(x[24]) * np.clip(x[25], 0.2, 0.8)
    return np.concatenate([a, b, c, d])


JAC_CASES = [
    ("l96_numpy", l96_numpy, 12, (0.5, 2.0)),
    ("l96_loop", l96_loop, 9, (0.5, 2.0)),
    ("mixed", mixed, 26, (0.0, 1.0)),
    ("matmul", lambda x: np.tanh(np.arange(12.0).reshape(3, 4) @ x[:4]) * x[4:7], 8,
     (-1.0, 1.0)),
]


@pytest.mark.parametrize("name, f, n, box", JAC_CASES, ids=[c[0] for c in JAC_CASES])
def test_jacobian_pattern_never_misses_a_nonzero(name, f, n, box):
    rng = np.random.default_rng(0)
    P = da.sparsity(f)(rng.uniform(*box, n))
    assert sp.issparse(P) and P.dtype == bool
    dense = P.toarray()
    for _ in range(8):
        J = da.jacobian(f)(rng.uniform(*box, n))
        nz = J.reshape(J.shape[0], -1) != 0
        assert not np.any(nz & ~dense), f"{name}: pattern misses {np.argwhere(nz & ~dense)}"


def test_patterns_are_exact_where_they_can_be():
    x = np.linspace(0.5, 1.5, 8)
    band = da.sparsity(l96_numpy)(x).toarray()
    expected = np.zeros((8, 8), bool)
    for i in range(8):
        expected[i, [(i - 2) % 8, (i - 1) % 8, i, (i + 1) % 8]] = True
    np.testing.assert_array_equal(band, expected)
    np.testing.assert_array_equal(da.sparsity(l96_loop)(x).toarray(), expected)
    # a step records nothing, a linear term nothing second order
    P = da.sparsity(lambda x: np.floor(x) + x[::-1] // 2.0)(x).toarray()
    assert not P.any()
    H = da.hessian_sparsity(lambda x: x[0] * x[1] + 3.0 * x[2] + np.sin(x[3]))(x[:4])
    np.testing.assert_array_equal(H.toarray(), [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0],
                                                [0, 0, 0, 1]])


def test_where_and_max_record_every_branch():
    # at this point the max is x[0] and the branch x > 0 is taken, yet the pattern
    # holds for every point
    x = np.array([3.0, 1.0, 2.0])
    P = da.sparsity(lambda x: np.max(x) * np.where(x > 0, x, x[::-1] ** 2))(x).toarray()
    assert P.all()


def test_scalar_arguments_and_argnums():
    P = da.sparsity(lambda a, b, c: np.array([a * b, np.sin(c)]), argnums=(0, 2))(
        1.0, 2.0, 3.0)
    np.testing.assert_array_equal(P.toarray(), [[1, 0], [0, 1]])


HESS_CASES = [
    ("rosen_numpy", rosen_numpy, 7),
    ("rosen_loop", rosen.py_func, 6),
    ("coupled", lambda x: np.sum(np.exp(x[:-2] * x[2:])) + x[0] * np.sum(x ** 2) + x[3], 6),
]


@pytest.mark.parametrize("name, f, n", HESS_CASES, ids=[c[0] for c in HESS_CASES])
def test_hessian_pattern_never_misses_a_nonzero(name, f, n):
    rng = np.random.default_rng(1)
    P = da.hessian_sparsity(f)(rng.uniform(-1, 1, n)).toarray()
    np.testing.assert_array_equal(P, P.T)
    for _ in range(5):
        H = da.hessian(f)(rng.uniform(-1, 1, n))
        assert not np.any((H != 0) & ~P), name


def _random_pattern(rng, m, n, density):
    return sp.random(m, n, density=density, random_state=rng, format="csr") != 0


def test_column_coloring_is_valid():
    rng = np.random.default_rng(2)
    for m, n, d in [(30, 20, 0.1), (50, 50, 0.05), (10, 40, 0.3), (5, 5, 0.0)]:
        P = _random_pattern(rng, m, n, d)
        colors = col.column_coloring(P)
        A = P.toarray()
        for c in set(colors.tolist()):
            assert A[:, colors == c].sum(axis=1).max(initial=0) <= 1


def test_star_coloring_recovers_symmetric_matrices():
    rng = np.random.default_rng(3)
    arrow = np.eye(30, dtype=bool)
    arrow[0] = arrow[:, 0] = True
    assert col.star_coloring(arrow).max() + 1 == 2
    assert col.column_coloring(arrow).max() + 1 == 30
    for n, d in [(40, 0.05), (25, 0.2), (60, 0.02)]:
        A = sp.random(n, n, density=d, random_state=rng).toarray()
        H = A + A.T + np.diag(rng.uniform(1, 2, n))
        colors = col.star_coloring(H != 0)
        c = col.Compression(H != 0, colors, symmetric=True)
        np.testing.assert_array_equal(c.csr(H @ c.seed(np.float64)).toarray(), H)
        np.testing.assert_array_equal(c.dense(H @ c.seed(np.float64)), H)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sparse_jacobian_equals_dense(dtype):
    rng = np.random.default_rng(4)
    for f, n in [(l96_numpy, 40), (l96_loop, 11), (mixed, 26)]:
        x = rng.uniform(0.5, 2.0, n).astype(dtype)
        J = da.jacobian(f)(x)
        for fmt in ("dense", "csr", "csc"):
            S = da.jacobian(f, sparsity="auto", format=fmt)(x)
            S = S if fmt == "dense" else S.toarray()
            assert S.dtype == dtype
            np.testing.assert_allclose(S, J, rtol=4 * np.finfo(dtype).eps, atol=0)
    # the coloring is far smaller than n
    plan = da.jacobian(l96_numpy, sparsity="auto").plan((np.ones(40),))
    assert plan.ncolors <= 5 and plan.pattern.nnz == 160


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sparse_hessian_equals_dense(dtype):
    rng = np.random.default_rng(5)
    for f, n in HESS_CASES_N(dtype):
        x = rng.uniform(-1, 1, n).astype(dtype)
        H = da.hessian(f)(x)
        S = da.hessian(f, sparsity="auto")(x)
        assert S.dtype == dtype
        np.testing.assert_allclose(S, H, rtol=8 * np.finfo(dtype).eps,
                                   atol=8 * np.finfo(dtype).eps * np.abs(H).max())
        C = da.hessian(f, sparsity="auto", format="csr")(x)
        np.testing.assert_array_equal(C.toarray(), S)


def HESS_CASES_N(dtype):
    return [(rosen_numpy, 30), (HESS_CASES[2][1], 9)]


def test_given_patterns():
    x = np.linspace(0.5, 1.5, 10)
    J = da.jacobian(l96_numpy)(x)
    P = da.sparsity(l96_numpy)(x)
    for pattern in (P, P.toarray(), P.toarray().reshape(10, 10).astype(int), J != 0):
        np.testing.assert_allclose(da.jacobian(l96_numpy, sparsity=pattern)(x), J,
                                   rtol=1e-15)
    # a dense format of a dense computation, for SciPy
    D = da.jacobian(l96_numpy, format="csr")(x)
    assert sp.issparse(D)
    np.testing.assert_array_equal(D.toarray(), J)
    Hp = da.hessian_sparsity(rosen_numpy)(x)
    np.testing.assert_allclose(da.hessian(rosen_numpy, sparsity=Hp)(x),
                               da.hessian(rosen_numpy)(x), rtol=1e-14)


def test_bad_arguments():
    x = np.ones(5)
    with pytest.raises(ValueError, match="format must be one of"):
        da.jacobian(np.sin, sparsity="auto", format="coo")
    with pytest.raises(ValueError, match="sparsity must be 'auto'"):
        da.jacobian(np.sin, sparsity="yes")
    with pytest.raises(ValueError, match="pattern must be"):
        da.hessian(np.sin, sparsity=np.ones(3))
    with pytest.raises(ValueError, match="has shape"):
        da.jacobian(np.sin, sparsity=np.eye(4, dtype=bool))(x)
    with pytest.raises(ValueError, match="one array"):
        da.jacobian(lambda x: (x, x), sparsity="auto")(x)
    with pytest.raises(ValueError, match="scalar"):
        da.hessian_sparsity(np.sin)(x)
    with pytest.raises(TypeError, match="callable"):
        da.sparsity(3)
    with pytest.raises(TypeError, match="no rule for numpy.histogram"):
        da.sparsity(lambda x: np.histogram(x)[0] * x)(x)


def test_scipy_takes_the_results():
    from scipy.integrate import solve_ivp
    from scipy.optimize import minimize
    x0 = np.linspace(0.8, 1.2, 20)
    rhs = lambda t, x: l96_numpy(x)  # noqa: E731
    jac = da.jacobian(l96_numpy, sparsity="auto", format="csc")
    sol = solve_ivp(rhs, (0, 0.2), x0, method="BDF", jac=lambda t, x: jac(x),
                    jac_sparsity=da.sparsity(l96_numpy)(x0), rtol=1e-8, atol=1e-10)
    ref = solve_ivp(rhs, (0, 0.2), x0, method="RK45", rtol=1e-10, atol=1e-12)
    assert sol.success
    np.testing.assert_allclose(sol.y[:, -1], ref.y[:, -1], rtol=1e-5)
    hess = da.hessian(rosen_numpy, sparsity="auto", format="csr")
    res = minimize(rosen_numpy, np.full(10, 0.5), jac=da.grad(rosen_numpy), hess=hess,
                   method="trust-constr", options={"gtol": 1e-10, "xtol": 1e-12})
    np.testing.assert_allclose(res.x, np.ones(10), atol=1e-6)
    res = minimize(rosen_numpy, np.full(10, 0.5), jac=da.grad(rosen_numpy),
                   hess=da.hessian(rosen_numpy, sparsity="auto"), method="Newton-CG")
    np.testing.assert_allclose(res.x, np.ones(10), atol=1e-4)


@njit
def l96_np(x):
    """models.l96 with np.exp/np.log, which dualad's Python duals run too."""
    n = x.shape[0]
    out = np.empty_like(x)
    for i in range(n):
        xp = x[(i + 1) % n]
        out[i] = ((xp - x[i - 2]) * x[i - 1] - x[i] + 8.0
                  + 0.1 * np.exp(-1.0 / x[i]) * np.log(1.0 + xp * xp))
    return out


def test_numba_dispatchers():
    x = np.linspace(0.6, 1.4, 12)
    J = da.jacobian(l96_numpy)(x)
    # auto: traced on f.py_func, then one compiled pass with 4 partials (4 colors)
    Ja = da.jacobian(l96_np, sparsity="auto")(x)
    np.testing.assert_allclose(Ja, J, rtol=1e-14)
    # math.exp and math.log in l96: traced as dualad's exp and log (f's module untouched)
    Jp = da.jacobian(l96, sparsity=da.sparsity(l96_numpy)(x), format="csr")(x)
    np.testing.assert_allclose(Jp.toarray(), J, rtol=1e-14)
    np.testing.assert_allclose(da.jacobian(l96, sparsity="auto")(x), J, rtol=1e-14)
    np.testing.assert_array_equal(da.sparsity(l96)(x).toarray(),
                                  da.sparsity(l96_numpy)(x).toarray())
    assert l96.py_func.__globals__["math"] is math
    # a math function dualad has no rule for still cannot run on Python duals
    with pytest.raises(TypeError, match="f.py_func.*Pass the pattern"):
        da.jacobian(njit(lambda v: v * math.frexp(v[0])[0]), sparsity="auto")(x)
    # a diagonal pattern: one color, one partial (a plain Dual[float, 1] buffer)
    np.testing.assert_array_equal(da.jacobian(njit(lambda v: np.sin(v)), sparsity="auto")(x),
                                  np.diag(np.cos(x)))


@njit
def coupled_nb(x, y):
    """A Hessian with off-tridiagonal couplings across two arguments (np.exp, for
    the Python duals of the detection)."""
    s = x[3] + x[0] * np.sum(x ** 2)
    for i in range(x.shape[0] - 2):
        s += np.exp(x[i] * x[i + 2]) + y[i % y.shape[0]] * x[i] ** 2
    return s + np.sum(y ** 3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_sparse_hessians(dtype, monkeypatch):
    """da.hessian(njit_f, sparsity=...): pattern traced on f.py_func, compressed
    passes compiled (outer level one color, inner level a chunk of unit directions),
    or the dense compiled Hessian compressed where it needs no more calls."""
    import dualad._backends.compressed as comp
    dense_calls = []
    real = comp.compiled_transform
    monkeypatch.setattr(comp, "compiled_transform",
                        lambda *a: dense_calls.append(1) or real(*a))
    rng = np.random.default_rng(12)
    eps = np.finfo(dtype).eps
    # Dual2 in one call (dense chosen); one wide inner chunk; chunks of 4, a ragged last
    for n, chunk, dense in ((9, None, True), (40, None, False), (23, 4, False)):
        dense_calls.clear()
        for _ in range(2):                  # random points: the pattern never misses
            x = rng.uniform(-1, 1, n).astype(dtype)
            H = da.hessian(rosen)(x)
            P = da.hessian_sparsity(rosen)(x).toarray()
            assert not np.any((H != 0) & ~P)
            S = da.hessian(rosen, chunk=chunk, sparsity="auto")(x)
            assert S.dtype == dtype and S.shape == (n, n)
            np.testing.assert_allclose(S, H, rtol=8 * eps, atol=8 * eps * np.abs(H).max())
            C = da.hessian(rosen, chunk=chunk, sparsity="auto", format="csc")(x)
            assert C.format == "csc" and C.nnz == P.sum()
            np.testing.assert_array_equal(C.toarray(), S)
        assert bool(dense_calls) == dense, (n, chunk)
    # two arguments: the (n, n) matrix over both, in argnums order; a given pattern
    x, y = rng.uniform(-1, 1, 8).astype(dtype), rng.uniform(-1, 1, 3).astype(dtype)
    f = lambda x, y: np.sum(x[3:4]) + x[0] * np.sum(x ** 2) + np.sum(  # noqa: E731
        np.exp(x[:-2] * x[2:])) + np.sum(y[np.arange(6) % 3] * x[:6] ** 2) + np.sum(y ** 3)
    ref = np.block([[da.hessian(f, 0)(x, y), da.jacobian(da.grad(f, 0), 1)(x, y)],
                    [da.jacobian(da.grad(f, 1), 0)(x, y), da.hessian(f, 1)(x, y)]])
    S = da.hessian(coupled_nb, argnums=(0, 1), sparsity="auto")(x, y)
    np.testing.assert_allclose(S, ref, rtol=64 * eps, atol=64 * eps * np.abs(ref).max())
    P = da.hessian_sparsity(f, argnums=(0, 1))(x, y)
    G = da.hessian(coupled_nb, argnums=(0, 1), sparsity=P, format="csr")(x, y)
    np.testing.assert_allclose(G.toarray(), ref, rtol=64 * eps,
                               atol=64 * eps * np.abs(ref).max())


def test_compiled_sparse_hessian_errors():
    x = np.linspace(0.6, 1.4, 6)
    with pytest.raises(ValueError, match="has shape"):
        da.hessian(rosen, sparsity=np.eye(5, dtype=bool))(x)
    with pytest.raises(ValueError, match="scalar"):
        da.hessian(l96_np, sparsity=np.ones((6, 6), bool))(x)
    with pytest.raises(ValueError, match="1-element arrays"):
        da.hessian(njit(lambda a, b: a * b[0] ** 2), argnums=(0, 1),
                   sparsity=np.ones((2, 2), bool))(0.5, np.ones(1))
    # a math function without a rule in f: the Python duals of the detection cannot run it
    with pytest.raises(TypeError, match="f.py_func.*Pass the pattern"):
        da.hessian(njit(lambda x: math.frexp(x[0] * x[1])[0]), sparsity="auto")(x)


def test_vmap_reuses_one_coloring():
    X = np.random.default_rng(6).uniform(0.5, 2.0, (4, 10))
    g = da.jacobian(l96_numpy, sparsity="auto")
    J = da.vmap(g)(X)
    np.testing.assert_allclose(J, da.vmap(da.jacobian(l96_numpy))(X), rtol=1e-15)
    assert g.plan((X[0],)) is g.plan((X[1],))   # one pattern and coloring per shapes
    Jc = da.vmap(da.jacobian(l96_np, sparsity="auto"))(X)
    np.testing.assert_allclose(Jc, J, rtol=1e-14)
    # format="csr"/"csc": one scipy.sparse array per point, on the one pattern
    for fmt in ("csr", "csc"):
        L = da.vmap(da.jacobian(l96_numpy, sparsity="auto", format=fmt))(X)
        assert isinstance(L, list) and len(L) == 4 and all(a.format == fmt for a in L)
        for a, d in zip(L, J):
            np.testing.assert_allclose(a.toarray(), d, rtol=1e-15)
    assert da.vmap(da.jacobian(l96_numpy, sparsity="auto", format="csr"))(X[:0]) == []
    with pytest.raises(TypeError, match="list of scipy.sparse arrays"):
        da.vmap(da.jacobian(l96_numpy, sparsity="auto", format="csr"),
                out=np.empty_like(J))(X)


@njit
def kinetics(x, k, c):
    """A tridiagonal reaction RHS; k per point (mapped), c shared (not mapped)."""
    n = x.shape[0]
    out = np.empty_like(x)
    for i in range(n):
        left = x[i - 1] if i > 0 else c
        right = x[i + 1] if i < n - 1 else c
        out[i] = k[0] * left - 1.3 * x[i] * x[i] + k[1] * right * x[i] + np.exp(-x[i])
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_sparse_vmap(dtype, monkeypatch):
    """vmap(jacobian(njit_f, sparsity=...)): one compiled loop over the batch (more
    points than one block per core), equal to the dense compiled vmap to rounding."""
    import dualad._transforms.vmap as vmap_module
    monkeypatch.setattr(vmap_module, "_loop", None)   # never the point-by-point loop
    rng = np.random.default_rng(7)
    X = rng.uniform(0.2, 1.5, (300, 11)).astype(dtype)
    k = rng.uniform(0.5, 1.0, (300, 2)).astype(dtype)
    c = dtype(0.3)
    g = da.jacobian(kinetics, sparsity="auto")
    J = da.vmap(g, in_axes=(0, 0, None))(X, k, c)
    ref = da.vmap(da.jacobian(kinetics), in_axes=(0, 0, None))(X, k, c)
    assert J.dtype == dtype and J.shape == (300, 11, 11)
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(J, ref, rtol=4 * eps, atol=4 * eps * np.abs(ref).max())
    assert g.plan((X[0], k[0], c)).ncolors == 3
    out = np.full_like(J, np.nan)   # every entry written, zeros included
    assert da.vmap(g, in_axes=(0, 0, None), out=out)(X, k, c) is out
    np.testing.assert_array_equal(out, J)
    # csr: the same compiled loop, each point's nonzeros in the pattern's csr order
    L = da.vmap(da.jacobian(kinetics, sparsity="auto", format="csr"),
                in_axes=(0, 0, None))(X, k, c)
    assert len(L) == 300 and L[0].dtype == dtype and L[0].nnz == 31
    for b in (0, 1, 150, 299):
        np.testing.assert_array_equal(L[b].toarray(), J[b])
    P = da.sparsity(kinetics.py_func)(X[0], k[0], c)
    Jp = da.vmap(da.jacobian(kinetics, sparsity=P), in_axes=(0, 0, None))(X, k, c)
    np.testing.assert_array_equal(Jp, J)
    with pytest.raises(ValueError, match="pattern"):
        da.vmap(da.jacobian(kinetics, sparsity=np.eye(12, dtype=bool)),
                in_axes=(0, 0, None))(X, k, c)


@njit
def _head(x, k, c):
    """The first k/2 columns of a 2 x (n/2) array: its size depends on k's value."""
    y = (c * x * x + np.roll(x, 1)).reshape(2, -1)
    return y[:, :k // 2].copy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_sparse_jacobian_at_one_point(dtype, monkeypatch):
    """After the first call (the general path, which also checks f's output), one point
    of a sparse Jacobian of a dispatcher runs as vmap's compiled loop on one row: the
    same numbers, shapes and dtypes, any format; an f whose size leaves its pattern's
    raises as the first call would."""
    from dualad._backends import one_point
    calls = []
    point = one_point.compressed_point
    monkeypatch.setattr(one_point, "compressed_point",
                        lambda *a, **k: calls.append(a[-1]) or point(*a, **k))
    monkeypatch.setattr(one_point, "disk_cached", lambda f: True)   # (as cache=True)
    x = np.linspace(0.3, 1.7, 8).astype(dtype)
    ref = da.jacobian(_head)(x, 8, 0.5)
    assert ref.shape == (2, 4, 8)
    for fmt in ("dense", "csr", "csc"):
        g = da.jacobian(_head, sparsity="auto", format=fmt)
        first, again = g(x, 8, 0.5), g(x * 2, 8, 0.5)
        again_ref = da.jacobian(_head)(x * 2, 8, 0.5)
        if fmt != "dense":
            assert type(first) is type(again) and again.format == fmt
            first, again = first.toarray().reshape(ref.shape), again.toarray().reshape(ref.shape)
        assert first.dtype == again.dtype == dtype and first.shape == again.shape == ref.shape
        np.testing.assert_array_equal(first, ref)
        np.testing.assert_array_equal(again, again_ref)
    assert calls == [False, True, True]   # the second call of each format
    g = da.jacobian(_head, sparsity="auto")
    g(x, 8, 0.5)
    with pytest.raises(ValueError, match="f returns 6 numbers at these arguments; its "
                                         "pattern has 8 rows"):
        g(x, 6, 0.5)
    np.testing.assert_array_equal(g(x, 8, 0.5), ref)


def test_hessian_detection_in_row_blocks(monkeypatch):
    import dualad._transforms.patterns as patterns_module
    f = HESS_CASES[2][1]
    x = np.random.default_rng(7).uniform(-1, 1, 9)
    whole = da.hessian_sparsity(f)(x).toarray()
    monkeypatch.setattr(patterns_module, "HESSIAN_SETS", 9 * 9 * 2)   # rows in blocks of 2
    np.testing.assert_array_equal(da.hessian_sparsity(f)(x).toarray(), whole)
    P = da.hessian_sparsity(lambda a, b: a * b + da.sin(b), argnums=(0, 1))(1.0, 2.0)
    np.testing.assert_array_equal(P.toarray(), [[0, 1], [1, 1]])


def test_cached_patterns_are_never_stale():
    # The pattern is kept per function identity, kind, argnums, shapes and dtypes:
    # a redefined function, another size, dtype or argnums each get their own.
    x = np.linspace(0.5, 1.5, 6)

    def f(x):
        return x[1:] * x[:-1]
    J1 = da.jacobian(f, sparsity="auto")(x)
    np.testing.assert_allclose(J1, da.jacobian(f)(x), rtol=1e-15)

    def f(x):  # noqa: F811 - redefined on purpose: a new object with another pattern
        return x[1:] * x[0]
    np.testing.assert_allclose(da.jacobian(f, sparsity="auto")(x), da.jacobian(f)(x),
                               rtol=1e-15)
    for y in (np.linspace(0.5, 1.5, 9), x.astype(np.float32)):
        Js = da.jacobian(f, sparsity="auto")(y)
        assert Js.shape == (y.size - 1, y.size) and Js.dtype == y.dtype
        np.testing.assert_allclose(Js, da.jacobian(f)(y), rtol=1e-6)

    def g(a, b):
        return a[1:] * b[0] + b[1:] ** 2
    a, b = x, x[::-1].copy()
    for argnums in (0, 1):
        np.testing.assert_allclose(da.jacobian(g, argnums, sparsity="auto")(a, b),
                                   da.jacobian(g, argnums)(a, b), rtol=1e-15)


def test_callables_without_weak_references_are_cached_by_identity():
    class Times:
        __slots__ = ("k",)   # no __weakref__ slot

        def __init__(self, k):
            self.k = k

        def __call__(self, x):
            return x * x[self.k]   # column k is dense: the pattern depends on the instance
    x = np.linspace(0.5, 1.5, 5)
    for k in (1, 3, 0, 2, 4, 1):
        f = Times(k)   # takes the address of the instance freed below (CPython reuses it)
        J = da.jacobian(f, sparsity="auto")(x)
        np.testing.assert_allclose(J, da.jacobian(lambda x: x * x[k])(x), rtol=1e-15)
        del f


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_sparse_hessian_vmap(dtype, monkeypatch):
    """vmap(hessian(njit_f, sparsity=...)): one compiled loop of compressed passes (or
    the dense compiled loop where that carries fewer lanes), equal to the dense vmap."""
    import dualad._transforms.vmap as vmap_module
    monkeypatch.setattr(vmap_module, "_loop", None)   # never the point-by-point loop
    rng = np.random.default_rng(8)
    eps = np.finfo(dtype).eps
    X = rng.uniform(-1, 1, (200, 10)).astype(dtype)
    Y = rng.uniform(-1, 1, (200, 3)).astype(dtype)
    for chunk in (None, 3):                            # one inner chunk; ragged chunks
        g = da.hessian(coupled_nb, chunk=chunk, sparsity="auto")
        H = da.vmap(g)(X, Y)
        ref = da.vmap(da.hessian(coupled_nb))(X, Y)
        assert H.dtype == dtype and H.shape == (200, 10, 10)
        np.testing.assert_allclose(H, ref, rtol=64 * eps, atol=64 * eps * np.abs(ref).max())
    out = np.full_like(H, np.nan)
    assert da.vmap(g, out=out)(X, Y) is out
    np.testing.assert_array_equal(out, H)
    L = da.vmap(da.hessian(coupled_nb, chunk=3, sparsity="auto", format="csc"))(X, Y)
    assert len(L) == 200 and all(a.format == "csc" for a in L[:3])
    for b in (0, 77, 199):
        np.testing.assert_array_equal(L[b].toarray(), H[b])
    # a dense pattern: the dense compiled loop (fewer lanes), same numbers
    full = da.vmap(da.hessian(coupled_nb, sparsity=np.ones((10, 10), bool)))(X, Y)
    np.testing.assert_allclose(full, ref, rtol=64 * eps, atol=64 * eps * np.abs(ref).max())
    L = da.vmap(da.hessian(coupled_nb, sparsity=np.ones((10, 10), bool), format="csr"))(X, Y)
    np.testing.assert_array_equal(L[5].toarray(), full[5])
    with pytest.raises(ValueError, match="scalar"):
        da.vmap(da.hessian(l96_np, sparsity=np.ones((10, 10), bool)))(X.astype(float))


def test_given_patterns_are_checked():
    """A given pattern missing a nonzero raises (naming the first missing entry); a
    superset works and changes nothing; check=False uses it as it is."""
    x = np.linspace(0.5, 1.5, 10)
    J = da.jacobian(l96_numpy)(x)
    P = da.sparsity(l96_numpy)(x).toarray()
    missing = P.copy()
    missing[3, 1] = missing[7, 8] = False
    with pytest.raises(ValueError, match=r"misses the Jacobian entry \(row 3, column 1\), "
                                         r"and 2 in all"):
        da.jacobian(l96_numpy, sparsity=missing)(x)
    with pytest.raises(ValueError, match=r"\(row 3, column 1\)"):
        da.vmap(da.jacobian(l96_numpy, sparsity=sp.csr_array(missing)))(np.stack([x, x]))
    wider = P.copy()
    wider[0, 5] = wider[9, 0] = True
    np.testing.assert_array_equal(da.jacobian(l96_numpy, sparsity=wider)(x),
                                  da.jacobian(l96_numpy, sparsity="auto")(x))
    np.testing.assert_allclose(da.jacobian(l96_numpy, sparsity=wider, format="csr")(x)
                               .toarray(), J, rtol=1e-15)
    unchecked = da.jacobian(l96_numpy, sparsity=missing, check=False)(x)
    assert unchecked[3, 1] == 0 and J[3, 1] != 0    # what the check prevents
    with pytest.raises(TypeError, match="check must be True or False"):
        da.jacobian(l96_numpy, sparsity=P, check="yes")
    # Hessians: the symmetric pattern (either triangle may be given); NumPy and numba f
    H = da.hessian(rosen_numpy)(x)
    Hp = da.hessian_sparsity(rosen_numpy)(x).toarray()
    np.testing.assert_allclose(da.hessian(rosen_numpy, sparsity=np.triu(Hp))(x), H,
                               rtol=1e-14)
    Hm = Hp.copy()
    Hm[4, 5] = Hm[5, 4] = False
    for f in (rosen_numpy, rosen):
        with pytest.raises(ValueError, match=r"misses the Hessian entry \(row 4, column 5\)"):
            da.hessian(f, sparsity=Hm)(x)
    Hw = Hp | np.eye(10, k=3, dtype=bool) | np.eye(10, k=-3, dtype=bool)
    np.testing.assert_allclose(da.hessian(rosen, sparsity=Hw)(x), H, rtol=1e-14)


def test_unchecked_patterns_are_said(monkeypatch):
    """Where f cannot be traced (here: its traced copy refuses the dependency sets) a
    given pattern is used unchecked with a warning; check=False asks for that without one."""
    import warnings
    import dualad._transforms.patterns as patterns_module

    def refuses(*args):
        raise TypeError("float() of a Dual would drop its derivative")
    monkeypatch.setattr(patterns_module, "traceable", lambda f: refuses)
    f = njit(lambda x: math.exp(x[0] * x[1]) + x[2] ** 3)
    x = np.array([0.3, 0.7, 1.1])
    P = np.ones((3, 3), bool)
    with pytest.warns(UserWarning, match="used unchecked: .*float.*check=False"):
        H = da.hessian(f, sparsity=P)(x)
    np.testing.assert_allclose(H, da.hessian(f)(x), rtol=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(da.hessian(f, sparsity=P, check=False)(x), H)
    # the failed trace is not tried again (a new transform per call), the warning is
    traced = []
    real = patterns_module._hessian_pattern
    monkeypatch.setattr(patterns_module, "_hessian_pattern",
                        lambda *a: traced.append(1) or real(*a))
    with pytest.warns(UserWarning, match="used unchecked"):
        da.hessian(f, sparsity=P)(x)
    assert not traced


def test_interpolation_pattern_holds_at_every_point():
    # y_i = interp(x_i, XP, fp): x_i's segment is chosen by value, so every output depends
    # on every sample (a pattern traced at one point must hold at the others)
    XP = np.array([0.0, 1.0, 2.0, 3.0])
    f = lambda v: np.interp(v[:3], XP, v[3:] ** 2)  # noqa: E731
    v0 = np.array([0.5, 1.5, 2.5, 1.0, 2.0, 0.5, 3.0])
    P = da.sparsity(f)(v0).toarray()
    assert P[:, 3:].all() and (P[:, :3] == np.eye(3, dtype=bool)).all()
    rng = np.random.default_rng(0)
    for _ in range(5):
        v = v0.copy()
        v[:3] = rng.uniform(-0.5, 3.5, 3)
        J = da.jacobian(f)(v)
        assert not (J != 0)[~P].any()
        np.testing.assert_allclose(da.jacobian(f, sparsity="auto")(v), J, rtol=1e-14)


def test_piecewise_pattern_holds_in_every_branch():
    # a point in the constant branch still depends on its x (another point may not be)
    f = lambda x: np.piecewise(x, [x > 0.6, x < 0.2], [lambda v: v ** 2, 1.0, np.sin])  # noqa
    P = da.sparsity(f)(np.array([0.1, 0.5, 0.9])).toarray()
    assert (P == np.eye(3, dtype=bool)).all()


@njit
def _pair(a, b):
    return math.sqrt(a * a + b * b)


@njit
def _chain_math(x):
    """numba style: math.* by module and by name, a helper numba function, math.pi."""
    out = np.empty_like(x)
    for i in range(x.shape[0] - 1):
        out[i] = exp(-x[i]) * _pair(x[i], x[i + 1]) + math.log1p(x[i] ** 2) * math.pi
    out[-1] = math.tanh(x[-1])
    return out


def test_numba_code_with_math_functions_is_traced():
    """sparsity="auto" of numba code written with math.*: traced on a copy of its
    Python code where math (and names imported from it, and the numba functions it
    calls) are dualad's; the user's module and functions are left as they are."""
    x = np.linspace(0.3, 1.2, 9)
    P = da.sparsity(_chain_math)(x).toarray()
    want = np.eye(9, dtype=bool) | np.eye(9, k=1, dtype=bool)
    np.testing.assert_array_equal(P, want)
    J = da.jacobian(_chain_math, sparsity="auto", format="csr")(x)
    np.testing.assert_allclose(J.toarray(), da.jacobian(_chain_math)(x), rtol=1e-14)
    assert _chain_math.py_func.__globals__["exp"] is exp
    assert _chain_math.py_func.__globals__["_pair"] is _pair
    scale = njit(lambda v: math.cosh(v))   # a numba function in a closure cell

    @njit
    def closure(v):
        return v[::-1] * scale(v[0])
    Pc = da.sparsity(closure)(x).toarray()
    np.testing.assert_array_equal(Pc, np.fliplr(np.eye(9, dtype=bool)) | (np.arange(9) == 0))
    H = da.hessian(njit(lambda v: math.exp(v[0] * v[1]) + v[2] ** 3), sparsity="auto")(x[:3])
    np.testing.assert_allclose(H, da.hessian(lambda v: da.exp(v[0] * v[1]) + v[2] ** 3)(x[:3]),
                               rtol=1e-14)
