"""Taylor mode of a numba dispatcher: ``da.taylor(njit_f, K)`` and
``da.derivative(njit_f, order=k)`` for k >= 3, in one compiled loop.

Each element is seeded as the compiled Taylor number x + e with K + 1
coefficients (``dualad._jit.taylor_types``) and f runs on it; the kernel
writes either every coefficient (``da.taylor``) or k! times the k-th one.
One kernel per (f, K, what), parallel (``prange``) from
``PARALLEL_MIN_SIZE`` elements on, as the nested-dual kernels of
``derivative``. Scalars run the same kernel on one element.

Where f calls a rule that has no compiled Taylor recurrence yet, typing
fails; ``taylor_or_nested`` then falls back to the nested-dual kernels of
``derivative`` (same results, the cost of nesting), once per f.
"""
import math

import numba
import numpy as np
from numba import prange
from numba.core.errors import TypingError
from numba.extending import overload

from .._jit.registry import OVERLOAD
from .._jit.taylor_types import is_taylor, seeder
from .._jit.types import is_real
from .derivative import PARALLEL_MIN_SIZE, _as_float_array, compiled_derivative


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


def _kernels(f, n, what):
    key = (f, n, what)
    k = _KERNELS.get(key)
    if k is None:
        seed = seeder(n)
        if what == "all":
            def kernel(x, out, scale):
                for i in prange(x.size):
                    y = f(seed(x[i]))
                    for j in range(n):
                        out[i, j] = coefficient(y, j)
        else:
            order = n - 1

            def kernel(x, out, scale):
                for i in prange(x.size):
                    out[i] = coefficient(f(seed(x[i])), order) * scale
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
    parallel_k, serial_k = _kernels(f, n, what)
    scale = xa.dtype.type(math.factorial(order))
    if flat.size >= PARALLEL_MIN_SIZE and numba.get_num_threads() > 1:
        parallel_k(flat, out, scale)
    else:
        serial_k(flat, out, scale)
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
