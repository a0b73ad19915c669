"""ndarray's methods on DualArray: ``a.sum()``, ``a.reshape(...)``, ``a.argmax()``, ...

Each calls the NumPy function of its name, so that it runs the handler that
``__array_function__`` finds for it, exactly as ``np.sum(a)`` would; the ones
that depend on the values only (``argmax``, ``nonzero``, ``all``, ...) look at
the innermost values. They are methods of DualArray, added to it with
``@method`` when this module is imported (``copy`` and ``astype`` build
arrays, and are the class's own, in ``core``). The functions are named as
ndarray's methods, so ``sum``, ``max``, ``min``, ``round``, ``all`` and ``any``
shadow those builtins in this module, which uses none of them.
"""
import numpy as np

from .core import _primal, method


@method
def item(self, *args):
    if not args:
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self.reshape(-1)[0]
    return self[args[0] if len(args) == 1 else args]


@method
def reshape(self, *shape, order="C"):
    if len(shape) == 1:
        shape = shape[0]
    return np.reshape(self, shape, order=order)


@method
def transpose(self, *axes):
    if len(axes) == 1:
        axes = axes[0]
    return np.transpose(self, axes or None)


@method
def swapaxes(self, axis1, axis2):
    return np.swapaxes(self, axis1, axis2)


@method
def squeeze(self, axis=None):
    return np.squeeze(self, axis)


@method
def ravel(self, order="C"):
    return np.ravel(self, order)


@method
def flatten(self, order="C"):
    return np.ravel(self, order).copy()


@method
def sum(self, axis=None, dtype=None, out=None, keepdims=False):
    return np.sum(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)


@method
def mean(self, axis=None, dtype=None, out=None, keepdims=False):
    return np.mean(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)


@method
def prod(self, axis=None, dtype=None, out=None, keepdims=False):
    return np.prod(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)


@method
def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return np.var(self, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims)


@method
def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return np.std(self, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims)


@method
def cumsum(self, axis=None, dtype=None, out=None):
    return np.cumsum(self, axis=axis, dtype=dtype, out=out)


@method
def max(self, axis=None, out=None, keepdims=False):
    return np.max(self, axis=axis, out=out, keepdims=keepdims)


@method
def min(self, axis=None, out=None, keepdims=False):
    return np.min(self, axis=axis, out=out, keepdims=keepdims)


@method
def argmax(self, axis=None, out=None, keepdims=False):
    return np.argmax(_primal(self), axis=axis, out=out, keepdims=keepdims)


@method
def argmin(self, axis=None, out=None, keepdims=False):
    return np.argmin(_primal(self), axis=axis, out=out, keepdims=keepdims)


@method
def argsort(self, axis=-1, kind=None, order=None):
    return np.argsort(_primal(self), axis=axis, kind=kind, order=order)


@method
def sort(self, axis=-1, kind=None, order=None):
    self[...] = np.sort(self, axis=axis, kind=kind)


@method
def clip(self, min=None, max=None, out=None):
    return np.clip(self, min, max, out=out)


@method
def dot(self, b, out=None):
    return np.dot(self, b, out=out)


@method
def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    return np.trace(self, offset, axis1, axis2, dtype=dtype, out=out)


@method
def diagonal(self, offset=0, axis1=0, axis2=1):
    return np.diagonal(self, offset, axis1, axis2)


@method
def round(self, decimals=0, out=None):
    return np.round(self, decimals, out=out)


@method
def take(self, indices, axis=None, out=None, mode="raise"):
    return np.take(self, indices, axis=axis, out=out, mode=mode)


@method
def repeat(self, repeats, axis=None):
    return np.repeat(self, repeats, axis=axis)


@method
def nonzero(self):
    return np.nonzero(_primal(self))


@method
def all(self, axis=None, out=None, keepdims=False):
    return np.all(_primal(self), axis=axis, out=out, keepdims=keepdims)


@method
def any(self, axis=None, out=None, keepdims=False):
    return np.any(_primal(self), axis=axis, out=out, keepdims=keepdims)
