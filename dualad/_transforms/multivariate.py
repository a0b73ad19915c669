"""Multivariate forward-mode transforms: jacobian, grad, hessian, value_and_grad
(``jvp``, one pass along given tangents, is in ``jvp``).

All of them are one mechanism: seed the selected inputs with a chunk of
perturbation directions (a fresh tag per pass), evaluate ``f`` once per chunk,
and read the partials of the outputs along that tag. A Hessian is the
Jacobian of the gradient (nested tags keep the two levels apart).

For a numba dispatcher the whole evaluation runs compiled (``dualad._backends``);
for a plain Python function it runs on ``Dual`` (scalar inputs) and
``DualArray`` (array inputs).
"""
import numpy as np

from .._core.base import (COMPILED_TAGS, check_not_compiled, next_tag,
                          translate_scipy_error)
from .._core.numba_support import is_dispatcher
from .._core.spec import (PYTHON_CHUNK, TransformSpec, chunk_passes, check_chunk,
                          normalize_argnums)
from .._core.trees import as_float_input, flatten, list_as_array, unflatten
from .._numbers import DualArray, make_dual, value_and_partials
from .._numbers.components import is_complex_value
from .._numbers.extract import leaf_dtype
from .traceable import python_callable


class _Inputs:
    """The differentiated inputs of one call: their leaves, offsets and dtype."""

    def __init__(self, args, argnums, who):
        self.args = list(args)
        self.argnums = argnums
        self.trees = []      # per argnum: treedef
        self.leaves = []     # (argnum position, leaf index, value, is_scalar)
        self.offsets = []
        n = 0
        self.complex_columns = []  # the input columns that are complex (scalars, elements)
        self.real_gradient = False  # set for grad of a real f: real inputs' blocks real
        for pos, a in enumerate(argnums):
            self.args[a] = list_as_array(self.args[a])
            leaves, treedef = flatten(self.args[a])
            self.trees.append(treedef)
            for k, leaf in enumerate(leaves):
                value, scalar = as_float_input(leaf, f"{who}: argument {a}", True)
                size = 1 if scalar else value.size
                if _complex_leaf(value):
                    self.complex_columns.extend(range(n, n + size))
                self.leaves.append((pos, k, value, scalar))
                self.offsets.append(n)
                n += size
        self.n = n
        dtypes = [leaf_dtype(v) for _, _, v, s in self.leaves]
        self.dtype = np.result_type(*dtypes) if dtypes else np.dtype(np.float64)

    def seeded_args(self, start, c, tag, unit=1.0):
        """The call's arguments with the selected leaves seeded along [start, start+c)
        (``unit``: the seed, 1j for the imaginary directions of complex inputs; real
        inputs are seeded along 1 in that pass too, and their partials are not read)."""
        if type(unit) is float and not self.complex_columns:
            def seed(value, scalar, off):  # real inputs only: the seeds of self.dtype
                return seed_leaf(value, scalar, off, unit, self.dtype)
        else:
            real_dtype = np.empty(0, self.dtype).real.dtype
            complex_dtype = np.result_type(self.dtype, np.complex64)

            def seed(value, scalar, off):
                cplx = _complex_leaf(value)
                unit_here = unit if cplx else 1.0
                dtype = complex_dtype if cplx or type(unit_here) is not float else real_dtype
                return seed_leaf(value, scalar, off, unit_here, dtype)

        def seed_leaf(value, scalar, off, unit, dtype):
            if scalar:
                j = off - start
                if c == 1:
                    p = unit if j == 0 else 0.0
                    if isinstance(value, np.generic):
                        p = np.result_type(value.dtype, type(p)).type(p) \
                            if type(unit) is not float else value.dtype.type(p)
                else:
                    p = np.zeros(c, dtype=dtype)
                    if 0 <= j < c:
                        p[j] = unit
                return make_dual(value, p, tag)
            if c == 0:
                # nothing to differentiate (every selected input is empty): f runs
                # once on the plain input, for the value and the output's shape
                return value
            size = value.size
            p = np.zeros((size, c), dtype=dtype)
            lo = max(start, off)
            hi = min(start + c, off + size)
            if lo < hi:
                idx = np.arange(lo, hi)
                p[idx - off, idx - start] = unit
            return DualArray(value, p.reshape(value.shape + (c,)), tag)
        return self.seeded_with(seed)

    def seeded_with(self, seed):
        """The call's arguments, each selected leaf replaced by ``seed(value, scalar, offset)``
        (offset: the leaf's first input among the n)."""
        per_arg = [[] for _ in self.argnums]
        for (pos, k, value, scalar), off in zip(self.leaves, self.offsets):
            per_arg[pos].append(seed(value, scalar, off))
        args = list(self.args)
        for pos, a in enumerate(self.argnums):
            args[a] = unflatten(self.trees[pos], per_arg[pos])
        return args

    def split(self, mat, out_shape):
        """Cut the last axis of ``mat`` (out_shape + (n,)) into per-argument trees."""
        per_arg = [[] for _ in self.argnums]
        for (pos, k, value, scalar), off in zip(self.leaves, self.offsets):
            size = 1 if scalar else value.size
            shape = () if scalar else value.shape
            block = mat[..., off:off + size].reshape(out_shape + shape)
            if self.real_gradient and isinstance(block, np.ndarray) and \
                    block.dtype.kind == "c" and not _complex_leaf(value):
                block = block.real.copy()  # of a real f along a real input: real (as JAX)
            per_arg[pos].append(block[()] if block.ndim == 0 else block)
        return [unflatten(self.trees[pos], per_arg[pos]) for pos in range(len(self.argnums))]


def _complex_leaf(value):
    """True for a complex input leaf (a scalar, an array, or a dual around one)."""
    if type(value) is np.ndarray:
        return value.dtype.kind == "c"
    return is_complex_value(value) or np.iscomplexobj(
        value.values if isinstance(value, DualArray) else value)


def _evaluate(f, args, argnums, chunk, who, inputs=None, unit=1.0, columns=None):
    """Value tree of f(*args) and, per output leaf, its full Jacobian (shape + (n,));
    ``columns=(lo, hi)``: along the inputs lo..hi-1 only (shape + (hi - lo,))."""
    inputs = inputs or _Inputs(args, argnums, who)
    lo, hi = columns or (0, inputs.n)
    passes = [(lo + start, c) for start, c in chunk_passes(hi - lo, chunk, PYTHON_CHUNK)]
    values = blocks = treedef = None
    first = True
    for start, c in passes:
        tag = next_tag()
        try:
            out = python_callable(f)(*inputs.seeded_args(start, c, tag, unit))
        except TypeError as e:  # NumPy's message from SciPy code: dualad's instead
            translate_scipy_error(e)
            raise
        if COMPILED_TAGS:
            check_not_compiled(tag, who)
        leaves, this_def = flatten(out)
        if first:
            first = False
            treedef = this_def
            values = [None] * len(leaves)
            blocks = [[] for _ in leaves]
        elif this_def != treedef or len(leaves) != len(blocks):
            raise ValueError(f"{who}: f returned differently structured outputs across passes")
        for i, leaf in enumerate(leaves):
            v, p = value_and_partials(leaf, tag, c, inputs.dtype, who)
            values[i] = v
            blocks[i].append(p)
    jac = [b[0] if len(b) == 1 else np.concatenate(b, axis=-1) for b in blocks]
    return inputs, treedef, values, jac


def _assemble(inputs, treedef, values, jac, single):
    outs = []
    for j in jac:
        per_arg = inputs.split(j, np.shape(j)[:-1])
        outs.append(per_arg[0] if single else tuple(per_arg))
    return unflatten(treedef, outs)


class _Transform:
    """A dualad transform of ``f``: callable, and introspectable by ``vmap``."""

    kind = None

    def __init__(self, f, argnums=0, chunk=None, holomorphic=False):
        self.holomorphic = bool(holomorphic)
        if not callable(f):
            raise TypeError(f"{self.kind}() needs a callable f, got {type(f).__name__}")
        self.f = f
        self.argnums = argnums
        self.chunk = check_chunk(chunk, self.kind)
        self.spec = TransformSpec(self.kind, f, argnums, self.chunk)
        self.__name__ = f"{self.kind}({getattr(f, '__name__', 'f')})"
        self.__doc__ = f"{self.kind} of {getattr(f, '__name__', f)!r} (argnums={argnums!r})."

    def __repr__(self):
        return f"<dualad {self.__name__}, argnums={self.argnums!r}>"

    def _compiled(self):
        return is_dispatcher(self.f)

    def _complex_compiled(self, args):
        """True for a dispatcher f at complex inputs or under holomorphic=True: the
        conventions of ``holomorphic`` over compiled evaluations (``_evaluate``)."""
        if not is_dispatcher(self.f):
            return False
        if self.holomorphic:
            return True
        from .holomorphic import has_complex_input
        return has_complex_input(args, normalize_argnums(self.argnums, len(args),
                                                         self.kind)[1])

    def _run_compiled(self, args):
        """The whole transform in compiled code (a numba dispatcher f)."""
        if self._complex_compiled(args):
            return NotImplemented  # the caller takes the complex path (_evaluate)
        from .._backends.point import compiled_transform
        return compiled_transform(self.spec, args)

    def _evaluate(self, args):
        """(single, inputs, treedef, values, jacobians) of f at args, on the Python types
        (on compiled evaluations for a dispatcher at complex inputs)."""
        single, nums = normalize_argnums(self.argnums, len(args), self.kind)
        if self._complex_compiled(args):
            from .holomorphic import compiled_complex_evaluate
            return (single,) + compiled_complex_evaluate(self, args, nums)
        inputs = _Inputs(args, nums, self.kind)
        if inputs.complex_columns or self.holomorphic:
            from .holomorphic import complex_evaluate
            return (single,) + complex_evaluate(self, inputs, _evaluate, args, nums)
        return (single,) + _evaluate(self.f, args, nums, self.chunk, self.kind, inputs)


class Jacobian(_Transform):
    kind = "jacobian"

    def __call__(self, *args):
        if self._compiled():
            res = self._run_compiled(args)
            if res is not NotImplemented:
                return res
        inner = self.f
        if isinstance(inner, (Jacobian, Grad)) and inner._compiled():
            if self.holomorphic or inner._complex_compiled(args):
                from .holomorphic import compiled_holomorphic_second
                return compiled_holomorphic_second(self, inner, args)
            # jacobian(jacobian(njit_f)), jacobian(grad(njit_f)): compiled together
            from .._backends.point import compiled_second
            return compiled_second(self.spec, inner.spec, args)
        single, inputs, treedef, values, jac = self._evaluate(args)
        return _assemble(inputs, treedef, values, jac, single)


class ValueAndGrad(_Transform):
    kind = "value_and_grad"

    def __call__(self, *args):
        if self._compiled():
            res = self._run_compiled(args)
            if res is not NotImplemented:
                return res
        single, inputs, treedef, values, jac = self._evaluate(args)
        jac = [_scalar_gradient(treedef, values, jac, self.kind)]
        return values[0], _assemble(inputs, treedef, values, jac, single)


def _scalar_gradient(treedef, values, jac, who):
    """The one row of partials of a scalar output (shape (n,)); a ValueError for
    any other output."""
    if treedef is not None or np.size(values[0]) != 1:
        shape = "a tuple" if treedef is not None else f"shape {np.shape(values[0])}"
        raise ValueError(f"{who}: f must return a scalar (or an array of size 1), "
                         f"got {shape}; use da.jacobian for vector-valued functions")
    return jac[0].reshape(jac[0].shape[-1:])  # size 1: the gradient of its one element


class Grad(ValueAndGrad):
    kind = "grad"

    def __call__(self, *args):
        return super().__call__(*args)[1]


class Hessian(_Transform):
    kind = "hessian"

    def __call__(self, *args):
        if self._complex_compiled(args):
            if not self.holomorphic:   # as the Python path and jax.hessian (jacfwd) refuse
                raise TypeError(
                    "hessian requires real-valued inputs, got a complex one (so does "
                    "jax.hessian). For holomorphic differentiation, pass holomorphic=True; "
                    "for a real-valued function of complex inputs write it over "
                    "(z.real, z.imag)")
            from .holomorphic import compiled_holomorphic_hessian
            return compiled_holomorphic_hessian(
                Grad(self.f, self.argnums, self.chunk, True), args)
        if self._compiled():
            return self._run_compiled(args)
        single, nums = normalize_argnums(self.argnums, len(args), self.kind)
        inputs = _Inputs(args, nums, self.kind)
        if not self.holomorphic and _plain_real(inputs):
            return _triangle_hessian(self.f, args, nums, self.chunk, inputs, single)
        inner = Grad(self.f, self.argnums, self.chunk, self.holomorphic)
        return _symmetric(Jacobian(inner, self.argnums, self.chunk, self.holomorphic)(*args))


HESSIAN_LANES = 1024
"""Most second-order partials (row directions x column directions) per pass of the
Python Hessian: one pass up to n = 32; beyond, memory stays bounded (a pairwise
intermediate of n^2 elements carries HESSIAN_LANES partials, not n^2)."""


def _plain_real(inputs):
    """True where every differentiated input is a real float array or scalar (no
    pytrees, no complex, no duals of an enclosing transform)."""
    return inputs.n > 0 and not inputs.complex_columns and \
        all(t is None for t in inputs.trees) and \
        all(type(v) in (float, np.ndarray) or isinstance(v, np.floating)
            for _, _, v, _ in inputs.leaves)


def _row_blocks(n, chunk):
    """The blocks ``(r0, r1)`` of the one-triangle Hessian: the gradient's components
    r0..n-1 are differentiated along the directions r0..r1-1 in one pass of at most
    HESSIAN_LANES lanes (``chunk``: at most that many directions at each level)."""
    blocks, r0 = [], 0
    while r0 < n:
        cols = min(n - r0, chunk or PYTHON_CHUNK)
        rows = max(1, min(HESSIAN_LANES // cols, n - r0, chunk or n))
        blocks.append((r0, r0 + rows))
        r0 += rows
    return blocks


def _triangle_hessian(f, args, nums, chunk, inputs, single):
    """The Hessian as forward over forward restricted to one triangle: per block of
    directions r0..r1-1 (outer duals), the gradient's components r0..n-1 (inner
    duals), so d/dx_j (df/dx_i) for i >= j; the upper triangle is its mirror, and
    the result symmetric to the bit. Half the lanes of the full nested pass at
    large n, and at most HESSIAN_LANES of them at a time."""
    n, who = inputs.n, "hessian"

    def gradient_from(r0):
        def gradient_part(*a):  # df/dx_r0 .. df/dx_{n-1}, duals along the row block
            _, treedef, values, jac = _evaluate(f, a, nums, chunk, who, columns=(r0, n))
            return _scalar_gradient(treedef, values, jac, who)
        return gradient_part

    h = None
    for r0, r1 in _row_blocks(n, chunk):
        _, _, _, jac = _evaluate(gradient_from(r0), args, nums, chunk, who, inputs,
                                 columns=(r0, r1))
        block = jac[0]                   # d/dx_j (df/dx_i): i in r0..n-1, j in the block
        if h is None:
            h = np.zeros((n, n), dtype=block.dtype)
        h[r0:, r0:r1] = block
    upper = np.triu_indices(n, 1)
    h[upper] = h.T[upper]
    shapes = [() if scalar else np.shape(v) for _, _, v, scalar in inputs.leaves]
    sizes = [1 if scalar else np.size(v) for _, _, v, scalar in inputs.leaves]

    def part(i, j):
        oi, oj = inputs.offsets[i], inputs.offsets[j]
        b = h[oi:oi + sizes[i], oj:oj + sizes[j]].reshape(shapes[i] + shapes[j])
        return b[()] if b.ndim == 0 else b
    if single:
        return part(0, 0)
    return tuple(tuple(part(i, j) for j in range(len(nums))) for i in range(len(nums)))


def _mirrored(h, shape):
    """The square block h (shape + shape) with its lower triangle copied from the upper."""
    n = int(np.prod(shape))
    m = np.array(h).reshape(n, n)
    lower = np.tril_indices(n, -1)
    m[lower] = m.T[lower]
    return m.reshape(np.shape(h))


def _symmetric(H):
    """A Hessian symmetric to the bit: the Jacobian of the gradient gives d/dx_j (df/dx_i)
    and d/dx_i (df/dx_j) by different roundings, so the upper triangle (and, for several
    argnums, the blocks H[i][j], i <= j) is kept and mirrored. Entries that are duals of
    an enclosing transform are left as they are (symmetric to rounding)."""
    if isinstance(H, np.ndarray):
        return _mirrored(H, H.shape[:H.ndim // 2]) if H.ndim and H.dtype.kind in "fc" else H
    if not (isinstance(H, tuple) and all(isinstance(r, tuple) and len(r) == len(H)
                                         for r in H)):
        return H
    if not all(isinstance(b, (np.ndarray, np.generic)) and b.dtype.kind in "fc"
               for r in H for b in r):
        return H
    rows = [list(r) for r in H]
    for i in range(len(H)):
        rows[i][i] = _symmetric(rows[i][i])
        di = np.ndim(H[i][i]) // 2           # argument i's dimensions
        for j in range(i):   # H[i][j] = H[j][i] with the two arguments' axes swapped
            up = H[j][i]
            if np.ndim(up):
                dj = np.ndim(up) - di
                axes = tuple(range(dj, np.ndim(up))) + tuple(range(dj))
                rows[i][j] = np.ascontiguousarray(np.transpose(up, axes))
            else:
                rows[i][j] = up
    return tuple(tuple(r) for r in rows)


def jacobian(f, argnums=0, *, chunk=None, holomorphic=False):
    """Return a function computing the Jacobian of ``f`` by forward mode.

    ``out.shape == f(*args).shape + arg.shape``; ``argnums`` a tuple gives a
    tuple; an ``f`` returning a tuple gives a tuple of Jacobians (outputs
    outer, argnums inner, as JAX). ``chunk`` sets how many partials are
    carried per pass. ``holomorphic=True``: complex inputs, f holomorphic, the
    complex Jacobian (JAX's convention; guides/complex.md).

    >>> import numpy as np, dualad as da
    >>> J = da.jacobian(lambda x: np.sin(x) * x[0])(np.array([1.0, 2.0]))
    >>> J.shape
    (2, 2)
    """
    return Jacobian(f, argnums, chunk, holomorphic)


jacfwd = jacobian


def grad(f, argnums=0, *, chunk=None, holomorphic=False):
    """Return a function computing the gradient of a scalar-valued ``f``.

    ``f`` returns a scalar, or an array of size 1 (``x[:1]``, a reduction with
    ``keepdims=True``), whose one element is differentiated (as PyTorch's
    ``backward``; JAX accepts shape ``()`` only). The gradient is shaped like
    the argument(s). A bool output (a comparison) raises TypeError.

    >>> import numpy as np, dualad as da
    >>> da.grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    return Grad(f, argnums, chunk, holomorphic)


def value_and_grad(f, argnums=0, *, chunk=None, holomorphic=False):
    """Return a function computing ``(f(*args), grad(f)(*args))`` in one evaluation.

    >>> import dualad as da
    >>> value, (gx, gy) = da.value_and_grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 3.0)
    >>> float(value), float(gx), float(gy)
    (6.0, 3.0, 2.0)
    """
    return ValueAndGrad(f, argnums, chunk, holomorphic)


def hessian(f, argnums=0, *, chunk=None, holomorphic=False):
    """Return a function computing the Hessian of a scalar-valued ``f``.

    Shape ``arg.shape + arg.shape``; mixed blocks when ``argnums`` is a tuple.
    ``holomorphic=True``: complex inputs, f holomorphic, the complex Hessian
    (``jax.hessian(holomorphic=True)``; Cauchy-Riemann checked at both levels).

    >>> import numpy as np, dualad as da
    >>> da.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    """
    return Hessian(f, argnums, chunk, holomorphic)
