"""NumPy's numerical helpers on DualArray: products along an axis, weighted and order
statistics, polynomials, quadrature, interpolation.

``cumprod``, ``average``, ``median``, ``polyval``, ``polyfit``, ``vander``,
``trapezoid`` (and ``trapz`` where NumPy still has it), ``interp``, ``ediff1d``,
``meshgrid`` and ``piecewise``, each written as NumPy
writes it with the operations dualad differentiates (products, sums,
slices, selections by value), so the values are NumPy's and the derivatives,
at every nesting depth, follow from the chain rule of those operations:

* ``median`` sorts by value and averages the middle element(s): its
  derivative is theirs (a nan anywhere along the axis gives nan, as NumPy);
* ``interp`` is NumPy's ``slope * (x - xp[j]) + fp[j]`` on the segment
  ``xp[j] <= x < xp[j+1]``, so at an interior knot the derivative in x is the
  right-hand segment's; outside [xp[0], xp[-1]] the value is ``left`` /
  ``right`` (default fp[0] / fp[-1]) and does not depend on x. x, xp and fp
  may each hold duals; ``period=`` is not supported. For sparsity detection
  each output depends on every sample of xp and fp (the segment is chosen by
  value, as ``sort`` and ``max`` choose).
"""
import numpy as np

from ..._core.base import DualNumber
from ..depset import is_dependencies
from .arguments import _as_dual, _cast, _flattened, _reject, normalize_axis
from .core import DualArray, _new, _operand, _primal
from .indexing import spread_selection
from .registry import implements


@implements(np.cumprod)
def cumprod(a, axis=None, dtype=None, out=None):
    """Running products along axis, one multiplication at a time (NumPy's order)."""
    _reject("cumprod", out=out)
    a, axis = _flattened(_cast(DualArray.from_any(a), dtype), axis)
    t = np.moveaxis(a, normalize_axis(axis, a.ndim), 0)
    if t.shape[0] == 0:
        return a.copy()
    rows = [t[0]]
    for k in range(1, t.shape[0]):
        rows.append(rows[-1] * t[k])
    return np.moveaxis(np.stack(rows), 0, normalize_axis(axis, a.ndim))


@implements(np.average)
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    a = _operand(a)
    if weights is None:
        avg = np.mean(a, axis=axis, keepdims=keepdims)
        scl = np.broadcast_to(np.asarray(np.size(a) / max(np.size(avg), 1), float),
                              np.shape(avg)).copy()
    else:
        w = _operand(weights)
        if np.shape(w) != np.shape(a):
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if np.ndim(w) != 1 or np.shape(w)[0] != np.shape(a)[normalize_axis(axis, np.ndim(a))]:
                raise ValueError("Shape of weights must be consistent with shape of a along "
                                 "specified axis.")
            shape = [1] * np.ndim(a)
            shape[normalize_axis(axis, np.ndim(a))] = np.shape(w)[0]
            w = w.reshape(shape)
        scl = np.sum(np.broadcast_to(w, np.shape(a)), axis=axis, keepdims=keepdims)
        if np.any(_primal(scl) == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = np.sum(a * w, axis=axis, keepdims=keepdims) / scl
    return (avg, scl) if returned else avg


@implements(np.median)
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    _reject("median", out=out)
    a = DualArray.from_any(a)
    flat, ax = _flattened(a, axis)
    ax = normalize_axis(ax, flat.ndim)
    s = np.moveaxis(np.sort(flat, axis=ax), ax, 0)
    n = s.shape[0]
    if n == 0:
        raise ValueError("median of an empty array")   # (NumPy: nan and a warning)

    def row(k):   # s[k] as an array (a 0-d one for a 1-D s)
        return s[k:k + 1].reshape(s.shape[1:])
    mid = row(n // 2) if n % 2 else (row(n // 2 - 1) + row(n // 2)) / 2.0
    has_nan = np.isnan(np.asarray(_primal(s))).any(axis=0)
    if np.any(has_nan):
        mid = np.where(has_nan, np.nan, mid)
    if keepdims:
        shape = list(a.shape) if axis is not None else [1] * a.ndim
        if axis is not None:
            shape[normalize_axis(axis, a.ndim)] = 1
        mid = mid.reshape(shape)
    return mid


@implements(np.polyval)
def polyval(p, x):
    """Horner's scheme, as NumPy: y = 0; y = y * x + p[k] for each coefficient."""
    p, x = _operand(p), _operand(x)
    if isinstance(p, np.poly1d):
        p = p.coeffs
    y = np.zeros_like(x if isinstance(x, DualArray) else np.asanyarray(x))
    for k in range(np.shape(p)[0]):
        y = y * x + p[k]
    return y


@implements(np.vander)
def vander(x, N=None, increasing=False):
    x = DualArray.from_any(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    N = x.shape[0] if N is None else N
    cols = [np.ones_like(x)] if N > 0 else []
    for _ in range(1, N):
        cols.append(cols[-1] * x)
    v = np.stack(cols, axis=1) if cols else np.zeros_like(x).reshape(-1, 1)[:, :0]
    return v if increasing else v[:, ::-1]


@implements(np.trapezoid if hasattr(np, "trapezoid") else None, getattr(np, "trapz", None))
def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _operand(y)
    nd = np.ndim(y)
    ax = normalize_axis(axis, nd)
    if x is None:
        d = _operand(dx)
    else:
        x = _operand(x)
        if np.ndim(x) == 1:
            d = np.diff(x)
            shape = [1] * nd
            shape[ax] = np.shape(d)[0]
            d = d.reshape(shape)
        else:
            d = np.diff(x, axis=ax)
    hi = (slice(None),) * ax + (slice(1, None),)
    lo = (slice(None),) * ax + (slice(None, -1),)
    return np.sum(d * (y[hi] + y[lo]) / 2.0, axis=ax)


@implements(np.interp)
def interp(x, xp, fp, left=None, right=None, period=None):
    _reject("interp", period=period)
    x, xp, fp = _operand(x), _operand(xp), _operand(fp)
    shape = np.shape(x)
    x = x.reshape(-1)
    xv, xpv = np.asarray(_primal(x)), np.asarray(_primal(xp))
    if np.ndim(xpv) != 1 or np.shape(fp) != np.shape(xpv):
        raise ValueError("fp and xp are not of the same length.")
    if xpv.size == 0:
        raise ValueError("array of sample points is empty")

    def at(a, k):   # a[k], k chosen by x's values: for sparsity, from any element of a
        r = a[k]
        return spread_selection(r, a, 0) if isinstance(a, DualArray) else r
    if xpv.size == 1:
        inside = at(fp, np.zeros(xv.shape, int))
    else:
        j = np.clip(np.searchsorted(xpv, xv, side="right") - 1, 0, xpv.size - 2)
        slope = (at(fp, j + 1) - at(fp, j)) / (at(xp, j + 1) - at(xp, j))
        inside = slope * (x - at(xp, j)) + at(fp, j)
        at_end = xv == xpv[-1]
        if np.any(at_end):   # NumPy returns fp[-1] there exactly
            inside = np.where(at_end, fp[-1], inside)
    lo = fp[0] if left is None else _operand(left)
    hi = fp[-1] if right is None else _operand(right)
    return np.where(xv < xpv[0], lo, np.where(xv > xpv[-1], hi, inside)).reshape(shape)


@implements(np.ediff1d)
def ediff1d(ary, to_end=None, to_begin=None):
    flat = _operand(ary).reshape(-1)
    parts = [np.reshape(_operand(to_begin), -1)] if to_begin is not None else []
    parts.append(flat[1:] - flat[:-1])
    if to_end is not None:
        parts.append(np.reshape(_operand(to_end), -1))
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


@implements(np.meshgrid)
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    s0 = (1,) * ndim
    out = [_operand(x).reshape(s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        out[0] = out[0].reshape((1, -1) + s0[2:])
        out[1] = out[1].reshape((-1, 1) + s0[2:])
    if not sparse:
        out = list(np.broadcast_arrays(*out))
    return tuple(o.copy() for o in out) if copy or not sparse else tuple(out)


@implements(np.polyfit)
def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least squares as NumPy: the Vandermonde matrix with its columns scaled to unit
    norm, ``lstsq`` (whose derivative dualad has), the scale undone."""
    _reject("polyfit", w=w)
    if full or cov:
        raise TypeError("dualad: numpy.polyfit with full=True or cov=True is not supported "
                        "on a DualArray")
    x, y = (v if isinstance(v, DualArray) else np.asarray(v) + 0.0
            for v in (_operand(x), _operand(y)))
    deg = int(deg)
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if np.ndim(x) != 1 or np.shape(x)[0] != np.shape(y)[0]:
        raise TypeError("expected 1D vector for x and x and y with the same length")
    lhs = np.vander(x, deg + 1)
    rcond = len(_primal(x)) * np.finfo(np.asarray(_primal(x)).dtype).eps if rcond is None \
        else rcond
    scale = np.sqrt(np.sum(lhs * lhs, axis=0))
    c = np.linalg.lstsq(lhs / scale, y, rcond=rcond)[0]
    return (c.T / scale).T


@implements(np.piecewise)
def piecewise(x, condlist, funclist, *args, **kw):
    """NumPy's piecewise: y[cond] = func(x[cond], ...) per condition (the last func
    the "otherwise" one when there is one more func than conditions). For sparsity
    detection every callable branch runs on all of x and the branches meet by
    ``np.where`` (the union of their sets): the condition is chosen by value."""
    x = _operand(x)
    n2 = len(funclist)
    if np.isscalar(condlist) or (not isinstance(condlist[0], (list, np.ndarray))
                                 and np.ndim(x) != 0):
        condlist = [condlist]
    condlist = np.asarray(condlist, dtype=bool)
    if len(condlist) == n2 - 1:
        condlist = np.concatenate([condlist, ~np.any(condlist, axis=0, keepdims=True)])
    elif len(condlist) != n2:
        raise ValueError(f"with {len(condlist)} condition(s), either {len(condlist)} or "
                         f"{len(condlist) + 1} functions are expected")
    y = np.zeros_like(x)
    sets = isinstance(x, DualArray) and is_dependencies(x.partials)
    for cond, func in zip(condlist, funclist):
        if sets:
            y = np.where(cond, func(x, *args, **kw) if callable(func) else func, y)
        elif not callable(func):
            y[cond] = func
        elif np.any(cond):
            y[cond] = func(x[cond], *args, **kw)
    return y


@implements(np.unwrap)
def unwrap(p, discont=None, axis=-1, *, period=2 * np.pi):
    """NumPy's unwrap: p plus integer multiples k of ``period``, k chosen by value
    (a step), so the derivative along p is p's; a dual ``period`` contributes k."""
    p = _as_dual(p, "unwrap")
    discont = _primal(discont)
    if isinstance(period, DualNumber):
        pv, periodv = _primal(p), _primal(period)
        k = np.round((np.unwrap(pv, discont=discont, axis=axis, period=periodv) - pv) / periodv)
        return p + k * period
    return _new(np.unwrap(p.values, discont=discont, axis=axis, period=period),
                p.partials.copy(), p.tag)


@implements(np.i0)
def i0(x):
    """The modified Bessel function I0 (NumPy's np.i0) by scipy.special.i0's rule
    (derivative I1); SciPy is needed for the derivative."""
    try:
        import scipy.special
    except ImportError:  # pragma: no cover - SciPy is a test dependency
        raise TypeError("numpy.i0 of a dual needs SciPy for its derivative "
                        "(scipy.special.i1): pip install scipy") from None
    return scipy.special.i0(_operand(x))
