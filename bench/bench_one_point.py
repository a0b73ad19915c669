"""A compiled Jacobian or gradient at one point, called from Python over and over.

    python bench/bench_one_point.py [--quick]

What a stiff solver's ``jac=`` or an optimizer's ``jac=`` / ``hess=`` does: thousands of
calls at one point each, where the call's own cost is most of the time. Each
workload is timed for dualad (``da.jacobian(njit_f)``, ``da.grad``, ``da.hessian``: from the
second call at arguments of the same kinds, vmap's compiled loop on one row,
``_backends/one_point``), the same transform's general path (what every call
cost before, and what the first call still runs), hand-written numba
derivative code called from Python, and JAX ``jit(jacfwd)`` / ``jit(grad)``
when installed; each method once per round, rounds interleaved, the minimum
kept (``_common.interleaved``), ratios to the hand-written code. Then
``scipy.integrate.solve_ivp(method="BDF")`` on the Robertson problem to t = 40
with ``jac=`` each way and with no ``jac`` (SciPy's finite differences): the
solver's whole wall time.
"""
import sys

import numpy as np
from numba import njit

import dualad as da
from _common import interleaved, optional
from bench_transforms import _lorenz96_jac_point, _rosen_hess_point, jax_models, \
    lorenz96 as l96, rosen_grad_hand, rosenbrock as rosen

QUICK = "--quick" in sys.argv
ROUNDS = 5 if QUICK else 15

jax = optional("jax")
if jax is not None:
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)


@njit(cache=True)
def robertson(t, y):
    return np.array([-0.04 * y[0] + 1e4 * y[1] * y[2],
                     0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2,
                     3e7 * y[1] ** 2])


@njit(cache=True)
def robertson_jac(t, y):
    return np.array([[-0.04, 1e4 * y[2], 1e4 * y[1]],
                     [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
                     [0.0, 6e7 * y[1], 0.0]])


@njit(cache=True)
def l96_jac(x):
    J = np.empty((x.shape[0], x.shape[0]))
    _lorenz96_jac_point(x, J)
    return J


@njit(cache=True)
def rosen_hess(x):
    H = np.empty((x.shape[0], x.shape[0]))
    _rosen_hess_point(x, H)
    return H


@njit(cache=True)
def rosen_grad(x):
    return rosen_grad_hand(x.reshape(1, -1))[0]


def _jax_versions():
    if jax is None:
        return {}

    def rob(y):
        return jnp.array([-0.04 * y[0] + 1e4 * y[1] * y[2],
                          0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2, 3e7 * y[1] ** 2])

    l96j, rosj = jax_models(jnp)
    return {"robertson": jax.jit(jax.jacfwd(rob)), "l96": jax.jit(jax.jacfwd(l96j)),
            "rosen": jax.jit(jax.grad(rosj)), "rosen_hess": jax.jit(jax.hessian(rosj))}


def _general(g):
    """The transform's general compiled path, every call (no one-point record)."""
    from dualad._backends.point import compiled_transform
    return lambda *args: compiled_transform(g.spec, args)


def per_call(jx):
    y = np.array([1.0, 1e-4, 1e-2])
    x8 = np.linspace(0.5, 1.5, 8)
    x64 = np.linspace(-0.5, 1.5, 64)
    x16 = np.linspace(-0.5, 1.5, 16)
    cases = [
        ("Jacobian of the Robertson RHS (3 x 3)", da.jacobian(robertson, argnums=1),
         (0.0, y), lambda: robertson_jac(0.0, y), "robertson", (y,)),
        ("Jacobian of Lorenz-96 + Arrhenius, n = 8", da.jacobian(l96), (x8,),
         lambda: l96_jac(x8), "l96", (x8,)),
        ("gradient of Rosenbrock, n = 64", da.grad(rosen), (x64,), lambda: rosen_grad(x64),
         "rosen", (x64,)),
        ("Hessian of Rosenbrock, n = 16", da.hessian(rosen), (x16,), lambda: rosen_hess(x16),
         "rosen_hess", (x16,)),
    ]
    for title, g, args, hand, jname, jargs in cases:
        ref = hand()
        np.testing.assert_allclose(g(*args), ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(g(*args), _general(g)(*args) if g.kind != "grad"
                                      else _general(g)(*args)[1])
        general = _general(g)
        names = ["hand-written numba", "dualad", "dualad, general path (first call)"]
        fns = [hand, lambda: g(*args), lambda: general(*args)]
        if jname in jx:
            jf, ja = jx[jname], [jnp.asarray(a) for a in jargs]
            np.testing.assert_allclose(np.asarray(jf(*ja)), ref, rtol=1e-12, atol=1e-12)
            names.append("JAX jit")
            fns.append(lambda: jf(*ja).block_until_ready())
        times = interleaved(fns, ROUNDS)
        print(f"\n{title}, one point per call")
        for name, t in zip(names, times):
            print(f"  {name:36s} {t * 1e6:9.2f} us   {t / times[0]:6.2f}x hand-written")


def solve_ivp_robertson():
    from scipy.integrate import solve_ivp
    y0 = np.array([1.0, 0.0, 0.0])
    jac = da.jacobian(robertson, argnums=1)
    runs = {"jac = hand-written numba": robertson_jac, "jac = da.jacobian(rhs)": jac,
            "no jac (SciPy's finite differences)": None}
    sols = {}

    def solve(j):
        return solve_ivp(robertson, (0.0, 40.0), y0, method="BDF", rtol=1e-8, atol=1e-10,
                         jac=j)
    for name, j in runs.items():
        sols[name] = solve(j)
    for name, s in sols.items():
        assert s.success and abs(s.y[0, -1] - 0.7158) < 1e-3, (name, s.y[0, -1])
    fns = [lambda j=j: solve(j) for j in runs.values()]
    times = interleaved(fns, 3 if QUICK else 7)
    print("\nsolve_ivp(BDF) of Robertson to t = 40, rtol 1e-8 (y1(40) = "
          f"{sols['jac = da.jacobian(rhs)'].y[0, -1]:.4f}; Jacobian evaluations "
          f"{sols['jac = da.jacobian(rhs)'].njev})")
    for name, t in zip(runs, times):
        print(f"  {name:36s} {t * 1e3:9.2f} ms   {t / times[0]:6.2f}x hand-written")


def main():
    per_call(_jax_versions())
    solve_ivp_robertson()


if __name__ == "__main__":
    main()
