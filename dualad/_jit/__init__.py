"""dualad's numbers inside ``@numba.njit`` code (and, through target="generic"
registrations, inside numba-cuda kernels).

Importing this package registers the numba types of ``Dual`` and
``HyperDual``, their operators and every function of the rule table. It is
imported by ``import dualad`` when numba is already loaded, else the first
time numba types a Python dual (``Dual._numba_type_``), and by numba's
extension entry point ``_numba_init`` where the package declares it.

Inside nopython code::

    d = Dual(x, 1.0)               # Dual[float64, 1]: value and one partial
    g = Dual(x, (1.0, 0.0, 0.0))   # Dual[float64, 3]: vector partials
    s = seed(x, i, 3)              # Dual[float64, 3] seeded along direction i
    d.value, d.eps, d.partial(i), d.partials[i], len(g.partials), d.n
    h = HyperDual(x, 1.0, 1.0, 0.0); h.re, h.eps1, h.eps2, h.eps1eps2
    lift(x), partial_at(y, level), partial(d, i), value_of(d), partials_zero(float64, n)

The modules, bottom up (an import-linter contract in pyproject.toml):
``registry`` (overload options, ``jitable``) / ``lazy``, ``types``, ``complex_layout``,
``models`` / ``boxing`` / ``casts``, ``intrinsics`` / ``partials`` /
``floats`` (LLVM building blocks), ``operands`` (``classify``: 'same' |
'left' | 'right') / ``complex_partials`` (complex vector partials, parts),
``calculus`` (each type's chain, product and quotient rules, once),
``operators`` / ``attributes`` / ``api`` / ``arrays`` / ``compiled_ladders``,
``functions`` (the rule table), ``builtins`` / ``ufuncs`` / ``custom`` /
``scipy_special``; then
arrays of duals: ``elementwise`` (array expressions), ``inplace`` (``x += y``),
``complex_arrays`` / ``reductions`` / ``linalg`` / ``construction``, and
``rewrites`` (two numba IR rewrites for them; ``lazy`` types the maps without
compiling them); and the Taylor numbers (``taylor_types``,
``taylor_ops``, ``taylor_elementary``, ``taylor_functions``).
"""
import os as _os

import llvmlite.binding as _llvm

from . import types as _types  # noqa: F401  (the types)
from . import models as _models  # noqa: F401  (their layout)
from . import boxing as _boxing  # noqa: F401  (typeof, boxing, unboxing)
from . import casts as _casts  # noqa: F401
from . import operators as _operators  # noqa: F401
from . import attributes as _attributes  # noqa: F401  (constructors, attributes)
from . import functions as _functions  # noqa: F401  (the rule table)
from . import builtins as _builtins  # noqa: F401  (**, //, %, abs, round, min, max)
from . import ufuncs as _ufuncs  # noqa: F401  (other NumPy ufuncs)
from . import arrays as _arrays  # noqa: F401  (arrays of duals)
from . import elementwise as _elementwise  # noqa: F401  (array expressions)
from . import inplace as _inplace  # noqa: F401  (x += y on arrays of duals)
from . import complex_arrays as _complex_arrays  # noqa: F401  (parts of complex arrays)
from . import reductions as _reductions  # noqa: F401  (sums, scans, norm)
from . import linalg as _linalg  # noqa: F401  (products, solve, inv, det)
from . import construction as _construction  # noqa: F401  (np.array of duals)
from . import rewrites as _rewrites  # noqa: F401  (x[i:j] op= y without a copy back)
from . import taylor_functions as _taylor  # noqa: F401  (Taylor numbers, issue 11)
from . import scipy_special as _scipy_special  # noqa: F401  (scipy.special, when loaded)
from .types import DualType, HyperDualType, PartialsType, STAMP
from .api import lift, partial, partial_at, partials_zero, seed, value_of
from .custom import register_custom
from .. import _extend

# User rules made with da.register: those before numba was loaded, and all later ones.
for _rule in _extend.CUSTOM_RULES:
    register_custom(_rule)
_extend.LISTENERS.append(register_custom)

__all__ = ["DualType", "HyperDualType", "PartialsType", "STAMP",
           "seed", "partial", "partial_at", "lift", "partials_zero", "value_of"]


# Dual arithmetic is many small compiled functions; a user function composed
# of a few others (p(p(p(x))) on HyperDuals) exceeds LLVM's default inlining
# threshold, the calls stay in the loop and it does not vectorise: measured
# 8.6 ms instead of 1.6 ms for f'' at 1e6 points. This raises the threshold
# for the whole process (numba's and LLVM's code for non-dual functions only
# inlines more); DUALAD_INLINE_THRESHOLD=0 leaves LLVM's default.
INLINE_THRESHOLD = int(_os.environ.get("DUALAD_INLINE_THRESHOLD", "2000"))
if INLINE_THRESHOLD > 0:
    _llvm.set_option("dualad", f"-inline-threshold={INLINE_THRESHOLD}")


def _numba_init():
    """numba's extension entry point: importing this module is all it takes."""
