"""Differentiable versions of scipy.linalg functions (same names and signatures).

SciPy's linalg converts its inputs with ``np.asarray``, which a DualArray
refuses (that would drop its derivatives): call these instead, e.g.
``import dualad.scipy.linalg as dsl; dsl.expm(A)``. On float arrays they call
SciPy. The rules are in ``dualad/_numbers/array/matfuncs.py``.
"""
from .._numbers.array.matfuncs import (cho_factor, cho_solve, expm, lu_factor, lu_solve,
                                       solve_triangular, sqrtm)

__all__ = ["expm", "sqrtm", "solve_triangular", "cho_factor", "cho_solve", "lu_factor",
           "lu_solve"]
