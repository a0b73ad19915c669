"""Taylor mode (issue 11): k-th derivative of exp(sin(x)) / (1 + x*x) at 1e5 points.

    PYTHONPATH=. python bench/bench_taylor.py

For each order k in 2, 4, 8, 16, 24 it prints, as ratios to the primal f
(the same @njit function at the same points, measured in the same rounds):

* dualad Taylor mode: ``da.derivative`` runs one compiled Taylor pass
  (the kernel of dualad._backends.taylor; ``da.derivative`` itself uses it
  from order 3 on, order 2 is shown for the crossover);
* dualad nested duals (the path of ``da.derivative`` before Taylor mode, and
  still for orders 1-2) at orders 2 and 4 (its compile time doubles per order);
* JAX ``jax.experimental.jet`` under ``jax.jit`` (if installed), same points;

and the first-call latency (compile) of the Taylor kernel and of the nested
one, each in a fresh process, after the primal is compiled. Methods are
interleaved in rounds, the minimum kept (bench/_common.py).
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import fmt_time, optional, run_python  # noqa: E402

import numba  # noqa: E402

import dualad as da  # noqa: E402,F401
from dualad._backends.derivative import compiled_derivative  # noqa: E402
from dualad._backends.taylor import _run as taylor_run  # noqa: E402

N = 100_000
ORDERS = (2, 4, 8, 16, 24)
NESTED_ORDERS = (2, 4)
ROUNDS = 5


@numba.njit
def f(x):
    return math.exp(math.sin(x)) / (1.0 + x * x)


@numba.njit(parallel=True)
def primal(x, out):
    for i in numba.prange(x.size):
        out[i] = f(x[i])


def _time(fn):
    import time
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


_PROBE = """
import math, time, numpy as np, numba, dualad as da
from dualad._backends.derivative import compiled_derivative
from dualad._backends.taylor import _run
@numba.njit
def f(x):
    return math.exp(math.sin(x)) / (1.0 + x * x)
x = np.linspace(-2.0, 2.0, 1000)
f(0.5)
t0 = time.perf_counter()
{call}
print(time.perf_counter() - t0)
"""


def first_call(call):
    out = run_python(_PROBE.format(call=call), env={"PYTHONPATH": os.getcwd()})
    return float(out.strip().splitlines()[-1])


def jax_jet(order):
    jax = optional("jax")
    if jax is None:
        return None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax.experimental import jet

    def g(x):
        return jnp.exp(jnp.sin(x)) / (1.0 + x * x)

    def kth(x):
        ones = jnp.ones_like(x)
        zeros = jnp.zeros_like(x)
        _, terms = jet.jet(g, (x,), ((ones,) + (zeros,) * (order - 1),))
        return terms[-1]
    return jax.jit(kth)


def main():
    x = np.linspace(-2.0, 2.0, N)
    out = np.empty_like(x)
    methods = {"primal": lambda: primal(x, out)}
    for k in ORDERS:
        methods[f"taylor {k}"] = (lambda k=k: taylor_run(f, k, "one", x))
    for k in NESTED_ORDERS:
        d = compiled_derivative(f, k)
        methods[f"nested {k}"] = (lambda d=d: d(x))
    jets = {}
    for k in ORDERS:
        j = jax_jet(k)
        if j is not None:
            jets[k] = j
            methods[f"jax jet {k}"] = (lambda j=j: j(x).block_until_ready())
    # correctness before timing: Taylor vs nested at order 4, vs JAX at 8
    np.testing.assert_allclose(taylor_run(f, 4, "one", x), compiled_derivative(f, 4)(x),
                               rtol=1e-10, atol=1e-10)
    if 8 in jets:
        ref = np.asarray(jets[8](x))
        np.testing.assert_allclose(taylor_run(f, 8, "one", x), ref, rtol=1e-8,
                                   atol=1e-8 * np.abs(ref).max())
    for fn in methods.values():
        fn()  # compile / warm
    best = {name: math.inf for name in methods}
    for _ in range(ROUNDS):
        for name, fn in methods.items():
            best[name] = min(best[name], _time(fn))
    p = best["primal"]
    print(f"exp(sin(x))/(1+x*x) at {N} points, {numba.get_num_threads()} threads; "
          f"primal {fmt_time(p)}")
    print(f"{'order':>5} {'taylor':>18} {'nested duals':>18} {'jax jet (jit)':>18}")
    for k in ORDERS:
        cells = []
        for name in (f"taylor {k}", f"nested {k}", f"jax jet {k}"):
            t = best.get(name)
            cells.append("-" if t is None else f"{fmt_time(t)} {t / p:6.1f}x")
        print(f"{k:>5} " + " ".join(f"{c:>18}" for c in cells))
    print("\nfirst call (compile), fresh process, primal already compiled:")
    for k in ORDERS:
        t = first_call(f"_run(f, {k}, 'one', x)")
        line = f"  order {k:>2}: taylor {t:6.2f} s"
        if k in NESTED_ORDERS:
            line += f"   nested {first_call(f'compiled_derivative(f, {k})(x)'):6.2f} s"
        print(line)


if __name__ == "__main__":
    main()
