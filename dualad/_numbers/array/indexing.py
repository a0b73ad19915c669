"""Indexing of DualArray: ``a[idx]`` and ``a[idx] = val``.

The partials are indexed like the values, their trailing axis kept
(``_partials_index``); one element is a scalar ``Dual``. Assignment writes
into the existing memory (views see it, as in NumPy) and promotes a plain
component to a DualArray when the stored value carries a lower
perturbation. ``__getitem__`` and ``__setitem__`` are methods of DualArray,
added to it with ``@method`` when this module is imported.
"""
import numpy as np

from ..depset import is_dependencies, zeros_partials
from ..dual import make_dual
from .core import DualArray, _check_n, _new, _operand, is_complex_array, method


def _partials_index(idx):
    """The index of the partials that selects what ``idx`` selects of the values."""
    if type(idx) is tuple:
        for i in idx:
            if i is Ellipsis:
                return idx + (slice(None),)
        return idx
    if idx is Ellipsis:
        return (Ellipsis, slice(None))
    return idx


def _scalar_dual(value, partials, tag):
    """The scalar ``Dual`` of one element (partials: shape (N,), ndarray or DualArray)."""
    n = partials.shape[-1]
    if isinstance(partials, np.ndarray):  # floats, or dependency sets
        return make_dual(value, partials[0] if n == 1 else partials.copy(), tag)
    items = [partials[i] for i in range(n)]
    if n == 1:
        return make_dual(value, items[0], tag)
    arr = np.empty(n, dtype=object)
    arr[:] = items
    return make_dual(value, arr, tag)


def _assign(owner, attr, idx, val):
    """owner.<attr>[idx] = val, promoting a plain component when val carries derivatives."""
    target = getattr(owner, attr)
    if not isinstance(target, (np.ndarray, DualArray)):
        target = np.array(target)  # a NumPy scalar (0-d result of a reduction)
        setattr(owner, attr, target)
    if isinstance(val, DualArray) and not isinstance(target, DualArray):
        # The stored value depends on a lower perturbation than owner's: the
        # component becomes a DualArray of that perturbation (zero elsewhere).
        target = _new(target, zeros_partials(val.partials, target.shape + (val.n,),
                                             target.dtype), val.tag)
        setattr(owner, attr, target)
    target[idx] = val


def spread_selection(r, t, axis):
    """Make a selection by value global for sparsity detection.

    ``r`` was taken from ``t`` along ``axis`` by the order of the values (max,
    min, sort): where the partials are dependency sets, each chosen element
    depends on every element it was chosen from, so that the pattern holds at
    every point, not only where the choice was made. Float partials are kept.
    """
    for attr in ("values", "partials"):
        cr, ct = getattr(r, attr), getattr(t, attr)
        if isinstance(cr, DualArray):
            spread_selection(cr, ct, axis)
        elif is_dependencies(cr):
            union = np.any(ct.view(np.ndarray), axis=axis, keepdims=True)
            setattr(r, attr, np.broadcast_to(union, cr.shape).copy().view(type(cr)))
    return r


@method
def __getitem__(self, idx):
    v = self.values[idx]
    p = self.partials[_partials_index(idx)]
    if type(v) is np.ndarray or type(v) is DualArray or (isinstance(v, np.ndarray) and v.ndim):
        return _new(v, p, self.tag)
    return _scalar_dual(v, p, self.tag)


@method
def __setitem__(self, idx, val):
    o = _operand(val)
    if o is None:
        raise TypeError(f"cannot store a {type(val).__name__} in a DualArray")
    if is_complex_array(o) and not is_complex_array(self):
        raise TypeError("cannot store complex values in a real DualArray (NumPy would drop "
                        "their imaginary parts, and the derivatives' with them); allocate a "
                        "complex one (np.zeros_like(x, dtype=complex), x.astype(complex))")
    pidx = _partials_index(idx)
    if type(o) is DualArray and o.tag >= self.tag:
        if o.tag > self.tag:
            raise TypeError(
                "cannot store a dual of an outer perturbation (a newer derivative "
                "transform) in this DualArray; allocate the array from that "
                "transform's input (np.zeros_like(x)) instead")
        _check_n(self.partials, o.partials)
        _assign(self, "values", idx, o.values)
        _assign(self, "partials", pidx, o.partials)
        return
    _assign(self, "values", idx, o)
    _assign(self, "partials", pidx, 0.0)
