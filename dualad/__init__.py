"""dualad: forward-mode automatic differentiation with dual and hyper-dual numbers.

Plain Python and NumPy functions differentiate as written; ``@numba.njit``
functions run compiled on dual numbers, unchanged.

>>> import dualad as da
>>> da.derivative(lambda x: x * x * da.sin(x))(1.0) == 2.0 * da.sin(1.0) + da.cos(1.0)
True
"""
from ._version import __version__
from ._rules import FUNCTIONS as _FUNCTIONS, RULES as _RULES
from ._rules import where, polygamma, digamma
from ._scalar import Dual, HyperDual
from ._array import DualArray
from ._derivative import derivative
from ._transforms import jacobian, jacfwd, grad, hessian, jvp, value_and_grad
from ._vmap import vmap
from ._check import check_derivatives
from ._extend import register, custom_derivative

# Elementary functions, mirroring the names of Python's math module.
globals().update({name: fn for name, fn in _FUNCTIONS.items() if name != "log_base"})
abs = _FUNCTIONS["fabs"]  # noqa: A001  (da.abs mirrors np.abs)

ELEMENTARY = tuple(sorted(name for name in _FUNCTIONS if name != "log_base"))

__all__ = [
    "Dual", "HyperDual", "DualArray",
    "derivative", "grad", "jacobian", "jacfwd", "hessian", "jvp", "value_and_grad",
    "vmap", "check_derivatives", "register", "custom_derivative",
    "where", "polygamma", "digamma", "abs",
    *ELEMENTARY,
]

# Duals inside @numba.njit code: registered now if numba is loaded, else the
# first time numba meets a dual (its typeof looks up ``_numba_type_``).
def _numba_type_(self):
    from . import _jit  # noqa: F401  (registers typeof for Dual and HyperDual)
    import numba
    return numba.typeof(self)


def _no_numba_type(self):
    raise TypeError(
        "a DualArray (dualad's NumPy array of duals) cannot enter numba-compiled code. "
        "Differentiate the compiled function itself (da.jacobian(njit_f), "
        "da.hessian(njit_f)); compositions of transforms of a numba function, such as "
        "jacobian(jacobian(njit_f)), are not compiled yet: use da.hessian(njit_f) for "
        "second derivatives of a scalar function, or a plain NumPy version of f.")


Dual._numba_type_ = HyperDual._numba_type_ = property(_numba_type_)
DualArray._numba_type_ = property(_no_numba_type)
import sys as _sys  # noqa: E402
if "numba" in _sys.modules:
    from . import _jit  # noqa: F401,E402
del _sys, _numba_type_, _no_numba_type
