"""Complex duals inside numba: dualad vs hand-written numba and dualad's Python path.

Workloads (guides/complex.md, "inside numba"):

* f'(z) at N complex points, f(z) = z^3 sin z + exp(iz) / (1 + z):
  ``da.derivative(njit_f)(zs)`` (two compiled loops, seeds 1 and 1j, and the
  Cauchy-Riemann check) against a hand-written numba loop of f' (the chain
  rule by hand) and against the same loop of f itself;
* the gradient of a real-valued loss of a complex vector (n = 8) at one point,
  JAX's convention, and under ``vmap`` at 200 points (one compiled batch loop
  of f's real form over (Re z, Im z)): against the compiled transform called
  point by point and against dualad's Python path;
* the holomorphic Hessian of a complex scalar of a complex vector (n = 3, 8):
  ``da.hessian(njit_f, holomorphic=True)`` (nested complex duals, seeds 1 and
  1j at both levels) against the Python path on NumPy arrays.

Rounds are interleaved, the minimum per method kept, ratios printed.

Run: python bench/bench_jit_complex.py [--n 100000] [--rounds 7]
"""
import argparse
import cmath
import time

import numba
import numpy as np

import dualad as da


@numba.njit
def f(z):
    return z ** 3 * cmath.sin(z) + cmath.exp(1j * z) / (1.0 + z)


@numba.njit
def f_loop(zs, out):
    for i in range(zs.size):
        out[i] = f(zs[i])


@numba.njit
def df_by_hand(zs, out):
    for i in range(zs.size):
        z = zs[i]
        e = cmath.exp(1j * z)
        w = 1.0 + z
        out[i] = 3.0 * z * z * cmath.sin(z) + z ** 3 * cmath.cos(z) + (1j * e * w - e) / (w * w)


@numba.njit
def loss(z):
    s = 0.0
    for i in range(z.size):
        s += abs(z[i] - 1j) ** 2 + (z[i] * z[(i + 1) % z.size]).real
    return s


def py_loss(z):
    s = 0.0
    for i in range(len(z)):
        s = s + abs(z[i] - 1j) ** 2 + (z[i] * z[(i + 1) % len(z)]).real
    return s


@numba.njit
def action(z):
    t = 0j
    for i in range(z.size):
        t += cmath.tanh(z[i]) * z[(i + 1) % z.size] + cmath.sqrt(z[i]) ** 3
    return t


def py_action(z):
    return np.sum(np.tanh(z) * np.roll(z, -1) + np.sqrt(z) ** 3)


def interleaved(methods, rounds):
    best = {name: float("inf") for name in methods}
    for fn in methods.values():
        fn()  # compile, caches
    for _ in range(rounds):
        for name, fn in methods.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def show(title, best, baseline):
    print(f"\n{title}")
    for name, t in best.items():
        print(f"  {name:44s} {t * 1e3:10.3f} ms   {t / best[baseline]:7.2f}x {baseline}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    zs = rng.uniform(-1, 1, a.n) + 1j * rng.uniform(-1, 1, a.n)
    out = np.empty_like(zs)
    dfz = da.derivative(f)
    df_by_hand(zs, out)
    np.testing.assert_allclose(dfz(zs), out, rtol=1e-12)
    best = interleaved({
        "hand-written f' (numba)": lambda: df_by_hand(zs, out),
        "f itself (numba)": lambda: f_loop(zs, out),
        "da.derivative(njit_f)(zs)": lambda: dfz(zs),
    }, a.rounds)
    show(f"f'(z) at {a.n} complex points", best, "hand-written f' (numba)")

    z8 = rng.uniform(-1, 1, 8) + 1j * rng.uniform(-1, 1, 8)
    g, pg = da.grad(loss), da.grad(py_loss)
    np.testing.assert_allclose(g(z8), pg(list(z8)), rtol=1e-12)
    best = interleaved({
        "da.grad(njit_loss)(z), compiled": lambda: g(z8),
        "da.grad(py_loss)(list of z), Python path": lambda: pg(list(z8)),
    }, a.rounds * 3)
    show("grad of a real-valued loss of 8 complex inputs, one point", best,
         "da.grad(njit_loss)(z), compiled")

    zb = rng.uniform(-1, 1, (200, 8)) + 1j * rng.uniform(-1, 1, (200, 8))
    vg = da.vmap(g)
    np.testing.assert_allclose(vg(zb), [g(z) for z in zb], rtol=1e-12)
    best = interleaved({
        "da.vmap(da.grad(njit_loss))(200 points)": lambda: vg(zb),
        "200 x da.grad(njit_loss), point by point": lambda: [g(z) for z in zb],
        "200 x da.grad(py_loss), Python path": lambda: [pg(list(z)) for z in zb],
    }, a.rounds)
    show("vmap at 200 complex points (one compiled batch loop over (Re z, Im z))", best,
         "da.vmap(da.grad(njit_loss))(200 points)")

    for n in (3, 8):
        zn = rng.uniform(0.2, 1, n) + 1j * rng.uniform(-1, 1, n)
        hc = da.hessian(action, holomorphic=True)
        hp = da.hessian(py_action, holomorphic=True)
        np.testing.assert_allclose(hc(zn), hp(zn), rtol=1e-12)
        best = interleaved({
            "da.hessian(njit_f, holomorphic=True), compiled": lambda: hc(zn),
            "da.hessian(np_f, holomorphic=True), Python path": lambda: hp(zn),
        }, a.rounds * 3)
        show(f"holomorphic Hessian, {n} complex inputs, one point", best,
             "da.hessian(njit_f, holomorphic=True), compiled")


if __name__ == "__main__":
    main()
