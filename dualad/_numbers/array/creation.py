"""Creation functions on DualArray: ``np.zeros_like(x)``, ``np.zeros(n, like=x)``, ...

The arrays made from a dual template are constant DualArrays (zero partials)
of the template's tag and nesting (``_zeros``), so that results of the same
computation can be stored into them; an integer dtype gives a plain array
(integers cannot carry derivatives). ``np.array(seq, like=x)`` turns a list
holding duals into a DualArray.
"""
import numpy as np

from ..depset import zeros_partials
from .arguments import _as_dual, _shape_tuple
from .core import DualArray, _new, _operand
from .registry import implements


def _zeros(template, shape, dtype=None):
    """A constant DualArray of zeros shaped ``shape``, with template's tag and nesting.

    The components nest like the deepest component of ``template``, so that
    storing any result of the same computation into it needs no promotion.
    """
    n = template.partials.shape[-1]
    inner = template.values if isinstance(template.values, DualArray) else (
        template.partials if isinstance(template.partials, DualArray) else None)
    if inner is None:
        dtype = template.dtype if dtype is None else dtype
        return _new(np.zeros(shape, dtype), zeros_partials(template.partials, shape + (n,), dtype),
                    template.tag)
    return _new(_zeros(inner, shape, dtype), _zeros(inner, shape + (n,), dtype), template.tag)


def _zeros_or_plain(template, shape, dtype):
    """``_zeros`` (dtype None: template's float type), or plain zeros of a dtype neither
    floating nor complex."""
    if dtype is not None and np.dtype(dtype).kind not in "fc":
        return np.zeros(shape, dtype)  # integers cannot carry derivatives
    return _zeros(template, _shape_tuple(shape), dtype)


@implements(np.zeros_like, np.empty_like)
def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    a = _as_dual(a, "zeros_like")
    return _zeros_or_plain(a, a.shape if shape is None else _shape_tuple(shape), dtype)


@implements(np.ones_like)
def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return full_like(a, 1.0, dtype, order, subok, shape)


@implements(np.full_like)
def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    r = zeros_like(a, dtype, order, subok, shape)
    r[...] = fill_value
    return r


@implements(np.zeros, np.empty, like=True)
def zeros_like_of(like, shape, dtype=float, order="C", *, device=None):
    # dtype=float is NumPy's default: the template's float type (float32 stays float32).
    return _zeros_or_plain(like, shape, None if dtype is float else dtype)


@implements(np.ones, like=True)
def ones_like_of(like, shape, dtype=None, order="C", *, device=None):
    return full_like_of(like, shape, 1.0, dtype)


@implements(np.full, like=True)
def full_like_of(like, shape, fill_value, dtype=None, order="C", *, device=None):
    r = zeros_like_of(like, shape, float if dtype is None else dtype)
    r[...] = fill_value
    return r


@implements(np.array, np.asarray, np.asanyarray, like=True)
def array_like_of(like, obj, dtype=None, *args, **kwargs):
    """``np.array(seq, like=x)``: a list holding duals becomes a DualArray."""
    o = _operand(obj)
    if o is None:
        raise TypeError(f"cannot make an array of a {type(obj).__name__}")
    if dtype is not None and not isinstance(o, DualArray):
        return np.asarray(o, dtype=dtype)
    if dtype is not None:
        return o.astype(dtype)
    return o.copy() if isinstance(obj, DualArray) and kwargs.get("copy", True) else o
