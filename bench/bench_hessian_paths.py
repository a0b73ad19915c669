"""Dense compiled Hessians (issue 12 item 4): which passes win, by n.

Run ``python bench/bench_hessian_paths.py`` (``--quick``: fewer rounds,
``--sizes 4 8 16``: some n only, ``--only point|vmap``: one setting). For the extended Rosenbrock function
(``@njit``, a loop) at n = 4, 8, 16, 32, 64 it times, each candidate once per
round, rounds interleaved, the minimum kept, ratios printed to the fastest
candidate and to the hand-written Hessian:

* ``dual2 one pass``: Dual2[float, n], the packed triangle of the whole Hessian
  in one evaluation (n <= 32 only: its compile time grows fast);
* ``dual2 pairs C``: Dual2[float, C] over pairs of blocks of C/2 inputs (the
  diagonal blocks come again in several pairs);
* ``nested C``: forward over forward restricted to the upper triangle, one
  pass per row i (outer direction e_i) and chunk of C columns j >= i's chunk
  (inner directions): ``Dual[Dual[float, C], 1]``, a hyper-dual number with a
  chunk of C first-level directions (``nested 1`` is the scalar hyper-dual);
* ``da.hessian``: what the chooser (``plan.plan_point``) picks.

Two settings: one point (the user's dispatcher called from Python once per
pass, ``_backends.point``) against a hand-written serial Hessian; ``vmap``
over a batch (one compiled loop per core, ``_backends.batch``) against a
hand-written parallel loop and JAX ``jit(vmap(hessian))`` when installed.
The batch has 2e4 points up to n = 16 and 5e6 / n^2 beyond (the output stays
40 MB), written into one preallocated array by every method (``out=``: page
faults of fresh arrays are not what is compared; two rows ``new out`` give
``da.vmap`` and the hand-written loop a new array per call, as the issue's
figures were measured). Every candidate's Hessian is checked against the hand-written one
first, and for bit-exact symmetry.
"""
import argparse
import os
import sys

import numpy as np
from numba import njit, prange
from numba.core import types

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

import dualad as da  # noqa: E402
from dualad._backends import batch as batch_mod  # noqa: E402
from dualad._backends import plan as plan_mod  # noqa: E402
from dualad._backends import point as point_mod  # noqa: E402
from bench_numpy import interleaved  # noqa: E402
from _common import fmt_time, optional  # noqa: E402
from models import rosen  # noqa: E402
from bench_transforms import _rosen_hess_point as _hand_point  # noqa: E402

jax = optional("jax")
if jax is not None:
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)


@njit
def hand_one(x):
    H = np.empty((x.shape[0], x.shape[0]))
    _hand_point(x, H)
    return H


@njit(parallel=True)
def hand_batch(X, out):
    for b in prange(X.shape[0]):
        _hand_point(X[b], out[b])
    return out


def candidates(n):
    """(name, PointPlan) of each candidate for n inputs."""
    out = []
    if n <= 32:
        out.append(("dual2 one pass", plan_mod.PointPlan(
            "hessian2", n, n, tuple(plan_mod.dual2_passes(n, n)))))
    for C in (8, 16):
        if C < n:
            out.append((f"dual2 pairs {C}", plan_mod.PointPlan(
                "hessian2", n, C, tuple(plan_mod.dual2_passes(n, C)))))
    for C in (1, 4, 8, 16):
        if C <= n and not (C == 1 and n > 16):
            out.append((f"nested {C}", plan_mod.PointPlan(
                "hessian", n, C, tuple(plan_mod.hessian_passes(n, C)))))
    return out


def one_point(plan, x):
    def call(seeded):
        return rosen(seeded)
    nbtype = plan.number_type(types.float64)
    return point_mod._DRIVERS[plan.algorithm](plan, call, x, False, nbtype, np.float64,
                                              "hessian")[1]


def in_batch(plan, X, out):
    vals = np.empty((X.shape[0], 1))
    batch_mod._run_parallel(plan, rosen, (X,), 0, 1, X, out, vals)
    return out


def check(name, H, ref):
    np.testing.assert_allclose(H, ref, rtol=1e-12, atol=1e-9, err_msg=name)
    assert np.array_equal(H, np.swapaxes(H, -1, -2)), f"{name}: not symmetric to the bit"


def report(title, names, times, hand):
    print(f"\n{title}")
    best = min(t for nm, t in zip(names, times)
               if not nm.startswith(("hand", "JAX")) and not nm.endswith("new out"))
    for nm, t in zip(names, times):
        print(f"  {nm:28s} {fmt_time(t)}  {t / best:7.2f}x best  {t / hand:7.2f}x hand")


def bench(n, repeat, npts, only=None):
    rng = np.random.default_rng(n)
    x = rng.uniform(-1.0, 1.5, n)
    X = rng.uniform(-1.0, 1.5, (npts, n))
    cands = candidates(n)
    auto = da.hessian(rosen)
    p, b = (plan_mod.plan_point("hessian", n, False, None, rosen, batch=v) for v in (0, 1))
    print(f"\n== n = {n}: da.hessian takes {p.algorithm} C={p.C} ({len(p.passes)} passes), "
          f"its vmap {b.algorithm} C={b.C} ({len(b.passes)} passes) ==")
    if only != "vmap":
        single(n, x, cands, auto, repeat)
    if only != "point":
        batch(n, X, cands, repeat, npts)


def single(n, x, cands, auto, repeat):
    ref = hand_one(x)
    fs, names = [], []
    for name, plan in cands:
        check(name, one_point(plan, x), ref)
        fs.append(lambda plan=plan: one_point(plan, x))
        names.append(f"{name} ({len(plan.passes)})")
    check("da.hessian", auto(x), ref)
    fs += [lambda: auto(x), lambda: hand_one(x)]
    names += ["da.hessian", "hand-written (serial)"]
    times = interleaved(fs, repeat)
    report(f"one point, n={n} (passes in brackets)", names, times, times[-1])


def batch(n, X, cands, repeat, npts):
    out = np.empty((npts, n, n))   # every method writes into one array (no page faults)
    refB = hand_batch(X, np.empty((npts, n, n)))
    vauto = da.vmap(da.hessian(rosen), out=out)
    fs, names = [], []
    for name, plan in cands:
        check(name, in_batch(plan, X, out), refB)
        fs.append(lambda plan=plan: in_batch(plan, X, out))
        names.append(name)
    check("da.vmap(da.hessian)", vauto(X), refB)
    fresh = da.vmap(da.hessian(rosen))
    fs += [lambda: vauto(X), lambda: hand_batch(X, out), lambda: fresh(X),
           lambda: hand_batch(X, np.empty((npts, n, n)))]
    names += ["da.vmap(da.hessian)", "hand-written (parallel)",
              "da.vmap(da.hessian) new out", "hand-written, new out"]
    if jax is not None:
        jh = jax.jit(jax.vmap(jax.hessian(lambda x: jnp.sum(
            100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))))
        XJ = jnp.asarray(X)
        np.testing.assert_allclose(np.asarray(jh(XJ)), refB, rtol=1e-12, atol=1e-9)
        fs.append(lambda: jh(XJ).block_until_ready())
        names.append("JAX jit(vmap(hessian))")
    times = interleaved(fs, repeat)
    report(f"vmap, n={n}, {npts} points", names, times, times[names.index(
        "hand-written (parallel)")])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", type=int, nargs="*", default=[4, 8, 16, 32, 64])
    ap.add_argument("--only", choices=["point", "vmap"])
    a = ap.parse_args()
    repeat = 3 if a.quick else 7
    for n in a.sizes:
        bench(n, repeat, 20000 if n <= 16 else 5_000_000 // (n * n), a.only)


if __name__ == "__main__":
    main()
