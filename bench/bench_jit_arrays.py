"""Numba code written with array expressions vs the same code as scalar loops.

    python bench/bench_jit_arrays.py [--quick]

Issue 8's workloads: the Jacobian of a 32-species kinetics right-hand side
and the gradient of an n=64 energy, at 1e4 points, each written three ways:
with NumPy array expressions (np.sum, slices, broadcasting), with scalar
loops, and as hand-written derivative code. dualad runs the first two under
da.vmap(da.jacobian / da.grad), and the kinetics Jacobian (tridiagonal) also
with sparsity="auto" (3 colors instead of 32 partials); methods are interleaved in rounds and the
minimum kept (bench/_common.best_time). Prints ratios, and the first-call
(compile) time of each dualad form in a fresh process: with an empty numba
cache, and with dualad's own cached helpers already on disk.
"""
import sys
import tempfile

import numpy as np
from numba import njit, prange

import dualad as da
from _common import best_time, run_python, table

QUICK = "--quick" in sys.argv
NPTS = 2000 if QUICK else 10_000
NS = 32
NE = 64
K = np.linspace(0.5, 2.0, NS - 1)


# ------------------------------------------------------------ kinetics ---
@njit(cache=True)
def kinetics_arrays(y):
    r = K * y[:-1] * y[1:]
    dy = -0.1 * y ** 2
    dy[:-1] -= r
    dy[1:] += r
    return dy


@njit(cache=True)
def kinetics_loops(y):
    n = y.shape[0]
    dy = np.empty_like(y)
    for i in range(n):
        dy[i] = -0.1 * y[i] * y[i]
    for i in range(n - 1):
        r = K[i] * y[i] * y[i + 1]
        dy[i] -= r
        dy[i + 1] += r
    return dy


@njit(parallel=True, cache=True)
def kinetics_jacobian_by_hand(Y, J):
    for p in prange(Y.shape[0]):
        y = Y[p]
        Jp = J[p]
        Jp[:, :] = 0.0
        for i in range(NS):
            Jp[i, i] = -0.2 * y[i]
        for i in range(NS - 1):
            a = K[i] * y[i + 1]
            b = K[i] * y[i]
            Jp[i, i] -= a
            Jp[i, i + 1] -= b
            Jp[i + 1, i] += a
            Jp[i + 1, i + 1] += b
    return J


# -------------------------------------------------------------- energy ---
@njit(cache=True)
def energy_arrays(x):
    d = x[1:] - x[:-1]
    return np.sum(x * x) + np.sum(np.exp(-d * d))


@njit(cache=True)
def energy_loops(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    for i in range(x.shape[0] - 1):
        d = x[i + 1] - x[i]
        s += np.exp(-d * d)
    return s


@njit(parallel=True, cache=True)
def energy_grad_by_hand(X, G):
    for p in prange(X.shape[0]):
        x = X[p]
        g = G[p]
        for i in range(NE):
            g[i] = 2.0 * x[i]
        for i in range(NE - 1):
            d = x[i + 1] - x[i]
            w = -2.0 * d * np.exp(-d * d)
            g[i + 1] += w
            g[i] -= w
    return G


_PROBE = """
import time, numpy as np, sys
sys.path.insert(0, {here!r})
from numba import njit
import dualad as da
import bench_jit_arrays as b
X = np.random.default_rng(0).uniform(0.5, 1.5, (4, {n}))
{body}
"""

# the first call of each form; before it, the float function's own compile
_MEASURE = """t = time.perf_counter()
b.{name}(X[0])
t1 = time.perf_counter()
da.vmap(da.{kind}(b.{name}))(X)
print(t1 - t, time.perf_counter() - t1)"""

# another function through the same transform, numbers and shapes: dualad's own
# disk-cached helpers (seeding, workspaces, planning) compile and are cached
_WARM = """da.vmap(da.{kind}(njit(lambda y: {expr})))(X)"""


def _compile_time(name, kind, n):
    """(float compile, transform's first call with an empty cache, the same once
    dualad's helpers are cached), each first call in a fresh process."""
    here = __file__.rsplit('/', 1)[0]
    measure = _PROBE.format(here=here, n=n, body=_MEASURE.format(name=name, kind=kind))
    with tempfile.TemporaryDirectory() as cache:   # an empty cache
        primal, empty = run_python(measure, env={"NUMBA_CACHE_DIR": cache}).split()
    expr = "y * 1.0" if kind == "jacobian" else "np.sum(y)"
    with tempfile.TemporaryDirectory() as cache:   # dualad's helpers cached first
        run_python(_PROBE.format(here=here, n=n, body=_WARM.format(kind=kind, expr=expr)),
                   env={"NUMBA_CACHE_DIR": cache})
        _, warm = run_python(measure, env={"NUMBA_CACHE_DIR": cache}).split()
    return float(primal), float(empty), float(warm)


def main():
    rng = np.random.default_rng(1)
    Y = rng.uniform(0.5, 1.5, (NPTS, NS))
    X = rng.uniform(-1.0, 1.0, (NPTS, NE))
    J = np.empty((NPTS, NS, NS))
    G = np.empty((NPTS, NE))
    jac_a = da.vmap(da.jacobian(kinetics_arrays))
    jac_l = da.vmap(da.jacobian(kinetics_loops))
    # the kinetics Jacobian is tridiagonal: 3 colors instead of 32 partials
    jac_s = da.vmap(da.jacobian(kinetics_arrays, sparsity="auto"))
    grad_a = da.vmap(da.grad(energy_arrays))
    grad_l = da.vmap(da.grad(energy_loops))
    ref = kinetics_jacobian_by_hand(Y, J).copy()
    assert np.allclose(jac_a(Y), ref, rtol=1e-13) and np.allclose(jac_l(Y), ref, rtol=1e-13)
    assert np.allclose(jac_s(Y), ref, rtol=1e-13)
    gref = energy_grad_by_hand(X, G).copy()
    assert np.allclose(grad_a(X), gref, rtol=1e-12) and np.allclose(grad_l(X), gref, rtol=1e-12)

    rows_k = {"hand-written Jacobian": [], "dualad, array expressions": [],
              "dualad, scalar loops": [], "dualad, array expressions, sparsity='auto'": []}
    rows_e = {"hand-written gradient": [], "dualad, array expressions": [],
              "dualad, scalar loops": []}
    for _ in range(3 if QUICK else 5):   # rounds, methods interleaved
        rows_k["hand-written Jacobian"].append(best_time(lambda: kinetics_jacobian_by_hand(Y, J), 3))
        rows_k["dualad, array expressions"].append(best_time(lambda: jac_a(Y), 3))
        rows_k["dualad, scalar loops"].append(best_time(lambda: jac_l(Y), 3))
        rows_k["dualad, array expressions, sparsity='auto'"].append(best_time(lambda: jac_s(Y), 3))
        rows_e["hand-written gradient"].append(best_time(lambda: energy_grad_by_hand(X, G), 3))
        rows_e["dualad, array expressions"].append(best_time(lambda: grad_a(X), 3))
        rows_e["dualad, scalar loops"].append(best_time(lambda: grad_l(X), 3))
    table(f"Jacobian of a {NS}-species kinetics RHS, {NPTS} points",
          [(k, min(v)) for k, v in rows_k.items()], "hand-written Jacobian")
    table(f"gradient of an n={NE} energy, {NPTS} points",
          [(k, min(v)) for k, v in rows_e.items()], "hand-written gradient")
    if "--no-compile" not in sys.argv:
        print("\nfirst calls in a fresh process (compile): the float function itself, then "
              "vmap of its transform with an empty numba cache, and once dualad's own "
              "helpers are cached (any earlier use of the transform on this machine)")
        for name, kind, n in (("kinetics_arrays", "jacobian", NS),
                              ("kinetics_loops", "jacobian", NS),
                              ("energy_arrays", "grad", NE), ("energy_loops", "grad", NE)):
            primal, empty, warm = _compile_time(name, kind, n)
            print(f"  {name:16s} on floats {primal:5.2f} s   vmap({kind}): {empty:5.2f} s "
                  f"empty cache, {warm:5.2f} s helpers cached")


if __name__ == "__main__":
    main()
