"""Sparse Jacobians and Hessians (issue 12): dense forward mode against compressed.

Run ``python bench/bench_sparse.py`` (``--quick``: fewer rounds and sizes). It
prints, in one run, each method once per round (``_common.interleaved``: calls
in a row for about 20 ms), rounds interleaved, the minimum kept, ratios to the
sparse path:

1. the coloring of a Jacobian pattern: dualad's greedy (coloring.py) against
   networkx's ``greedy_color`` (largest first) on the column intersection
   graph, time and colors (when networkx is installed);
2. the Jacobian of Lorenz-96 with the Arrhenius term (NumPy code), n = 64 ..
   1000: ``da.jacobian`` dense, ``da.jacobian(sparsity="auto")`` (pattern and
   coloring cached after the first call; the first call, detection included,
   is printed too), JAX ``jit(jacfwd)`` when installed;
3. the Jacobian of the same function as a numba dispatcher, dense compiled
   against compressed compiled (pattern given), and compressed with
   ``cache=True`` (later calls: vmap's loop on one row, ``_backends/one_point``);
4. the Hessian of Rosenbrock (NumPy code), n = 16, 64: dense against sparse;
5. the same as a numba dispatcher: compiled dense against compiled compressed
   (``_backends/compressed``). Section 2 adds ``sparsejac`` (JAX) when installed;
6. vmap of a sparse compiled Jacobian (one compiled loop, one coloring; dense
   stacked, into ``out=``, and as a list of csr arrays) against the dense
   compiled vmap, 32 species at 2000 points; vmap of the sparse and
   dense compiled Hessians of Rosenbrock n=16 at 2e4 points (and JAX).
"""
import argparse
import os
import sys
import time

import numba
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

import dualad as da  # noqa: E402
from dualad._core import coloring as col  # noqa: E402
from _common import fmt_time, interleaved, optional  # noqa: E402
from models import l96, l96_numpy, rosen, rosen_numpy  # noqa: E402
from bench_transforms import lorenz96  # noqa: E402  (models.l96 with cache=True)

jax = optional("jax")
if jax is not None:
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
sparsejac = optional("sparsejac") if jax is not None else None


def rows(title, names, times, base):
    print(f"\n{title}")
    t0 = times[names.index(base)]
    for name, t in zip(names, times):
        print(f"  {name:40s} {fmt_time(t)}   {t / t0:8.2f}x {base}")


def coloring(sizes, repeat):
    nx = optional("networkx")
    for n in sizes:
        x = np.linspace(0.5, 1.5, n)
        P = da.sparsity(l96_numpy)(x)
        G = col.column_intersection(P)
        fs = [lambda: col.greedy_coloring(G)]
        names = ["dualad greedy (largest first)"]
        if nx is not None:
            graph = nx.from_scipy_sparse_array(G)
            fs.append(lambda: nx.greedy_color(graph, strategy="largest_first"))
            names.append("networkx greedy_color (largest first; graph built outside the timing)")
        times = interleaved(fs, repeat)
        ncolors = [int(col.greedy_coloring(G).max()) + 1]
        if nx is not None:
            ncolors.append(max(nx.greedy_color(graph, strategy="largest_first").values()) + 1)
        rows(f"coloring the Lorenz-96 pattern, n={n} (colors: {ncolors})", names, times,
             names[0])


def jacobians(sizes, repeat):
    for n in sizes:
        x = np.linspace(0.5, 1.5, n)
        dense = da.jacobian(l96_numpy)
        sparse = da.jacobian(l96_numpy, sparsity="auto")
        sparse_csr = da.jacobian(l96_numpy, sparsity="auto", format="csr")
        t0 = time.perf_counter()
        sparse(x)
        first = time.perf_counter() - t0
        fs = [lambda: sparse(x), lambda: sparse_csr(x), lambda: dense(x)]
        names = ["dualad sparse (dense output)", "dualad sparse (csr output)", "dualad dense"]
        if jax is not None:
            jf = jax.jit(jax.jacfwd(lambda x: l96_jax(x)))
            xj = jnp.asarray(x)
            fs.append(lambda: jf(xj).block_until_ready())
            names.append("JAX jit(jacfwd)")
        if jax is not None and sparsejac is not None:
            from jax.experimental import sparse as jsparse
            P = da.sparsity(l96_numpy)(x)
            sj = jax.jit(sparsejac.jacfwd(l96_jax, sparsity=jsparse.BCOO.fromdense(
                jnp.asarray(P.toarray(), dtype=jnp.float64))))
            xj = jnp.asarray(x)
            assert np.allclose(np.asarray(sj(xj).todense()), dense(x), rtol=1e-12)
            fs.append(lambda: sj(xj).block_until_ready())
            names.append("sparsejac jit(jacfwd) (BCOO output)")
        times = interleaved(fs, repeat)
        rows(f"Jacobian of Lorenz-96+Arrhenius (NumPy), n={n}; sparse first call "
             f"(detection + coloring) {fmt_time(first)}", names, times, names[0])


def l96_jax(x):
    xp = jnp.roll(x, -1)
    return (xp - jnp.roll(x, 2)) * jnp.roll(x, 1) - x + 8.0 + 0.1 * jnp.exp(-1.0 / x) * jnp.log(
        1.0 + xp * xp)


def compiled(sizes, repeat):
    for n in sizes:
        x = np.linspace(0.5, 1.5, n)
        pattern = da.sparsity(l96_numpy)(x)   # l96 uses math.exp: its own cannot be traced
        dense = da.jacobian(l96)
        sparse = da.jacobian(l96, sparsity=pattern, check=False)
        sparse_csr = da.jacobian(l96, sparsity=pattern, format="csr", check=False)
        # the same function with cache=True: from the second call, vmap's compiled
        # loop on one row (_backends/one_point)
        cached_csr = da.jacobian(lorenz96, sparsity=pattern, format="csr", check=False)
        np.testing.assert_array_equal(cached_csr(x).toarray(), sparse_csr(x).toarray())
        fs = [lambda: sparse(x), lambda: sparse_csr(x), lambda: cached_csr(x), lambda: dense(x)]
        names = ["dualad sparse, numba f (dense output)", "dualad sparse, numba f (csr output)",
                 "dualad sparse, numba f cache=True (csr)", "dualad dense, numba f"]
        times = interleaved(fs, repeat)
        rows(f"Jacobian of Lorenz-96+Arrhenius (@njit), n={n}", names, times, names[0])


def hessians(sizes, repeat):
    for n in sizes:
        x = np.linspace(-0.5, 1.5, n)
        sparse = da.hessian(rosen_numpy, sparsity="auto")
        dense = da.hessian(rosen_numpy)
        fs = [lambda: sparse(x), lambda: dense(x)]
        names = ["dualad sparse Hessian", "dualad dense Hessian"]
        if jax is not None:
            jh = jax.jit(jax.hessian(lambda x: jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2
                                                       + (1.0 - x[:-1]) ** 2)))
            xj = jnp.asarray(x)
            fs.append(lambda: jh(xj).block_until_ready())
            names.append("JAX jit(hessian)")
        times = interleaved(fs, repeat)
        rows(f"Hessian of Rosenbrock (NumPy), n={n}", names, times, names[0])


@numba.njit
def kinetics(x):
    """A 32-species tridiagonal reaction RHS (numba)."""
    n = x.shape[0]
    out = np.empty_like(x)
    for i in range(n):
        left = x[i - 1] if i > 0 else 0.0
        right = x[i + 1] if i < n - 1 else 0.0
        out[i] = 0.5 * left - 1.3 * x[i] * x[i] + 0.7 * right * x[i] + np.exp(-x[i])
    return out


def sparse_vmap(points, repeat):
    X = np.random.default_rng(0).uniform(0.2, 1.5, (points, 32))
    sparse = da.vmap(da.jacobian(kinetics, sparsity="auto"))
    dense = da.vmap(da.jacobian(kinetics))
    np.testing.assert_allclose(sparse(X), dense(X), rtol=1e-14)
    out = np.empty((points, 32, 32))
    sparse_out = da.vmap(da.jacobian(kinetics, sparsity="auto"), out=out)
    csr = da.vmap(da.jacobian(kinetics, sparsity="auto", format="csr"))
    np.testing.assert_array_equal(csr(X[:3])[2].toarray(), sparse(X[:3])[2])
    fs = [lambda: sparse(X), lambda: sparse_out(X), lambda: csr(X), lambda: dense(X)]
    names = ["dualad vmap(sparse jacobian)", "dualad vmap(sparse jacobian, out=)",
             "dualad vmap(sparse jacobian, format='csr'): a list",
             "dualad vmap(dense jacobian)"]
    times = interleaved(fs, repeat)
    rows(f"vmap(jacobian) of a 32-species tridiagonal kinetics RHS (@njit), {points} points",
         names, times, names[0])


def sparse_hessian_vmap(points, repeat):
    X = np.random.default_rng(0).uniform(-1.0, 1.0, (points, 16))
    sparse = da.vmap(da.hessian(rosen, sparsity="auto"))
    dense = da.vmap(da.hessian(rosen))
    np.testing.assert_allclose(sparse(X), dense(X), rtol=1e-12)
    from bench_transforms import rosen_hess_hand_parallel
    np.testing.assert_allclose(sparse(X), rosen_hess_hand_parallel(X), rtol=1e-12, atol=1e-10)
    fs = [lambda: sparse(X), lambda: dense(X), lambda: rosen_hess_hand_parallel(X)]
    names = ["dualad vmap(sparse hessian)", "dualad vmap(dense hessian)",
             "hand-written numba (parallel)"]
    if jax is not None:
        jh = jax.jit(jax.vmap(jax.hessian(lambda x: jnp.sum(
            100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))))
        xj = jnp.asarray(X)
        fs.append(lambda: jh(xj).block_until_ready())
        names.append("JAX jit(vmap(hessian))")
    times = interleaved(fs, repeat)
    rows(f"vmap(hessian) of Rosenbrock (@njit), n=16, {points} points", names, times, names[0])


def compiled_hessians(sizes, repeat):
    for n in sizes:
        x = np.linspace(-0.5, 1.5, n)
        sparse = da.hessian(rosen, sparsity="auto", format="csr")
        sparse_dense = da.hessian(rosen, sparsity="auto")
        dense = da.hessian(rosen)
        np.testing.assert_allclose(sparse(x).toarray(), dense(x), rtol=1e-12)
        fs = [lambda: sparse(x), lambda: sparse_dense(x), lambda: dense(x)]
        names = ["dualad sparse Hessian, numba f (csr)", "dualad sparse Hessian, numba f (dense)",
                 "dualad dense Hessian, numba f"]
        times = interleaved(fs, repeat)
        rows(f"Hessian of Rosenbrock (@njit), n={n}", names, times, names[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    quick = ap.parse_args().quick
    repeat = 3 if quick else 7
    coloring([1000] if quick else [100, 1000, 10000], repeat)
    jacobians([64, 1000] if quick else [64, 256, 1000], repeat)
    compiled([64, 1000] if quick else [64, 256, 1000], repeat)
    hessians([16, 64], repeat)
    compiled_hessians([16, 64] if quick else [16, 64, 256], repeat)
    sparse_vmap(2000, repeat)
    sparse_hessian_vmap(20000, repeat)


if __name__ == "__main__":
    main()
