"""NumPy array functions on DualArray: reductions, shape manipulation, selection.

Each handler is registered for ``DualArray.__array_function__`` with
``@implements(np.func)`` and written on *components* (ndarrays or lower-tag
DualArrays), calling NumPy functions on them, so that nested DualArrays
dispatch back here one level down. Linear operations that only rearrange or
combine elements (reshape, sum, concatenate, ...) apply the same operation to
the values and to the partials, with axes normalised so that they never touch
the trailing partials axis. Linear algebra lives in ``linalg``.
"""
import numpy as np

from .core import (DualArray, _finish, _lead_of, _new, _operand, _operands,
                     _primal, _rules, _split, implements)
from ..._core.base import DualNumber

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


def _map(a, fv, fp):
    """A DualArray with fv applied to the values and fp to the partials."""
    return _new(fv(a.values), fp(a.partials), a.tag)


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
        return _new(np.zeros(shape, dtype), np.zeros(shape + (n,), dtype), template.tag)
    return _new(_zeros(inner, shape, dtype), _zeros(inner, shape + (n,), dtype), template.tag)


def _shape_tuple(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


# ------------------------------------------------------------ reductions ---

@implements(np.sum)
def sum_(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue,
         where=_NoValue):
    _reject("sum", out=out, initial=initial, where=where)
    a = _cast(_as_dual(a, "sum"), dtype)
    axes = normalize_axes(axis, a.ndim)
    return _new(np.sum(a.values, axis=axis, keepdims=keepdims),
                np.sum(a.partials, axis=axes, keepdims=keepdims), a.tag)


def _count(shape, axes):
    n = 1
    for i in axes:
        n *= shape[i]
    return n


@implements(np.mean)
def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NoValue):
    _reject("mean", out=out, where=where)
    a = _cast(_as_dual(a, "mean"), dtype)
    s = sum_(a, axis=axis, keepdims=keepdims)
    return s / _count(a.shape, normalize_axes(axis, a.ndim))


@implements(np.var)
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NoValue,
        mean=_NoValue, correction=_NoValue):
    _reject("var", out=out, where=where, mean=mean)
    if correction is not _NoValue:
        ddof = correction
    a = _cast(_as_dual(a, "var"), dtype)
    d = a - globals()["mean"](a, axis=axis, keepdims=True)
    n = _count(a.shape, normalize_axes(axis, a.ndim)) - ddof
    return sum_(d * d, axis=axis, keepdims=keepdims) / max(n, 0)


@implements(np.std)
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NoValue,
        mean=_NoValue, correction=_NoValue):
    return np.sqrt(var(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                       correction=correction))


def _to_front(a, axis):
    """a with the axes ``axis`` merged into a leading axis; also the kept shape."""
    axes = normalize_axes(axis, a.ndim)
    kept = tuple(i for i in range(a.ndim) if i not in axes)
    t = np.transpose(a, axes + kept) if axes + kept != tuple(range(a.ndim)) else a
    kept_shape = tuple(a.shape[i] for i in kept)
    return t.reshape((-1,) + kept_shape), axes, kept_shape


def _keepdims_shape(shape, axes):
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


@implements(np.prod)
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue,
         where=_NoValue):
    """Product by pairwise multiplication (log2(n) vectorised steps).

    The product rule then holds at zeros too (no division by elements), and
    at every nesting depth.
    """
    _reject("prod", out=out, initial=initial, where=where)
    a = _cast(_as_dual(a, "prod"), dtype)
    t, axes, kept_shape = _to_front(a, axis)
    if t.shape[0] == 0:
        r = _zeros(a, kept_shape)
        r[...] = 1.0
    else:
        while t.shape[0] > 1:
            m = t.shape[0]
            h = m // 2
            head = t[:h] * t[h:2 * h]
            t = np.concatenate([head, t[2 * h:]]) if m % 2 else head
        r = t.reshape(kept_shape)
    if type(a.values) is np.ndarray:  # values exactly as NumPy computes them
        r.values = np.prod(a.values, axis=axis)
    if keepdims:
        r = r.reshape(_keepdims_shape(a.shape, axes))
    return r


@implements(np.cumsum)
def cumsum(a, axis=None, dtype=None, out=None):
    _reject("cumsum", out=out)
    a = _cast(_as_dual(a, "cumsum"), dtype)
    if axis is None:
        a = a.reshape(-1)
        axis = 0
    ax = normalize_axis(axis, a.ndim)
    return _map(a, lambda v: np.cumsum(v, axis=ax), lambda p: np.cumsum(p, axis=ax))


def _select(a, axis, keepdims, arg):
    """The element chosen by ``arg`` (argmax/argmin of the values) along axis, with its partials."""
    a = _as_dual(a, arg.__name__)
    if axis is None:
        flat = a.reshape(-1)
        i = arg(_primal(flat))
        r = flat[i:i + 1].reshape(())
        return r.reshape((1,) * a.ndim) if keepdims else r
    t, axes, kept_shape = _to_front(a, axis)
    idx = arg(_primal(t), axis=0, keepdims=True)
    r = np.take_along_axis(t, idx, axis=0).reshape(kept_shape)
    return r.reshape(_keepdims_shape(a.shape, axes)) if keepdims else r


@implements(np.max, np.amax)
def max_(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    """Maximum; its derivative is that of the first maximal element (nan wins, as in NumPy)."""
    _reject("max", out=out, initial=initial, where=where)
    return _select(a, axis, keepdims, np.argmax)


@implements(np.min, np.amin)
def min_(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    """Minimum; its derivative is that of the first minimal element."""
    _reject("min", out=out, initial=initial, where=where)
    return _select(a, axis, keepdims, np.argmin)


@implements(np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    a = _as_dual(a, "sort")
    if axis is None:
        a = a.reshape(-1)
        axis = 0
    kw = {} if stable is None else {"stable": stable}
    idx = np.argsort(_primal(a), axis=axis, kind=kind, **kw)
    return np.take_along_axis(a, idx, axis=axis)


@implements(np.diff)
def diff(a, n=1, axis=-1, prepend=_NoValue, append=_NoValue):
    a = _operand(a)  # an ndarray when only prepend or append is dual
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    ax = normalize_axis(axis, np.ndim(a))
    parts = []
    for extra in (prepend, append):
        if extra is _NoValue:
            parts.append(None)
            continue
        extra = _operand(extra)
        if np.ndim(extra) == 0:
            shape = np.shape(a)[:ax] + (1,) + np.shape(a)[ax + 1:]
            extra = np.broadcast_to(extra, shape)
        parts.append(extra)
    if parts[0] is not None or parts[1] is not None:
        seq = [p for p in (parts[0], a, parts[1]) if p is not None]
        a = np.concatenate(seq, axis=ax)
    hi = (slice(None),) * ax + (slice(1, None),)
    lo = (slice(None),) * ax + (slice(None, -1),)
    for _ in range(n):
        a = a[hi] - a[lo]
    return a


@implements(np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    _reject("trace", out=out)
    a = _cast(_as_dual(a, "trace"), dtype)
    a1, a2 = normalize_axis(axis1, a.ndim), normalize_axis(axis2, a.ndim)
    return _map(a, lambda v: np.trace(v, offset, a1, a2), lambda p: np.trace(p, offset, a1, a2))


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


# ------------------------------------------------------------------ shape ---

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
    return _map(a, lambda v: np.swapaxes(v, a1, a2), lambda p: np.swapaxes(p, a1, a2))


@implements(np.moveaxis)
def moveaxis(a, source, destination):
    a = _as_dual(a, "moveaxis")
    src = normalize_axes(source, a.ndim)
    dst = normalize_axes(destination, a.ndim)
    return _map(a, lambda v: np.moveaxis(v, src, dst), lambda p: np.moveaxis(p, src, dst))


@implements(np.squeeze)
def squeeze(a, axis=None):
    a = _as_dual(a, "squeeze")
    if axis is None:
        axes = tuple(i for i, s in enumerate(a.shape) if s == 1)
    else:
        axes = normalize_axes(axis, a.ndim)
    return _map(a, lambda v: np.squeeze(v, axes), lambda p: np.squeeze(p, axes))


@implements(np.expand_dims)
def expand_dims(a, axis):
    a = _as_dual(a, "expand_dims")
    n_new = len(axis) if isinstance(axis, (tuple, list)) else 1
    axes = normalize_axes(axis, a.ndim + n_new)
    return _map(a, lambda v: np.expand_dims(v, axes), lambda p: np.expand_dims(p, axes))


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
    return _map(a, lambda v: np.flip(v, axes), lambda p: np.flip(p, axes))


@implements(np.roll)
def roll(a, shift, axis=None):
    a = _as_dual(a, "roll")
    if axis is None:
        return roll(a.reshape(-1), shift, 0).reshape(a.shape)
    axes = normalize_axes(axis, a.ndim)
    ax = axes if isinstance(axis, (tuple, list)) else axes[0]
    return _map(a, lambda v: np.roll(v, shift, ax), lambda p: np.roll(p, shift, ax))


@implements(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    _reject("take", out=out)
    a = _as_dual(a, "take")
    if axis is None:
        a = a.reshape(-1)
        axis = 0
    ax = normalize_axis(axis, a.ndim)
    return _map(a, lambda v: np.take(v, indices, axis=ax, mode=mode),
                lambda p: np.take(p, indices, axis=ax, mode=mode))


@implements(np.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    a = _as_dual(arr, "take_along_axis")
    indices = np.asarray(indices)
    if axis is None:
        a = a.reshape(-1)
        axis = 0
    ax = normalize_axis(axis, a.ndim)
    return _map(a, lambda v: np.take_along_axis(v, indices, axis=ax),
                lambda p: np.take_along_axis(p, indices[..., None], axis=ax))


@implements(np.repeat)
def repeat(a, repeats, axis=None):
    a = _as_dual(a, "repeat")
    if axis is None:
        a = a.reshape(-1)
        axis = 0
    ax = normalize_axis(axis, a.ndim)
    return _map(a, lambda v: np.repeat(v, repeats, axis=ax),
                lambda p: np.repeat(p, repeats, axis=ax))


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


@implements(np.where)
def where(condition, x=_NoValue, y=_NoValue):
    """Select elementwise; the partials follow the selected operand."""
    cond = np.asarray(_primal(condition))
    if x is _NoValue and y is _NoValue:
        return np.nonzero(cond)
    x, y = _operands("where", (x, y))
    top = _lead_of((x, y))
    if top is None:
        return np.where(cond, x, y)
    xv, px = _split(top, x)
    yv, py = _split(top, y)
    v = np.where(cond, xv, yv)
    p = np.where(cond[..., None], 0.0 if px is None else px, 0.0 if py is None else py)
    return _finish(v, p, top.tag)


@implements(np.clip)
def clip(a, a_min=_NoValue, a_max=_NoValue, out=None, *, min=_NoValue, max=_NoValue,
         **kwargs):
    """``minimum(maximum(a, a_min), a_max)``: at a bound the derivative is ``a``'s."""
    _reject("clip", out=out)
    if kwargs:
        raise TypeError(f"dualad: numpy.clip does not support {', '.join(kwargs)}")
    lo = min if a_min is _NoValue else a_min
    hi = max if a_max is _NoValue else a_max
    r = _operand(a)
    if lo is not _NoValue and lo is not None:
        r = _rules.FUNCTIONS["maximum"](r, _operand(lo))
    if hi is not _NoValue and hi is not None:
        r = _rules.FUNCTIONS["minimum"](r, _operand(hi))
    return r


@implements(np.round, np.around)
def round_(a, decimals=0, out=None):
    _reject("round", out=out)
    rint = _rules.FUNCTIONS["round"]
    if decimals == 0:
        return rint(a)
    scale = 10.0 ** decimals
    return rint(a * scale) / scale


@implements(np.fix)
def fix(x, out=None):
    _reject("fix", out=out)
    return _rules.FUNCTIONS["trunc"](x)


# --------------------------------------------------------------- creation ---

@implements(np.zeros_like, np.empty_like)
def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    a = _as_dual(a, "zeros_like")
    shape = a.shape if shape is None else _shape_tuple(shape)
    if dtype is not None and np.dtype(dtype).kind != "f":
        return np.zeros(shape, dtype)  # integers cannot carry derivatives
    return _zeros(a, shape, dtype)


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
    if dtype is not None and np.dtype(dtype).kind != "f":
        return np.zeros(shape, dtype)
    return _zeros(like, _shape_tuple(shape), None if dtype is float else dtype)


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


# ---------------------------------------------------------- by value only ---
# Functions whose result depends on the values only (indices, flags, shapes).

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
