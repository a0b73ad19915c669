"""NumPy's statistics on DualArray: the nan-ignoring reductions and scans, quantiles, ``ptp``,
``cov`` and ``corrcoef``, and NumPy 2's ``cumulative_sum``/``cumulative_prod``,
``linalg.vector_norm``/``matrix_norm``.

Written with the operations dualad differentiates, NumPy's formulas and
values: a nan element is replaced by the reduction's neutral value (its
derivative then 0), as NumPy skips it; ``quantile`` and ``percentile`` sort by
value and interpolate linearly between the neighbouring order statistics
(``method="linear"``, NumPy's default, the one supported), so their
derivative is that of those two elements.
"""
import numpy as np

from .arguments import _reject, normalize_axis
from .core import DualArray, _operand, _primal
from .registry import implements


def _real_dtype(a):
    """The real float dtype of a's values (float32 for float32 and complex64)."""
    return np.asarray(_primal(a)).real.dtype


def _without_nans(a, fill):
    a = DualArray.from_any(a)
    mask = np.isnan(_primal(a))
    return (np.where(mask, fill, a) if mask.any() else a), mask


@implements(np.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _reject("nansum", out=out, initial=initial, where=where)
    return np.sum(_without_nans(a, 0.0)[0], axis=axis, dtype=dtype, keepdims=keepdims)


@implements(np.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    _reject("nanmean", out=out, where=where)
    b, mask = _without_nans(a, 0.0)
    count = np.sum(~mask, axis=axis, keepdims=keepdims).astype(_real_dtype(b))
    return np.sum(b, axis=axis, dtype=dtype, keepdims=keepdims) / count


@implements(np.nanvar)
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
           mean=None, correction=None):
    _reject("nanvar", out=out, where=where, mean=mean)
    ddof = ddof if correction is None else correction
    b, mask = _without_nans(a, 0.0)
    d = np.where(mask, 0.0, b - nanmean(a, axis=axis, keepdims=True))
    count = (np.sum(~mask, axis=axis, keepdims=keepdims) - ddof).astype(_real_dtype(b))
    return np.sum(d * d, axis=axis, dtype=dtype, keepdims=keepdims) / np.maximum(count, 0)


@implements(np.nanstd)
def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
           mean=None, correction=None):
    return np.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                          correction=correction))


@implements(np.nanmax)
def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _reject("nanmax", out=out, initial=initial, where=where)
    b, mask = _without_nans(a, -np.inf)
    r = np.max(b, axis=axis, keepdims=keepdims)
    return np.where(np.all(mask, axis=axis, keepdims=keepdims), np.nan, r)


@implements(np.nanmin)
def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _reject("nanmin", out=out, initial=initial, where=where)
    b, mask = _without_nans(a, np.inf)
    r = np.min(b, axis=axis, keepdims=keepdims)
    return np.where(np.all(mask, axis=axis, keepdims=keepdims), np.nan, r)


@implements(np.ptp)
def ptp(a, axis=None, out=None, keepdims=False):
    _reject("ptp", out=out)
    return np.max(a, axis=axis, keepdims=keepdims) - np.min(a, axis=axis, keepdims=keepdims)


@implements(np.quantile)
def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None, interpolation=None):
    _reject("quantile", out=out, weights=weights, interpolation=interpolation)
    if method != "linear":
        raise TypeError(f"dualad: numpy.quantile with method={method!r} is not supported on "
                        "a DualArray (method='linear', NumPy's default, is)")
    a = DualArray.from_any(a)
    qv = np.asarray(_primal(_operand(q)), float)
    if np.any((qv < 0) | (qv > 1)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    src = a.reshape(-1) if axis is None else a
    ax = 0 if axis is None else normalize_axis(axis, a.ndim)
    s = np.moveaxis(np.sort(src, axis=ax), ax, 0)
    n = s.shape[0]
    pos = qv * (n - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    t = (pos - lo).astype(_real_dtype(s)).reshape(qv.shape + (1,) * (s.ndim - 1))
    below, above = s[lo.ravel()].reshape(qv.shape + s.shape[1:]), \
        s[hi.ravel()].reshape(qv.shape + s.shape[1:])
    diff = above - below   # NumPy's lerp, from the nearer end
    r = np.where(t >= 0.5, above - diff * (1 - t), below + diff * t)
    if keepdims:
        kept = [1] * a.ndim if axis is None else list(a.shape)
        if axis is not None:
            kept[ax] = 1
        r = r.reshape(qv.shape + tuple(kept))
    return r


@implements(np.percentile)
def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, interpolation=None):
    return quantile(a, np.true_divide(_operand(q), 100), axis, out, overwrite_input, method,
                    keepdims, weights=weights, interpolation=interpolation)


@implements(np.cov)
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    _reject("cov", fweights=fweights, aweights=aweights, dtype=dtype)
    X = np.atleast_2d(_operand(m))
    if not rowvar and X.shape[0] != 1:
        X = X.T
    if y is not None:
        Y = np.atleast_2d(_operand(y))
        X = np.concatenate((X, Y if rowvar or Y.shape[0] == 1 else Y.T), axis=0)
    ddof = (0 if bias else 1) if ddof is None else ddof
    X = X - np.mean(X, axis=1, keepdims=True)
    c = X @ np.conj(X).T / max(X.shape[1] - ddof, 0)
    return c.reshape(()) if c.shape == (1, 1) else c


@implements(np.corrcoef)
def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    d = np.sqrt(np.diagonal(c))
    c = c / d[:, None] / d[None, :]
    return c if np.iscomplexobj(_primal(c)) else np.clip(c, -1.0, 1.0)


@implements(getattr(np, "cumulative_sum", None))
def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    return _cumulative(np.cumsum, 0.0, x, axis, dtype, out, include_initial)


@implements(getattr(np, "cumulative_prod", None))
def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    return _cumulative(np.cumprod, 1.0, x, axis, dtype, out, include_initial)


def _cumulative(scan, start, x, axis, dtype, out, include_initial):
    _reject("cumulative_sum", out=out)
    x = DualArray.from_any(x)
    if axis is None and x.ndim > 1:
        raise ValueError("axis must be specified for arrays of more than one dimension")
    ax = 0 if axis is None else normalize_axis(axis, x.ndim)
    r = scan(x, axis=ax, dtype=dtype)
    if include_initial:
        shape = list(r.shape)
        shape[ax] = 1
        r = np.concatenate((np.full(shape, start, dtype=np.asarray(_primal(r)).dtype), r),
                           axis=ax)
    return r


@implements(getattr(np.linalg, "vector_norm", None))
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    x = DualArray.from_any(x)
    if axis is None:
        r = np.linalg.norm(x.reshape(-1), ord)
        return r.reshape((1,) * x.ndim) if keepdims else r
    return np.linalg.norm(x, ord, axis=axis, keepdims=keepdims)


@implements(getattr(np.linalg, "matrix_norm", None))
def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    return np.linalg.norm(DualArray.from_any(x), ord, axis=(-2, -1), keepdims=keepdims)


@implements(np.nancumsum)
def nancumsum(a, axis=None, dtype=None, out=None):
    _reject("nancumsum", out=out)
    return np.cumsum(_without_nans(a, 0.0)[0], axis=axis, dtype=dtype)


@implements(np.nancumprod)
def nancumprod(a, axis=None, dtype=None, out=None):
    _reject("nancumprod", out=out)
    return np.cumprod(_without_nans(a, 1.0)[0], axis=axis, dtype=dtype)


@implements(np.nanmedian)
def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median of the non-nan elements of each slice (sorted by value: the nans
    last), nan for a slice of nans only."""
    _reject("nanmedian", out=out)
    a = DualArray.from_any(a)
    src = a.reshape(-1) if axis is None else a
    ax = 0 if axis is None else normalize_axis(axis, a.ndim)
    s = np.moveaxis(np.sort(src, axis=ax), ax, 0)
    k = np.sum(~np.isnan(_primal(s)), axis=0, keepdims=True)
    lo = np.take_along_axis(s, np.maximum((k - 1) // 2, 0), axis=0)
    hi = np.take_along_axis(s, np.maximum(k // 2, 0) - (k == 0), axis=0)
    r = np.where(k == 0, np.nan, (lo + hi) / 2.0).reshape(s.shape[1:])
    if keepdims:
        kept = [1] * a.ndim if axis is None else list(a.shape)
        if axis is not None:
            kept[ax] = 1
        r = r.reshape(kept)
    return r
