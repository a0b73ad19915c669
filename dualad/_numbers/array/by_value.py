"""NumPy functions whose result depends on the values only: indices, flags, shapes.

``np.argmax``, ``np.nonzero``, ``np.isclose``, ``np.shape``, ... run on the
innermost values of their dual arguments (lists of duals included); they
return no derivatives, so none is dropped.
"""
import numpy as np

from ..._core.base import DualNumber
from .core import _primal
from .registry import implements


def _by_value(func):
    def handler(*args, **kwargs):
        args = [_primal(a) if isinstance(a, DualNumber) else
                [_primal(x) for x in a] if isinstance(a, (list, tuple)) else a for a in args]
        kwargs = {k: _primal(v) for k, v in kwargs.items()}
        return func(*args, **kwargs)
    handler.__name__ = func.__name__
    return handler


for _f in (np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.flatnonzero,
           np.count_nonzero, np.isclose, np.allclose, np.array_equal, np.array_equiv,
           np.searchsorted, np.any, np.all, np.shape, np.ndim, np.size, np.result_type,
           np.isreal, np.iscomplex, np.isrealobj, np.iscomplexobj):
    implements(_f)(_by_value(_f))
del _f
