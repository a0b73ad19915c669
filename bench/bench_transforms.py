"""Jacobians, Hessians and gradients of numba functions over many points.

    python bench/bench_transforms.py [--quick]

Issue 3's workloads, each run by dualad (da.vmap of a transform of an
@njit function: one compiled loop, parallel across cores), by hand-written
numba derivative code (serial and parallel), and by the peers installed
(JAX jit(vmap(jacfwd/hessian)), PyTorch torch.func, num-dual). Prints
times and ratios; the notes quote the ratios.
"""
import math
import sys
import time

import numba
import numpy as np
from numba import njit, prange

import dualad as da
from _common import best_time, optional, table

QUICK = "--quick" in sys.argv


# ------------------------------------------------------------- Lorenz-96 ---
@njit(cache=True)
def lorenz96(x):
    n = x.shape[0]
    out = np.empty_like(x)
    for i in range(n):
        xp = x[(i + 1) % n]
        out[i] = ((xp - x[i - 2]) * x[i - 1] - x[i] + 8.0
                  + 0.1 * math.exp(-1.0 / x[i]) * math.log(1.0 + xp * xp))
    return out


@njit(inline="always")
def _lorenz96_jac_point(x, J):
    n = x.shape[0]
    for i in range(n):
        for j in range(n):
            J[i, j] = 0.0
    for i in range(n):
        ip = (i + 1) % n
        xp = x[ip]
        e = 0.1 * math.exp(-1.0 / x[i])
        J[i, ip] += x[i - 1] + e * 2.0 * xp / (1.0 + xp * xp)
        J[i, (i - 2) % n] += -x[i - 1]
        J[i, (i - 1) % n] += xp - x[i - 2]
        J[i, i] += -1.0 + e / (x[i] * x[i]) * math.log(1.0 + xp * xp)


def per_point_matrices(point):
    """Serial and parallel batch loops writing point(X[b], out[b]) into (B, n, n)."""
    def batch(X):
        out = np.empty((X.shape[0], X.shape[1], X.shape[1]))
        for b in prange(X.shape[0]):  # prange is range unless compiled with parallel=True
            point(X[b], out[b])
        return out
    return njit(batch), njit(parallel=True)(batch)


lorenz96_jac_hand, lorenz96_jac_hand_parallel = per_point_matrices(_lorenz96_jac_point)


# ------------------------------------------------------------ Rosenbrock ---
@njit(cache=True)
def rosenbrock(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        s += 100.0 * a * a + b * b
    return s


@njit(inline="always")
def _rosen_hess_point(x, H):
    n = x.shape[0]
    for i in range(n):
        for j in range(n):
            H[i, j] = 0.0
    for i in range(n - 1):
        H[i, i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0
        H[i, i + 1] += -400.0 * x[i]
        H[i + 1, i] += -400.0 * x[i]
        H[i + 1, i + 1] += 200.0


rosen_hess_hand, rosen_hess_hand_parallel = per_point_matrices(_rosen_hess_point)


@njit(cache=True)
def rosen_grad_hand(X):
    out = np.zeros_like(X)
    for b in range(X.shape[0]):
        x = X[b]
        g = out[b]
        for i in range(x.shape[0] - 1):
            a = x[i + 1] - x[i] * x[i]
            g[i] += -400.0 * x[i] * a - 2.0 * (1.0 - x[i])
            g[i + 1] += 200.0 * a
    return out


@njit(cache=True)
def rosen_primal_batch(X):
    out = np.empty(X.shape[0])
    for b in range(X.shape[0]):
        out[b] = rosenbrock(X[b])
    return out


# ----------------------------------------------------------------- peers ---
def jax_models(jnp):
    """Lorenz-96 + Arrhenius and Rosenbrock in jax.numpy (bench_one_point's too)."""
    def l96(x):
        xp = jnp.roll(x, -1)
        return ((xp - jnp.roll(x, 2)) * jnp.roll(x, 1) - x + 8.0
                + 0.1 * jnp.exp(-1.0 / x) * jnp.log(1.0 + xp * xp))

    def rosen(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    return l96, rosen


def jax_versions():
    jax = optional("jax")
    if jax is None:
        return None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    l96, rosen = jax_models(jnp)
    jac = jax.jit(jax.vmap(jax.jacfwd(l96)))
    hess = jax.jit(jax.vmap(jax.hessian(rosen)))
    return jax, jac, hess


def torch_versions():
    torch = optional("torch")
    if torch is None:
        return None
    from torch.func import hessian, jacfwd, vmap
    torch.set_default_dtype(torch.float64)

    def l96(x):
        xp = torch.roll(x, -1)
        return ((xp - torch.roll(x, 2)) * torch.roll(x, 1) - x + 8.0
                + 0.1 * torch.exp(-1.0 / x) * torch.log(1.0 + xp * xp))

    def rosen(x):
        return torch.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    return torch, vmap(jacfwd(l96)), vmap(hessian(rosen))


def numdual_versions():
    nd = optional("num_dual")
    if nd is None:
        return None

    def l96(x):
        n = len(x)
        out = []
        for i in range(n):
            xp = x[(i + 1) % n]
            out.append((xp - x[i - 2]) * x[i - 1] - x[i] + 8.0
                       + 0.1 * (-1.0 / x[i]).exp() * (1.0 + xp * xp).log())
        return out

    def rosen(x):
        s = 0.0
        for i in range(len(x) - 1):
            a = x[i + 1] - x[i] * x[i]
            b = 1.0 - x[i]
            s = s + 100.0 * a * a + b * b
        return s

    return nd, l96, rosen


def per_point_python(fn, X, k):
    """Time fn over the first k points in a Python loop, scaled to len(X)."""
    sub = [list(x) for x in X[:k]]
    t0 = time.perf_counter()
    for x in sub:
        fn(x)
    return (time.perf_counter() - t0) * len(X) / k


def peer_rows(kind, X, expected, numdual_points):
    """(name, seconds) rows for the peers installed; JAX's result is checked too."""
    which = 1 if kind == "jacobian" else 2
    name = "jacfwd" if kind == "jacobian" else "hessian"
    rows = []
    peers = jax_versions()
    if peers:
        fn = peers[which]
        Xj = peers[0].numpy.asarray(X)
        np.testing.assert_allclose(np.asarray(fn(Xj)), expected, rtol=1e-12, atol=1e-10)
        rows.append((f"JAX jit(vmap({name}))", best_time(lambda: fn(Xj).block_until_ready(),
                                                         repeat=5)))
    tv = torch_versions()
    if tv:
        fn = tv[which]
        Xt = tv[0].from_numpy(X)
        rows.append((f"PyTorch torch.func vmap({name})", best_time(lambda: fn(Xt), repeat=3)))
    nv = numdual_versions()
    if nv:
        nd, g = nv[0], nv[which]
        nd_fn = nd.jacobian if kind == "jacobian" else nd.hessian
        rows.append((f"num-dual {kind} (Python loop, scaled)",
                     per_point_python(lambda x: nd_fn(g, x), X, numdual_points)))
    return rows


# ------------------------------------------------------------------ runs ---
def bench_jacobian(npts):
    rng = np.random.default_rng(0)
    X = rng.uniform(0.5, 2.0, (npts, 8))
    jac = da.vmap(da.jacobian(lorenz96))
    J = jac(X)
    np.testing.assert_allclose(J, lorenz96_jac_hand(X), rtol=1e-13, atol=1e-13)
    rows = [("dualad vmap(jacobian(njit))", best_time(lambda: jac(X), repeat=5)),
            ("hand-written numba (serial)", best_time(lambda: lorenz96_jac_hand(X), repeat=5)),
            ("hand-written numba (parallel)",
             best_time(lambda: lorenz96_jac_hand_parallel(X), repeat=5))]
    rows += peer_rows("jacobian", X, J, 500)
    table(f"Jacobian of Lorenz-96 + Arrhenius, n=8, {npts:.0e} points", rows,
          "hand-written numba (serial)")
    return rows


def bench_hessian(npts):
    rng = np.random.default_rng(1)
    X = rng.uniform(-1.0, 1.5, (npts, 16))
    hess = da.vmap(da.hessian(rosenbrock))
    H = hess(X)
    np.testing.assert_allclose(H, rosen_hess_hand(X), rtol=1e-13, atol=1e-10)
    rows = [("dualad vmap(hessian(njit))", best_time(lambda: hess(X), repeat=5)),
            ("hand-written numba (serial)", best_time(lambda: rosen_hess_hand(X), repeat=5)),
            ("hand-written numba (parallel)",
             best_time(lambda: rosen_hess_hand_parallel(X), repeat=5))]
    rows += peer_rows("hessian", X, H, 200)
    table(f"Hessian of extended Rosenbrock, n=16, {npts:.0e} points", rows,
          "hand-written numba (serial)")


def bench_gradient_scaling(npts):
    print(f"\nGradient of Rosenbrock at {npts:.0e} points: time / one primal evaluation")
    print(f"  {'n':>5s} {'chunk':>6s} {'dualad':>10s} {'hand':>10s}")
    rng = np.random.default_rng(2)
    for n in (2, 8, 32, 128):
        X = rng.uniform(-1.0, 1.5, (npts, n))
        t_primal = best_time(lambda: rosen_primal_batch(X), repeat=5)
        t_hand = best_time(lambda: rosen_grad_hand(X), repeat=5)
        for chunk in sorted({None, 4, 8, 16}, key=lambda c: (c is not None, c)):
            if chunk is not None and chunk > n:
                continue
            g = da.vmap(da.grad(rosenbrock, chunk=chunk), target="cpu")
            np.testing.assert_allclose(g(X), rosen_grad_hand(X), rtol=1e-12, atol=1e-10)
            t = best_time(lambda: g(X), repeat=5)
            print(f"  {n:5d} {str(chunk or 'auto'):>6s} {t / t_primal:9.2f}x "
                  f"{t_hand / t_primal:9.2f}x")


def main():
    print(f"numba {numba.__version__}, {numba.config.NUMBA_NUM_THREADS} threads")
    bench_jacobian(10_000 if QUICK else 100_000)
    bench_hessian(2_000 if QUICK else 20_000)
    bench_gradient_scaling(2_000 if QUICK else 20_000)
    print("\nFirst-call latencies: python bench/bench_latency.py (each in a fresh process)")


if __name__ == "__main__":
    main()
