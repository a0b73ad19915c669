"""Sparsity detection on the number types: seed dependency sets, read them back.

The inputs of f become ``Dual``/``DualArray`` numbers whose partials are
``depset.Dependencies`` (input j's set is {j}); f runs once on them with its
values carried (so Python control flow works) and every chain rule unions
the sets. An output's sets are its row of the Jacobian's pattern.
"""
import numpy as np

from .._core.base import DualNumber
from .array.core import DualArray, _new
from .depset import Dependencies, is_dependencies
from .dual import Dual, make_dual

MIN_SETS = 2
"""Sets carried at least: one partial would make an element's partials a NumPy scalar."""


def dependency_leaf(value, scalar, offset, n, tag):
    """The input ``value`` (inputs [offset, offset + size) of n) seeded with its sets."""
    if scalar:
        return make_dual(value, Dependencies.seed(n, offset, 1)[0], tag)
    seeds = Dependencies.seed(n, offset, value.size)
    return _new(value, seeds.reshape(np.shape(value) + (n,)), tag)


def read_dependencies(y, tag, n, who):
    """The (size of y, n) bool pattern of the output leaf y along ``tag``."""
    if isinstance(y, DualNumber):
        if y.tag > tag:
            raise ValueError(f"{who}: f returned a dual number of an enclosing "
                             "differentiation that has already ended")
        if y.tag == tag:
            if isinstance(y, DualArray):
                p, size = y.partials, y.values.size
            elif isinstance(y, Dual):
                p, size = y._p, 1
            else:
                raise TypeError(f"{who}: f returned a {type(y).__name__}; sparsity "
                                "detection reads Dual and DualArray outputs")
            if is_dependencies(p):
                return np.asarray(p.view(np.ndarray)).reshape(size, n)
            if isinstance(p, np.ndarray) and p.dtype.kind == "f" and not np.any(p):
                return np.zeros((size, n), bool)   # constant partials (exact zeros)
            raise TypeError(f"{who}: the dependency sets were lost on the way through f "
                            f"(its output holds partials of type {type(p).__name__}); "
                            "pass the pattern yourself with sparsity=")
        size = y.values.size if isinstance(y, DualArray) else 1
        return np.zeros((size, n), bool)
    a = np.asarray(y)
    if a.dtype == object:   # an array of scalar duals (np.array([d1, d2]))
        rows = [read_dependencies(e, tag, n, who) for e in a.flat]
        return np.concatenate(rows) if rows else np.zeros((0, n), bool)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{who}: f must return real numbers or arrays, got {type(y).__name__}")
    return np.zeros((a.size, n), bool)


def hessian_leaf(value, scalar, offset, n, tag1, tag2, start=0, k=None):
    """The input ``value`` seeded twice with its sets: along ``tag1`` (the inner
    differentiation, all n inputs) and ``tag2`` (the outer, the k inputs from
    ``start``), whose partials are tag1 numbers of sets, so that a product of two
    tag2 partials' sets is their intersection and the tag1 sets of the tag2
    partials are the second-order dependencies (rows start .. start + k)."""
    k = n if k is None else k
    inner = dependency_leaf(value, scalar, offset, n, tag1)
    size = 1 if scalar else np.size(value)
    seeds = np.zeros((size, k), bool)
    idx = np.arange(size)
    hit = (idx + offset >= start) & (idx + offset < start + k)
    seeds[idx[hit], idx[hit] + offset - start] = True
    seeds = seeds.view(Dependencies)
    if scalar:
        parts = np.empty(k, dtype=object)
        for j in range(k):
            parts[j] = make_dual(seeds[0, j], np.zeros(n, bool).view(Dependencies), tag1)
        return make_dual(inner, parts, tag2)
    shape = np.shape(value)
    empty = np.zeros(shape + (k, n), bool).view(Dependencies)
    return _new(inner, _new(seeds.reshape(shape + (k,)), empty, tag1), tag2)


def read_hessian_dependencies(y, tag1, tag2, n, who, k=None):
    """The (k, n) bool rows of the Hessian pattern of the scalar output y: the tag1 sets
    of its k tag2 sets."""
    k = n if k is None else k
    if isinstance(y, DualNumber) and y.tag == tag2:
        p = y.partials if isinstance(y, DualArray) else y._p
        if isinstance(p, DualArray):
            if np.size(p.values) != k:
                raise ValueError(f"{who}: f must return a scalar")
            return read_dependencies(p, tag1, n, who).reshape(k, n)
        if isinstance(p, np.ndarray) and p.dtype == object:
            return np.stack([read_dependencies(q, tag1, n, who)[0] for q in p])
        raise TypeError(f"{who}: the dependency sets were lost on the way through f; "
                        "pass the pattern yourself with sparsity=")
    if isinstance(y, DualNumber) and y.tag > tag2:
        raise ValueError(f"{who}: f returned a dual number of an enclosing "
                         "differentiation that has already ended")
    if np.size(y._primal() if isinstance(y, DualNumber) else y) != 1:
        raise ValueError(f"{who}: f must return a scalar")
    return np.zeros((k, n), bool)
