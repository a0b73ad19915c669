"""``DualArray``: arrays of dual numbers for NumPy code (see ``core``).

The modules, bottom up (each imports only those below it; the contract in
pyproject.toml checks it):

* ``registry``: the NumPy functions with a rule (``implements``) and how a
  handler is called; ``no_rule``, the error for the others.
* ``core``: the class, its constructors and components, the conversion of
  operands, and ``method``, by which the modules above add its behaviour.
* ``arith`` (operators, comparisons), ``chain`` (the chain rule of the
  elementary functions), ``indexing``, ``methods`` (ndarray's methods) and
  ``arguments`` (what the handlers share: axes, shapes, checks).
* the handlers of ``__array_function__``: ``creation``, ``reductions``,
  ``shape``, ``selection``, ``elementwise``, ``by_value``, ``complex_parts``,
  ``numerical`` (cumprod, average, median, polyval, vander, trapezoid, interp),
  ``statistics`` (nan-reductions, quantile/percentile, ptp, cov, corrcoef), then ``linalg``
  (products, ``@`` and np.linalg).
* ``ufuncs``: ``__array_ufunc__`` and the fallbacks of scalar duals.

Importing this package imports them all, which registers the handlers and
adds the methods to the class, and hands the scalar types their array
fallbacks (``scalar_numpy.ARRAY_HOOKS``): ``np.stack([d1, d2])`` on scalar
duals builds a DualArray, never an object array.
"""
from ..scalar_numpy import ARRAY_HOOKS
from .core import DualArray
from . import arith, chain, indexing, methods  # noqa: F401  (add DualArray's methods)
from . import by_value, creation, elementwise, manipulation, reductions, selection, shape  # noqa: F401,E501
from . import complex_parts  # noqa: F401  (real, imag, conj, abs, angle)
from . import numerical  # noqa: F401  (cumprod, average, median, polyval, trapezoid, interp)
from . import statistics  # noqa: F401  (nan-reductions, quantile, cov, corrcoef, ...)
from . import decompositions, linalg  # noqa: F401  (registers handlers, adds ``@``)
from .ufuncs import array_function_scalar_fallback, array_ufunc_scalar_fallback

ARRAY_HOOKS.update(ufunc=array_ufunc_scalar_fallback, function=array_function_scalar_fallback,
                   promote=DualArray.from_any, composite=frozenset(manipulation.COMPOSITE_UFUNCS))

__all__ = ["DualArray"]
