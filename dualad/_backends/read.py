"""Reading the user's compiled f's output in Python: one pass's value and derivatives.

When f is called from Python on seeded numbers (``point``, ``derivative``,
the batch probe), its output comes back boxed: a structured array of duals,
a ``Dual`` (nested for Hessians), a ``HyperDual``, a ``Dual2Value``, or a
plain real when f does not depend on the seeded input. ``read_pass`` turns
it into (value, block) for each algorithm of ``plan``; ``outer_partials``
strips perturbation levels off a nested Dual, for the Hessian rows and for
``da.derivative``. Every reader says the same thing for the same misuse.
"""
import numpy as np

from .._jit.types import Dual2Value
from .._numbers import Dual, HyperDual


def _jacobian_output(y, who):
    """(values, partials with a trailing chunk axis, or None) of a first-order output."""
    if isinstance(y, np.ndarray) and y.dtype.names == ("value", "partials"):
        p = y["partials"]
        return y["value"], p if p.ndim > y.ndim else p[..., None]
    if isinstance(y, Dual):
        return np.asarray(y.value), np.atleast_1d(np.asarray(y._p))
    if isinstance(y, tuple):
        raise TypeError(f"{who} of a numba function returning a tuple is not compiled yet; "
                        "return one array (np.concatenate the parts) or use a plain "
                        "Python function")
    y = np.asarray(y)
    if y.dtype.kind not in "biufc":
        raise TypeError(f"{who}: f must return real or complex numbers or an array of "
                        f"them, got {y.dtype}")
    return y, None


def _real_scalar(y, who):
    """The value of a Hessian output that carries no perturbation (zero Hessian)."""
    if np.ndim(y) == 0 and np.asarray(y).dtype.kind in "biuf":
        return y
    raise ValueError(f"{who}: f must return a scalar, got {type(y).__name__} "
                     f"{np.shape(y)}; use jacobian(jacobian(f)) for vector-valued functions")


def outer_partials(y, depth, zero):
    """y's partial along its ``depth`` outermost perturbation levels, outermost first
    (``zero``, or an array of zeros, where y does not carry one: f did not depend on
    that level); y a Dual, a structured array of duals, a real or an array of reals,
    or a tuple of them (item by item)."""
    return _by_field(y, ("value", "partials"), depth, zero)


def hyper_second(y, zero):
    """The eps1eps2 part of f's output at a HyperDual (``outer_partials``' forms)."""
    return _by_field(y, ("re", "eps1", "eps2", "eps1eps2"), 1, zero)


def _by_field(y, names, depth, zero):
    if isinstance(y, tuple):
        return tuple(_by_field(item, names, depth, zero) for item in y)
    for _ in range(depth):
        if isinstance(y, Dual) and names[0] == "value":
            y = y._p
        elif isinstance(y, HyperDual) and names[0] == "re":
            y = y.eps1eps2
        elif isinstance(y, np.ndarray) and y.dtype.names == names:
            y = y[names[-1]]
        elif isinstance(y, np.ndarray) and y.dtype.kind in "biufc":
            return np.zeros(y.shape, np.result_type(zero))
        elif np.ndim(y) == 0 and np.asarray(y).dtype.kind in "biufc":
            return zero
        else:
            raise TypeError(f"derivative(): f must return real numbers, arrays or tuples of "
                            f"them, got {type(y).__name__}")
    return y


def innermost_value(y):
    while isinstance(y, Dual):
        y = y.value
    return y


def read_pass(y, algorithm, who):
    """(value, block) of one pass's output y; block None when y carries no perturbation.

    * ``jacobian``: values (the output's shape), partials (shape + (C,));
    * ``hessian`` (nested duals): the value, the row chunk (C,) of second partials;
    * ``hessian2``: the value, the packed Hessian triangle (C(C+1)/2,) of the pass.

    The Hessian algorithms need a scalar output (ValueError otherwise).
    """
    if algorithm == "jacobian":
        return _jacobian_output(y, who)
    if algorithm == "hessian" and isinstance(y, Dual):
        row = outer_partials(y, 2, 0.0)
        return innermost_value(y), np.atleast_1d(np.asarray(row))
    if algorithm == "hessian2" and isinstance(y, Dual2Value):
        return y.value, y.hess
    return _real_scalar(y, who), None


def probe(y, who):
    """f's output y at one point on plain floats, as an array: its shape per point
    (and a type check)."""
    return np.asarray(_jacobian_output(y, who)[0])
