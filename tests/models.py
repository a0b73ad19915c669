"""Test functions shared by several test files, each with its hand-derived derivatives.

Compiled (``@njit``, written for floats as users write them) and NumPy
versions of the same functions, so the compiled and Python paths can be
checked against each other and against closed forms.
"""
import math

import numpy as np
from numba import njit
from numba.core.errors import TypingError
from numba.extending import overload

from dualad._jit.types import Dual2Type


@njit
def rosen(x):
    """Extended Rosenbrock function, a loop accumulating ``s += ...``."""
    s = 0.0
    for i in range(x.shape[0] - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        s += 100.0 * a * a + b * b
    return s


def rosen_numpy(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosen_grad(x):
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return g


def rosen_hess(x):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        H[i, i + 1] += -400.0 * x[i]
        H[i + 1, i] += -400.0 * x[i]
        H[i + 1, i + 1] += 200.0
    return H


@njit
def l96(x):
    """Lorenz-96 right-hand side with an Arrhenius-style term (issue 3's benchmark)."""
    n = x.shape[0]
    out = np.empty_like(x)
    for i in range(n):
        xp = x[(i + 1) % n]
        out[i] = ((xp - x[i - 2]) * x[i - 1] - x[i] + 8.0
                  + 0.1 * math.exp(-1.0 / x[i]) * math.log(1.0 + xp * xp))
    return out


def l96_numpy(x):
    xp = np.roll(x, -1)
    return (xp - np.roll(x, 2)) * np.roll(x, 1) - x + 8.0 + 0.1 * np.exp(-1.0 / x) * np.log(
        1.0 + xp * xp)


def refuse_dual2(x):
    """x itself; typing fails for Dual2 numbers (a function with no Dual2 version)."""


@overload(refuse_dual2, target="generic")
def _refuse_dual2(x):
    if isinstance(x, Dual2Type):
        raise TypingError("refuse_dual2: no Dual2 implementation (test)")
    return lambda x: x


@njit
def cubic_chain(x):
    """sum x_i**3 x_{i-1}, through refuse_dual2: it compiles on nested duals only."""
    s = 0.0
    for i in range(x.shape[0]):
        s += refuse_dual2(x[i]) ** 3 * x[i - 1]
    return s
