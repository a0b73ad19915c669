"""NumPy code differentiated unchanged: DualArray against plain NumPy and JAX.

Run ``python bench/bench_numpy.py`` (add ``--quick`` for fewer repeats). It
prints, in one run:

1. the lab polynomial p(x) = 2x^3 - 3x^2 + 5 composed three times, written
   with NumPy operators, at 1e6 points: ``da.derivative`` (orders 1 and 2)
   against evaluating the same NumPy code on plain floats (target: order 1
   within 3x), and JAX ``jit(vmap(grad))`` when installed;
2. the Jacobian of ``np.tanh(A @ x)``, A 200x50, against the hand-written
   closed form and JAX ``jit(jacfwd)``;
3. the mixed second-derivative tensor ``jacobian(jacobian(X @ X @ Y, 0), 1)``
   for n = 8 (shape (8,)*6), against JAX ``jit(jacfwd(jacfwd))``;
4. dense Hessians of NumPy code (Rosenbrock, a pairwise Gaussian energy) at
   n = 16, 64, 200: ``da.hessian`` (one triangle, bounded passes) against the
   full nested pass ``jacobian(grad(f))`` and JAX ``jit(hessian)``.

JAX timings exclude compilation (its first call is timed separately);
``da.jacobian`` is used when the transforms are available, else a DualArray is
seeded directly.
"""
import argparse
import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dualad as da  # noqa: E402
from dualad import DualArray  # noqa: E402
from dualad._core.base import next_tag  # noqa: E402

try:
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
except ImportError:  # JAX is optional
    jax = None


def best(f, repeat, number=1):
    f()  # warm-up (first-use compilation of numba ufuncs, caches)
    return min(timeit.repeat(f, number=number, repeat=repeat)) / number


def interleaved(fs, repeat, number=1):
    """Best time of each callable, timed in turns so that load changes hit all alike."""
    for f in fs:
        f()
    times = [float("inf")] * len(fs)
    for _ in range(repeat):
        for i, f in enumerate(fs):
            times[i] = min(times[i], timeit.timeit(f, number=number) / number)
    return times


def first_call(make):
    import time
    t0 = time.perf_counter()
    make()
    return time.perf_counter() - t0


def lab_poly(x):
    return 2 * x ** 3 - 3 * x ** 2 + 5


def poly3(x):
    return lab_poly(lab_poly(lab_poly(x)))


def row(name, seconds, base=None, note=""):
    ratio = f"{seconds / base:7.2f}x" if base else "        "
    print(f"  {name:44s} {seconds * 1e3:10.3f} ms {ratio} {note}")


def jacobian(f, argnums=0):
    """da.jacobian if available, else direct seeding (one argument)."""
    if hasattr(da, "jacobian"):
        return da.jacobian(f, argnums)

    def jac(*args):
        x = np.asarray(args[argnums], dtype=np.float64)
        seeded = DualArray(x, np.eye(x.size).reshape(x.shape + (x.size,)), next_tag())
        full = list(args)
        full[argnums] = seeded
        y = f(*full)
        return y.partials.reshape(y.shape + x.shape)
    return jac


def bench_poly(repeat):
    print("1. derivative of p(p(p(x))), p(x) = 2x^3 - 3x^2 + 5, NumPy operators, 1e6 points")
    x = np.linspace(-1.0, 1.0, 1_000_000)
    x32 = x.astype(np.float32)
    d1 = da.derivative(poly3)
    d2 = da.derivative(poly3, order=2)
    base, t1, t2, base32, t32 = interleaved(
        [lambda: poly3(x), lambda: d1(x), lambda: d2(x), lambda: poly3(x32), lambda: d1(x32)],
        repeat)
    row("plain NumPy f(x) (float64)", base)
    row("da.derivative(f)(x)", t1, base, "(target <= 3x)")
    row("da.derivative(f, order=2)(x)", t2, base)
    row("plain NumPy f(x) (float32)", base32)
    row("da.derivative(f)(x) (float32)", t32, base32)
    if jax is not None:
        jf = jax.jit(jax.vmap(jax.grad(poly3)))
        xj = jnp.asarray(x)
        c = first_call(lambda: jf(xj).block_until_ready())
        row("JAX jit(vmap(grad(f)))", best(lambda: jf(xj).block_until_ready(), repeat), base,
            f"(first call {c * 1e3:.0f} ms)")
    return t1 / base


def bench_tanh(repeat):
    print("2. Jacobian of np.tanh(A @ x), A 200x50")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((200, 50)) / 7
    x = rng.standard_normal(50)
    jac = jacobian(lambda v: np.tanh(a @ v))
    got = jac(x)
    assert np.allclose(got, (1.0 / np.cosh(a @ x) ** 2)[:, None] * a)
    hand, t = interleaved([lambda: (1.0 / np.cosh(a @ x) ** 2)[:, None] * a, lambda: jac(x)],
                          repeat, 20)
    row("hand-written sech^2(Ax)[:, None] * A", hand)
    row("dualad jacobian", t, hand)
    if jax is not None:
        aj = jnp.asarray(a)
        jf = jax.jit(jax.jacfwd(lambda v: jnp.tanh(aj @ v)))
        xj = jnp.asarray(x)
        c = first_call(lambda: jf(xj).block_until_ready())
        row("JAX jit(jacfwd)", best(lambda: jf(xj).block_until_ready(), repeat, 20), hand,
            f"(first call {c * 1e3:.0f} ms)")


def bench_mixed(repeat, n=8):
    print(f"3. mixed tensor jacobian(jacobian(X @ X @ Y, 0), 1), n = {n}: shape ({n},)*6")
    rng = np.random.default_rng(1)
    xm, ym = rng.standard_normal((n, n)), rng.standard_normal((n, n))

    def ours():
        if hasattr(da, "jacobian"):
            return da.jacobian(da.jacobian(lambda X, Y: X @ X @ Y, 0), 1)(xm, ym)
        yd = DualArray(ym, np.eye(n * n).reshape(n, n, n * n), next_tag())
        xd = DualArray(xm, np.eye(n * n).reshape(n, n, n * n), next_tag())
        return (xd @ xd @ yd).partials.partials.reshape((n,) * 6)

    eye = np.eye(n)
    want = (np.einsum("ia,bc,jd->ijabcd", eye, xm, eye)
            + np.einsum("ia,bc,jd->ijabcd", xm, eye, eye))
    assert np.allclose(ours(), want)
    hand, t = interleaved([lambda: np.einsum("ia,bc,jd->ijabcd", eye, xm, eye)
                           + np.einsum("ia,bc,jd->ijabcd", xm, eye, eye), ours], repeat, 5)
    row("closed form (two einsums)", hand)
    row("dualad jacobian(jacobian(...))", t, hand)
    if jax is not None:
        jf = jax.jit(jax.jacfwd(jax.jacfwd(lambda X, Y: X @ X @ Y, 0), 1))
        xj, yj = jnp.asarray(xm), jnp.asarray(ym)
        c = first_call(lambda: jf(xj, yj).block_until_ready())
        row("JAX jit(jacfwd(jacfwd))", best(lambda: jf(xj, yj).block_until_ready(), repeat, 5),
            hand, f"(first call {c * 1e3:.0f} ms)")


def _rosen(x, xp=np):
    return xp.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def _pairwise(x, xp=np):
    d = x[:, None] - x[None, :]
    return xp.sum(xp.exp(-d * d)) + xp.sum(xp.sin(x) ** 2)


def bench_hessians(repeat):
    print("4. dense Hessians of NumPy code; ratio to da.hessian")
    from dualad._transforms.hessian import _symmetric
    for f, sizes in ((_rosen, (16, 64, 200)), (_pairwise, (16, 64))):
        for n in sizes:
            x = np.linspace(0.1, 1.0, n)
            ours = da.hessian(f)
            full = da.jacobian(da.grad(f))
            np.testing.assert_allclose(ours(x), _symmetric(full(x)), rtol=1e-12, atol=1e-12)
            t, t_full = interleaved([lambda: ours(x), lambda: full(x)], repeat)
            print(f"  {f.__name__[1:]} n={n}")
            row("dualad da.hessian", t)
            row("jacobian(grad(f)) (full nested pass)", t_full, t)
            if jax is not None:
                jh = jax.jit(jax.hessian(lambda v: f(v, jnp)))
                xj = jnp.asarray(x)
                c = first_call(lambda: jh(xj).block_until_ready())
                row("JAX jit(hessian)", best(lambda: jh(xj).block_until_ready(), repeat),
                    t, f"(first call {c * 1e3:.0f} ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    opts = parser.parse_args()
    repeat = 3 if opts.quick else 7
    print(f"dualad {da.__version__}, NumPy {np.__version__}, "
          f"JAX {jax.__version__ if jax is not None else 'not installed'}; "
          "times are the best of repeats; ratio = time / first row of the section")
    ratio = bench_poly(repeat)
    bench_tanh(repeat)
    bench_mixed(repeat)
    bench_hessians(repeat)
    print(f"polynomial derivative / plain NumPy: {ratio:.2f}x (target <= 3x): "
          + ("OK" if ratio <= 3.0 else "ABOVE TARGET"))


if __name__ == "__main__":
    main()
