"""Dependency sets: partials over the Boolean semiring, for sparsity detection.

A ``Dependencies`` array is a bool ndarray put where the float partials of a
``Dual`` or ``DualArray`` go: element ``[..., j]`` is True when the quantity
may depend on input j. The number types then run unchanged (their chain
rules, generated from the rule table, are written on components), and every
operation on partials reads in this semiring:

* a sum of partials (``p + q``, ``p - q``, ``np.sum``) is the union;
* a partial scaled by a coefficient (``p * f'``, ``p / y``) keeps its set
  whatever the coefficient's value: a dependency is recorded even where f'
  happens to vanish at the point traced, so the pattern holds over the whole
  input domain; a product of two sets (nested duals) is their intersection;
* a contraction with coefficients (``A @ p``, ``einsum``, ``solve``, the
  transforms of ``np.fft`` along their axes) treats every coefficient as
  nonzero: output j depends on every input it sums over (constant matrices
  included: their zeros are not read);
* data movement (indexing, reshape, concatenate, roll, ...) moves the sets;
  ``np.where`` takes the union of both branches, so selections by value
  (``where``, ``maximum``, ``clip``, ``abs``, ``max``) hold for every point.

A rule whose derivative is identically zero (kind STEP: floor, round, sign,
``//``) records no dependency (``through_step``). Any other NumPy operation
on a dependency set raises a TypeError naming it: never a silent guess.
"""
import numpy as np

from .._core.base import DualNumber


class Dependencies(np.ndarray):
    """A bool array of dependency sets, on a trailing axis of the inputs.

    >>> import numpy as np
    >>> p = Dependencies.seed(3)
    >>> ((p[0] * 2.5 + p[2]) * 0.0).tolist()   # union; coefficients are not read
    [True, False, True]
    """

    @classmethod
    def seed(cls, n, offset=0, size=None):
        """The sets of ``size`` inputs (default n) numbered from ``offset`` among n."""
        size = n if size is None else size
        a = np.zeros((size, n), dtype=bool)
        idx = np.arange(size)
        a[idx, idx + offset] = True
        return a.view(cls)

    def __getitem__(self, idx):
        r = super().__getitem__(idx)
        # one element's set stays a set (a 0-d array), never a NumPy bool
        return r if isinstance(r, np.ndarray) else np.asarray(r).view(Dependencies)

    def astype(self, dtype=None, order="K", casting="unsafe", subok=True, copy=True):
        # DualArray.astype casts its partials: sets stay sets
        return self.copy() if copy else self

    # The parts of a complex quantity depend on what the quantity depends on (the
    # ndarray's imag of bools would be all False: a dropped dependency).
    @property
    def real(self):
        return self

    @property
    def imag(self):
        return self

    def conjugate(self):
        return self.copy()

    conj = conjugate

    def cleared(self):
        """The empty sets of self's shape."""
        return np.zeros(self.shape, bool).view(Dependencies)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        if any(isinstance(i, DualNumber) for i in inputs):
            raise TypeError("sparsity detection: a dependency set met a dual number in "
                            f"numpy.{ufunc.__name__}; this nesting is not supported")
        result = _ufunc(ufunc, method, inputs, kwargs)
        if out is not None:
            out = out[0] if isinstance(out, tuple) else out
            out[...] = result
            return out
        return result

    def __array_function__(self, func, types, args, kwargs):
        handler = _FUNCTIONS.get(func)
        if handler is None:
            if func in _MOVES:
                return _as_deps(func(*_bits_args(args), **_bits_kwargs(kwargs)))
            if func in _QUERIES:
                return func(*_bits_args(args), **_bits_kwargs(kwargs))
            raise _unsupported(f"numpy.{func.__name__}")
        return handler(*args, **kwargs)


def is_dependencies(p):
    """True for a dependency-set component."""
    return isinstance(p, Dependencies)


def zeros_partials(like, shape, dtype):
    """Zero partials shaped ``shape``: empty sets where ``like`` holds sets, else float zeros."""
    if isinstance(like, Dependencies):
        return np.zeros(shape, bool).view(Dependencies)
    return np.zeros(shape, dtype)


def through_step(p):
    """Partials after a rule whose derivative is identically zero (kind STEP)."""
    return p.cleared() if isinstance(p, Dependencies) else p


def _unsupported(name):
    return TypeError(f"sparsity detection has no dependency rule for {name} on partials; "
                     "pass the pattern yourself (sparsity=<scipy.sparse matrix or bool "
                     "array>), or write f with supported NumPy functions")


def _as_deps(a):
    if isinstance(a, (tuple, list)):
        return type(a)(_as_deps(x) for x in a)
    a = np.asarray(a)
    if a.dtype != bool:
        a = a != 0
    return a.view(Dependencies)


def _bits(x):
    """x as plain bools: a set as itself; a float array in the place of partials as its
    nonzeros (float partials come only from constants, exact zeros)."""
    if isinstance(x, Dependencies):
        return x.view(np.ndarray)
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "f":
        return x != 0
    return x


def _bits_args(args):
    return [[_bits(y) for y in a] if isinstance(a, (list, tuple)) else _bits(a) for a in args]


def _bits_kwargs(kwargs):
    return {k: _bits(v) for k, v in kwargs.items()}


def _weights(x):
    """x in a contraction: sets as 0/1, coefficients as 1 (every coefficient counts)."""
    if isinstance(x, Dependencies):
        return x.view(np.ndarray).astype(np.float64)
    if isinstance(x, (np.ndarray, np.generic)) or isinstance(x, (int, float)):
        return np.ones(np.shape(x))
    return x


def _ufunc(ufunc, method, inputs, kwargs):
    name = ufunc.__name__
    if method == "__call__":
        if ufunc in _UNION:
            a, b = inputs
            return _as_deps(np.logical_or(_bits(a), _bits(b)))
        if ufunc in _SCALE:
            a, b = inputs
            if isinstance(a, Dependencies) and isinstance(b, Dependencies):
                return _as_deps(np.logical_and(a.view(np.ndarray), b.view(np.ndarray)))
            d, c = (a, b) if isinstance(a, Dependencies) else (b, a)
            shape = np.broadcast_shapes(np.shape(d), np.shape(c))
            return _as_deps(np.broadcast_to(d.view(np.ndarray), shape).copy())
        if ufunc in _SAME:
            return inputs[0].copy()
        if ufunc is np.matmul:
            return _as_deps(np.matmul(*(_weights(i) for i in inputs)) > 0)
    elif method in ("reduce", "accumulate") and ufunc in _UNION | _SCALE | {
            np.maximum, np.minimum}:
        # sums, products, max of partials: every set taking part (conservative)
        return _as_deps(getattr(np.logical_or, method)(
            _bits(inputs[0]), **{k: v for k, v in kwargs.items() if k != "dtype"}))
    raise _unsupported(f"numpy.{name}" + ("" if method == "__call__" else f".{method}"))


_UNION = {np.add, np.subtract, np.logical_or, np.bitwise_or}
_SCALE = {np.multiply, np.divide, np.true_divide}
_SAME = {np.negative, np.positive, np.conjugate}


def _contraction(func):
    def contract(*args, **kwargs):
        args = [[_weights(y) for y in a] if isinstance(a, (list, tuple)) else _weights(a)
                for a in args]
        return _as_deps(func(*args, **kwargs) > 0)
    return contract


def _einsum(*operands, **kwargs):
    ops = [o if isinstance(o, str) else _weights(o) for o in operands]
    return _as_deps(np.einsum(*ops, **kwargs) > 0)


def _where(condition, x=None, y=None):
    # both branches: the pattern must hold wherever the condition goes
    bx, by = _bits(x), _bits(y)
    shape = np.broadcast_shapes(np.shape(condition), np.shape(bx), np.shape(by))
    return _as_deps(np.broadcast_to(np.logical_or(bx, by), shape).copy())


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
    return _as_deps(np.any(_bits(a), axis=axis, keepdims=keepdims))


def _cumsum(a, axis=None, dtype=None, out=None):
    b = _bits(a)
    if axis is None:
        b, axis = b.reshape(-1), 0
    return _as_deps(np.logical_or.accumulate(b, axis=axis))


def _trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    return _as_deps(np.any(np.diagonal(_bits(a), offset, axis1, axis2), axis=-1))


def _solve(a, b):
    # x = A^-1 b: every row of x depends on every row of b (A is never read)
    bb = _bits(b)
    if np.ndim(bb) == 1:
        return _as_deps(np.broadcast_to(np.any(bb), np.shape(bb)).copy())
    rows = np.any(bb, axis=-2, keepdims=True)
    shape = np.broadcast_shapes(np.shape(a)[:-2] + bb.shape[-2:], rows.shape)
    return _as_deps(np.broadcast_to(rows, shape).copy())


def _fft(func):
    """A transform of np.fft: every output along its axes depends on every input along
    them (DualArray's handler always names the axes, negative: the sets lead)."""
    def rule(a, **kwargs):
        axes = kwargs.get("axis", kwargs.get("axes"))
        if axes is None:
            raise _unsupported(f"numpy.fft.{func.__name__} without its axes")
        b = _bits(a)
        shape = func(np.zeros(b.shape), **kwargs).shape
        axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
        return _as_deps(np.broadcast_to(np.any(b, axis=axes, keepdims=True), shape).copy())
    return rule


def _zeros_like(a, *args, **kwargs):
    return _as_deps(np.zeros(np.shape(a), bool))


_FUNCTIONS = {
    np.where: _where, np.sum: _sum, np.cumsum: _cumsum, np.trace: _trace,
    np.einsum: _einsum, np.linalg.solve: _solve,
    np.zeros_like: _zeros_like, np.empty_like: _zeros_like,
    **{f: _contraction(f) for f in (np.dot, np.tensordot, np.inner, np.outer, np.vdot,
                                    np.matmul, np.kron)},
    **{getattr(np.fft, n): _fft(getattr(np.fft, n))
       for n in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2",
                 "irfft2", "fftn", "ifftn", "rfftn", "irfftn")},
}

# Questions about the array itself, answered on its bools.
_QUERIES = {np.shape, np.ndim, np.size, np.any, np.all, np.count_nonzero, np.nonzero,
            np.array_equal}

# Pure data movement: the default implementation on bools moves the sets.
_MOVES = {
    np.concatenate, np.stack, np.hstack, np.vstack, np.column_stack, np.broadcast_to,
    np.broadcast_arrays, np.reshape, np.transpose, np.moveaxis, np.swapaxes, np.take,
    np.take_along_axis, np.diagonal, np.diag, np.roll, np.flip, np.fliplr, np.flipud,
    np.rot90, np.squeeze, np.expand_dims, np.copy, np.repeat, np.tile, np.tril, np.triu,
    np.ravel, np.split, np.array_split, np.atleast_1d, np.atleast_2d, np.atleast_3d,
    np.pad, np.delete, np.insert, np.append, np.put_along_axis, np.compress,
    np.fft.fftshift, np.fft.ifftshift,
}
