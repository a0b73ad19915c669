"""Array manipulation on DualArray: reshaping, transposing, broadcasting, joining.

These functions only rearrange or combine elements, so each applies the same
operation to the values and to the partials (``_map``), with axes normalised
so that they never touch the trailing partials axis; joins (``concatenate``
and the stacks built on it) give constant operands zero partials. Each is
registered with ``@implements(np.func)``; reshapes give views, as in NumPy.
"""
import numpy as np

from .arguments import _as_dual, _flattened, _reject, _shape_tuple, normalize_axes, normalize_axis
from .core import _lead_of, _map, _map_both, _new, _operand, _operands, _split
from .registry import implements


@implements(np.reshape)
def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    a = _as_dual(a, "reshape")
    if shape is None:
        shape = newshape
    if order not in ("C", "F"):
        raise TypeError(f"dualad: numpy.reshape with order={order!r} is not supported on a "
                        "DualArray (use 'C' or 'F')")
    v = np.reshape(a.values, shape, order=order)
    p = np.reshape(a.partials, v.shape + a.partials.shape[-1:], order=order)
    r = _new(v, p, a.tag)
    return r.copy() if copy else r


@implements(np.ravel)
def ravel(a, order="C"):
    return reshape(a, (-1,), order=order)


@implements(np.transpose, getattr(np, "permute_dims", None))
def transpose(a, axes=None):
    a = _as_dual(a, "transpose")
    nd = a.ndim
    axes = tuple(range(nd))[::-1] if axes is None else normalize_axes(axes, nd)
    if len(axes) != nd:
        raise ValueError("axes don't match array")
    return _map(a, lambda v: np.transpose(v, axes), lambda p: np.transpose(p, axes + (nd,)))


@implements(getattr(np, "matrix_transpose", None))
def matrix_transpose(x):
    return swapaxes(x, -1, -2)


@implements(np.swapaxes)
def swapaxes(a, axis1, axis2):
    a = _as_dual(a, "swapaxes")
    a1, a2 = normalize_axis(axis1, a.ndim), normalize_axis(axis2, a.ndim)
    return _map_both(a, np.swapaxes, a1, a2)


@implements(np.moveaxis)
def moveaxis(a, source, destination):
    a = _as_dual(a, "moveaxis")
    src = normalize_axes(source, a.ndim)
    dst = normalize_axes(destination, a.ndim)
    return _map_both(a, np.moveaxis, src, dst)


@implements(np.squeeze)
def squeeze(a, axis=None):
    a = _as_dual(a, "squeeze")
    if axis is None:
        axes = tuple(i for i, s in enumerate(a.shape) if s == 1)
    else:
        axes = normalize_axes(axis, a.ndim)
    return _map_both(a, np.squeeze, axes)


@implements(np.expand_dims)
def expand_dims(a, axis):
    a = _as_dual(a, "expand_dims")
    n_new = len(axis) if isinstance(axis, (tuple, list)) else 1
    axes = normalize_axes(axis, a.ndim + n_new)
    return _map_both(a, np.expand_dims, axes)


@implements(np.broadcast_to)
def broadcast_to(array, shape, subok=False):
    a = _as_dual(array, "broadcast_to")
    shape = _shape_tuple(shape)
    n = a.partials.shape[-1]
    return _map(a, lambda v: np.broadcast_to(v, shape), lambda p: np.broadcast_to(p, shape + (n,)))


@implements(np.broadcast_arrays)
def broadcast_arrays(*args, subok=False):
    shape = np.broadcast_shapes(*(np.shape(x) for x in args))
    return tuple(np.broadcast_to(x, shape) for x in args)


def _atleast(ndim, arys):
    out = []
    for x in arys:
        x = _operand(x)
        nd = np.ndim(x)
        if nd < ndim:
            shape = np.shape(x)
            if ndim == 2:
                shape = (1,) * (2 - nd) + shape
            elif ndim == 3:
                shape = {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}[nd]
            else:
                shape = (1,)
            x = np.reshape(x, shape)
        out.append(x)
    return out[0] if len(out) == 1 else tuple(out)


@implements(np.atleast_1d)
def atleast_1d(*arys):
    return _atleast(1, arys)


@implements(np.atleast_2d)
def atleast_2d(*arys):
    return _atleast(2, arys)


@implements(np.atleast_3d)
def atleast_3d(*arys):
    return _atleast(3, arys)


@implements(np.flip)
def flip(m, axis=None):
    a = _as_dual(m, "flip")
    axes = normalize_axes(axis, a.ndim)
    return _map_both(a, np.flip, axes)


@implements(np.roll)
def roll(a, shift, axis=None):
    a = _as_dual(a, "roll")
    if axis is None:
        if a.ndim == 1:
            return roll(a, shift, 0)
        return roll(a.reshape(-1), shift, 0).reshape(a.shape)
    axes = normalize_axes(axis, a.ndim)
    if isinstance(shift, (int, np.integer)) and not isinstance(axis, (tuple, list)):
        return _map_both(a, _roll_one, int(shift), axes[0])
    ax = axes if isinstance(axis, (tuple, list)) else axes[0]
    return _map_both(a, np.roll, shift, ax)


def _roll_one(x, shift, ax):
    """np.roll(x, shift, ax) for one int shift along one axis: two slices joined
    (np.roll's general path costs ten times as much on small arrays)."""
    n = x.shape[ax]
    s = shift % n if n else 0
    if s == 0:
        return x.copy()
    lead = (slice(None),) * ax
    return np.concatenate((x[lead + (slice(n - s, None),)], x[lead + (slice(0, n - s),)]),
                          axis=ax)


@implements(np.repeat)
def repeat(a, repeats, axis=None):
    a, axis = _flattened(_as_dual(a, "repeat"), axis)
    ax = normalize_axis(axis, a.ndim)
    return _map_both(a, np.repeat, repeats, axis=ax)


@implements(np.copy)
def copy(a, order="K", subok=False):
    return _as_dual(a, "copy").copy()


# ---------------------------------------------------------- combination ---

@implements(np.concatenate)
def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _reject("concatenate", out=out)
    items = _operands("concatenate", arrays)
    if dtype is not None:
        items = [x.astype(dtype) for x in items]
    top = _lead_of(items)
    if axis is None:
        items = [np.ravel(x) for x in items]
        axis = 0
    if top is None:
        return np.concatenate(items, axis=axis, casting=casting)
    ax = normalize_axis(axis, max(np.ndim(items[0]), 1))
    split = [_split(top, x) for x in items]
    v = np.concatenate([s[0] for s in split], axis=ax, casting=casting)
    n = top.partials.shape[-1]
    parts = [p if p is not None else np.zeros(np.shape(x) + (n,), v.dtype)
             for x, (_, p) in zip(items, split)]
    return _new(v, np.concatenate(parts, axis=ax, casting=casting), top.tag)


@implements(np.stack)
def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _reject("stack", out=out)
    items = _operands("stack", arrays)
    if not items:
        raise ValueError("need at least one array to stack")
    shapes = {np.shape(x) for x in items}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    ax = normalize_axis(axis, np.ndim(items[0]) + 1)
    return concatenate([np.expand_dims(x, ax) for x in items], axis=ax, dtype=dtype,
                       casting=casting)


@implements(np.vstack)
def vstack(tup, *, dtype=None, casting="same_kind"):
    items = [np.atleast_2d(x) for x in _operands("vstack", tup)]
    return concatenate(items, axis=0, dtype=dtype, casting=casting)


@implements(np.hstack)
def hstack(tup, *, dtype=None, casting="same_kind"):
    items = [np.atleast_1d(x) for x in _operands("hstack", tup)]
    axis = 0 if items and np.ndim(items[0]) == 1 else 1
    return concatenate(items, axis=axis, dtype=dtype, casting=casting)


@implements(np.column_stack)
def column_stack(tup):
    items = []
    for x in _operands("column_stack", tup):
        if np.ndim(x) < 2:
            x = np.reshape(x, (-1, 1))
        items.append(x)
    return concatenate(items, axis=1)
