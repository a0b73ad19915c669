"""One reader of results: the value and partials of a function's output along a tag.

``partial_along(y, tag)`` reads the derivative along one seeded direction
(``da.derivative``, custom rules); ``value_and_partials(y, tag, c, ...)`` the
value and the c partials of one output leaf (the multivariate transforms).
Both treat anything that does not carry ``tag`` as a constant (partials 0),
and look inside duals built by hand around the perturbation.
"""
import numbers

import numpy as np

from .._core.base import DualNumber
from .dual import Dual


def partial_along(y, tag):
    """The partial of y along the perturbation ``tag`` (0 if y does not depend on it)."""
    if type(y) is Dual:
        if y.tag == tag:
            p = y._p
            if type(p) is np.ndarray:
                raise ValueError("derivative() seeds one partial; f returned a Dual with "
                                 f"{p.shape[0]} partials")
            return p
        if y.tag < tag and not holds_tag(y, tag):
            return 0.0
    if isinstance(y, DualNumber):
        extract = getattr(y, "_extract_tag", None)
        if extract is not None:
            return extract(tag)
        if holds_tag(y, tag):
            # a dual built by hand inside f around x's perturbation, e.g.
            # ``lambda x: HyperDual(x, 1.0, 1.0, 0.0) * x``: the derivative of
            # each component
            return y._build(tuple(partial_along(c, tag) for c in y._components()))
        if y.tag < tag:
            return 0.0
        raise TypeError(f"derivative(): f returned a {type(y).__name__}; "
                        "use da.hessian or HyperDual seeding for hyper-duals")
    if isinstance(y, (bool, np.bool_)) or (isinstance(y, np.ndarray) and y.dtype.kind == "b"):
        raise TypeError(bool_output_message("derivative"))
    if isinstance(y, (numbers.Real, np.generic)):
        # NumPy scalars are numbers.Real too: test them first to keep float32
        return y * 0 if isinstance(y, np.generic) else 0.0 * float(y)
    if isinstance(y, np.ndarray) and y.dtype.kind in "biufc":
        return np.zeros_like(y, dtype=np.result_type(y.dtype, np.float32))
    if isinstance(y, (tuple, list)):
        return type(y)(partial_along(v, tag) for v in y)
    if isinstance(y, np.ndarray) and y.dtype == object:
        return np.array([partial_along(v, tag) for v in y.ravel()]).reshape(y.shape)
    raise TypeError(f"derivative(): f must return a real number, an array or a tuple "
                    f"of them, got {type(y).__name__}")


def bool_output_message(who):
    return (f"{who}: f returned a bool (the result of a comparison or a test), which has "
            "no derivative; return the real-valued quantity instead (e.g. the "
            "difference a - b rather than the test a > b)")


def holds_tag(y, tag):
    """True if a component of the dual y (at any depth) carries the perturbation ``tag``."""
    if isinstance(y, DualNumber):
        if y.tag == tag:
            return True
        components = getattr(y, "_components", None)
        return components is not None and any(holds_tag(c, tag) for c in components())
    if type(y) is np.ndarray and y.dtype == object:
        return any(holds_tag(c, tag) for c in y.flat)
    return False


def value_and_partials(y, tag, c, dtype, who):
    """The value of one output leaf and its partials along ``tag`` (shape + (c,)).

    Partials are a float array, or (when this pass is nested inside another
    transform) an object array of outer duals or a DualArray of the outer tag.
    """
    if isinstance(y, DualNumber) and y._rank == 1:
        if y.tag == tag:
            if not isinstance(y, Dual):
                raise TypeError(f"{who}: f returned a {type(y).__name__}; only Dual outputs "
                                "carry partials here")
            p = y._p
            if type(p) is np.ndarray and p.dtype.kind == "c":  # never cast complex away
                dtype = np.result_type(dtype, p.dtype)
            elif type(p) is complex or isinstance(p, np.complexfloating):
                dtype = np.result_type(dtype, np.complex64 if isinstance(
                    p, np.complex64) else np.complex128)
            elif np.dtype(dtype).kind == "c" and (type(p) is float or isinstance(p, np.floating)):
                dtype = np.finfo(dtype).dtype  # a real output of complex inputs stays real
            if type(p) is np.ndarray:
                return y.value, p if p.dtype == object else p.astype(dtype, copy=False)
            if isinstance(p, DualNumber):
                out = np.empty(1, dtype=object)
                out[0] = p
                return y.value, out
            return y.value, np.full(c, p, dtype)
        if y.tag > tag:
            raise ValueError(f"{who}: f returned a dual number from an enclosing "
                             "differentiation that has already ended")
        return y, np.zeros(c, dtype)
    if type(y) is complex:
        return y, np.zeros(c, dtype)
    if isinstance(y, DualNumber):  # DualArray
        if y.tag == tag:
            return y.values, y.partials
        if y.tag > tag:
            raise ValueError(f"{who}: f returned a dual array from an enclosing "
                             "differentiation that has already ended")
        return y, np.zeros(y.shape + (c,), dtype)
    if isinstance(y, np.ndarray) and y.dtype == object:
        vals = np.empty(y.shape, dtype=object)
        parts = np.empty(y.shape + (c,), dtype=object)
        for idx in np.ndindex(*y.shape):
            v, p = value_and_partials(y[idx], tag, c, dtype, who)
            vals[idx] = v
            parts[idx] = p
        return tighten(vals, dtype), tighten(parts, dtype)
    if isinstance(y, (bool, np.bool_)) or (isinstance(y, np.ndarray) and y.dtype.kind == "b"):
        raise TypeError(bool_output_message(who))
    if isinstance(y, (int, float, np.number, np.ndarray)) and np.asarray(y).dtype.kind in "iufc":
        return y, np.zeros(np.shape(y) + (c,), dtype)
    raise TypeError(f"{who}: f must return real numbers or arrays (or tuples of them), "
                    f"got {type(y).__name__}")


def tighten(arr, dtype):
    """An object array as a float array when it holds no duals."""
    if any(isinstance(v, DualNumber) for v in arr.flat):
        return arr
    return arr.astype(dtype)


def leaf_dtype(value):
    while isinstance(value, DualNumber):
        value = value.values if hasattr(value, "values") else value._primal()
    return np.asarray(value).dtype
