"""``da.derivative``: derivatives of scalar functions of one variable."""

import numpy as np

from .._core.base import (COMPILED_TAGS, DualNumber, bad_argument, check_not_compiled, next_tag,
                          translate_scipy_error)
from .._core.memo import FunctionStore
from .._core.numba_support import is_dispatcher
from .._numbers import Dual, DualArray, make_dual, partial_along
from .._numbers.components import is_complex_value, scalar_constant
from .._numbers.array.core import _float_array
from .taylor import TAYLOR_MIN_ORDER, taylor_derivative
from .traceable import python_callable


def _check_order(order):
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"derivative() order must be an int, got {type(order).__name__}")
    if order < 0:
        raise ValueError(f"derivative() order must be >= 0, got {order}")
    return int(order)


def _one_like(x):
    """1 in the floating type of x's innermost value (float32 stays float32)."""
    while isinstance(x, DualNumber):
        x = x.value
    return x.dtype.type(1.0) if isinstance(x, np.floating) else 1.0


def _array_like(x):
    return isinstance(x, (np.ndarray, list, tuple)) or hasattr(x, "__array__") or (
        isinstance(x, DualNumber) and x._rank > 1)


def _scalar_input(x):
    """x as a scalar point (ints promoted, a scalar dual as it is), else None."""
    if isinstance(x, DualNumber) and x._rank > 1:
        return None
    return scalar_constant(x)


def derivative(f, order=1, direction=None):
    """Return a function computing the ``order``-th derivative of ``f``.

    ``f`` takes one real argument; it may be a plain Python function (using
    dualad's or NumPy's functions) or a ``numba.njit`` dispatcher, which then
    runs compiled on dual numbers. For an ndarray ``x`` the function is treated
    as elementwise: the result has ``x``'s shape and holds the derivative at
    each element.

    Orders from ``TAYLOR_MIN_ORDER`` (3) on take one pass on Taylor numbers
    (O(order²) per operation) instead of nested duals (2^order). With
    ``direction`` (an array shaped like ``x``), f is a function of the vector
    ``x`` and the result is its ``order``-th derivative along ``direction``,
    d^k/dt^k f(x + t*direction) at t = 0 (a Taylor pass at every order).

    >>> import dualad as da
    >>> da.derivative(lambda x: x ** 3)(2.0)
    12.0
    >>> da.derivative(lambda x: x ** 3, order=2)(2.0)
    12.0

    The transform is kept per function (``BUILT``), so ``da.derivative(f)(x)``
    written inside a loop costs one lookup, not a new transform.
    """
    if direction is None and type(order) is int:
        df = BUILT.get(f, order)
        if df is not None:
            return df
        return BUILT.put(f, order, _build(f, order))
    if not callable(f):
        raise TypeError(f"derivative() needs a callable f, got {type(f).__name__}")
    order = _check_order(order)
    if direction is not None:
        return taylor_derivative(f, order, direction)
    return _build(f, order)


BUILT = FunctionStore(size=256)
"""The derivatives built so far, per function and order (``_core.memo``)."""


def _build(f, order):
    """The ``order``-th derivative of f (no direction), for a plain Python f or a dispatcher."""
    if not callable(f):
        raise TypeError(f"derivative() needs a callable f, got {type(f).__name__}")
    order = _check_order(order)
    if is_dispatcher(f):
        if order >= TAYLOR_MIN_ORDER:  # complex points: not compiled, a clear refusal
            from .._backends.taylor import taylor_or_nested
            return _at_complex_points_too(f, order, taylor_or_nested(f, order))
        from .._backends.derivative import compiled_derivative
        return _at_complex_points_too(f, order, compiled_derivative(f, order))
    if order == 0:
        return f
    if order >= TAYLOR_MIN_ORDER:
        return _taylor_or_nested(f, order)
    if order > 1:
        inner = derivative(f, order - 1)
        outer = derivative(inner, 1)
        outer.__doc__ = f"Derivative of order {order} of {getattr(f, '__name__', f)!r}."
        return outer
    g = python_callable(f)   # math.* on dualad's numbers (traceable)

    def df(x):
        s = x if type(x) is float else _scalar_input(x)
        if s is not None:
            if type(s) is float:
                seed = 1.0
            elif is_complex_value(s):
                from .holomorphic import holomorphic_derivative
                return holomorphic_derivative(f, s)
            else:
                seed = _one_like(s)
            tag = next_tag()
            try:
                y = g(make_dual(s, seed, tag))
            except TypeError as e:  # NumPy's message from SciPy code: dualad's instead
                translate_scipy_error(e)
                raise
            if COMPILED_TAGS:
                check_not_compiled(tag, "derivative")
            if type(y) is Dual and y.tag == tag and type(y._p) is not np.ndarray:
                return y._p
            return partial_along(y, tag)
        if not _array_like(x):
            raise bad_argument("derivative", "x", x)
        return elementwise_derivative(f, x)

    df.__name__ = f"derivative({getattr(f, '__name__', 'f')})"
    df.__doc__ = f"First derivative of {getattr(f, '__name__', f)!r}."
    return df


def _at_complex_points_too(f, order, df):
    """The compiled derivative df of a dispatcher f, taking complex scalars too
    (f holomorphic: JAX's convention and the Cauchy-Riemann check, ``holomorphic``)."""
    if order == 0:
        return df

    def dfc(x):
        if is_complex_value(x) and not isinstance(x, DualNumber):
            from .holomorphic import compiled_holomorphic_derivative
            return compiled_holomorphic_derivative(f, order, x)
        if isinstance(x, (np.ndarray, list, tuple)) and np.iscomplexobj(x):
            from .holomorphic import compiled_holomorphic_elementwise
            return compiled_holomorphic_elementwise(f, order, x)
        return df(x)

    dfc.__name__ = df.__name__
    dfc.__doc__ = df.__doc__
    dfc.compiled_elementwise = True   # on an array: f per element, compiled (vmap uses it)
    return dfc


def _nested(f, order):
    """f^(order) by nested duals: derivative(derivative(..., order - 1))."""
    inner = derivative(f, order - 1) if order - 1 < TAYLOR_MIN_ORDER else _nested(f, order - 1)
    return derivative(inner, 1)


def _taylor_or_nested(f, order):
    """f^(order) by a Taylor pass, or by nested duals where x is a dual itself
    (inside another transform: Taylor coefficients are real numbers)."""
    by_taylor = taylor_derivative(f, order)
    by_nesting = []

    def df(x):
        if isinstance(x, DualNumber):
            if not by_nesting:
                by_nesting.append(_nested(f, order))
            return by_nesting[0](x)
        return by_taylor(x)

    df.__name__ = by_taylor.__name__
    df.__doc__ = by_taylor.__doc__
    return df


def _innermost(x):
    while isinstance(x, DualNumber):
        x = x._primal()
    return x


def _elementwise_partial(f, base, shape, dtype, unit):
    """The partial of f(x) along every element of x seeded by ``unit`` (1, or 1j)."""
    tag = next_tag()
    y = python_callable(f)(DualArray(base, np.full(shape + (1,), unit, dtype), tag))
    if isinstance(y, DualArray) and y.tag == tag and y.shape != shape:
        raise ValueError(f"derivative(): for an array x, f must be elementwise, returning "
                         f"x's shape {shape}; it returned shape {y.shape} (use da.jacobian "
                         "for functions that mix elements)")
    if isinstance(y, DualNumber) and not isinstance(y, DualArray) and y.tag == tag and shape:
        raise ValueError("derivative(): for an array x, f must be elementwise; it returned "
                         "a scalar depending on x (use da.grad or da.jacobian)")
    return partial_along(y, tag)


def elementwise_derivative(f, x):
    """The derivative of an elementwise function f at every element of the array x.

    ``x`` is an ndarray (ints become float64, float32 stays float32) or a
    DualArray (when derivatives are nested). Returns an array of x's shape.

    >>> import numpy as np
    >>> import dualad as da
    >>> da.derivative(lambda x: x ** 3)(np.array([1.0, 2.0])).tolist()
    [3.0, 12.0]
    """
    if isinstance(x, DualArray):
        base = x
        dtype = x.dtype
    else:
        base = _float_array(x)
        dtype = base.dtype
    shape = base.shape
    d = _elementwise_partial(f, base, shape, dtype, 1.0)
    if np.iscomplexobj(_innermost(base)):
        # f'(z) of a complex array: seeded along 1 and 1j, Cauchy-Riemann checked
        from .holomorphic import check_cauchy_riemann
        check_cauchy_riemann(d, _elementwise_partial(f, base, shape, dtype, 1j), "derivative()")
    if isinstance(d, DualArray):
        return d if d.shape == shape else np.broadcast_to(d, shape).copy()
    d = np.asarray(d)
    if d.dtype.kind not in "fc":
        d = d.astype(dtype)
    if d.shape != shape:
        d = np.broadcast_to(d, shape).astype(d.dtype)
    return d
