"""The arguments of the array-function handlers: the dual array, axes, shapes, keywords.

Every handler takes its arguments as NumPy does and normalises them here:
the DualArray operand (``_as_dual``), axes as non-negative ints below
``ndim``, so that they never name the trailing partials axis
(``normalize_axis``), ``axis=None`` as the flattened array (``_flattened``),
and the keywords dualad does not support (``_reject``).
"""
import numpy as np

from .core import DualArray, _operand

_NoValue = np._NoValue
_AxisError = getattr(getattr(np, "exceptions", np), "AxisError", None) or np.AxisError


def normalize_axis(axis, ndim):
    """``axis`` as a non-negative int below ndim (so it never names the partials axis)."""
    a = int(axis) if not isinstance(axis, (int, np.integer)) else axis
    if not -ndim <= a < ndim:
        raise _AxisError(a, ndim)
    return int(a) % ndim


def normalize_axes(axis, ndim):
    """``axis`` (None, an int or a sequence) as a tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        axes = tuple(normalize_axis(a, ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError("repeated axis")
        return axes
    return (normalize_axis(axis, ndim),)


def _flattened(a, axis):
    """(a, axis) for a function along one axis, where ``axis=None`` means the flattened a."""
    if axis is None:
        return a.reshape(-1), 0
    return a, axis


def _to_front(a, axis):
    """a with the axes ``axis`` merged into a leading axis; also the kept shape."""
    axes = normalize_axes(axis, a.ndim)
    kept = tuple(i for i in range(a.ndim) if i not in axes)
    t = np.transpose(a, axes + kept) if axes + kept != tuple(range(a.ndim)) else a
    kept_shape = tuple(a.shape[i] for i in kept)
    return t.reshape((-1,) + kept_shape), axes, kept_shape


def _keepdims_shape(shape, axes):
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _count(shape, axes):
    n = 1
    for i in axes:
        n *= shape[i]
    return n


def _shape_tuple(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def _reject(name, **given):
    for key, val in given.items():
        if val is not None and val is not _NoValue:
            raise TypeError(f"dualad: numpy.{name} with {key}= is not supported on a DualArray")


def _as_dual(x, name):
    o = _operand(x)
    if not isinstance(o, DualArray):
        raise TypeError(f"numpy.{name}: expected a DualArray, got {type(x).__name__}")
    return o


def _cast(a, dtype):
    return a if dtype is None else a.astype(dtype)
