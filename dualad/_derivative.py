"""``da.derivative``: derivatives of scalar functions of one variable."""
import numbers

import numpy as np

from ._base import DualNumber, _tag_counter, bad_argument
from ._base import COMPILED_TAGS, check_not_compiled
from ._scalar import Dual

_new = object.__new__


def _check_order(order):
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"derivative() order must be an int, got {type(order).__name__}")
    if order < 0:
        raise ValueError(f"derivative() order must be >= 0, got {order}")
    return int(order)


def _extract(y, tag):
    """The partial of y along the perturbation ``tag`` (0 if y does not depend on it)."""
    if type(y) is Dual:
        if y.tag == tag:
            p = y._p
            if type(p) is np.ndarray:
                raise ValueError("derivative() seeds one partial; f returned a Dual with "
                                 f"{p.shape[0]} partials")
            return p
        if y.tag < tag and not _holds_tag(y, tag):
            return 0.0
    if isinstance(y, DualNumber):
        extract = getattr(y, "_extract_tag", None)
        if extract is not None:
            return extract(tag)
        if _holds_tag(y, tag):
            # a dual built by hand inside f around x's perturbation, e.g.
            # ``lambda x: HyperDual(x, 1.0, 1.0, 0.0) * x``: the derivative of
            # each component
            return y._build(tuple(_extract(c, tag) for c in y._components()))
        if y.tag < tag:
            return 0.0
        raise TypeError(f"derivative(): f returned a {type(y).__name__}; "
                        "use da.hessian or HyperDual seeding for hyper-duals")
    if isinstance(y, (numbers.Real, np.generic)):
        # NumPy scalars are numbers.Real too: test them first to keep float32
        return y * 0 if isinstance(y, np.generic) else 0.0 * float(y)
    if isinstance(y, np.ndarray) and y.dtype.kind in "biuf":
        return np.zeros_like(y, dtype=np.result_type(y.dtype, np.float32))
    if isinstance(y, (tuple, list)):
        return type(y)(_extract(v, tag) for v in y)
    if isinstance(y, np.ndarray) and y.dtype == object:
        return np.array([_extract(v, tag) for v in y.ravel()]).reshape(y.shape)
    raise TypeError(f"derivative(): f must return a real number, an array or a tuple "
                    f"of them, got {type(y).__name__}")


def _holds_tag(y, tag):
    """True if a component of the dual y (at any depth) carries the perturbation ``tag``."""
    if isinstance(y, DualNumber):
        if y.tag == tag:
            return True
        components = getattr(y, "_components", None)
        return components is not None and any(_holds_tag(c, tag) for c in components())
    if type(y) is np.ndarray and y.dtype == object:
        return any(_holds_tag(c, tag) for c in y.flat)
    return False


def _one_like(x):
    """1 in the floating type of x's innermost value (float32 stays float32)."""
    while isinstance(x, DualNumber):
        x = x.value
    return x.dtype.type(1.0) if isinstance(x, np.floating) else 1.0


def _array_like(x):
    return isinstance(x, (np.ndarray, list, tuple)) or hasattr(x, "__array__") or (
        isinstance(x, DualNumber) and hasattr(x, "shape"))


def _scalar_input(x):
    t = type(x)
    if t is float:
        return x
    if t is int or t is bool:
        return float(x)
    if isinstance(x, np.generic) and x.dtype.kind in "biuf":
        return x if x.dtype.kind == "f" else float(x)
    if isinstance(x, DualNumber) and not hasattr(x, "shape"):
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    return None


def derivative(f, order=1):
    """Return a function computing the ``order``-th derivative of ``f``.

    ``f`` takes one real argument; it may be a plain Python function (using
    dualad's or NumPy's functions) or a ``numba.njit`` dispatcher, which then
    runs compiled on dual numbers. For an ndarray ``x`` the function is treated
    as elementwise: the result has ``x``'s shape and holds the derivative at
    each element.

    >>> import dualad as da
    >>> da.derivative(lambda x: x ** 3)(2.0)
    12.0
    >>> da.derivative(lambda x: x ** 3, order=2)(2.0)
    12.0
    """
    if not callable(f):
        raise TypeError(f"derivative() needs a callable f, got {type(f).__name__}")
    order = _check_order(order)
    from ._numba_support import is_dispatcher
    if is_dispatcher(f):
        from ._compiled import compiled_derivative
        return compiled_derivative(f, order)
    if order == 0:
        return f
    if order > 1:
        inner = derivative(f, order - 1)
        outer = derivative(inner, 1)
        outer.__doc__ = f"Derivative of order {order} of {getattr(f, '__name__', f)!r}."
        return outer

    def df(x):
        if type(x) is float:
            s = x
        else:
            s = _scalar_input(x)
        if s is not None:
            tag = next(_tag_counter)
            seed = _new(Dual)
            seed.value = s
            seed._p = 1.0 if type(s) is float else _one_like(s)
            seed.tag = tag
            y = f(seed)
            if COMPILED_TAGS:
                check_not_compiled(tag, "derivative")
            if type(y) is Dual and y.tag == tag and type(y._p) is not np.ndarray:
                return y._p
            return _extract(y, tag)
        if not _array_like(x):
            raise bad_argument("derivative", "x", x)
        from ._array import elementwise_derivative
        return elementwise_derivative(f, x)

    df.__name__ = f"derivative({getattr(f, '__name__', 'f')})"
    df.__doc__ = f"First derivative of {getattr(f, '__name__', f)!r}."
    return df
