"""Issue 9's benchmark: NumPy and SciPy code differentiated unchanged, against JAX.

Run ``python bench/bench_numpy_scipy.py`` (``--quick``: fewer rounds). It prints,
for each workload, the best time of each method over rounds in which the
methods take turns (so load changes on a shared machine hit all alike), and
ratios to the plain NumPy evaluation of the function and to JAX:

1. the Jacobian of ``np.tanh(A @ x)``, A 200x50: ``da.jacobian`` against the
   hand-written ``sech(Ax)**2 [:, None] * A`` and JAX ``jit(jacfwd)``;
2. the Hessian (n = 20) of a log-likelihood written with scipy.special, as
   scipy.stats would compute it: a probit model ``sum(log_ndtr(y * (X @ w)))``
   (``scipy.stats.norm.logcdf``) with a Student-t prior on the weights
   (``scipy.stats.t.logpdf``, by ``gammaln`` and ``log1p``), X 200x20:
   ``da.hessian`` against JAX ``jit(hessian)`` (jax.scipy.special).

JAX's compilation is excluded (its first call is printed apart). Values are
checked against scipy.stats, and dualad's derivatives against JAX's.
"""
import argparse
import os
import sys
import time

import numpy as np
import scipy.special as sp
import scipy.stats as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dualad as da  # noqa: E402
from _common import fmt_time, optional  # noqa: E402
from bench_numpy import interleaved  # noqa: E402

jax = optional("jax")
if jax is not None:
    import jax.numpy as jnp
    import jax.scipy.special as jsp
    jax.config.update("jax_enable_x64", True)


def report(title, names, times, base):
    print(f"\n{title}")
    t0 = times[names.index(base)]
    jax_t = next((t for n, t in zip(names, times) if n.startswith("JAX")), None)
    for name, t in zip(names, times):
        vs_jax = f"   {t / jax_t:6.2f}x JAX" if jax_t else ""
        print(f"  {name:36s} {fmt_time(t)}   {t / t0:7.2f}x first row{vs_jax}")


def first_call(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def bench_tanh(rounds):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((200, 50)) / 7
    x = rng.standard_normal(50)
    jac = da.jacobian(lambda v: np.tanh(a @ v))
    hand = lambda: (1.0 / np.cosh(a @ x) ** 2)[:, None] * a  # noqa: E731
    extra = f" (dualad first call {first_call(lambda: jac(x)) * 1e3:.1f} ms)"
    np.testing.assert_allclose(jac(x), hand(), rtol=1e-13, atol=1e-15)
    names, fs = ["hand-written sech^2(Ax)[:, None] A", "dualad da.jacobian"], [hand, lambda: jac(x)]
    if jax is not None:
        aj, xj = jnp.asarray(a), jnp.asarray(x)
        jf = jax.jit(jax.jacfwd(lambda v: jnp.tanh(aj @ v)))
        extra += f" (JAX first call {first_call(lambda: jf(xj).block_until_ready()) * 1e3:.0f} ms)"
        np.testing.assert_allclose(jac(x), np.asarray(jf(xj)), rtol=1e-13, atol=1e-15)
        names.append("JAX jit(jacfwd)")
        fs.append(lambda: jf(xj).block_until_ready())
    report("1. Jacobian of np.tanh(A @ x), A 200x50" + extra, names,
           interleaved(fs, rounds, 20), names[0])


NU = 3.0


def loglik(w, X, y):
    """Probit log-likelihood with a Student-t(3) prior on w, written with scipy.special."""
    data = np.sum(sp.log_ndtr(y * (X @ w)))
    c = sp.gammaln((NU + 1) / 2) - sp.gammaln(NU / 2) - 0.5 * np.log(NU * np.pi)
    prior = np.sum(c - (NU + 1) / 2 * np.log1p(w * w / NU))
    return data + prior


def bench_loglik(rounds):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 20)) / 3
    y = np.where(rng.uniform(size=200) < 0.5, -1.0, 1.0)
    w = 0.3 * rng.normal(size=20)
    ref = np.sum(st.norm.logcdf(y * (X @ w))) + np.sum(st.t.logpdf(w, NU))
    assert abs(loglik(w, X, y) - ref) <= 1e-12 * abs(ref), "not scipy.stats' log-likelihood"
    hess = da.hessian(loglik)
    extra = f" (dualad first call {first_call(lambda: hess(w, X, y)) * 1e3:.1f} ms)"
    H = hess(w, X, y)
    names = ["NumPy/SciPy loglik(w) (value only)", "dualad da.hessian"]
    fs = [lambda: loglik(w, X, y), lambda: hess(w, X, y)]
    if jax is not None:
        Xj, yj = jnp.asarray(X), jnp.asarray(y)

        def jloglik(w):
            data = jnp.sum(jsp.log_ndtr(yj * (Xj @ w)))
            c = jsp.gammaln((NU + 1) / 2) - jsp.gammaln(NU / 2) - 0.5 * jnp.log(NU * jnp.pi)
            return data + jnp.sum(c - (NU + 1) / 2 * jnp.log1p(w * w / NU))
        jh = jax.jit(jax.hessian(jloglik))
        wj = jnp.asarray(w)
        extra += f" (JAX first call {first_call(lambda: jh(wj).block_until_ready()) * 1e3:.0f} ms)"
        np.testing.assert_allclose(H, np.asarray(jh(wj)), rtol=1e-10, atol=1e-12)
        names.append("JAX jit(hessian)")
        fs.append(lambda: jh(wj).block_until_ready())
    report("2. Hessian, n=20, of a probit + Student-t log-likelihood (scipy.special), "
           "X 200x20" + extra, names, interleaved(fs, rounds, 5), names[0])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    rounds = 3 if p.parse_args().quick else 7
    print(f"best of {rounds} interleaved rounds; lower is better")
    if jax is None:
        print("(JAX not installed: its rows are left out)")
    bench_tanh(rounds)
    bench_loglik(rounds)


if __name__ == "__main__":
    main()
