"""Taylor mode of a numba dispatcher: ``da.taylor(njit_f, K)`` and
``da.derivative(njit_f, order=k)`` for k >= 3, in one compiled loop.

Each element is seeded as the compiled Taylor number x + e with K + 1
coefficients (``dualad._jit.taylor_types``) and f runs on it; the kernel
writes either every coefficient (``da.taylor``) or k! times the k-th one.
One kernel per (f, K, what), parallel (``prange``) from
``PARALLEL_MIN_SIZE`` elements on, as the nested-dual kernels of
``derivative``. Scalars run the same kernel on one element. The kernel
calls a copy of f that numba inlines into it (``_inlined``), so that the
loop over the points vectorises.

Where f calls a rule that has no compiled Taylor recurrence yet, typing
fails; ``taylor_or_nested`` then falls back to the nested-dual kernels of
``derivative`` (same results, the cost of nesting), once per f.

``da.derivative(njit_f, order, direction=v)`` and ``da.jet(njit_f, ...)``
call f once on arrays of compiled Taylor numbers (``compiled_coefficients``).
"""
import math

import numba
import numpy as np
from numba import literally, prange
from numba.core import types
from numba.core.errors import NumbaError, TypingError
from numba.extending import overload
from numba.np import numpy_support

from .._jit.arrays import dual_buffer, point_args
from .._jit.registry import OVERLOAD
from .._jit.taylor_types import TaylorType, is_taylor, seeder
from .._jit.types import is_real
from .._core.base import DualNumber
from .derivative import PARALLEL_MIN_SIZE, _as_float_array, _enclosed_derivative, \
    compiled_derivative


def coefficient(y, k):
    """Coefficient k of f's result (0 for k >= 1 of a constant)."""


@overload(coefficient, **OVERLOAD)
def _coefficient(y, k):
    if is_taylor(y):
        return lambda y, k: y.c[k]
    if is_real(y):
        return lambda y, k: y if k == 0 else 0.0 * y
    raise TypingError(f"da.taylor: f must return a real number (or a Taylor number of its "
                      f"input), got {y}")


_KERNELS = {}


def _inlined(f):
    """A copy of the dispatcher f that numba inlines into the kernel (its IR), or f.

    Measured (exp(sin x)/(1 + x²), 1e5 points): the Taylor kernel of order 16
    ran at 4.4x the primal with f inlined, 33x with f called (LLVM does not
    inline a function of that size, so the loop over the points does not
    vectorise), and compiled faster (0.70 s against 0.94 s). f's own options
    (fastmath, error_model, ...) are kept."""
    py = getattr(f, "py_func", None)
    opts = dict(getattr(f, "targetoptions", None) or {})
    if py is None or opts.get("parallel"):
        return f
    opts.pop("nopython", None)  # njit sets it (and warns if given again)
    opts["inline"] = "always"
    try:
        return numba.njit(**opts)(py)
    except Exception:  # options numba does not take twice: call f itself
        return f


def _kernels(f, n, what, inline=True):
    key = (f, n, what, inline)
    k = _KERNELS.get(key)
    if k is None:
        seed = seeder(n)
        g = _inlined(f) if inline else f
        if what == "all":
            def kernel(x, out, scale):
                for i in prange(x.size):
                    y = g(seed(x[i]))
                    for j in range(n):
                        out[i, j] = coefficient(y, j)
        else:
            order = n - 1

            def kernel(x, out, scale):
                for i in prange(x.size):
                    out[i] = coefficient(g(seed(x[i])), order) * scale
        k = _KERNELS[key] = (numba.njit(parallel=True)(kernel), numba.njit(kernel))
    return k


def _run(f, order, what, x):
    arr = np.asarray(x)
    if arr.dtype.kind in "biu" or arr.dtype == np.bool_:
        arr = arr.astype(np.float64)
    xa = np.ascontiguousarray(_as_float_array(arr))
    flat = xa.reshape(-1)
    n = order + 1
    out = np.empty((flat.size, n) if what == "all" else flat.shape, xa.dtype)
    scale = xa.dtype.type(math.factorial(order))
    parallel = flat.size >= PARALLEL_MIN_SIZE and numba.get_num_threads() > 1
    try:
        kernels = _kernels(f, n, what)
        kernels[0 if parallel else 1](flat, out, scale)
    except NumbaError:
        # f that numba cannot inline (or that does not compile): the kernel calling
        # f itself, whose error (a TypingError for a rule with no Taylor recurrence)
        # is the one raised
        kernels = _kernels(f, n, what, inline=False)
        kernels[0 if parallel else 1](flat, out, scale)
    return out.reshape(arr.shape + out.shape[1:])


def compiled_taylor(f, order):
    """``da.taylor`` of a numba dispatcher: coefficients on a trailing axis."""
    def coefficients(x):
        return _run(f, order, "all", x)
    coefficients.__name__ = f"taylor({getattr(f, '__name__', 'f')}, {order})"
    return coefficients


def taylor_or_nested(f, order):
    """``da.derivative(njit_f, order)`` for order >= 3: Taylor kernels, or nested
    duals where f uses a rule with no compiled Taylor recurrence."""
    nested = []

    def df(x):
        if isinstance(x, DualNumber):  # inside a Python transform: nested's clear error
            return _enclosed_derivative(f, order, x)
        if not nested:
            try:
                out = _run(f, order, "one", x)
            except TypingError:
                nested.append(compiled_derivative(f, order))
            else:
                return out if np.ndim(x) else (float(out) if out.dtype == np.float64
                                               else out[()])
        return nested[0](x)

    df.__name__ = f"derivative({getattr(f, '__name__', 'f')}, order={order})"
    df.__doc__ = f"Derivative of order {order} of the compiled function (Taylor mode)."
    return df


# ------------------------------------- functions of arrays: direction, jet ---
# f takes arrays (or scalars) of compiled Taylor numbers: each argument is a
# DualBuffer of Taylor structs (a scalar one a buffer of one, indexed in
# compiled code by point_args), f is called once in ``_entry`` and every
# coefficient of its result comes back as floats (a trailing axis).

def all_coefficients(y, n):
    """The n coefficients of f's result y on a trailing axis: a Taylor number or an
    array of them, or a real (array) that does not depend on the input."""


def _np_float(t):
    return np.float32 if t == types.float32 else np.float64


@overload(all_coefficients, **OVERLOAD)
def _all_coefficients(y, n):
    if not isinstance(n, types.IntegerLiteral):
        return None
    N = n.literal_value
    if is_taylor(y):
        dt = _np_float(y.dtype)

        def impl(y, n):
            out = np.empty(N, dt)
            for j in range(N):
                out[j] = y.c[j]
            return out
        return impl
    if is_real(y):
        dt = _np_float(y) if isinstance(y, types.Float) else np.float64

        def impl(y, n):
            out = np.zeros(N, dt)
            out[0] = y
            return out
        return impl
    if isinstance(y, types.Array) and is_taylor(y.dtype):
        dt = _np_float(y.dtype.dtype)

        def impl(y, n):
            out = np.empty((y.size, N), dt)
            yf = y.ravel()
            for i in range(yf.size):
                t = yf[i]
                for j in range(N):
                    out[i, j] = t.c[j]
            return out.reshape(y.shape + (N,))
        return impl
    if isinstance(y, types.Array) and is_real(y.dtype):
        dt = _np_float(y.dtype) if isinstance(y.dtype, types.Float) else np.float64

        def impl(y, n):
            out = np.zeros((y.size, N), dt)
            yf = y.ravel()
            for i in range(yf.size):
                out[i, 0] = yf[i]
            return out.reshape(y.shape + (N,))
        return impl
    raise TypingError(f"dualad: f must return a real number, an array of reals, or Taylor "
                      f"numbers of its input (array), got {y}")


@numba.njit
def _entry(f, args, mask, n):
    literally(mask)
    literally(n)
    return all_coefficients(f(*point_args(args, 0, mask, -1, 0)), n)


def _taylor_buffer(coefficients):
    """A DualBuffer of compiled Taylor numbers holding ``coefficients`` (a float
    array, the coefficients on its trailing axis)."""
    c = np.ascontiguousarray(coefficients)
    nbtype = TaylorType(numpy_support.from_dtype(c.dtype), c.shape[-1])
    buf = dual_buffer(nbtype, c.shape[:-1])
    buf["c"] = c
    return buf


def compiled_coefficients(f, args, who):
    """f(*args) on compiled Taylor numbers: ``args`` the coefficient arrays of f's
    arguments (trailing axis; a 1-D one is a scalar argument), one dtype and n.
    Returns the coefficients of f's result (trailing axis)."""
    n = args[0].shape[-1]
    mask = 0
    bufs = []
    for i, c in enumerate(args):
        if c.ndim == 1:
            mask |= 1 << i
            c = c[None]
        bufs.append(_taylor_buffer(c))
    try:
        return _entry(f, tuple(bufs), mask, n)
    except TypingError as e:
        raise TypeError(
            f"{who}() of the numba function {getattr(f, '__name__', f)!r}: it does not "
            "compile on arrays of Taylor numbers (supported: element access and "
            "assignment, arithmetic and the rule table's functions on elements, "
            "np.empty_like/zeros_like, slicing, array arithmetic and the table's ufuncs, "
            "np.where, np.clip, np.sum, np.prod, np.mean, np.cumsum, np.cumprod, np.dot, "
            "@, np.outer, np.trace, np.linalg.solve/inv/det; not the other np.linalg "
            "functions). Call it on its Python source (NumPy's functions) instead. "
            "numba said: " + str(e)) from None
