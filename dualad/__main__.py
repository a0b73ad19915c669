"""A tour of dualad: ``python -m dualad``.

Shows derivatives of plain Python and numba functions, their accuracy against
finite differences (and mpmath when installed), and their speed against
hand-written numba code and the peers installed (JAX, PyTorch, num-dual).
With matplotlib installed it also draws these results into one PNG figure
(``python -m dualad --figure PATH``; default ``dualad-tour.png`` in the current
directory) and prints its path.
"""
import argparse
import importlib
import os
import sys
import textwrap
import time

import numpy as np

import dualad as da


def _best(fn, repeat=5):
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _optional(name):
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a peer that fails to import is 'not installed'
        return None


def _fmt(t):
    return f"{t * 1e3:8.2f} ms" if t >= 1e-3 else f"{t * 1e6:8.2f} us"


def f_python(x):
    return x * x * da.sin(x) + da.exp(x) / (1 + x * x) - da.sqrt(x)


def section(title):
    print(f"\n{title}\n{'-' * len(title)}")


def tour_accuracy():
    section("1. Exact derivatives of a plain Python function")
    print("f(x) = x*x*sin(x) + exp(x)/(1+x*x) - sqrt(x) at x = 1.3")
    mp = _optional("mpmath")
    x = 1.3
    print(f"  {'order':>5s} {'dualad':>24s} {'central FD':>24s} {'|dualad-mpmath|':>16s}")
    for order in (1, 2, 3, 4):
        d = da.derivative(f_python, order=order)(x)
        fd = _central_fd(lambda t: da.derivative(f_python, order=order - 1)(t), x, 2e-3)
        ref = ""
        if mp is not None:
            mp.mp.dps = 40
            g = lambda t: t * t * mp.sin(t) + mp.exp(t) / (1 + t * t) - mp.sqrt(t)  # noqa: E731
            exact = float(mp.diff(g, mp.mpf("1.3"), order))
            ref = f"{abs(d - exact):16.1e}"
        print(f"  {order:5d} {d:24.17g} {fd:24.17g} {ref}")
    print("  (finite differences lose half the digits or more; dualad's are exact to rounding)")
    if mp is None:
        print("  (the |dualad-mpmath| column, the error against 40-digit arithmetic, needs "
              "mpmath: pip install mpmath)")


def _central_fd(g, x, h):
    return (8 * (g(x + h) - g(x - h)) - (g(x + 2 * h) - g(x - 2 * h))) / (12 * h)


def tour_numpy():
    section("2. NumPy code differentiates unchanged")
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 3))
    x = rng.standard_normal(3)
    J = da.jacobian(lambda x: np.tanh(A @ x))(x)
    print("  jacobian of np.tanh(A @ x), A 4x3:\n" + _indent(np.array2string(J, precision=4)))
    err = da.check_derivatives(lambda x: np.tanh(A @ x), x, order=2)
    print(f"  check_derivatives (order 2, vs finite differences): worst error {err:.2f} "
          "of tolerance")


def _indent(s):
    return "\n".join("    " + line for line in s.splitlines())


def tour_numba():
    import numba
    section("3. numba code runs on dual numbers, compiled")

    @numba.njit(cache=True)
    def poly3(x):
        for _ in range(3):
            x = 2.0 * x ** 3 - 3.0 * x ** 2 + 5.0
        return x

    @numba.njit(cache=True, parallel=True)
    def poly3_prime_hand(xs):
        out = np.empty_like(xs)
        for i in numba.prange(xs.shape[0]):
            x = xs[i]
            d = 1.0
            for _ in range(3):
                d = d * (6.0 * x * x - 6.0 * x)
                x = 2.0 * x ** 3 - 3.0 * x ** 2 + 5.0
            out[i] = d
        return out

    xs = np.linspace(-1.0, 1.0, 1_000_000)
    dpoly = da.derivative(poly3)
    t0 = time.perf_counter()
    d = dpoly(xs)
    first = time.perf_counter() - t0
    np.testing.assert_allclose(d, poly3_prime_hand(xs), rtol=1e-12, atol=1e-12 * np.abs(d).max())
    rows = [("dualad derivative(njit f), 1e6 points", _best(lambda: dpoly(xs))),
            ("hand-written numba derivative", _best(lambda: poly3_prime_hand(xs)))]
    jax = _optional("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)

        def p(x):
            for _ in range(3):
                x = 2.0 * x ** 3 - 3.0 * x ** 2 + 5.0
            return x
        jf = jax.jit(jax.vmap(jax.grad(p)))
        xj = jax.numpy.asarray(xs)
        rows.append(("JAX jit(vmap(grad))", _best(lambda: jf(xj).block_until_ready())))
    base = rows[1][1]
    print("  p(p(p(x))) with p(x) = 2x^3 - 3x^2 + 5, first derivative at 1e6 points")
    for name, t in rows:
        print(f"  {name:40s} {_fmt(t)}  {t / base:6.2f}x hand-written")
    print(f"  (first call, including compilation: {first:.2f} s)")
    return rows


def tour_jacobian():
    section("4. Jacobians and Hessians of @njit functions, batched over points")
    sys.path.insert(0, "bench")
    try:
        import bench_transforms as bt
    except ImportError:
        print("  (run from the repository root to include this section)")
        return
    bt.bench_jacobian(20_000)
    bt.bench_hessian(5_000)


def _exact_first_derivative(x):
    """f_python'(x) in 40-digit arithmetic (mpmath), or None without mpmath."""
    mp = _optional("mpmath")
    if mp is None:
        return None
    mp.mp.dps = 40
    g = lambda t: t * t * mp.sin(t) + mp.exp(t) / (1 + t * t) - mp.sqrt(t)  # noqa: E731
    return float(mp.diff(g, mp.mpf(x)))


def tour_figure(path, rows):
    """One PNG: f and f', the finite-difference error against the step, the speed bars."""
    section("5. The figure")
    if _optional("matplotlib") is None:
        print("  (a figure of these results needs matplotlib: pip install matplotlib, "
              "or pip install -e '.[docs]', then run python -m dualad again)")
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x0 = 1.3
    exact = _exact_first_derivative("1.3")
    ref = exact if exact is not None else da.derivative(f_python)(x0)
    xs = np.linspace(0.05, 3.0, 300)
    steps = np.logspace(-13, -1, 37)
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(15, 4.2))
    a1.plot(xs, [f_python(float(x)) for x in xs], label="f(x)")
    a1.plot(xs, [da.derivative(f_python)(float(x)) for x in xs], label="f'(x), dualad")
    a1.set_title("f(x) = x² sin x + eˣ/(1+x²) - √x")
    a1.set_xlabel("x")
    a1.legend()
    for name, fd in (("forward difference", lambda h: (f_python(x0 + h) - f_python(x0)) / h),
                     ("central difference",
                      lambda h: (f_python(x0 + h) - f_python(x0 - h)) / (2 * h))):
        a2.loglog(steps, [max(abs(fd(h) - ref), 1e-17) for h in steps], "o-", ms=3, label=name)
    if exact is not None:
        err = abs(da.derivative(f_python)(x0) - exact)
        a2.axhline(max(err, 1e-17), color="k", lw=2, label=f"dualad: {err:.1e}")
        a2.set_ylabel("|error| of f'(1.3) (vs 40-digit mpmath)")
    else:
        a2.set_ylabel("|finite difference - dualad| at 1.3 (no mpmath)")
    a2.set_xlabel("step h")
    a2.set_title("finite differences need a step; dualad does not")
    a2.legend()
    names = [textwrap.fill(name, 24) for name, _ in rows]
    a3.barh(names, [t * 1e3 for _, t in rows],
            color=["C0" if name.startswith("dualad") else "C7" for name in names])
    a3.invert_yaxis()
    a3.set_xlabel("milliseconds, minimum of 5 (lower is better)")
    a3.set_title("f' of p(p(p(x))) at 1e6 points")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"  wrote {os.path.abspath(path)}")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dualad", description=__doc__.splitlines()[0])
    parser.add_argument("--figure", default="dualad-tour.png",
                        help="where to write the PNG figure (needs matplotlib; "
                             "default: %(default)s)")
    args = parser.parse_args(argv)
    import numba
    print(f"dualad {da.__version__}: forward-mode AD with dual numbers "
          f"(numba {numba.__version__}, numpy {np.__version__})")
    peers = {name: _optional(mod) is not None
             for name, mod in (("JAX", "jax"), ("PyTorch", "torch"), ("num-dual", "num_dual"))}
    have = [n for n, ok in peers.items() if ok]
    missing = [n for n, ok in peers.items() if not ok]
    print("peers compared: " + (", ".join(have) or "none")
          + (f" (not installed: {', '.join(missing)}; pip install -e '.[bench]')"
             if missing else ""))
    tour_accuracy()
    tour_numpy()
    rows = tour_numba()
    tour_jacobian()
    tour_figure(args.figure, rows)


if __name__ == "__main__":
    main()
