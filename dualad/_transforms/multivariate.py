"""Multivariate forward-mode transforms: jacobian, grad, value_and_grad (``jvp``, one
pass along given tangents, is in ``jvp``; the Hessian, built on these, in ``hessian``).

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
        """The whole transform in compiled code (a numba dispatcher f); from the second
        call at arguments of the same kinds, vmap's loop on one row (``one_point``)."""
        from .._backends import one_point
        found, key = one_point.call(self, args)
        if found is not None:
            return found
        if key is None and self._complex_compiled(args):   # (a key: a real input)
            return NotImplemented  # the caller takes the complex path (_evaluate)
        from .._backends.point import compiled_transform
        result = compiled_transform(self.spec, args)
        return one_point.remember(self, args, key, result) if self.kind in one_point.KINDS \
            else result

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
            from .._backends.second import compiled_second
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
