"""Nested tuples and lists of arrays ("trees"): flattening, rebuilding, checking."""
import numbers

import numpy as np

from .base import DualNumber


def flatten(x):
    """Return (leaves, treedef) for nested tuples/lists; any other object is a leaf."""
    if isinstance(x, (tuple, list)):
        leaves, defs = [], []
        for item in x:
            item_leaves, item_def = flatten(item)
            leaves.extend(item_leaves)
            defs.append((len(item_leaves), item_def))
        return leaves, (type(x), tuple(defs))
    return [x], None


def unflatten(treedef, leaves):
    """Inverse of ``flatten``."""
    leaves = list(leaves)
    return _unflatten(treedef, leaves)


def _unflatten(treedef, leaves):
    if treedef is None:
        return leaves.pop(0)
    kind, defs = treedef
    return kind(_unflatten(d, leaves) for _, d in defs)


def list_as_array(x):
    """A list of real numbers (nested lists too) as an array, else x unchanged.

    A differentiated argument written as a Python list is data, as NumPy reads
    it (``[1.0, 2.0]`` is a vector); tuples are structure (one input per entry).
    """
    if isinstance(x, list):
        try:
            arr = np.asarray(x)
        except ValueError:  # ragged: a list of differently shaped arrays stays a tree
            return x
        if arr.dtype.kind in "biuf":
            return arr
    return x


COMPLEX_LATER = ("complex numbers are supported in plain Python and NumPy code (Dual, "
                 "HyperDual, DualArray, Taylor) and in @njit code (guides/complex.md); not "
                 "yet, for @njit functions at complex inputs: Taylor orders above 6, jet, "
                 "direction=, compositions of compiled transforms other than "
                 "jacobian(jacobian) and jacobian(grad), and vmap(target='cuda')")


def as_float_input(x, what, allow_complex=False):
    """A real input as a float array or scalar; ints promoted to float64, never refused.

    Returns (value, is_python_scalar). Float32 stays float32. A complex scalar
    or array is returned as it is where ``allow_complex`` (the Python
    transforms; complex64 stays complex64), else refused.
    """
    if type(x) is complex or isinstance(x, np.complexfloating):
        if allow_complex:
            return x, True
        raise TypeError(f"{what} is complex: {COMPLEX_LATER}")
    if isinstance(x, DualNumber):
        return x, x._rank == 1  # a scalar dual (DualArray: rank 2)
    if isinstance(x, bool) or isinstance(x, numbers.Integral) and not isinstance(x, np.generic):
        return float(x), True
    if type(x) is float:
        return x, True
    if isinstance(x, numbers.Real) and not isinstance(x, np.generic):
        return float(x), True
    if isinstance(x, np.generic):
        if x.dtype.kind in "biu":
            return np.float64(x), True
        if x.dtype.kind == "f":
            return x, True
    elif isinstance(x, (np.ndarray, list)):
        arr = np.asarray(x)
        if arr.dtype.kind in "biu":
            return arr.astype(np.float64), False
        if arr.dtype.kind == "f":
            if arr.dtype not in (np.float32, np.float64):
                arr = arr.astype(np.float64)
            return arr, False
        if arr.dtype.kind == "c":
            if allow_complex:
                if arr.dtype not in (np.complex64, np.complex128):
                    arr = arr.astype(np.complex128)
                return arr, False
            raise TypeError(f"{what} is a complex array: {COMPLEX_LATER}")
        raise TypeError(f"{what} must hold real numbers, got an array of dtype {arr.dtype}")
    raise TypeError(f"{what} must be a real number or an array of them, "
                    f"got {type(x).__name__}")


def check_out(out, shape, dtype, who):
    """Refuse an ``out=`` array that cannot take a result of ``shape`` and ``dtype`` as it is
    (no casting, no broadcasting: a silent conversion would hide a wrong buffer)."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{who}: out= must be a NumPy array, got {type(out).__name__}")
    if out.shape != tuple(shape) or out.dtype != np.dtype(dtype):
        raise ValueError(f"{who}: out= has shape {out.shape} and dtype {out.dtype}; the "
                         f"result has shape {tuple(shape)} and dtype {np.dtype(dtype)}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"{who}: out= must be C-contiguous and writeable "
                         "(np.empty(shape, dtype) gives one)")
