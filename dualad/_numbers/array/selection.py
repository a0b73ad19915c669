"""Selection on DualArray: sorting, taking elements, diagonals; np.copyto.

The elements chosen (by index, by the order of the values, on a diagonal)
bring their partials with them: the same selection is applied to the values
and to the partials, the trailing partials axis kept. Each handler is
registered with ``@implements(np.func)``.
"""
import numpy as np

from .arguments import _as_dual, _flattened, _reject, normalize_axis
from .core import DualArray, _map, _map_both, _operand, _primal
from .creation import _zeros
from .indexing import spread_selection
from .registry import implements


@implements(np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    a, axis = _flattened(_as_dual(a, "sort"), axis)
    kw = {} if stable is None else {"stable": stable}
    idx = np.argsort(_primal(a), axis=axis, kind=kind, **kw)
    return spread_selection(np.take_along_axis(a, idx, axis=axis), a, axis)


@implements(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    _reject("take", out=out)
    a, axis = _flattened(_as_dual(a, "take"), axis)
    ax = normalize_axis(axis, a.ndim)
    return _map_both(a, np.take, indices, axis=ax, mode=mode)


@implements(np.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    a, axis = _flattened(_as_dual(arr, "take_along_axis"), axis)
    indices = np.asarray(indices)
    ax = normalize_axis(axis, a.ndim)
    return _map(a, lambda v: np.take_along_axis(v, indices, axis=ax),
                lambda p: np.take_along_axis(p, indices[..., None], axis=ax))


@implements(np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1):
    a = _as_dual(a, "diagonal")
    a1, a2 = normalize_axis(axis1, a.ndim), normalize_axis(axis2, a.ndim)
    # NumPy appends the diagonal axis last: move it before the partials axis.
    return _map(a, lambda v: np.diagonal(v, offset, a1, a2),
                lambda p: np.swapaxes(np.diagonal(p, offset, a1, a2), -1, -2))


@implements(np.diag)
def diag(v, k=0):
    v = _as_dual(v, "diag")
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = v.shape[0]
    m = n + abs(k)
    out = _zeros(v, (m, m))
    rows = np.arange(n) + max(-k, 0)
    cols = np.arange(n) + max(k, 0)
    out[rows, cols] = v
    return out


@implements(np.copyto)
def copyto(dst, src, casting="same_kind", where=True):
    """``dst[...] = src`` where ``where`` is true (both broadcast to dst's shape), by
    DualArray item assignment; duals into a float ``dst`` are refused."""
    if not isinstance(dst, DualArray):
        raise TypeError(
            "numpy.copyto: cannot store duals into a float array, that would drop their "
            "derivatives; allocate the destination from a dual input instead "
            "(np.zeros_like(x), np.empty_like(x))")
    src = _operand(src)
    src = np.broadcast_to(src, dst.shape) if np.shape(src) != dst.shape else src
    mask = np.asarray(_primal(where), dtype=bool)
    if mask.ndim == 0:
        if mask:
            dst[...] = src
        return
    mask = np.broadcast_to(mask, dst.shape)
    dst[mask] = src[mask]
