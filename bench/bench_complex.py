"""Complex NumPy code differentiated: the cost of complex duals, and JAX side by side.

Run ``python bench/bench_complex.py``. It prints, rounds interleaved and the
minimum kept (ratios; the machine is noisy):

1. ``jacobian(f, holomorphic=True)`` of an elementwise-and-matmul f of n = 64
   complex inputs, against ``jacobian(f)`` of the same code on float64
   (complex duals cost two evaluations, for the Cauchy-Riemann check, of
   complex arithmetic) and against JAX ``jit(jacfwd(f, holomorphic=True))``;
2. ``grad`` of the real loss ``sum |fft(z) * w|^2`` (JAX's conjugate form, two
   passes) against the same on float64 inputs and JAX ``jit(grad)``.

JAX timings exclude compilation.

``python bench/bench_complex.py --real`` prints instead the real paths that
complex support touches (small-array grad, jacobian, hessian, a scalar
derivative), in microseconds, to compare two checkouts run alternately
(e.g. ``git archive <base> | tar -x -C /tmp/base``, then this script with
``PYTHONPATH=/tmp/base`` and with this tree, a few times each: the ratio of
the minima).
"""
import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dualad as da  # noqa: E402

try:
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
except ImportError:  # JAX is optional
    jax = None


def interleaved(fs, repeat=15, number=5):
    """Best time of each callable, timed in turns so that load changes hit all alike."""
    for f in fs:
        f()
    times = [float("inf")] * len(fs)
    for _ in range(repeat):
        for i, f in enumerate(fs):
            times[i] = min(times[i], timeit.timeit(f, number=number) / number)
    return times


def real_paths():
    x10 = np.linspace(0.1, 1.0, 10)
    A = np.random.default_rng(0).standard_normal((50, 50))
    x50 = np.linspace(0.1, 1, 50)
    g = da.grad(lambda x: np.sum(np.sin(x) * x + np.exp(x) / (1 + x ** 2) + np.tanh(x) ** 3))
    J = da.jacobian(lambda x: np.tanh(A @ x) * np.log1p(x))
    d = da.derivative(lambda t: da.sin(t) * t ** 2 + da.exp(t))
    H = da.hessian(lambda x: np.sum(np.linalg.solve(A[:10, :10] + 10 * np.eye(10), x) ** 2))
    cases = [("grad n=10", lambda: g(x10)), ("jacobian n=50", lambda: J(x50)),
             ("scalar derivative", lambda: d(0.3)), ("hessian solve n=10", lambda: H(x10))]
    for (name, _), t in zip(cases, interleaved([c for _, c in cases], repeat=10, number=100)):
        print(f"{name:20s} {t * 1e6:8.1f} us")


def main():
    rng = np.random.default_rng(0)
    n = 64
    M = rng.standard_normal((n, n)) / n
    z = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    x = z.real.copy()

    def f(v):
        return np.tanh(M @ v) * np.exp(v / 4) + v ** 2

    cases = [("complex holomorphic jacobian", lambda: da.jacobian(f, holomorphic=True)(z)),
             ("float64 jacobian", lambda: da.jacobian(f)(x))]
    if jax is not None:
        Mj = jnp.asarray(M)
        jf = jax.jit(jax.jacfwd(lambda v: jnp.tanh(Mj @ v) * jnp.exp(v / 4) + v ** 2,
                                holomorphic=True))
        jf(z).block_until_ready()
        cases.append(("JAX jit(jacfwd(holomorphic))", lambda: jf(z).block_until_ready()))
    times = interleaved([c for _, c in cases])
    print(f"1. jacobian of tanh(M @ z) * exp(z / 4) + z**2, n = {n}")
    for (name, _), t in zip(cases, times):
        print(f"   {name:32s} {t * 1e3:8.2f} ms   {t / times[1]:6.2f}x float64")

    w = rng.standard_normal(n)

    def loss(v):
        return np.sum(np.abs(np.fft.fft(v) * w) ** 2)

    cases = [("complex grad (conjugate form)", lambda: da.grad(loss)(z)),
             ("float64 grad", lambda: da.grad(loss)(x))]
    if jax is not None:
        jg = jax.jit(jax.grad(lambda v: jnp.sum(jnp.abs(jnp.fft.fft(v) * w) ** 2)))
        jg(z).block_until_ready()
        cases.append(("JAX jit(grad)", lambda: jg(z).block_until_ready()))
    times = interleaved([c for _, c in cases])
    print(f"2. grad of sum |fft(z) * w|^2, n = {n}")
    for (name, _), t in zip(cases, times):
        print(f"   {name:32s} {t * 1e3:8.2f} ms   {t / times[1]:6.2f}x float64")


if __name__ == "__main__":
    real_paths() if "--real" in sys.argv[1:] else main()
