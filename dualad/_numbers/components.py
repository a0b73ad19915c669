"""Components of the scalar dual types: constants, scaling, tags of hand-built duals.

A component (value or partial) is a float, a NumPy scalar (float32 stays
float32), a dual of a lower tag (nesting), or, for ``Dual`` partials with
N > 1, a 1-D ndarray (object dtype when nested).
"""
import math
import numbers

import numpy as np

from .._core.base import DualNumber


def is_scalar_dual(x):
    """True for Dual and HyperDual (not for arrays of duals)."""
    return isinstance(x, DualNumber) and x._rank == 1


def _scale(p, s):
    """p * s for a partials component p and a scalar coefficient s."""
    if type(p) is np.ndarray and isinstance(s, DualNumber):
        out = np.empty(p.shape, dtype=object)
        for i in range(p.shape[0]):
            out[i] = p[i] * s
        return out
    return p * s


def _divide(p, s):
    """p / s for a partials component p and a scalar s."""
    if type(p) is np.ndarray and isinstance(s, DualNumber):
        out = np.empty(p.shape, dtype=object)
        for i in range(p.shape[0]):
            out[i] = p[i] / s
        return out
    return p / s


def _value_of(x):
    """The innermost value of x (for comparisons)."""
    while isinstance(x, DualNumber):
        x = x._primal()
    return x


def is_complex_value(x):
    """True if the innermost value of x (a component or scalar dual) is complex."""
    while isinstance(x, DualNumber):
        x = x._primal()
    return type(x) is complex or isinstance(x, np.complexfloating)


def part_of(c, part):
    """c.real, c.imag or c.conjugate() of a component (elementwise for an object array)."""
    if type(c) is np.ndarray and c.dtype == object:
        out = np.empty(c.shape, dtype=object)
        for i in range(c.shape[0]):
            out[i] = part_of(c[i], part)
        return out
    if part == "conjugate":
        return c.conjugate()
    return getattr(c, part)


def scalar_constant(x):
    """x as a scalar constant operand (ints promoted, a dual as it is), or None."""
    t = type(x)
    if t is float:
        return x
    if t is int or t is bool:
        return float(x)
    if t is complex:
        return x
    if isinstance(x, np.generic):
        if x.dtype.kind in "biu":
            return float(x)
        return x if x.dtype.kind in "fc" else None
    if isinstance(x, numbers.Real):
        return float(x)
    if isinstance(x, numbers.Complex):
        return complex(x)
    if isinstance(x, DualNumber):
        return x
    return None


def _numpy_semantics(x):
    """x with its innermost value as a NumPy scalar (nan instead of raising)."""
    if is_scalar_dual(x):
        parts = x._components()
        return x._build((_numpy_semantics(parts[0]),) + parts[1:])
    if type(x) is float:
        return np.float64(x)
    return x


def _as_partials(partials, where="Dual"):
    if type(partials) is float:
        return partials
    if isinstance(partials, (tuple, list, np.ndarray)):
        if isinstance(partials, np.ndarray) and partials.ndim != 1:
            raise ValueError(f"{where} partials must be 1-D, got shape {partials.shape}")
        items = list(partials)
        if len(items) == 0:
            raise ValueError(f"{where} needs at least one partial")
        items = [_component(p, f"{where} partial") for p in items]
        if len(items) == 1:
            return items[0]
        if any(isinstance(p, DualNumber) for p in items):
            arr = np.empty(len(items), dtype=object)
            arr[:] = items
            return arr
        if isinstance(partials, np.ndarray) and partials.dtype.kind in "fc":
            return partials.copy()
        if all(isinstance(p, (np.floating, np.complexfloating)) for p in items):
            return np.asarray(items, dtype=np.result_type(*items, np.float32))
        complex_ = any(type(p) is complex or isinstance(p, np.complexfloating) for p in items)
        return np.asarray(items, dtype=np.complex128 if complex_ else np.float64)
    return _component(partials, f"{where} partials")


def _tag_around(*components):
    """The tag of a dual built by hand with tag 0: 0, unless it holds duals.

    A dual built around other duals (``HyperDual(x, 1.0, 1.0, 0.0)`` inside a
    function being differentiated at x) must be the outer number when the two
    meet, or their perturbations are confused. Its tag is put between the
    largest tag it holds, t, and the next tag issued (an integer above t):
    outer to what it holds, inner to later transforms, and the same for every
    dual built by hand around t, so that those combine as one perturbation.
    """
    inner = None
    for c in components:
        if isinstance(c, DualNumber):
            t = c.tag
        elif type(c) is np.ndarray and c.dtype == object:
            t = max((e.tag for e in c if isinstance(e, DualNumber)), default=None)
        else:
            continue
        if t is not None and (inner is None or t > inner):
            inner = t
    if inner is None:
        return 0
    above = math.floor(inner) + 1
    return (inner + above) / 2


def _component(x, what):
    c = scalar_constant(x)
    if c is None:
        raise TypeError(f"{what} must be a real or complex number or a dual number, got {type(x).__name__}")
    return c
