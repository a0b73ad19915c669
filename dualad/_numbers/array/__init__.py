"""``DualArray``: arrays of dual numbers for NumPy code (see ``core``).

``core`` holds the class and its arithmetic; ``ufuncs`` its ``__array_ufunc__``;
``functions`` and ``linalg`` the handlers of ``__array_function__``. Importing
this package registers the handlers and hands the scalar types their array
fallbacks (``scalar_numpy.ARRAY_HOOKS``): ``np.stack([d1, d2])`` on scalar
duals builds a DualArray, never an object array.
"""
from ..scalar_numpy import ARRAY_HOOKS
from .core import DualArray
from .ufuncs import array_function_scalar_fallback, array_ufunc_scalar_fallback

ARRAY_HOOKS.update(ufunc=array_ufunc_scalar_fallback, function=array_function_scalar_fallback,
                   promote=DualArray.from_any)

__all__ = ["DualArray"]
