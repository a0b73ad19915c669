"""Spherical Bessel functions of an integer order: their ladders in z (``scipy_special``
builds their rules; ``dualad.scipy.special`` and the compiled path call them)."""
from types import FunctionType

import numpy as np

from .._core.base import DualNumber
from .scipy_ladders import _function


# Spherical Bessel functions of a constant integer order n, in z. With the
# same recurrence for j_n and y_n, f' = (n/z) f_n - f_{n+1}; i_n' = (n/z) i_n + i_{n+1},
# k_n' = (n/z) k_n - k_{n+1}. f'' from the differential equations
# z^2 f'' + 2z f' + (z^2 - n(n+1)) f = 0 (j, y) and with -(z^2 + n(n+1)) (i, k);
# f''' by differentiating them once more. The derivative=True functions (the
# ufuncs _spherical_jn_d & co.) have the ladder (f', f'', f''').

def _spherical_core(order, n, z):
    """(f, f', f'', f''') of the spherical Bessel function SPHERICAL_FN at the integer
    ``order`` (``n``: the same as a float); SPHERICAL_PLUS is the sign of f_{n+1} in f',
    SPHERICAL_SIGN that of z^2 in the equation. These three are globals: each function
    has its copy of this code (``spherical_core``), in Python and in nopython code."""
    f = SPHERICAL_FN(order, z)  # noqa: F821 (bound per function)
    d1 = n / z * f + SPHERICAL_PLUS * SPHERICAL_FN(order + 1, z)  # noqa: F821
    c = n * (n + 1.0) / (z * z) - SPHERICAL_SIGN  # noqa: F821 (f'' = -(2/z) f' + c f)
    d2 = -2.0 / z * d1 + c * f
    d3 = -2.0 / z * d2 + (2.0 / (z * z) + c) * d1 - 2.0 * n * (n + 1.0) / (z * z * z) * f
    return f, d1, d2, d3


SPHERICAL_SIGNS = {"spherical_jn": (-1.0, 1.0), "spherical_yn": (-1.0, 1.0),
                   "spherical_in": (1.0, -1.0), "spherical_kn": (-1.0, -1.0)}
"""name -> (the sign of f_{n+1} in f', the sign of z^2 in the differential equation)."""
SPHERICAL_REFLECTION = {"spherical_jn": 1.0, "spherical_yn": -1.0, "spherical_in": 1.0}
"""DLMF 10.47(v), as SciPy's wrappers: f_n(-z) = s (-1)^n f_n(z) with this s (even n);
spherical_kn has none (SciPy evaluates it in complex arithmetic there)."""


def spherical_core(name, fn, g=None):
    """``_spherical_core`` bound to the function ``fn`` of ``name`` (in the globals g)."""
    g = dict(globals() if g is None else g)
    plus, sign = SPHERICAL_SIGNS[name]
    g.update(SPHERICAL_FN=fn, SPHERICAL_PLUS=plus, SPHERICAL_SIGN=sign)
    code = _spherical_core
    return FunctionType(code.__code__, g, code.__name__, code.__defaults__, code.__closure__)


def _spherical(name):
    """The ladders of a spherical Bessel function f_n(z), and of its derivative."""
    core = spherical_core(name, _function(name))

    def derivatives(n, z):
        # n: an integer constant (maybe handed over as a float) for the ufuncs, and in
        # z's float type for the arithmetic (a float32 z stays float32)
        n = np.asarray(n).astype(np.dtype("long"))
        inner = z
        while isinstance(inner, DualNumber):
            inner = inner._primal()
        dtype = np.result_type(inner, np.float32)
        order, n = (int(n), float(n)) if n.ndim == 0 else (n, n.astype(dtype))
        return core(order, n, z)

    def ladder(n, z):
        return derivatives(n, z)[:3]

    def ladder_d(n, z):
        return derivatives(n, z)[1:]
    return ladder, ladder_d


_spherical_jn, _spherical_jn_d = _spherical("spherical_jn")
_spherical_yn, _spherical_yn_d = _spherical("spherical_yn")
_spherical_in, _spherical_in_d = _spherical("spherical_in")
_spherical_kn, _spherical_kn_d = _spherical("spherical_kn")
