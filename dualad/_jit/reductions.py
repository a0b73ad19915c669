"""Reductions and scans of arrays of duals inside nopython code.

``np.prod``, ``np.mean`` over the whole array or along ``axis`` (any number
of dimensions), and the methods ``x.prod()``, ``x.mean()`` (whole array);
``np.cumsum``, ``np.cumprod`` and their methods (of the flattened array, as
NumPy without ``axis``); ``np.sum`` and ``x.sum()`` (with ``axis``) are
numba's own, which run on duals once a dual has a constant ``0``
(``casts``); ``np.linalg.norm`` of a vector or the Frobenius norm
of a matrix, folded with the ``hypot`` rule, so that it never overflows and
its derivative at the origin follows hypot's convention (0). ``min``,
``max``, ``argmin``, ``argmax`` and ``sort`` need nothing here: numba's own
implementations compare the elements, which duals do by value.

Sums accumulate in the order NumPy's naive loop does (not its pairwise
summation): values may differ from NumPy's in the last bits for long arrays.
"""
import numpy as np
from numba.core import types
from numba.core.errors import TypingError
from numba.extending import overload
from numba.np.unsafe.ndarray import to_fixed_tuple

from .. import _rules
from .arrays import empty_array_of
from .elementwise import dual_array, flat
from .functions import no_argument
from .intrinsics import convert
from .registry import OVERLOAD, jitable

_hypot = _rules.FUNCTIONS["hypot"]


def _axis_impls(T, ndim, combine, start, finish):
    """(whole, along_axis) impls of a reduction: ``combine(acc, x)`` from
    ``start`` (a real), then ``finish(acc, count)``."""
    tref = types.TypeRef(T)

    def whole(a):
        acc = convert(start, tref)
        af = flat(a)
        for i in range(af.size):
            acc = combine(acc, af[i])
        return finish(acc, af.size)

    jitable(whole)
    if ndim == 1:
        def along(a, axis=None):
            if axis != 0 and axis != -1:
                raise ValueError("axis out of bounds for a 1-D array")
            return whole(a)
        return whole, along

    last = ndim - 1

    def along(a, axis=None):
        # any ndim >= 2: a seen as (pre, m, post) around the axis, reduced over m
        ax = axis + ndim if axis < 0 else axis
        if ax < 0 or ax > last:
            raise ValueError("axis out of bounds for the array")
        m = a.shape[ax]
        pre = 1
        post = 1
        rest = np.empty(last, np.intp)
        for d in range(ndim):
            if d < ax:
                pre *= a.shape[d]
                rest[d] = a.shape[d]
            elif d > ax:
                post *= a.shape[d]
                rest[d - 1] = a.shape[d]
        b = np.ascontiguousarray(a).reshape((pre, m, post))
        out = empty_array_of(pre * post, tref)
        for i in range(pre):
            for k in range(post):
                acc = convert(start, tref)
                for j in range(m):
                    acc = combine(acc, b[i, j, k])
                out[i * post + k] = finish(acc, m)
        return out.reshape(to_fixed_tuple(rest, last))
    return whole, along


def _reduction(name, combine, start, finish):
    def typer(a, axis=None):
        if not dual_array(a):
            return None
        whole, along = _axis_impls(a.dtype, a.ndim, combine, start, finish)
        if no_argument(axis):
            def impl(a, axis=None):
                return whole(a)
            return impl
        if not isinstance(axis, types.Integer):
            raise TypingError(f"dualad: np.{name} of an array of duals takes axis=None or "
                              "an int")
        return along
    return typer


def _add(acc, x):
    return acc + x


def _mul(acc, x):
    return acc * x


def _same(acc, n):
    return acc


def _divide(acc, n):
    return acc / n


_REDUCTIONS = {"prod": (np.prod, _mul, 1.0, _same),
               "mean": (np.mean, _add, 0.0, _divide)}
for _name, (_fn, _combine, _start, _finish) in _REDUCTIONS.items():
    jitable(_combine)
    jitable(_finish)
    _typer = _reduction(_name, _combine, _start, _finish)
    overload(_fn, strict=False, **OVERLOAD)(_typer)


# ------------------------------------------------------------------ scans ---

def _scan(combine):
    def typer(a):
        if not dual_array(a):
            return None

        def impl(a):
            af = a.ravel()
            out = np.empty_like(af)
            if af.size:
                acc = af[0]
                out[0] = acc
                for i in range(1, af.size):
                    acc = combine(acc, af[i])
                    out[i] = acc
            return out
        return impl
    return typer


for _fn, _combine in ((np.cumsum, _add), (np.cumprod, _mul)):
    overload(_fn, strict=False, **OVERLOAD)(_scan(_combine))


# ------------------------------------------------------------------- norm ---

@overload(np.linalg.norm, strict=False, **OVERLOAD)
def _norm(x, ord=None, axis=None):
    if not dual_array(x):
        return None
    if not (no_argument(ord) and no_argument(axis)):
        raise TypingError("dualad: np.linalg.norm of an array of duals is compiled for the "
                          "2-norm of a vector and the Frobenius norm of a matrix (no ord, "
                          "no axis); write other norms with np.sum/np.max of np.abs(x)")
    tref = types.TypeRef(x.dtype)

    def impl(x, ord=None, axis=None):
        xf = flat(x)
        r = convert(0.0, tref)
        for i in range(xf.size):
            r = _hypot(r, xf[i])
        return r
    return impl


# ---------------------------------------------------------------- methods ---
# ``x.mean()`` resolves to numba's own method template, the only one numba
# tries for an attribute; that template calls the function object behind
# numba's method (numba/np/arraymath.py, array_mean & co.), as a function
# whose overloads are all tried. dualad's reductions are registered as
# overloads of those function objects too, so the methods reach them.
def _numba_methods():
    from numba.np import arraymath
    return {name: getattr(arraymath, f"array_{name}", None)
            for name in ("mean", "prod", "cumsum", "cumprod")}


def _method_typer(name):
    """A typer with the exact parameters of numba's function behind the method (its
    lowering calls the implementation with them): the whole-array forms."""
    if name in _REDUCTIONS:
        _, combine, start, finish = _REDUCTIONS[name]

        def typer(a):
            if dual_array(a):
                return _axis_impls(a.dtype, a.ndim, combine, start, finish)[0]
        return typer
    scan = _scan(_add if name == "cumsum" else _mul)
    if name == "cumsum":       # numba's: (a, axis=None, dtype=None)
        def typer(a, axis=None, dtype=None):
            if dual_array(a) and no_argument(axis) and no_argument(dtype):
                whole = scan(a)

                def impl(a, axis=None, dtype=None):
                    return whole(a)
                return impl
        return typer
    return scan


for _name, _numba_fn in _numba_methods().items():
    if _numba_fn is not None:
        overload(_numba_fn, strict=False, **OVERLOAD)(_method_typer(_name))
