"""The ladders valid for complex arguments (``Rule.complex_ladder``).

Where a holomorphic rule's real ladder uses a real-only primitive (minimum,
hypot, a sign test), its complex ladder is here; every other holomorphic
rule's real ladder is already plain holomorphic arithmetic and serves complex
arguments as it is. Same conventions as ``ladders`` (whose ``rebinder``
rebinds these too: they call only the elementary names imported below).
Inverse functions use the product of two principal square roots, so that
their derivative has the same branch cut as the function (NumPy's, C99's).
"""
from .elementary import (  # noqa: F401  (the names the ladders call)
    acos, acosh, asin, asinh, log, pow, sqrt, tanh, where)


def _tanh_c(x):
    t = tanh(x)
    d = 1.0 - t * t
    return t, d, -2.0 * t * d


def _asin_c(x):
    d = 1.0 / (sqrt(1.0 - x) * sqrt(1.0 + x))
    return asin(x), d, x * d * d * d


def _acos_c(x):
    d = -1.0 / (sqrt(1.0 - x) * sqrt(1.0 + x))
    return acos(x), d, x * d * d * d


def _asinh_c(x):
    # asinh(z) = -i asin(i z): the cut of 1/sqrt(1 + z*z) is that of asinh
    d = 1.0 / (sqrt(1.0 - 1j * x) * sqrt(1.0 + 1j * x))
    return asinh(x), d, -x * d * d * d


def _acosh_c(x):
    d = 1.0 / (sqrt(x - 1.0) * sqrt(x + 1.0))
    return acosh(x), d, -x * d * d * d


# pow of complex arguments: the complex primitive returns NumPy's inf/nan at
# 0**(negative or complex) instead of raising, and ``where`` drops the
# coefficient-0 terms (c == 0, or c == 1 for the second derivative).
def _pow_x_c(x, c):
    f = pow(x, c)
    d1 = where(c == 0.0, 0.0 * x, c * pow(x, c - 1.0))
    cc = c * (c - 1.0)
    d2 = where(cc == 0.0, 0.0 * x, cc * pow(x, c - 2.0))
    return f, d1, d2


def _pow_c(x, y):
    f, fx, fxx = _pow_x_c(x, y)
    lx = log(where(x == 0.0, 1.0, x))
    fy = f * lx
    return f, fx, fy, fxx, pow(x, y - 1.0) * (1.0 + y * lx), fy * lx
