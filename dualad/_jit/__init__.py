"""dualad's numbers inside ``@numba.njit`` code (and, through target="generic"
registrations, inside numba-cuda kernels).

Importing this package registers the numba types of ``Dual`` and
``HyperDual``, their operators and every function of the rule table. It is
imported by ``import dualad`` when numba is already loaded, and by numba's
extension entry point otherwise.

Inside nopython code::

    d = Dual(x, 1.0)               # Dual[float64, 1]: value and one partial
    g = Dual(x, (1.0, 0.0, 0.0))   # Dual[float64, 3]: vector partials
    s = seed(x, i, 3)              # Dual[float64, 3] seeded along direction i
    d.value, d.eps, d.partial(i), d.partials[i], len(g.partials), d.n
    h = HyperDual(x, 1.0, 1.0, 0.0); h.re, h.eps1, h.eps2, h.eps1eps2
"""
from . import types as _types  # noqa: F401  (registers the types)
from . import operators as _operators  # noqa: F401
from . import functions as _functions  # noqa: F401
from . import arrays as _arrays  # noqa: F401  (arrays of duals)
from .types import DualType, HyperDualType, PartialsType, STAMP
from .api import lift, partial, partial_at, partials_zero, seed, value_of
from .. import _extend

_extend.register_pending()

__all__ = ["DualType", "HyperDualType", "PartialsType", "STAMP",
           "seed", "partial", "partial_at", "lift", "partials_zero", "value_of"]


def _numba_init():
    """numba's extension entry point: importing this module is all it takes."""
