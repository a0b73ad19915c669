"""Hessian of a log-likelihood written with scipy.special, n = 20 parameters.

Run ``python bench/bench_scipy_special.py``. Logistic regression,
L(w) = sum(log_expit(y * (X @ w))) with X 200x20: ``da.hessian`` (nested
DualArrays through the scipy.special rules) against the closed form
-X^T diag(expit(z) expit(-z)) X (plain NumPy) and JAX ``jit(hessian)`` when
installed (its compilation excluded). Prints times and ratios.
"""
import os
import sys

import numpy as np
import scipy.special as sp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dualad as da  # noqa: E402
from _common import best_time, optional, table  # noqa: E402

rng = np.random.default_rng(0)
X = rng.normal(size=(200, 20))
y = np.where(rng.uniform(size=200) < 0.5, -1.0, 1.0)
w = 0.1 * rng.normal(size=20)


def loglik(w):
    return np.sum(sp.log_expit(y * (X @ w)))


def closed_form(w):
    z = y * (X @ w)
    s = sp.expit(z) * sp.expit(-z)
    return -(X.T * s) @ X


H = da.hessian(loglik)(w)
assert np.allclose(H, closed_form(w), rtol=1e-12, atol=1e-12), "Hessian mismatch"
rows = [("closed form (NumPy)", best_time(lambda: closed_form(w))),
        ("da.hessian", best_time(lambda: da.hessian(loglik)(w)))]
jax = optional("jax")
if jax is not None:
    import jax.numpy as jnp
    from jax.scipy.special import expit as jexpit  # noqa: F401
    jax.config.update("jax_enable_x64", True)
    Xj, yj = jnp.asarray(X), jnp.asarray(y)
    jh = jax.jit(jax.hessian(lambda w: jnp.sum(-jnp.logaddexp(0.0, -yj * (Xj @ w)))))
    jh(w).block_until_ready()
    rows.append(("JAX jit(hessian)", best_time(lambda: jh(w).block_until_ready())))
else:
    rows.append(("JAX jit(hessian) (not installed)", None))
table("Hessian of a logistic log-likelihood, n=20, 200 samples", rows, "closed form (NumPy)")
