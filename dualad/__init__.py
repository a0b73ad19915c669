"""dualad: forward-mode automatic differentiation with dual and hyper-dual numbers.

Plain Python and NumPy functions differentiate as written; ``@numba.njit``
functions run compiled on dual numbers, unchanged.

The package is layered (docs/architecture.md); each layer imports only the
ones below it, a contract checked in CI (import-linter, pyproject.toml):
``_core`` -> ``_rules`` -> ``_numbers`` -> ``_extend`` -> ``_jit`` -> ``_backends``
-> ``_transforms``. This module re-exports the public names, explicitly.

>>> import dualad as da
>>> da.derivative(lambda x: x * x * da.sin(x))(1.0) == 2.0 * da.sin(1.0) + da.cos(1.0)
True
"""
import sys as _sys

from ._version import __version__
from ._rules.elementary import (  # the elementary functions, named as in math
    sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, exp, exp2,
    expm1, log, log2, log10, log1p, sqrt, cbrt, erf, erfc, gamma, lgamma, fabs, degrees,
    radians, floor, ceil, trunc, round, sign, atan2, hypot, pow, copysign, fmod,
    floordiv, mod, maximum, minimum, fmax, fmin)
from ._rules.elementary import digamma, polygamma, where
from ._rules.table import RULES as _RULES
from ._numbers import Dual, DualArray, HyperDual, Taylor
from ._extend import custom_derivative, register
from ._transforms.derivative import derivative
from ._transforms.taylor import jet, taylor
from ._transforms.jvp import jvp
from ._transforms.multivariate import grad, value_and_grad
from ._transforms.patterns import hessian_sparsity, sparsity
from ._transforms.sparse import hessian, jacfwd, jacobian
from ._transforms.vmap import vmap
from ._transforms.check import check_derivatives

abs = fabs  # noqa: A001  (da.abs mirrors np.abs)

ELEMENTARY = tuple(sorted(r.name for r in _RULES if r.name != "log_base"))
"""The names of the elementary functions (one per rule of the table, ``log`` with a base)."""

__all__ = [
    "Dual", "HyperDual", "DualArray", "Taylor",
    "derivative", "taylor", "jet",
    "grad", "jacobian", "jacfwd", "hessian", "jvp", "value_and_grad",
    "sparsity", "hessian_sparsity",
    "vmap", "check_derivatives", "register", "custom_derivative",
    "where", "polygamma", "digamma", "abs",
    *ELEMENTARY,
]


# Duals inside @numba.njit code: registered now if numba is loaded, else the
# first time numba meets a dual (its typeof looks up ``_numba_type_``). This
# module is the only place above every layer, so the lazy import of the numba
# layer that the number types need lives here.
def _numba_type_(self):
    from . import _jit  # noqa: F401  (registers typeof for Dual and HyperDual)
    import numba
    return numba.typeof(self)


def _no_numba_type(self):
    raise TypeError(
        "a DualArray (dualad's NumPy array of duals) cannot enter numba-compiled code. "
        "Differentiate the compiled function itself (da.jacobian(njit_f), "
        "da.hessian(njit_f)); to fix some of its arguments, select the others with "
        "argnums (da.jacobian(rhs, argnums=1)(t, x)) or compile the wrapper too "
        "(da.jacobian(numba.njit(lambda x: rhs(0.0, x)))). Of the compositions of "
        "transforms of a numba function, jacobian(jacobian(njit_f)), "
        "jacobian(grad(njit_f)) and da.hessian(njit_f) are compiled; for others, use "
        "a plain NumPy version of f.")


Dual._numba_type_ = HyperDual._numba_type_ = property(_numba_type_)
DualArray._numba_type_ = property(_no_numba_type)
if "numba" in _sys.modules:
    from . import _jit  # noqa: F401,E402
del _numba_type_, _no_numba_type
