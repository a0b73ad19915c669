"""More NumPy functions on DualArray: index functions, joins, and a few smooth ones.

Index functions (``flipud``, ``rot90``, ``tril``, ``tile``, ``split`` & co.,
``gradient``) are linear maps that never mix the partials of different
directions: one generic handler (``_linear``) applies the NumPy function to
the values and to each direction's partials (``partials[..., k]``, a DualArray
itself when nested) and stacks the directions back on the trailing axis. The
others are written with the functions that already have rules, so each
derivative follows from the rule table (``logaddexp`` by branches that are
smooth at ties, ``sinc`` with its series near 0).
"""
import inspect
import math
import string

import numpy as np

from ... import _rules
from ..._core.base import DualNumber
from ..depset import is_dependencies
from .arguments import _as_dual
from .core import DualArray, _lead_of, _new, _operand, _split
from .registry import implements


def _combine(values, parts, tag):
    """A result of the structure of ``values`` (an array, or a list/tuple of them)."""
    if isinstance(values, (list, tuple)):
        return type(values)(_combine(v, [p[i] for p in parts], tag) for i, v in enumerate(values))
    return _new(values, np.stack(parts, axis=-1), tag)


def _linear_call(func, a, args, kwargs):
    a = _as_dual(a, func.__name__)
    values = func(a.values, *args, **kwargs)
    parts = [func(a.partials[..., k], *args, **kwargs) for k in range(a.n)]
    return _combine(values, parts, a.tag)


def _linear(func):
    def handler(a, *args, **kwargs):
        for x in list(args) + list(kwargs.values()):
            if isinstance(x, DualNumber):
                raise TypeError(f"dualad: numpy.{func.__name__} takes the array as its only "
                                "dual argument")
        return _linear_call(func, a, args, kwargs)
    handler.__name__ = func.__name__
    return implements(func)(handler)


for _f in (np.flipud, np.fliplr, np.rot90, np.tril, np.triu, np.tile, np.rollaxis,
           np.split, np.array_split, np.vsplit, np.hsplit, np.dsplit, np.gradient):
    _linear(_f)


@implements(np.pad)
def pad(array, pad_width, mode="constant", **kwargs):
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap", "empty"):
        raise TypeError(f"dualad: numpy.pad with mode={mode!r} is not supported on a DualArray "
                        "(constant, edge, reflect, symmetric, wrap are)")
    if mode == "empty":
        mode = "constant"
    a = _as_dual(array, "pad")
    values = np.pad(a.values, pad_width, mode=mode, **kwargs)
    pk = {k: v for k, v in kwargs.items() if k != "constant_values"}  # padding is constant
    parts = [np.pad(a.partials[..., k], pad_width, mode=mode, **pk) for k in range(a.n)]
    return _combine(values, parts, a.tag)


@implements(np.append)
def append(arr, values, axis=None):
    if axis is None:
        return np.concatenate((np.ravel(arr), np.ravel(values)))
    return np.concatenate((arr, values), axis=axis)


@implements(np.partition)
def partition(a, kth, axis=-1, kind="introselect", order=None):
    if order is not None:
        raise TypeError("dualad: numpy.partition with order= is not supported on a DualArray")
    a = _as_dual(a, "partition")
    if axis is None:
        a, axis = np.ravel(a), 0
    idx = np.argpartition(_primal(a), kth, axis=axis, kind=kind)
    return np.take_along_axis(a, idx, axis=axis)


@implements(np.nan_to_num)
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Replaced elements are constants (partials 0); the others keep theirs."""
    x = _as_dual(x, "nan_to_num")
    bad = ~np.isfinite(x.values)
    while isinstance(bad, DualArray):
        bad = ~np.isfinite(bad.values)
    values = np.nan_to_num(x.values, nan=nan, posinf=posinf, neginf=neginf)
    return np.where(bad, values, x)


@implements(np.select)
def select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    result = default
    for cond, choice in zip(condlist[::-1], choicelist[::-1]):
        result = np.where(cond, choice, result)
    return result if isinstance(result, DualArray) else DualArray.from_any(result)


@implements(np.kron)
def kron(a, b):
    a, b = _operand(a), _operand(b)
    nd = max(np.ndim(a), np.ndim(b))
    a = np.reshape(a, (1,) * (nd - np.ndim(a)) + np.shape(a))
    b = np.reshape(b, (1,) * (nd - np.ndim(b)) + np.shape(b))
    sa, sb = np.shape(a), np.shape(b)
    a2 = np.reshape(a, tuple(x for s in sa for x in (s, 1)))
    b2 = np.reshape(b, tuple(x for s in sb for x in (1, s)))
    return np.reshape(a2 * b2, tuple(x * y for x, y in zip(sa, sb)))


@implements(np.cross)
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    a = np.moveaxis(_operand(a), axisa, -1)
    b = np.moveaxis(_operand(b), axisb, -1)
    n, m = np.shape(a)[-1], np.shape(b)[-1]
    if n not in (2, 3) or m not in (2, 3):
        raise ValueError("incompatible dimensions for cross product (dimension must be 2 or 3)")
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    a2 = a[..., 2] if n == 3 else 0.0
    b2 = b[..., 2] if m == 3 else 0.0
    z = a0 * b1 - a1 * b0
    if n == 2 and m == 2:
        return z
    c = np.stack(np.broadcast_arrays(a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z), axis=-1)
    return np.moveaxis(c, -1, axisc)


@implements(np.linspace)
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if axis != 0 or dtype is not None:
        raise TypeError("dualad: numpy.linspace with dual endpoints supports axis=0 and no dtype")
    num = int(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = (num - 1) if endpoint else num
    start, stop = _operand(start), _operand(stop)
    step = (stop - start) / div if div > 0 else (stop - start) * np.nan
    dtype = np.result_type(_primal(start), _primal(stop), 1.0)  # NumPy's (weak 1.0)
    t = np.arange(num, dtype=dtype).reshape((num,) + (1,) * np.ndim(step))
    y = start + t * step if div > 0 else start + t * (stop - start)
    if endpoint and num > 1:
        y[-1, ...] = stop
    return (y, step) if retstep else y


@implements(np.geomspace)
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """start**(1 - t) * stop**t, t = k/(num - 1), as NumPy's values y0 (its endpoints
    exact) times (start/s0)**(1 - t) * (stop/e0)**t, s0 and e0 the endpoints' values:
    1 at the point, and every derivative order the function's."""
    if axis != 0 or dtype is not None:
        raise TypeError("dualad: numpy.geomspace with dual endpoints supports axis=0 and "
                        "no dtype")
    start, stop = _operand(start), _operand(stop)
    s0, e0 = _primal(start), _primal(stop)
    y0 = np.geomspace(s0, e0, num, endpoint=endpoint)
    num = y0.shape[0]
    div = (num - 1) if endpoint else num
    t = (np.arange(num, dtype=np.result_type(y0, 1.0)) / max(div, 1)).reshape(
        (num,) + (1,) * (y0.ndim - 1))
    return y0 * ((start / s0) ** (1.0 - t) * (stop / e0) ** t)


def einsum_sublist(operands):
    """The einsum sublist form (op, [0, 1], op, [1, 2], [0, 2]) as (subscripts, *ops)."""
    items, out = list(operands), None
    if len(items) % 2 == 1:
        out = items.pop()
    ops, subs = items[0::2], items[1::2]
    letters = string.ascii_letters

    def word(sub):
        return "".join("..." if s is Ellipsis else letters[int(s)] for s in sub)
    spec = ",".join(word(s) for s in subs) + ("" if out is None else "->" + word(out))
    return [spec] + ops


# ---------------------------------------- ufuncs written with other rules ---

def _softplus(d):
    return np.log1p(np.exp(d))


def logaddexp(x, y):
    """log(exp(x) + exp(y)) from the larger argument: each branch is smooth, so the
    derivative at a tie is exact (1/2 each), never a one-sided one."""
    return np.where(_primal(x) >= _primal(y), x + _softplus(y - x), y + _softplus(x - y))


def logaddexp2(x, y):
    ln2 = math.log(2.0)  # a Python float: float32 stays float32
    return np.where(_primal(x) >= _primal(y), x + _softplus((y - x) * ln2) / ln2,
                    y + _softplus((x - y) * ln2) / ln2)


def ldexp(x, n):
    """x * 2**n for an integer constant n: the values and the partials scaled alike
    (by NumPy's ldexp, exact with no overflow of 2**n itself)."""
    if isinstance(n, DualNumber) or np.asarray(n).dtype.kind not in "biu":
        raise TypeError("numpy.ldexp: the exponent must be an integer constant")
    n = np.asarray(n)
    if is_dependencies(x.partials):   # sparsity tracing: a scaling keeps the sets
        return x * np.exp2(n)
    return _new(np.ldexp(x.values, n), np.ldexp(x.partials, n[..., None]), x.tag)


def heaviside(x, h0):
    """0 for x < 0, h0 at x == 0, 1 for x > 0 (nan for nan): a step along x
    (derivative 0), and at x == 0 the derivative of h0."""
    xv = _primal(x)
    step = np.sign(x) * 0.5 + 0.5 if isinstance(x, DualNumber) else np.heaviside(xv, 0.0)
    return np.where(xv == 0, h0, step)


def modf(x):
    """(fractional part, integral part): derivatives 1 and 0 (the integral part
    is trunc, a step); the values NumPy's (modf(inf) == (0.0, inf))."""
    frac, _ = np.modf(x.values)
    return _new(frac, x.partials.copy(), x.tag), _rules.FUNCTIONS["trunc"](x)


def frexp(x):
    """(mantissa, exponent), x == mantissa * 2**exponent: the mantissa is x scaled
    by the constant 2**-exponent; the exponent an integer array."""
    exponent = np.frexp(_primal(x))[1]
    return ldexp(x, -exponent), exponent


COMPOSITE_UFUNCS = {np.logaddexp: logaddexp, np.logaddexp2: logaddexp2, np.ldexp: ldexp,
                    np.heaviside: heaviside, np.modf: modf, np.frexp: frexp}
"""ufuncs without a rule of their own, written with functions that have one."""


def _primal(x):
    while isinstance(x, DualNumber):
        x = x._primal()
    return x


_SINC_SERIES = 1e-3  # below |pi x| = 1e-3 the series to x**4 is exact to ~1e-22


@implements(np.sinc)
def sinc(x):
    """sin(pi x)/(pi x), and its series 1 - u**2/6 + u**4/120 near 0 (u = pi x), so
    that every derivative at 0 is right (sinc''(0) = -pi**2/3)."""
    x = _operand(x)
    u = np.pi * x
    small = np.abs(_primal(u)) < _SINC_SERIES
    safe = np.where(small, 1.0, u)
    u2 = u * u
    return np.where(small, 1.0 - u2 / 6.0 + u2 * u2 / 120.0, np.sin(safe) / safe)


# ------------------------------------------------------------------- FFT ---
# The transforms are linear over the reals (rfft, irfft, hfft take real or
# Hermitian parts, so not complex-linear): each is applied to the values and to
# every direction's partials, which is the derivative along every seeded
# direction, complex or real (a holomorphic transform of irfft fails Cauchy-
# Riemann, as it should). The partials go in one call, their directions a
# leading axis that the transform's axes, given as negative numbers, skip.
# fftshift/ifftshift are index functions, handled alike.
_FFTS = ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2",
         "irfft2", "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift")


def _negative_axes(bound, ndim):
    """The call's axis/axes as negative numbers (None: the ones NumPy takes)."""
    def neg(i):
        i = int(i)
        if not -ndim <= i < ndim:
            raise np.exceptions.AxisError(i, ndim)
        return i - ndim if i >= 0 else i
    args = bound.arguments
    if "axis" in bound.signature.parameters:
        args["axis"] = neg(args.get("axis", -1))
        return
    axes = args.get("axes", bound.signature.parameters["axes"].default)
    if axes is None:
        s = args.get("s")
        count = ndim if s is None else len(s)
        axes = range(-count, 0)
    elif isinstance(axes, (int, np.integer)):
        axes = (axes,)
    args["axes"] = tuple(neg(i) for i in axes)


def _fft(func):
    signature = inspect.signature(func)

    def handler(a, *args, **kwargs):
        for x in list(args) + list(kwargs.values()):
            if isinstance(x, DualNumber):
                raise TypeError(f"dualad: numpy.fft.{func.__name__} takes the array as its "
                                "only dual argument")
        a = _as_dual(a, f"fft.{func.__name__}")
        bound = signature.bind(a.values, *args, **kwargs)  # (out=: the registry stores it)
        _negative_axes(bound, a.ndim)
        kw = {k: v for k, v in bound.arguments.items() if k not in ("a", "x")}
        values = func(a.values, **kw)
        lanes = func(np.moveaxis(a.partials, -1, 0), **kw)
        return _new(values, np.moveaxis(lanes, 0, -1), a.tag)
    handler.__name__ = func.__name__
    return implements(func)(handler)


for _name in _FFTS:
    _fft(getattr(np.fft, _name))


# ------------------------------------------------- convolve, correlate ---

def _bilinear(func):
    """A handler of a bilinear NumPy function f(a, v, ...): the product rule."""
    def handler(a, v, *args, **kwargs):
        a, v = _operand(a), _operand(v)
        top = _lead_of((a, v))
        (av, ap), (vv, vp) = _split(top, a), _split(top, v)
        values = func(av, vv, *args, **kwargs)
        parts = []
        for k in range(top.n):
            t = None
            if ap is not None:
                t = func(ap[..., k], vv, *args, **kwargs)
            if vp is not None:
                u = func(av, vp[..., k], *args, **kwargs)
                t = u if t is None else t + u
            parts.append(t)
        return _combine(values, parts, top.tag)
    handler.__name__ = func.__name__
    return implements(func)(handler)


_bilinear(np.convolve)
_bilinear(np.correlate)
