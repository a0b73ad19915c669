"""Reductions on DualArray: sums, products, differences, extrema, statistics.

Each handler (registered with ``@implements(np.func)``) is written on the
components, so that nested DualArrays dispatch back here one level down.
Linear ones (``sum``, ``cumsum``, ``trace``) apply the same operation to the
values and the partials, with axes normalised so that they never touch the
trailing partials axis; ``prod`` multiplies pairwise (exact at zeros);
``max``/``min`` take the partials of the first extremal element.
"""
import numpy as np

from .arguments import (_NoValue, _as_dual, _cast, _count, _flattened, _keepdims_shape,
                        _reject, _to_front, normalize_axes, normalize_axis)
from .core import _map_both, _new, _operand, _primal
from .creation import _zeros
from .indexing import spread_selection
from .registry import implements


@implements(np.sum)
def sum_(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue,
         where=_NoValue):
    _reject("sum", out=out, initial=initial, where=where)
    a = _cast(_as_dual(a, "sum"), dtype)
    axes = normalize_axes(axis, a.ndim)
    return _new(np.sum(a.values, axis=axis, keepdims=keepdims),
                np.sum(a.partials, axis=axes, keepdims=keepdims), a.tag)


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
    a, axis = _flattened(_cast(_as_dual(a, "cumsum"), dtype), axis)
    ax = normalize_axis(axis, a.ndim)
    return _map_both(a, np.cumsum, axis=ax)


def _select(a, axis, keepdims, arg):
    """The element chosen by ``arg`` (argmax/argmin of the values) along axis, with its partials."""
    a = _as_dual(a, arg.__name__)
    if np.iscomplexobj(_primal(a)):
        raise TypeError(f"numpy.{'max' if arg is np.argmax else 'min'} of a complex DualArray: "
                        "complex numbers are not ordered (NumPy's lexicographic order is no "
                        "order of the plane); take it of np.abs(z) or z.real instead")
    if axis is None:
        flat = a.reshape(-1)
        i = arg(_primal(flat))
        r = spread_selection(flat[i:i + 1], flat, 0).reshape(())
        return r.reshape((1,) * a.ndim) if keepdims else r
    t, axes, kept_shape = _to_front(a, axis)
    idx = arg(_primal(t), axis=0, keepdims=True)
    r = spread_selection(np.take_along_axis(t, idx, axis=0), t, 0).reshape(kept_shape)
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
    return _map_both(a, np.trace, offset, a1, a2)
