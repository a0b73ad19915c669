"""Differentiable versions of scipy.special's Python-level functions (same names and signatures).

scipy.special's ufuncs (``ndtr``, ``gammaln``, ``jv``, ...) take duals directly.
A few of its functions are Python wrappers that convert their inputs with
``np.asarray`` first (which would drop the derivatives): call these instead,
e.g. ``import dualad.scipy.special as dss; dss.logsumexp(x)``. On float inputs
they call SciPy. The code is in ``dualad/_numbers/array/specfuncs.py``.
"""
from .._numbers.array.specfuncs import (log_softmax, logsumexp, multigammaln, softmax,
                                        spherical_in, spherical_jn, spherical_kn, spherical_yn)

__all__ = ["logsumexp", "softmax", "log_softmax", "spherical_jn", "spherical_yn",
           "spherical_in", "spherical_kn", "multigammaln"]
