"""Plain-Python scalar derivative: dualad vs num-dual (if installed).

    python bench/bench_python_scalar.py [rounds]

One first derivative of two scalar functions, through dualad's plain-Python
Dual (no numba) and num-dual's ``first_derivative``:

- ``mixed``: x*x*sin(x) + exp(x)/(1+x*x) - sqrt(x) at x = 1.3 (issue 2's expression);
- ``eos``: the reduced Helmholtz energy of a hard-sphere + dispersion fluid as a
  function of density (Carnahan-Starling term, a temperature-scaled attraction,
  log/exp/pow), the kind of term scientists differentiate for a pressure.

dualad is timed with the transform built once (``df = da.derivative(f)``), built
per call (``da.derivative(f)(x)``, kept per function, issue 12) and with the
NumPy spelling (``np.sin`` on a scalar Dual, through ``__array_ufunc__``) and the
``math`` spelling (``math.sin``: f run as its copy that sees dualad's functions,
``_transforms.traceable``). The
methods are timed in turns (each once per round, the minimum over the rounds
kept: ``_common.interleaved``), so load on a shared machine hits all alike.
Target (issues 2, 12): every dualad ratio <= 1.0x num-dual.
"""
import math
import sys

import numpy as np

import dualad as da
from _common import interleaved, optional, table


def mixed(x):
    return x * x * da.sin(x) + da.exp(x) / (1 + x * x) - da.sqrt(x)


def mixed_numpy(x):
    return x * x * np.sin(x) + np.exp(x) / (1 + x * x) - np.sqrt(x)


def mixed_math(x):
    return x * x * math.sin(x) + math.exp(x) / (1 + x * x) - math.sqrt(x)


def mixed_nd(x):
    return x * x * x.sin() + x.exp() / (1 + x * x) - x.sqrt()


def mixed_exact(x):
    return (2 * x * math.sin(x) + x * x * math.cos(x)
            + math.exp(x) / (1 + x * x) - 2 * x * math.exp(x) / (1 + x * x) ** 2
            - 0.5 / math.sqrt(x))


# Hard spheres of diameter 1 at reduced temperature T: packing fraction
# eta = pi/6 rho, Carnahan-Starling a_hs = (4 eta - 3 eta^2)/(1 - eta)^2, an
# attraction -eps/T rho exp(-rho^1.5)... and the ideal-gas log(rho) - 1.
T = 1.35
C_ETA = math.pi / 6


def eos(rho):
    eta = C_ETA * rho
    a_hs = (4 * eta - 3 * eta ** 2) / (1 - eta) ** 2
    a_disp = -(2.1 / T) * rho * da.exp(-(rho ** 1.5)) * (1 + 0.3 * da.log(1 + rho))
    return da.log(rho) - 1 + a_hs + a_disp


def eos_numpy(rho):
    eta = C_ETA * rho
    a_hs = (4 * eta - 3 * eta ** 2) / (1 - eta) ** 2
    a_disp = -(2.1 / T) * rho * np.exp(-(rho ** 1.5)) * (1 + 0.3 * np.log(1 + rho))
    return np.log(rho) - 1 + a_hs + a_disp


def eos_nd(rho):
    eta = C_ETA * rho
    a_hs = (4 * eta - 3 * eta.powi(2)) / (1 - eta).powi(2)
    a_disp = -(2.1 / T) * rho * (-rho.powf(1.5)).exp() * (1 + 0.3 * (1 + rho).log())
    return rho.log() - 1 + a_hs + a_disp


def eos_reference(rho):
    """The derivative by mpmath at 30 digits (central differences if mpmath is absent)."""
    mp = optional("mpmath")
    if mp is None:
        h = 1e-5
        return (eos_float(rho + h) - eos_float(rho - h)) / (2 * h)
    mp.mp.dps = 30
    return float(mp.diff(lambda r: eos_float(r, mp), mp.mpf(rho)))


def eos_float(rho, m=math):
    eta = C_ETA * rho
    a_hs = (4 * eta - 3 * eta ** 2) / (1 - eta) ** 2
    a_disp = -(2.1 / T) * rho * m.exp(-(rho ** 1.5)) * (1 + 0.3 * m.log(1 + rho))
    return m.log(rho) - 1 + a_hs + a_disp


CASES = [("mixed", 1.3, mixed, mixed_numpy, mixed_math, mixed_nd, mixed_exact),
         ("eos", 0.45, eos, eos_numpy, eos_float, eos_nd, eos_reference)]


def main(rounds=15):
    nd = optional("num_dual")
    for name, x, f, f_np, f_math, f_nd, reference in CASES:
        want = reference(x)
        df, df_np, df_math = da.derivative(f), da.derivative(f_np), da.derivative(f_math)
        for got in (df(x), df_np(x), df_math(x), da.derivative(f)(x)):
            assert abs(got - want) <= 1e-13 * abs(want), (name, got, want)
        methods = [("dualad derivative (da.sin ...)", lambda: df(x)),
                   ("dualad da.derivative(f)(x) per call", lambda: da.derivative(f)(x)),
                   ("dualad derivative (np.sin ...)", lambda: df_np(x)),
                   ("dualad derivative (math.sin ...)", lambda: df_math(x))]
        if nd is not None:
            assert abs(nd.first_derivative(f_nd, x)[1] - want) <= 1e-13 * abs(want)
            methods.append(("num-dual first_derivative", lambda: nd.first_derivative(f_nd, x)))
        times = interleaved([m for _, m in methods], rounds=rounds)
        rows = [(label, t) for (label, _), t in zip(methods, times)]
        if nd is None:
            rows.append(("num-dual (not installed)", None))
        table(f"{name} at {x}: one scalar derivative in plain Python (lower is better; "
              f"{rounds} interleaved rounds, min kept)", rows,
              "num-dual first_derivative" if nd is not None else rows[0][0])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
