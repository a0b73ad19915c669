"""f' of a compiled scalar function at 1e6 points: dualad vs hand-written numba (vs JAX).

The lab polynomial p(x) = 2x^3 - 3x^2 + 5, composed three times,
f(x) = p(p(p(x))), written once for floats as a user would write it. dualad
differentiates the @njit function itself: ``da.derivative(f)(x)`` runs one
parallel compiled loop over the array on dual numbers. The hand-written
baselines apply the chain rule by hand (serial and parallel). Also timed:
f'' through ``da.derivative(f, 2)`` (HyperDual) against a hand-written f'',
and the first-call latency (compile) cold and with ``cache=True`` warm, each
in a fresh process.

Run: python bench/bench_scalar_jit.py [--n 1000000] [--repeat 20]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

USER_CODE = '''
import numba

@numba.njit(cache=True)
def p(x):
    return 2.0 * x ** 3 - 3.0 * x ** 2 + 5.0

@numba.njit(cache=True)
def f(x):
    return p(p(p(x)))
'''


def _write_user_module(folder):
    path = os.path.join(folder, "lab_poly.py")
    with open(path, "w") as fh:
        fh.write(USER_CODE)
    return path


def best_of(fn, *args, repeat=20):
    fn(*args)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return min(times)


def hand_written():
    import numba
    from numba import prange

    @numba.njit
    def p_dp(a):
        return 2.0 * a ** 3 - 3.0 * a ** 2 + 5.0, 6.0 * a * a - 6.0 * a

    @numba.njit
    def p_dp_ddp(a):
        return 2.0 * a ** 3 - 3.0 * a ** 2 + 5.0, 6.0 * a * a - 6.0 * a, 12.0 * a - 6.0

    @numba.njit
    def d1(a):
        b, db = p_dp(a)
        c, dc = p_dp(b)
        _, dd = p_dp(c)
        return dd * dc * db

    @numba.njit
    def d2(a):
        # (h o g o k)'' with the chain rule twice, by hand.
        b, db, ddb = p_dp_ddp(a)
        c, dc, ddc = p_dp_ddp(b)
        _, dd, ddd = p_dp_ddp(c)
        g1 = dc * db
        g2 = ddc * db * db + dc * ddb
        return ddd * g1 * g1 + dd * g2

    def elementwise(d):
        def loop(x):
            out = np.empty_like(x)
            for i in prange(x.size):  # a plain range in the serial version
                out[i] = d(x[i])
            return out
        return numba.njit(loop), numba.njit(parallel=True)(loop)

    serial, parallel = elementwise(d1)
    serial2, parallel2 = elementwise(d2)
    return serial, parallel, parallel2, serial2


def latency(mode, folder):
    """First call of da.derivative(f) in a fresh process (the cache in ``folder``)."""
    code = textwrap.dedent('''
        import sys, time
        t0 = time.perf_counter()
        import numpy as np, numba
        import dualad as da
        sys.path.insert(0, {folder!r})
        import lab_poly
        t1 = time.perf_counter()
        da.derivative(lab_poly.f)(0.3)
        t2 = time.perf_counter()
        da.derivative(lab_poly.f)(np.linspace(0, 1, 1000))
        t3 = time.perf_counter()
        print(t1 - t0, t2 - t1, t3 - t2)
    ''').format(folder=folder)
    env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(folder, "cache"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    return [float(v) for v in out.stdout.split()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    import numba
    import dualad as da

    folder = tempfile.mkdtemp(prefix="dualad_bench_")
    _write_user_module(folder)
    sys.path.insert(0, folder)
    import lab_poly

    x = np.linspace(-0.6, 1.1, args.n)
    serial, parallel, parallel2, hand_serial2 = hand_written()
    df = da.derivative(lab_poly.f)
    d2f = da.derivative(lab_poly.f, 2)
    for got, want in ((df(x), parallel(x)), (d2f(x), parallel2(x))):
        # Near the zeros of f' the terms cancel: compare at the array's scale.
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12 * np.abs(want).max())

    print(f"f(x) = p(p(p(x))), p(x) = 2x^3 - 3x^2 + 5; {args.n:.0e} points, "
          f"{numba.config.NUMBA_NUM_THREADS} threads, best of {args.repeat}")
    from dualad._backends import derivative as _compiled
    t_da = best_of(df, x, repeat=args.repeat)
    t_par = best_of(parallel, x, repeat=args.repeat)
    t_da2 = best_of(d2f, x, repeat=args.repeat)
    t_par2 = best_of(parallel2, x, repeat=args.repeat)
    threshold = _compiled.PARALLEL_MIN_SIZE
    _compiled.PARALLEL_MIN_SIZE = x.size + 1  # force dualad's serial loop
    t_das = best_of(df, x, repeat=args.repeat)
    t_das2 = best_of(d2f, x, repeat=args.repeat)
    _compiled.PARALLEL_MIN_SIZE = threshold
    t_ser = best_of(serial, x, repeat=args.repeat)
    t_ser2 = best_of(hand_serial2, x, repeat=args.repeat)
    rows = (("f' ", "parallel", t_da, t_par), ("f' ", "serial  ", t_das, t_ser),
            ("f''", "parallel", t_da2, t_par2), ("f''", "serial  ", t_das2, t_ser2))
    print("          dualad da.derivative(f, k)(x)   hand-written numba   ratio")
    for what, mode, t_d, t_h in rows:
        print(f"  {what} {mode}  {t_d * 1e3:10.2f} ms {t_h * 1e3:20.2f} ms   "
              f"{t_d / t_h:6.2f}x")

    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        print("  JAX: not installed, skipped")
    else:
        jax.config.update("jax_enable_x64", True)

        def pj(v):
            return 2.0 * v ** 3 - 3.0 * v ** 2 + 5.0

        g = jax.jit(jax.vmap(jax.grad(lambda v: pj(pj(pj(v))))))
        xj = jnp.asarray(x)
        g(xj).block_until_ready()
        t_jax = best_of(lambda v: g(v).block_until_ready(), xj, repeat=args.repeat)
        print(f"  f'  JAX jit(vmap(grad(f))): {t_jax * 1e3:.2f} ms; dualad (best of serial, "
              f"parallel) / JAX = {min(t_da, t_das) / t_jax:.2f}x")

    fresh = tempfile.mkdtemp(prefix="dualad_latency_")
    _write_user_module(fresh)
    cold = latency("cold", fresh)
    warm = latency("cached", fresh)
    print("  first call latency, fresh process (import | scalar f' | array f'):")
    print(f"    cold cache      {cold[0]:6.2f} s | {cold[1]:6.2f} s | {cold[2]:6.2f} s")
    print(f"    cache=True warm {warm[0]:6.2f} s | {warm[1]:6.2f} s | {warm[2]:6.2f} s")


if __name__ == "__main__":
    main()
