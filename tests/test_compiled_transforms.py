"""Transforms of numba dispatchers: compiled results equal the Python path, shapes, errors, caching."""
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numba import njit

import dualad as da


@njit
def spring(x, k):
    # energy of a chain of springs, written for floats
    e = 0.0
    for i in range(x.shape[0] - 1):
        d = x[i + 1] - x[i]
        e += 0.5 * k * d * d + math.cos(x[i]) * d ** 3
    return e


def spring_py(x, k):
    d = np.diff(x)
    return np.sum(0.5 * k * d * d + np.cos(x[:-1]) * d ** 3)


@njit
def field(x, t):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = math.sin(t * x[i]) * x[i - 1] + math.sqrt(1.0 + x[i] * x[i])
    return out


def field_py(x, t):
    return np.sin(t * x) * np.roll(x, 1) + np.sqrt(1.0 + x * x)


@njit
def scalar_f(a, b):
    return math.exp(a) * math.atan2(b, a) + a ** 3 * b


X = np.array([0.3, -0.7, 1.1, 0.4, 2.0])


def test_jacobian_grad_hessian_equal_python_path():
    np.testing.assert_allclose(da.jacobian(field)(X, 0.7), da.jacobian(field_py)(X, 0.7),
                               rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(da.grad(spring)(X, 3.0), da.grad(spring_py)(X, 3.0),
                               rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(da.hessian(spring)(X, 3.0), da.hessian(spring_py)(X, 3.0),
                               rtol=1e-14, atol=1e-13)


def test_argnums_scalars_and_tuples():
    # field allocates its output like x, so it cannot hold t's perturbation: a
    # compile-time error that says so (never a silently dropped derivative).
    with pytest.raises(TypeError, match="^dualad: storing a .* would drop its derivative"):
        da.jacobian(field, argnums=1)(X, 0.7)
    j_k = da.jacobian(spring, argnums=1)(X, 3.0)
    np.testing.assert_allclose(j_k, da.jacobian(spring_py, argnums=1)(X, 3.0), rtol=1e-15)
    g = da.grad(scalar_f, argnums=(0, 1))(0.4, 1.3)
    ref = da.grad(lambda a, b: da.exp(a) * da.atan2(b, a) + a ** 3 * b, argnums=(0, 1))(0.4, 1.3)
    np.testing.assert_allclose(g, ref, rtol=1e-15)
    h = da.hessian(scalar_f, argnums=1)(0.4, 1.3)
    ref = da.derivative(lambda b: da.exp(0.4) * da.atan2(b, 0.4) + 0.4 ** 3 * b, 2)(1.3)
    assert h == pytest.approx(float(ref), rel=1e-14)
    v, gk = da.value_and_grad(spring, argnums=1)(X, 3.0)
    assert v == pytest.approx(spring(X, 3.0), rel=1e-15)
    assert gk == pytest.approx(float(np.sum(0.5 * np.diff(X) ** 2)), rel=1e-14)


@pytest.mark.parametrize("chunk", [1, 2, 3, 5])
def test_chunks_agree(chunk):
    np.testing.assert_allclose(da.jacobian(field, chunk=chunk)(X, 0.7),
                               da.jacobian(field)(X, 0.7), rtol=0, atol=0)
    np.testing.assert_allclose(da.hessian(spring, chunk=chunk)(X, 3.0),
                               da.hessian(spring)(X, 3.0), rtol=1e-15, atol=1e-13)


def test_float32_and_ints():
    J32 = da.jacobian(field)(X.astype(np.float32), np.float32(0.7))
    assert J32.dtype == np.float32
    np.testing.assert_allclose(J32, da.jacobian(field)(X, 0.7), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(da.grad(spring)(np.arange(4), 2), da.grad(spring)(np.arange(4.0), 2.0))


def test_errors():
    @njit
    def pair(x):
        return x[0], x[1]

    j0, j1 = da.jacobian(pair)(X)   # tuple outputs: one Jacobian per entry
    np.testing.assert_array_equal(np.stack([j0, j1]), np.eye(X.size)[:2])
    with pytest.raises(ValueError, match="got a tuple"):
        da.grad(pair)(X)
    with pytest.raises(ValueError, match="scalar"):
        da.grad(field)(X, 0.7)
    with pytest.raises(ValueError, match="scalar"):
        da.hessian(field)(X, 0.7)
    with pytest.raises(ValueError, match="argnums 2"):
        da.grad(spring, argnums=2)(X, 1.0)
    with pytest.raises(TypeError, match="argument 0"):
        da.grad(spring)("x", 1.0)

    @njit
    def drops(x):
        out = np.empty(x.shape[0])  # a float array: storing a dual must not compile
        for i in range(x.shape[0]):
            out[i] = x[i] * 2.0
        return out

    with pytest.raises(TypeError, match="^dualad: storing a .* would drop its derivative"):
        da.jacobian(drops)(X)


def test_cached_transform_compiles_nothing_in_a_second_process(tmp_path):
    src = tmp_path / "user_mod.py"
    src.write_text(textwrap.dedent("""
        import math, numpy as np
        from numba import njit

        @njit(cache=True)
        def f(x):
            out = np.empty_like(x)
            for i in range(x.shape[0]):
                out[i] = x[i] * math.sin(x[i - 1])
            return out
    """))
    probe = textwrap.dedent("""
        import numpy as np, dualad as da, user_mod
        J = da.jacobian(user_mod.f)(np.linspace(0.1, 1.0, 4))
        print(sum(user_mod.f.stats.cache_misses.values()), sum(user_mod.f.stats.cache_hits.values()))
    """)
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(tmp_path)}
    import os
    env = {**os.environ, **env}
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           env=env, check=True).stdout.split()
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env=env, check=True).stdout.split()
    assert first[0] != "0"          # compiled (and saved) the dual specialisation
    assert second == ["0", first[0]]  # the second process loads it all from disk


def test_python_duals_entering_compiled_code_are_refused_not_dropped():
    # Compiled code cannot hand a Python transform's perturbation back: the
    # transform must raise rather than return a derivative of 0.
    with pytest.raises(TypeError, match="numba-compiled function"):
        da.derivative(lambda b: scalar_f(0.4, b))(1.3)
    with pytest.raises(TypeError, match="numba-compiled function"):
        da.grad(lambda b: scalar_f(0.4, b) * b)(1.3)
    # at top level, outside any transform, duals pass through compiled code as usual
    y = scalar_f(da.Dual(0.4, 1.0), 1.3)
    assert y.eps == pytest.approx(float(da.grad(scalar_f)(0.4, 1.3)), rel=1e-15)


def test_compiled_compositions_of_two_transforms():
    # ...while jacobian(jacobian(njit_f)) runs compiled, mixed arguments too
    k = 0.7
    for inner, outer in ((0, 0), (0, 1), (1, 0)):
        got = da.jacobian(da.jacobian(field, argnums=inner), argnums=outer)(X, k)
        want = da.jacobian(da.jacobian(field_py, argnums=inner), argnums=outer)(X, k)
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-14)
    got = da.jacobian(da.grad(scalar_f, argnums=0), argnums=1)(0.4, 1.3)
    want = da.jacobian(da.grad(lambda a, b: da.exp(a) * da.atan2(b, a) + a ** 3 * b,
                               argnums=0), argnums=1)(0.4, 1.3)
    assert got == pytest.approx(float(want), rel=1e-14)
    np.testing.assert_allclose(da.jacobian(da.grad(spring))(X, 3.0),
                               da.hessian(spring)(X, 3.0), rtol=1e-15)


def test_compiled_transforms_inside_python_transforms_are_lifted():
    # A Python transform around a compiled one hands it DualArrays / Duals; the
    # compiled transform runs on nested numba duals and returns duals of the
    # enclosing transform: the same numbers as the all-Python path.
    t = np.array([0.5, -1.0, 0.25, 2.0, 1.0])
    u = np.array([1.0, 0.3, -0.2, 0.0, 0.7])

    def nested_jvp(g):
        return da.jvp(lambda y: da.jvp(g, (y, 0.7), (t, 0.0))[1], (X,), (u,))
    for got, want in zip(nested_jvp(field), nested_jvp(field_py)):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-14)
    # jacobian of a function of a compiled jacobian / grad (tuple argnums too)
    np.testing.assert_allclose(da.jacobian(lambda y: da.jacobian(field)(y, 0.7) @ y)(X),
                               da.jacobian(lambda y: da.jacobian(field_py)(y, 0.7) @ y)(X),
                               rtol=1e-14, atol=1e-14)
    got = da.jacobian(lambda y: da.grad(spring, argnums=(0, 1))(y, 3.0)[1] * y)(X)
    want = da.jacobian(lambda y: da.grad(spring_py, argnums=(0, 1))(y, 3.0)[1] * y)(X)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-14)
    # the enclosing perturbation on an argument the inner transform does not differentiate
    got = da.derivative(lambda k: da.grad(spring)(X, k))(3.0)
    np.testing.assert_allclose(got, da.jacobian(da.grad(spring_py), argnums=1)(X, 3.0),
                               rtol=1e-14, atol=1e-14)
    # value_and_grad and derivative inside grad / derivative
    g = da.grad(lambda y: da.value_and_grad(spring)(y, 3.0)[0] ** 2)(X)
    np.testing.assert_allclose(g, 2 * spring(X, 3.0) * da.grad(spring)(X, 3.0), rtol=1e-14)
    d2 = da.derivative(lambda a: da.grad(scalar_f)(a, 1.3))(0.4)
    assert d2 == pytest.approx(float(da.hessian(scalar_f)(0.4, 1.3)), rel=1e-14)
    wave = njit(lambda s: math.sin(s) * s)
    d2 = da.jacobian(lambda y: da.derivative(wave)(y) * y)(X)  # elementwise, per element
    np.testing.assert_allclose(np.diag(d2), da.derivative(lambda s: da.derivative(
        lambda r: da.sin(r) * r)(s) * s)(X), rtol=1e-14)
    # float32 stays float32
    x32 = X.astype(np.float32)
    J = da.jacobian(lambda y: da.grad(spring)(y, 3.0) * y)(x32)
    assert J.dtype == np.float32
    np.testing.assert_allclose(J, da.jacobian(lambda y: da.grad(spring_py)(y, 3.0) * y)(X),
                               rtol=2e-5, atol=2e-5)
    # a third derivative this way is refused, saying what to write instead
    with pytest.raises(NotImplementedError, match="compiled whole"):
        da.hessian(lambda y: np.sum(da.grad(spring)(y, 3.0)))(X)
    with pytest.raises(NotImplementedError, match="third derivative"):
        da.jacobian(lambda y: da.hessian(spring)(y, 3.0))(X)


def test_jvp_is_one_compiled_pass_matching_the_jacobian():
    t = np.array([0.5, -1.0, 0.25, 2.0, 1.0])
    v, jt = da.jvp(spring, (X, 3.0), (t, 0.5))
    assert v == pytest.approx(spring(X, 3.0), rel=1e-15)
    gx, gk = da.grad(spring, argnums=(0, 1))(X, 3.0)
    assert jt == pytest.approx(float(gx @ t + gk * 0.5), rel=1e-14)
    v, jt = da.jvp(field, (X, 0.7), (t, 0.0))
    np.testing.assert_allclose(jt, da.jacobian(field)(X, 0.7) @ t, rtol=1e-14, atol=1e-15)
    with pytest.raises(ValueError, match="shape"):
        da.jvp(field, (X, 0.7), (t[:2], 0.0))


def test_hessian_with_several_argnums_gives_every_block():
    H = da.hessian(spring, argnums=(0, 1))(X, 3.0)
    ref = da.hessian(spring_py, argnums=(0, 1))(X, 3.0)
    for i in range(2):
        for j in range(2):
            assert np.shape(H[i][j]) == np.shape(ref[i][j])
            np.testing.assert_allclose(H[i][j], ref[i][j], rtol=1e-14, atol=1e-14)


@njit
def stored_energy(x, k):
    # a temporary allocated like x holds k's perturbation too
    tmp = np.empty_like(x)
    for i in range(x.shape[0]):
        tmp[i] = k * x[i] ** 2 + math.sin(k * x[i - 1])
    return np.sum(tmp * tmp)


def stored_energy_py(x, k):
    t = k * x ** 2 + np.sin(k * np.roll(x, 1))
    return np.sum(t * t)


def test_several_argnums_are_seeded_together():
    # every pass seeds all the differentiated arguments with one number type, so
    # an array allocated from x can take values that depend on t (as on the
    # Python path); the blocks are cut from one Jacobian / Hessian over all inputs
    J = da.jacobian(field, argnums=(0, 1))(X, 0.7)
    ref = da.jacobian(field_py, argnums=(0, 1))(X, 0.7)
    for a, b in zip(J, ref):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)
    for chunk in (None, 2):
        g = da.grad(stored_energy, argnums=(0, 1), chunk=chunk)(X, 1.3)
        gref = da.grad(stored_energy_py, argnums=(0, 1))(X, 1.3)
        np.testing.assert_allclose(g[0], gref[0], rtol=1e-13)
        assert g[1] == pytest.approx(gref[1], rel=1e-13)
        H = da.hessian(stored_energy, argnums=(0, 1), chunk=chunk)(X, 1.3)
        Href = da.hessian(stored_energy_py, argnums=(0, 1))(X, 1.3)
        for i in range(2):
            for j in range(2):
                assert np.shape(H[i][j]) == np.shape(Href[i][j])
                np.testing.assert_allclose(H[i][j], Href[i][j], rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(H[0][1], H[1][0])   # one symmetric matrix, cut
    Xs = np.stack([X, X[::-1]])
    Jv = da.vmap(da.jacobian(field, argnums=(0, 1)))(Xs, np.array([0.7, 0.2]))
    for b, (xb, tb) in enumerate(zip(Xs, (0.7, 0.2))):
        ref = da.jacobian(field_py, argnums=(0, 1))(xb, tb)
        np.testing.assert_allclose(Jv[0][b], ref[0], rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(Jv[1][b], ref[1], rtol=1e-14, atol=1e-15)
    x32 = X.astype(np.float32)        # each block keeps its argument's dtype
    J32 = da.jacobian(field, argnums=(0, 1))(x32, 0.7)
    assert J32[0].dtype == np.float32 and J32[1].dtype == np.float64


@njit
def _shaped(x, k, c):
    """A tuple output whose shapes follow the integer k: (k, n/k) and a scalar."""
    y = np.sin(x) * c + x * x[0]
    return y.reshape(k, -1), np.sum(y[:k])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_later_calls_at_one_point_are_the_first_calls_numbers(dtype, monkeypatch):
    """From the second call at arguments of the same kinds, a first-order compiled
    transform of a cache=True f runs vmap's loop on one row (_backends/one_point): the first call's
    numbers bit for bit, its shapes, dtypes and types, more than one chunk of partials
    included; integer arguments and sizes that shape the output are respected."""
    from dualad._backends import one_point
    fast = []
    dense = one_point._dense

    def counted(*a):
        found = dense(*a)
        if found is not None:
            fast.append(a[0].kind)
        return found
    monkeypatch.setattr(one_point, "_dense", counted)
    # f without cache=True: the loop is not compiled for later calls alone
    g = da.jacobian(_shaped)
    x = np.linspace(0.2, 1.9, 12).astype(dtype)
    for _ in range(3):
        g(x, 3, dtype(0.7))
    assert fast == []
    # ... until a vmap of the same transform compiles it in this process
    da.vmap(g, in_axes=(0, None, None))(np.stack([x, 2 * x]), 3, dtype(0.7))
    g(x, 3, dtype(0.7))
    assert fast == ["jacobian"]
    fast.clear()
    monkeypatch.setattr(one_point, "disk_cached", lambda f: True)   # (as cache=True)
    x = np.linspace(0.2, 1.9, 12).astype(dtype)
    c = dtype(0.7)
    for g in (da.jacobian(_shaped), da.jacobian(_shaped, chunk=5)):
        for k in (3, 4, 3):
            first = g(x, k, c)
            again = g(x, k, c)
            assert [a.shape for a in again] == [(k, 12 // k, 12), (12,)]
            for a, b in zip(first, again):
                assert type(b) is np.ndarray and b.dtype == dtype
                np.testing.assert_array_equal(a, b)
            np.testing.assert_allclose(again[0], da.jacobian(_shaped.py_func)(x, k, c)[0],
                                       rtol=4 * np.finfo(dtype).eps, atol=1e-6)
    energy = njit(lambda v, k: np.sum(np.cos(v[:k]) * v[1:k + 1]))
    for g in (da.grad(energy), da.value_and_grad(energy)):
        first, again = g(x, 7), g(x, 7)
        assert type(again) is type(first)
        if isinstance(first, tuple):
            assert type(again[0]) is type(first[0]) is np.dtype(dtype).type
            assert again[0] == first[0]
            first, again = first[1], again[1]
        assert again.dtype == dtype and again.shape == (12,)
        np.testing.assert_array_equal(again, first)
        np.testing.assert_allclose(g(x, 5) if g.kind == "grad" else g(x, 5)[1],
                                   da.grad(energy.py_func)(x, 5), rtol=4 * np.finfo(dtype).eps)
    # Hessians: the first call's passes (Dual2 in one pass, pairs of blocks, nested
    # chunks where f does not compile on Dual2), the same numbers
    wiggle = njit(lambda v, k: np.sum(np.cos(v[:k]) * v[1:k + 1] ** 3))
    for n, chunk in ((12, None), (20, None), (12, 5)):
        v = np.linspace(0.2, 1.9, n).astype(dtype)
        h = da.hessian(wiggle, chunk=chunk)
        first, again = h(v, 7), h(v, 7)
        assert again.dtype == dtype and again.shape == (n, n)
        np.testing.assert_array_equal(again, first)
    assert fast == ["jacobian"] * 8 + ["grad", "value_and_grad"] + ["hessian"] * 3
    # a size that changes with the values (not with a shape or an integer): the loop
    # notices and the call goes the general way
    head = njit(lambda v, t: v[:int(t)] * 2.0)
    g = da.jacobian(head)
    assert g(x, 5.0).shape == (5, 12) and g(x, 5.0).shape == (5, 12)
    np.testing.assert_array_equal(g(x, 3.0), 2.0 * np.eye(12, dtype=dtype)[:3])
    # the values of a small integer array are part of the key: a reshape by them
    dims = njit(lambda v, d: (v * v)[:d[0] * d[1]].reshape(d[0], d[1]))
    gd = da.jacobian(dims)
    for d in ([2, 3], [3, 2], [2, 3], [3, 2]):
        assert gd(x, np.array(d)).shape == (d[0], d[1], 12)
    assert len(gd._one_point) == 2
    # other arguments: the general path, every time
    assert g(x[::2], 2.0).shape == (2, 6)
    assert da.jacobian(_shaped)(x.tolist(), 3, c)[0].shape == (3, 4, 12)
