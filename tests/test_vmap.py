"""vmap: plain loops, the compiled batch loop, dask arrays."""

import numpy as np
import pytest
from numba import njit

import dualad as da
from models import l96, l96_numpy, rosen, rosen_numpy


@pytest.fixture(scope="module")
def points():
    return np.random.default_rng(0).uniform(0.5, 2.0, (300, 6))


def test_compiled_jacobian_batch_equals_python_path(points):
    J = da.vmap(da.jacobian(l96))(points)
    assert J.shape == (300, 6, 6)
    ref = da.vmap(da.jacobian(l96_numpy))(points[:20])
    np.testing.assert_allclose(J[:20], ref, rtol=1e-14, atol=1e-14)


def test_compiled_hessian_and_grad_batch(points):
    H = da.vmap(da.hessian(rosen))(points[:50])
    g = da.vmap(da.grad(rosen))(points[:50])
    for k in (0, 17, 49):
        np.testing.assert_allclose(H[k], da.hessian(rosen_numpy)(points[k]), rtol=1e-13)
        np.testing.assert_allclose(g[k], da.grad(rosen_numpy)(points[k]), rtol=1e-13)
    v, g2 = da.vmap(da.value_and_grad(rosen))(points[:50])
    np.testing.assert_allclose(v, [rosen(p) for p in points[:50]], rtol=1e-15)
    np.testing.assert_array_equal(g2, g)


def test_compiled_batch_with_one_point_and_a_fixed_argument():
    @njit
    def scaled(x, a):
        return a * x[0] * x[1]

    X = np.array([[2.0, 3.0]])
    out = da.vmap(da.grad(scaled), in_axes=(0, None))(X, 5.0)
    np.testing.assert_allclose(out, [[15.0, 10.0]])


def test_compiled_batch_writes_zeros_where_f_does_not_depend_on_x():
    # The outputs are not cleared before the batch loop: the stores write the zeros.
    @njit
    def const(x, c):
        return c * 2.0

    @njit
    def const_vec(x, c):
        return np.full(3, c)

    X = np.random.default_rng(2).uniform(0.5, 2.0, (50, 3))
    for g, shape in ((da.grad(const), (50, 3)), (da.hessian(const), (50, 3, 3)),
                     (da.jacobian(const_vec), (50, 3, 3))):
        junk = np.full(int(np.prod(shape)), np.nan)  # freed memory np.empty may get back
        del junk
        out = da.vmap(g)(X, 1.5)
        assert out.shape == shape
        np.testing.assert_array_equal(out, np.zeros(shape))
    v, gr = da.vmap(da.value_and_grad(const))(X[:, 0], 1.5)
    np.testing.assert_array_equal(v, np.full(50, 3.0))
    np.testing.assert_array_equal(gr, np.zeros(50))


def test_seeding_is_compiled_once_not_again_for_the_first_pass(points):
    # The first pass starts at an int64 zero, not the literal 0: a literal would
    # compile every seeding helper a second time (first-call latency).
    from numba.core import types
    from dualad._backends import seed

    da.vmap(da.jacobian(l96))(points[:5])
    da.vmap(da.hessian(rosen))(points[:5])
    for helper in (seed.seed_chunk, seed.seed_dual2):
        assert helper.signatures
        for sig in helper.signatures:
            assert not any(isinstance(t, types.Literal) for t in sig[2:-1]), (helper, sig)


def test_compiled_batch_float32_stays_float32(points):
    J = da.vmap(da.jacobian(l96))(points[:10].astype(np.float32))
    assert J.dtype == np.float32
    np.testing.assert_allclose(J, da.vmap(da.jacobian(l96))(points[:10]), rtol=2e-5, atol=1e-5)


def test_vmap_over_dask_arrays_is_lazy_and_blockwise():
    dka = pytest.importorskip("dask.array")
    X = np.random.default_rng(1).standard_normal((100, 3))
    lazy = dka.from_array(X, chunks=(30, 3))
    g = da.vmap(da.grad(lambda x: np.sum(np.sin(x) * x)))
    out = g(lazy)
    assert isinstance(out, dka.Array) and out.chunks[0] == (30, 30, 30, 10)
    np.testing.assert_array_equal(out.compute(), g(X))
    J = da.vmap(da.jacobian(l96))(dka.from_array(np.abs(X) + 0.5, chunks=(40, 3)))
    assert J.shape == (100, 3, 3)
    np.testing.assert_array_equal(J.compute(), da.vmap(da.jacobian(l96))(np.abs(X) + 0.5))


def test_cuda_target_requires_a_transform_of_a_dispatcher():
    with pytest.raises(TypeError, match="cuda"):
        da.vmap(lambda x: x, target="cuda")(np.ones(3))
    with pytest.raises(ValueError, match="target"):
        da.vmap(lambda x: x, target="gpu")


def test_out_takes_the_batch_in_place(points):
    buf = np.empty((300, 6, 6))
    J = da.vmap(da.jacobian(l96), out=buf)
    assert J(points) is buf
    np.testing.assert_array_equal(buf, da.vmap(da.jacobian(l96))(points))
    buf[:] = np.nan   # a second call writes every entry again
    J(points)
    assert np.isfinite(buf).all()
    hbuf = np.empty((50, 6, 6))
    assert da.vmap(da.hessian(rosen), out=hbuf)(points[:50]) is hbuf
    np.testing.assert_allclose(hbuf[7], da.hessian(rosen_numpy)(points[7]), rtol=1e-13)
    # the plain loop (a Python function) fills out= too
    pbuf = np.empty((20, 6, 6))
    assert da.vmap(da.jacobian(l96_numpy), out=pbuf)(points[:20]) is pbuf
    np.testing.assert_allclose(pbuf, buf[:20], rtol=1e-14, atol=1e-14)


@njit
def _head(x, k):
    return x[:k[0]] * 2.0


@njit
def _head_and_sum(x, k):
    return x[:k[0]] * 2.0, np.sum(x)


def test_an_output_whose_size_changes_between_points_raises():
    """The batch loop sizes every point's output by the first point's: a point whose
    output is larger or smaller raises, never writes past its rows."""
    X = np.ones((200, 6))
    k = np.full((200, 1), 3)
    J = da.vmap(da.jacobian(_head))(X, k)
    assert J.shape == (200, 3, 6)
    np.testing.assert_array_equal(J[7], 2.0 * np.eye(6)[:3])
    for f in (_head, _head_and_sum):
        for size in (5, 2):
            k2 = k.copy()
            k2[150] = size
            with pytest.raises(ValueError, match="another number of values"):
                da.vmap(da.jacobian(f))(X, k2)


def test_out_must_match_the_result():
    X = np.ones((4, 6))
    for bad, err in ((np.empty((4, 6, 5)), ValueError), (np.empty((4, 6, 6), np.float32), ValueError),
                     (np.empty((6, 6, 4)).T, ValueError)):
        with pytest.raises(err, match="out="):
            da.vmap(da.jacobian(l96), out=bad)(X)
        with pytest.raises(err, match="out="):
            da.vmap(da.jacobian(l96_numpy), out=bad)(X)
    with pytest.raises(TypeError, match="out= must be a NumPy array"):
        da.vmap(da.jacobian(l96), out=[0.0])
    with pytest.raises(TypeError, match="value_and_grad returns two"):
        da.vmap(da.value_and_grad(rosen), out=np.empty((4, 6)))(X)
    with pytest.raises(TypeError, match="no out="):
        da.vmap(da.jacobian(l96), out=np.empty((4, 6, 6)), target="cuda")


_CACHED_USER_MOD = '''
import math, numpy as np
from numba import njit

@njit(cache=True)
def f(x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = x[i] * math.sin(x[i - 1]) + {c} * x[i] ** 2
    return out

@njit(cache=True)
def r(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2
    return s

@njit
def plain(x):
    return x * x
'''

_CACHED_PROBE = '''
import sys, numpy as np, dualad as da, user_mod
from dualad._backends import perfunction
if "restamp" in sys.argv:
    perfunction.STAMP = "another dualad"
X = np.linspace(0.5, 1.5, 12).reshape(3, 4)
user_mod.f(X[0]); user_mod.r(X[0]); user_mod.plain(X[0])
J = da.vmap(da.jacobian(user_mod.f))(X)
G = da.vmap(da.grad(user_mod.r))(X)   # its loop has the signature of the Hessian's
H = da.vmap(da.hessian(user_mod.r))(X)
print("errors", np.abs(H - da.vmap(da.hessian(user_mod.r.py_func))(X)).max(),
      np.abs(G - da.vmap(da.grad(user_mod.r.py_func))(X)).max())
P = da.vmap(da.jacobian(user_mod.plain))(X)
for g, alg in ((user_mod.f, "jacobian"), (user_mod.r, "hessian2")):
    k = perfunction.kernel(g, alg)
    print(alg, sum(k.stats.cache_hits.values()), sum(k.stats.cache_misses.values()),
          len(g.signatures))
print("plain", type(perfunction.kernel(user_mod.plain, "jacobian")._cache).__name__)
np.save(sys.argv[1], np.concatenate([J.ravel(), H.ravel(), P.ravel()]))
'''


def test_vmap_kernels_of_a_cached_function_load_from_disk_in_a_second_process(tmp_path):
    # Two fresh processes: the second loads the per-function batch kernels of
    # vmap(jacobian) and vmap(hessian) from numba's cache (no compile of the
    # kernels, nor of f on duals); a changed user file or another dualad misses.
    import os
    import subprocess
    import sys

    src = tmp_path / "user_mod.py"
    src.write_text(_CACHED_USER_MOD.format(c="0.25"))
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join([str(tmp_path)] + sys.path)}

    def run(name, *flags):
        out = subprocess.run([sys.executable, "-c", _CACHED_PROBE, str(tmp_path / name),
                              *flags], capture_output=True, text=True, env=env, check=True)
        lines = [line.split() for line in out.stdout.splitlines()]
        return {line[0]: line[1:] for line in lines}, np.load(tmp_path / f"{name}.npy")

    first, v1 = run("first")
    assert first["jacobian"][:2] == ["0", "1"] and first["hessian2"][:2] == ["0", "1"]
    # the Jacobian loop of grad and the Hessian's: one template, the same signature,
    # never each other's cache entries (in the process that writes them, and later)
    assert max(map(float, first["errors"])) < 1e-10, first["errors"]
    assert first["plain"] == ["NullCache"]   # f without cache=True: nothing written
    second, v2 = run("second")
    assert max(map(float, second["errors"])) < 1e-10, second["errors"]
    assert second["jacobian"] == ["1", "0", "1"]  # a hit, and f compiled only on floats
    assert second["hessian2"] == ["1", "0", "1"]
    np.testing.assert_array_equal(v2, v1)
    # the user's file changes: the kernel around f misses and computes the new f
    src.write_text(_CACHED_USER_MOD.format(c="0.75"))
    third, v3 = run("third")
    assert third["jacobian"][:2] == ["0", "1"] and third["hessian2"][:2] == ["0", "1"]
    X = np.linspace(0.5, 1.5, 12).reshape(3, 4)
    diag = np.einsum("bii->bi", (v3 - v1)[:48].reshape(3, 4, 4))
    np.testing.assert_allclose(diag, 2 * 0.5 * X, rtol=1e-14)   # d/dx of 0.5 x^2 more
    # another dualad (its STAMP): misses too
    fourth, _ = run("fourth", "restamp")
    assert fourth["jacobian"][:2] == ["0", "1"]
