"""Sparse Jacobians and Hessians: sparsity detection (``patterns``), coloring,
compressed passes.

``da.sparsity(f)(*args)`` runs f once on numbers whose partials are
dependency sets (``_numbers.depset``) and returns the Jacobian's pattern;
``da.hessian_sparsity`` does the same for the gradient (the nonlinear
interactions). ``da.jacobian(f, sparsity=...)`` colors the pattern's columns
(columns that share no row share a color), evaluates f once with the
n x colors seed matrix as its partials (instead of n directions) and reads
every nonzero back; ``da.hessian(f, sparsity=...)`` star-colors the
symmetric pattern and differentiates the gradient along the colors.

The pattern and the coloring are cached per function, argnums and the
shapes and dtypes of the arguments. Detection is global over the input
domain for NumPy code without Python-level branches on the values (a
dependency is recorded whatever the value of f'; ``np.where``, ``max`` and
``sort`` record every element they might choose); a Python ``if`` on a value
is traced for the branch the point takes, so the cached pattern assumes f's
control flow does not change between calls: pass ``sparsity=pattern``
otherwise.

A given ``sparsity=pattern`` is checked (``check=True``, the default): f's
pattern is traced once per function, argnums and shapes (the same trace and
cache as ``"auto"``) and a given pattern that misses a traced entry raises a
ValueError naming the first missing (row, column) -- a pattern that misses a
nonzero would otherwise give a silently wrong derivative. The trace is
conservative, so a pattern that leaves out entries the user knows are zero
everywhere needs ``check=False``. Where the tracer cannot run f (a
dispatcher without ``py_func``, a function using operations dependency sets
refuse with a TypeError, such as a ``math`` function with no dualad rule: the
others are traced as dualad's, ``traceable``), the pattern
is used unchecked and a ``UserWarning`` says why (``check=False`` skips the
trace and the warning).
"""
import numpy as np

from .._core import coloring as col
from .._core.base import next_tag
from .._core.numba_support import is_dispatcher
from .._core.spec import check_chunk, normalize_argnums
from .._core.trees import COMPLEX_LATER, flatten
from .._numbers import DualArray, make_dual, value_and_partials
from .multivariate import Grad, _Inputs, _Transform
from .hessian import hessian as _dense_hessian
from .multivariate import jacobian as _dense_jacobian
from .patterns import _cached, _check_covers, _detected, _key
from .traceable import python_callable

FORMATS = ("dense", "csr", "csc")


def _check_options(sparsity, format, who):
    if format not in FORMATS:
        raise ValueError(f"{who}: format must be one of {', '.join(map(repr, FORMATS))}, "
                         f"got {format!r}")
    if sparsity is None or (isinstance(sparsity, str) and sparsity == "auto"):
        return sparsity
    if isinstance(sparsity, str):
        raise ValueError(f"{who}: sparsity must be 'auto', None or a pattern (a scipy.sparse "
                         f"matrix or a bool array), got {sparsity!r}")
    import scipy.sparse as sp
    if sp.issparse(sparsity):
        return sp.csr_array(sparsity, dtype=bool)
    a = np.asarray(sparsity)
    if a.dtype.kind not in "biuf" or a.ndim < 2:
        raise ValueError(f"{who}: a sparsity pattern must be a scipy.sparse matrix or an "
                         f"array of bools with at least 2 dimensions, got {a.dtype} of shape "
                         f"{a.shape}")
    return a


def _as_matrix(pattern, m, n, who):
    """A given pattern as an (m, n) csr_array, checked against f."""
    import scipy.sparse as sp
    if not sp.issparse(pattern):
        if pattern.size != m * n:
            raise ValueError(f"{who}: the sparsity pattern has shape {pattern.shape}; f's "
                             f"Jacobian at these arguments has {m} x {n} entries")
        pattern = sp.csr_array(pattern.reshape(m, n) != 0)
    if pattern.shape != (m, n):
        raise ValueError(f"{who}: the sparsity pattern has shape {pattern.shape}; f's "
                         f"Jacobian at these arguments is {m} x {n}")
    return pattern


class SparseTransform(_Transform):
    """A Jacobian or Hessian computed by compressed forward passes over a sparsity pattern."""

    def __init__(self, kind, f, argnums, chunk, sparsity, format, check=True,
                 holomorphic=False):
        self.kind = kind
        super().__init__(f, argnums, chunk)
        self.holomorphic = holomorphic
        self.sparsity = _check_options(sparsity, format, kind)
        if not isinstance(check, bool):
            raise TypeError(f"{kind}: check must be True or False, got {check!r}")
        self.format = format
        self.check = check

    def __repr__(self):
        return (f"<dualad sparse {self.__name__}, argnums={self.argnums!r}, "
                f"format={self.format!r}>")

    def plan(self, args):
        """The ``coloring.Compression`` (pattern, colors, read-back) for ``args`` (cached)."""
        _, nums = normalize_argnums(self.argnums, len(args), self.kind)
        hessian = self.kind == "hessian"

        def build():
            n = _Inputs(args, nums, self.kind).n
            if isinstance(self.sparsity, str):
                pattern = _detected(self.kind, self.f, args, nums)
            else:
                m = n if hessian else _output_size(self.f, args)
                pattern = _as_matrix(self.sparsity, m, n, self.kind)
                if hessian:
                    pattern = col.symmetric_pattern(pattern)
                if self.check:
                    _check_covers(pattern, self.kind, self.f, args, nums)
            colors = col.star_coloring(pattern) if hessian else col.column_coloring(pattern)
            return col.Compression(pattern, colors, symmetric=hessian)
        owner = self.f if isinstance(self.sparsity, str) else self
        return _cached(owner, _key(self.kind, nums, args), build)

    def __call__(self, *args):
        from .._backends import one_point
        found, key = one_point.call(self, args)
        if found is not None:
            return found
        out_shape = []
        result = self._call(args, out_shape)
        if out_shape and is_dispatcher(self.f) and not self.holomorphic:
            # a compressed Jacobian: the next calls by vmap's loop on one row
            one_point.remember(self, args, key, result, self.plan(args), out_shape[0])
        return result

    def _call(self, args, out_shape):
        """The transform at args; a Jacobian's output shape appended to ``out_shape``."""
        single, nums = normalize_argnums(self.argnums, len(args), self.kind)
        inputs = _Inputs(args, nums, self.kind)
        if self.holomorphic:
            _check_holomorphic_inputs(self, inputs)
        elif inputs.complex_columns and self.sparsity is not None:
            # compressed passes seed real directions only: refused, never half a Jacobian
            raise TypeError(f"{self.kind} with sparsity= of complex inputs: {COMPLEX_LATER}; "
                            "leave sparsity=None (holomorphic=True for a holomorphic f, "
                            "da.grad for a real-valued one)")
        if self.sparsity is None:   # dense forward mode, the result in a sparse format
            import scipy.sparse as sp
            dense = (_dense_hessian if self.kind == "hessian" else _dense_jacobian)(
                self.f, self.argnums, chunk=self.chunk)(*args)
            parts = dense if isinstance(dense, tuple) else (dense,)
            blocks = [np.reshape(d, (-1, np.size(args[i]))) for d, i in zip(parts, nums)]
            matrix = sp.csr_array(np.concatenate(blocks, axis=1))
            return matrix if self.format == "csr" else matrix.tocsc()
        plan = self.plan(args)
        seed = plan.seed(inputs.dtype)
        arg = nums if len(nums) > 1 else nums[0]
        if self.kind == "hessian" and is_dispatcher(self.f):
            from .._backends.compressed import compiled_compressed_hessian

            def passes(s):   # H @ S, compiled
                return compiled_compressed_hessian(self.f, args, nums, s, self.chunk,
                                                   self.kind)[1]
            if self.holomorphic:   # the first level: f's gradient, Cauchy-Riemann checked
                Grad(self.f, arg, self.chunk, True)(*args)
            shape = np.shape(inputs.leaves[0][2]) if len(nums) == 1 else (inputs.n,)
        elif self.kind == "hessian":
            g = Grad(self.f, arg, self.chunk, self.holomorphic)

            def passes(s):   # H @ S: the Jacobian of the gradient along the colors
                return _compressed(g, args, nums, s, inputs, self.kind)[0]
            shape = ((() if inputs.leaves[0][3] else np.shape(inputs.leaves[0][2]))
                     if len(nums) == 1 else (inputs.n,))
        else:
            shapes = []

            def passes(s):   # J @ S
                part, out_shapes = _compressed(self.f, args, nums, s, inputs, self.kind)
                shapes[:] = out_shapes
                return part
        compressed = passes(seed)
        if self.holomorphic:   # the colors seeded along 1, then along 1j for the check
            compressed = _checked_along_1j(self, compressed, passes(seed * 1j), args)
        if self.kind != "hessian":
            if len(shapes) != 1:
                raise ValueError(f"{self.kind}: a sparse Jacobian needs f to return one array")
            shape = shapes[0]
            if compressed.shape[0] != plan.shape[0]:
                raise ValueError(f"{self.kind}: f returns {compressed.shape[0]} numbers at "
                                 f"these arguments; its pattern has {plan.shape[0]} rows")
            out_shape.append(shape)
        if self.format != "dense":
            matrix = plan.csr(compressed)
            return matrix if self.format == "csr" else matrix.tocsc()
        dense = plan.dense(compressed)
        if self.kind == "hessian" and len(nums) > 1:
            return dense   # the full (n, n) matrix over the inputs argnums names, in order
        per_arg = inputs.split(dense.reshape(shape + (inputs.n,)), shape)
        return per_arg[0] if single else tuple(per_arg)


def _check_holomorphic_inputs(transform, inputs):
    """holomorphic=True with sparsity: every input complex."""
    if len(inputs.complex_columns) != inputs.n:
        raise TypeError(f"{transform.kind} with holomorphic=True requires inputs with "
                        "complex dtype (complex, np.complex64, np.complex128), got a real "
                        "input")


def _checked_along_1j(transform, compressed, along_i, args):
    """The compressed result of a holomorphic f (the colors seeded along 1), complex,
    once Cauchy-Riemann holds against the same passes along 1j
    (``holomorphic.check_cauchy_riemann``, as the dense path)."""
    from .holomorphic import check_cauchy_riemann
    check_cauchy_riemann(compressed, along_i, transform.kind,
                         flatten(transform.f(*args))[0][0])
    return np.asarray(compressed, np.result_type(compressed, np.complex64))


def _output_size(f, args):
    """How many numbers f returns at args (a plain evaluation)."""
    return sum(np.size(y) for y in flatten(f(*args))[0])


def _compressed(f, args, nums, seed, inputs, who):
    """(the Jacobian of f times ``seed``, (m, p) with the output leaves' rows stacked,
    the shapes of the output leaves): one evaluation of f with p partials."""
    p = seed.shape[1]
    if is_dispatcher(f):
        from .._backends.point import compiled_compressed
        if any(s for _, _, _, s in inputs.leaves):
            raise ValueError(f"{who}: a sparse Jacobian of a numba function takes array "
                             "arguments (make scalars 1-element arrays)")
        value, part = compiled_compressed(f, args, nums, seed, who)
        return part, (np.shape(value),)
    tag = next_tag()

    def seed_leaf(value, scalar, off):
        rows = seed[off:off + (1 if scalar else value.size)]
        if not scalar:
            return DualArray(value, rows.reshape(value.shape + (p,)), tag)
        if p > 1:
            return make_dual(value, rows[0], tag)
        one = rows[0, 0]
        return make_dual(value, one if isinstance(value, np.generic) else float(one), tag)
    leaves, _ = flatten(python_callable(f)(*inputs.seeded_with(seed_leaf)))
    parts, shapes = [], []
    for y in leaves:
        value, part = value_and_partials(y, tag, p, inputs.dtype, who)
        parts.append(np.asarray(part).reshape(np.size(value), p))
        shapes.append(np.shape(value))
    return (np.concatenate(parts) if parts else np.zeros((0, p))), tuple(shapes)


def jacobian(f, argnums=0, *, chunk=None, sparsity=None, format="dense", holomorphic=False,
             check=True):
    """Return a function computing the Jacobian of ``f`` by forward mode.

    ``out.shape == f(*args).shape + arg.shape``; ``argnums`` a tuple gives a
    tuple; an ``f`` returning a tuple gives a tuple of Jacobians (outputs
    outer, argnums inner, as JAX). ``chunk`` sets how many partials are
    carried per pass.

    ``sparsity="auto"`` detects the pattern (``da.sparsity``) and colors it,
    once per argument shapes, and runs f once with one partial per color
    instead of one per input; ``sparsity=pattern`` (a scipy.sparse matrix or
    a bool array, rows the flattened output, columns the flattened inputs)
    uses the pattern given, checked against f's traced pattern once per shapes
    (a ValueError names the first entry it misses; where f cannot be traced a
    UserWarning says it is used unchecked; ``check=False`` skips the check).
    ``format="csr"`` or ``"csc"`` then returns a ``scipy.sparse`` array
    (m x n), ``"dense"`` the usual shapes.
    ``holomorphic=True``: complex inputs (scalars or arrays), f holomorphic,
    the complex Jacobian (JAX's convention; guides/complex.md); with
    ``sparsity=`` each color is seeded along 1, and along 1j for the
    Cauchy-Riemann check (plain Python f).

    >>> import numpy as np, dualad as da
    >>> J = da.jacobian(lambda x: np.sin(x) * x[0])(np.array([1.0, 2.0]))
    >>> J.shape
    (2, 2)
    >>> da.jacobian(np.sin, sparsity="auto", format="csr")(np.zeros(3)).nnz
    3
    """
    if sparsity is None and format == "dense":
        return _dense_jacobian(f, argnums, chunk=chunk, holomorphic=holomorphic)
    if holomorphic and sparsity is None:
        raise TypeError("jacobian(holomorphic=True) with format= needs sparsity= "
                        "(\"auto\" or a pattern); for the dense complex Jacobian leave "
                        "format=\"dense\"")
    check_chunk(chunk, "jacobian")
    return SparseTransform("jacobian", f, argnums, chunk, sparsity, format, check, holomorphic)


jacfwd = jacobian


def hessian(f, argnums=0, *, chunk=None, sparsity=None, format="dense", check=True,
            holomorphic=False):
    """Return a function computing the Hessian of a scalar-valued ``f``.

    Shape ``arg.shape + arg.shape``; mixed blocks when ``argnums`` is a tuple.
    ``holomorphic=True``: complex inputs, f holomorphic, the complex Hessian
    (``jax.hessian(holomorphic=True)``; Cauchy-Riemann checked at both levels),
    with ``sparsity=`` too (plain Python f: each color seeded along 1, and along
    1j for the check; the complex Hessian is symmetric, so star coloring holds).
    ``sparsity="auto"`` or a pattern, and ``format``, as for ``da.jacobian``:
    the symmetric pattern is star-colored and the gradient differentiated
    along the colors only; a given pattern is checked as for ``da.jacobian``
    (``check=``). For a numba dispatcher the pattern is traced on
    ``f.py_func`` and the compressed passes are compiled (one color at the
    outer level of nested duals, a chunk of unit directions at the inner).

    >>> import numpy as np, dualad as da
    >>> da.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    >>> rosen = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> da.hessian(rosen, sparsity="auto", format="csr")(np.zeros(50)).nnz
    148
    """
    if sparsity is None and format == "dense":
        return _dense_hessian(f, argnums, chunk=chunk, holomorphic=holomorphic)
    if holomorphic and sparsity is None:
        raise TypeError("hessian(holomorphic=True) with format= needs sparsity= "
                        "(\"auto\" or a pattern); for the dense complex Hessian leave "
                        "format=\"dense\"")
    check_chunk(chunk, "hessian")
    return SparseTransform("hessian", f, argnums, chunk, sparsity, format, check, holomorphic)
