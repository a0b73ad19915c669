"""``da.vmap``: map a function over the leading axis of its array arguments.

A dualad transform of a numba dispatcher runs the whole batch as one compiled
loop (parallel across cores, or on a GPU with ``target="cuda"``); anything
else is a plain loop. A dask array argument gives a lazy dask array computed
block by block.
"""
import sys

import numpy as np

from .._core.numba_support import is_dispatcher
from .._core.trees import check_out, flatten, unflatten
from .multivariate import _Transform
from .sparse import SparseTransform

_TARGETS = (None, "cpu", "cuda")  # None and "cpu": all cores


def _is_dask(x):
    da_mod = sys.modules.get("dask.array")
    return da_mod is not None and isinstance(x, da_mod.Array)


class VMap:
    """``vmap(g)``: callable; see :func:`vmap`."""

    def __init__(self, g, in_axes=0, target=None, out=None):
        if not callable(g):
            raise TypeError(f"vmap() needs a callable, got {type(g).__name__}")
        if target not in _TARGETS:
            raise ValueError(f"vmap(): target must be one of {_TARGETS[1:]}, got {target!r}")
        if not (in_axes == 0 or in_axes is None or isinstance(in_axes, tuple)):
            raise ValueError(f"vmap(): in_axes must be 0, None or a tuple of 0/None, "
                             f"got {in_axes!r}")
        if out is not None and not isinstance(out, np.ndarray):
            raise TypeError(f"vmap(): out= must be a NumPy array, got {type(out).__name__}")
        if out is not None and target == "cuda":
            raise TypeError("vmap(target='cuda') takes no out= (the batch is copied back "
                            "from the GPU into a new array)")
        self.g = g
        self.out = out
        self.in_axes = in_axes
        self.target = target
        self.__name__ = f"vmap({getattr(g, '__name__', 'g')})"

    def _mapped(self, args):
        if isinstance(self.in_axes, tuple):
            if len(self.in_axes) != len(args):
                raise ValueError(f"vmap(): in_axes has {len(self.in_axes)} entries for "
                                 f"{len(args)} arguments")
            for ax in self.in_axes:
                if ax not in (0, None):
                    raise ValueError(f"vmap(): in_axes entries must be 0 or None, got {ax!r}")
            return [ax == 0 for ax in self.in_axes]
        if self.in_axes is None:
            return [False] * len(args)
        return [isinstance(a, (np.ndarray, list)) and np.ndim(a) >= 1 or _is_dask(a)
                or isinstance(a, tuple) for a in args]

    def __call__(self, *args):
        mapped = self._mapped(args)
        if not any(mapped):
            raise ValueError("vmap(): no argument to map over (give arrays with a leading "
                             "batch axis, or set in_axes)")
        if any(_is_dask(a) for a, m in zip(args, mapped) if m):
            if self.out is not None:
                raise TypeError("vmap(): out= takes NumPy batches; a dask batch is lazy")
            return _dask_map(self, args, mapped)
        batch = None
        for i, (a, m) in enumerate(zip(args, mapped)):
            if not m:
                continue
            for leaf in flatten(a)[0]:
                if np.ndim(leaf) == 0:
                    raise ValueError(f"vmap(): argument {i} has no leading axis to map over")
                n = np.shape(leaf)[0]
                if batch is None:
                    batch = n
                elif n != batch:
                    raise ValueError(f"vmap(): argument {i} has batch size {n}, "
                                     f"earlier arguments have {batch}")
        sparse_out = isinstance(self.g, SparseTransform) and self.g.format != "dense"
        if isinstance(self.g, SparseTransform) and self.target == "cuda":
            raise TypeError("vmap(target='cuda') of a sparse transform is not compiled; "
                            "vmap on the CPU runs it as one compiled loop")
        if sparse_out and self.out is not None:
            raise TypeError(f"vmap(): out= takes one array, and format={self.g.format!r} "
                            "gives a list of scipy.sparse arrays")
        if sparse_out and batch == 0:
            return []
        if batch == 0 and self.target != "cuda":
            return self._into_out(_empty_batch(self.g, args, mapped))
        if isinstance(self.g, SparseTransform) and is_dispatcher(self.g.f):
            res = _sparse_vmap(self.g, args, mapped, batch, self.out)
            if res is not NotImplemented:
                return res
        if sparse_out:   # a list of the transform's sparse arrays, point by point
            return [self.g(*[_slice(a, i) if m else a for a, m in zip(args, mapped)])
                    for i in range(batch)]
        if _compiled_transform(self.g) and _complex_batch(self.g, args):
            if self.target == "cuda":
                raise TypeError("vmap(target='cuda') of a transform at complex inputs is "
                                "not compiled yet; vmap on the CPU loops over the points")
            from .holomorphic import batched
            res = batched(self.g, args, mapped, batch)   # one real batch loop
            if res is NotImplemented:   # else point by point, each point compiled
                res = _loop(self.g, args, mapped, batch)
            return self._into_out(res)
        if _compiled_transform(self.g):
            if self.target == "cuda":
                from .._backends.cuda import cuda_vmap
                return cuda_vmap(self.g.spec, args, mapped, batch)
            from .._backends.batch import compiled_vmap
            res = compiled_vmap(self.g.spec, args, mapped, batch, self.out)
            if res is not NotImplemented:
                return res
        if self.target == "cuda":
            raise TypeError("vmap(target='cuda') needs a dualad transform of a numba "
                            "dispatcher (e.g. da.vmap(da.jacobian(njit_f), target='cuda'))")
        res = _elementwise_derivative(self.g, args, mapped)
        if res is NotImplemented:
            res = _loop(self.g, args, mapped, batch)
        return self._into_out(res)

    def _into_out(self, res):
        """The stacked result copied into ``out`` (when given), which is returned."""
        if self.out is None:
            return res
        if isinstance(res, tuple):
            raise TypeError("vmap(): out= takes one array, and g returns a tuple")
        check_out(self.out, np.shape(res), np.result_type(res), "vmap()")
        self.out[...] = res
        return self.out


def _compiled_transform(g):
    """True for a dualad transform of a numba dispatcher (run as one compiled loop).

    A sparse Jacobian of a dispatcher runs as its own compiled loop
    (``_sparse_vmap``); other sparse transforms point by point, reusing one
    pattern and coloring, cached, for the whole batch.
    """
    return isinstance(g, _Transform) and not isinstance(g, SparseTransform) and \
        is_dispatcher(g.f)


def _sparse_vmap(g, args, mapped, batch, out):
    """vmap of a sparse Jacobian or Hessian of a dispatcher (one argnum, 1-D points, one
    array output) as one compiled loop reusing the coloring of the first point's shapes
    (``_backends/sparse_batch``), or the dense compiled Hessian's loop where that
    carries fewer lanes; NotImplemented otherwise (the point-by-point loop)."""
    from .._backends.batch import _output, compiled_vmap
    from .._backends.compressed import hessian_passes
    from .._backends.sparse_batch import compressed_vmap
    from .._core.spec import TransformSpec, normalize_argnums
    from .._core.trees import as_float_input
    who = f"vmap({g.kind})"
    hessian = g.kind == "hessian"
    single, nums = normalize_argnums(g.argnums, len(args), who)
    K = nums[0]
    if not (single and mapped[K]) or any(isinstance(a, tuple) for a in args):
        return NotImplemented
    X, _ = as_float_input(args[K], f"{who}: argument {K}")
    if X.ndim != 2:
        return NotImplemented
    args = [np.ascontiguousarray(np.asarray(a)) if m else a for a, m in zip(args, mapped)]
    args[K] = X = np.ascontiguousarray(X)
    first = [a[0] if m else a for a, m in zip(args, mapped)]
    y0 = g.f(*first)
    if isinstance(y0, tuple) or np.asarray(y0).dtype.kind not in "biuf":
        return NotImplemented
    plan = g.plan(first)
    m, n = np.size(y0), X.shape[1]
    if hessian and np.shape(y0) != ():
        raise ValueError(f"{who}: f must return a scalar, got shape {np.shape(y0)}")
    rows = n if hessian else m
    if plan.shape != (rows, n):
        raise ValueError(f"{who}: f returns {m} numbers of {n} inputs; its pattern is "
                         f"{plan.shape[0]} x {plan.shape[1]}")
    C = None
    if hessian:
        # no Python call per pass in a batch: compare the lanes carried instead
        # (measured, Rosenbrock n=16: compressed 2.7x faster than Dual2's one pass)
        p = max(plan.ncolors, 1)
        C, _ = hessian_passes(g.f, n, p, g.chunk)
        if p * -(-n // C) * 2 * (C + 1) > n + n * (n + 1) // 2:
            dense = compiled_vmap(TransformSpec("hessian", g.f, K, g.chunk), args, mapped,
                                  batch, out)
            if g.format != "dense":   # the dense batch's nonzeros, in csr order
                return _sparse_list(g, plan, dense.reshape(batch, -1)[:, plan.flat])
            return dense
    dtype = np.result_type(X.dtype, np.float32)
    mask = sum(1 << i for i, mm in enumerate(mapped) if mm)
    vals = np.empty((batch, m), dtype)
    if g.format != "dense":   # each point's nonzeros into one row, in csr order
        data = np.empty((batch, 1, plan.rows.size), dtype)
        compressed_vmap(g.f, tuple(args), K, mask, X, data, vals, plan, C, csr_order=True)
        return _sparse_list(g, plan, data.reshape(batch, -1))
    res = _output(out, (batch,) + (np.shape(y0) if not hessian else (n,)) + (n,), dtype, who)
    compressed_vmap(g.f, tuple(args), K, mask, X, res.reshape(batch, rows, n), vals, plan, C)
    return res


def _sparse_list(g, plan, data):
    """One scipy.sparse array (``g.format``) per row of data, on the plan's pattern."""
    import scipy.sparse as sp
    P = plan.pattern
    out = [sp.csr_array((d, P.indices, P.indptr), shape=plan.shape) for d in data]
    return out if g.format == "csr" else [a.tocsc() for a in out]


def _complex_batch(g, args):
    """True for a compiled transform at complex inputs (or holomorphic=True)."""
    from .holomorphic import has_complex_input
    return g.holomorphic or has_complex_input(args, range(len(args)))


def _elementwise_derivative(g, args, mapped):
    """vmap of ``da.derivative(njit_f)`` over a 1-D batch of scalars, f returning a
    scalar: the derivative's own compiled elementwise loop (which calls f on one
    element at a time, as the point loop would; at complex points with the
    Cauchy-Riemann check over the batch); NotImplemented otherwise."""
    if not (getattr(g, "compiled_elementwise", False) and len(args) == 1 and mapped[0]):
        return NotImplemented
    x = np.asarray(args[0])
    if x.ndim != 1 or x.dtype.kind not in "biufc" or x.size == 0:
        return NotImplemented
    y0 = g(x[0])   # a scalar, complex only where x is (the loop's output array's dtype)
    if np.ndim(y0) != 0 or (np.iscomplexobj(y0) and x.dtype.kind != "c"):
        return NotImplemented
    return g(x)


def _slice(a, i):
    leaves, treedef = flatten(a)
    return unflatten(treedef, [np.asarray(leaf)[i] for leaf in leaves])


def _loop(g, args, mapped, batch):
    results = []
    for i in range(batch):
        call = [_slice(a, i) if m else a for a, m in zip(args, mapped)]
        results.append(flatten(g(*call)))
    treedef = results[0][1]
    columns = []
    for k in range(len(results[0][0])):
        shape = np.shape(results[0][0][k])
        for i, (leaves, d) in enumerate(results):
            if d != treedef or np.shape(leaves[k]) != shape:
                raise ValueError(f"vmap(): g returned output of shape {np.shape(leaves[k])} "
                                 f"at index {i} but {shape} at index 0")
        columns.append(np.stack([np.asarray(r[0][k]) for r in results]))
    return unflatten(treedef, columns)


def _zero_point(a):
    leaves, treedef = flatten(a)
    return unflatten(treedef, [np.zeros(np.shape(leaf)[1:], np.asarray(leaf).dtype)
                               for leaf in leaves])


def _empty_batch(g, args, mapped):
    """The results of an empty batch: g at a point of zeros tells the shapes per point
    (its values are discarded), and every output gets a leading axis of length 0."""
    call = [_zero_point(a) if m else a for a, m in zip(args, mapped)]
    try:
        with np.errstate(all="ignore"):
            out = g(*call)
    except Exception as err:
        raise ValueError(f"vmap(): the batch is empty, and g failed at a point of "
                         f"zeros, which is how vmap learns the shape of its output per "
                         f"point: {err}") from err
    leaves, treedef = flatten(out)
    return unflatten(treedef, [np.zeros((0,) + np.shape(leaf), np.result_type(leaf))
                               for leaf in leaves])


def _dask_map(vm, args, mapped):
    import dask.array as dka
    if any(m and not _is_dask(a) for a, m in zip(args, mapped)):
        raise TypeError("vmap(): mix of dask and NumPy batch arguments; make them all dask arrays")
    # One point tells the output's shape per point (and checks g on real data).
    probe = vm(*[np.asarray(a[:1]) if m else a for a, m in zip(args, mapped)])
    if isinstance(probe, tuple):
        raise TypeError("vmap() over dask arrays supports a single array output")
    rechunked = [a.rechunk({k: -1 for k in range(1, a.ndim)}) if m else a
                 for a, m in zip(args, mapped)]
    ref = next(a for a, m in zip(rechunked, mapped) if m)
    for a, m in zip(rechunked, mapped):
        if m and a.chunks[0] != ref.chunks[0]:
            raise ValueError("vmap(): dask arguments must share their chunks along axis 0")
    in_ndim, out_ndim = ref.ndim, probe.ndim
    extra = {}
    if out_ndim > in_ndim:
        extra["new_axis"] = list(range(in_ndim, out_ndim))
    elif out_ndim < in_ndim:
        extra["drop_axis"] = list(range(out_ndim, in_ndim))
    chunks = (ref.chunks[0],) + tuple((s,) for s in probe.shape[1:])
    return dka.map_blocks(lambda *blocks: vm(*blocks), *rechunked, dtype=probe.dtype,
                          chunks=chunks, meta=np.empty((0,) * out_ndim, probe.dtype), **extra)


def vmap(g, in_axes=0, *, target=None, out=None):
    """Return ``g`` mapped over the leading axis of its array arguments.

    ``in_axes``: 0 maps every array argument (scalars are broadcast); a tuple
    of 0/None chooses per argument. When ``g`` is a dualad transform of a
    ``numba.njit`` function the whole batch runs as one compiled loop across
    all cores (``target="cuda"``: on a GPU). Dask array arguments give a lazy
    dask array.

    ``out``: a preallocated array (the result's exact shape and dtype,
    C-contiguous) that every call writes its batch into and returns. A compiled
    batch writes into it directly: no allocation, and no first touch of fresh
    memory, which costs the first calls of a large batch several times the
    later ones (the kernel gathering huge pages; see ``_backends/batch.py``).

    >>> import numpy as np, dualad as da
    >>> da.vmap(da.grad(lambda x: np.sum(x ** 3)))(np.ones((2, 3)))
    array([[3., 3., 3.],
           [3., 3., 3.]])
    >>> buf = np.empty((2, 3))
    >>> da.vmap(da.grad(lambda x: np.sum(x ** 3)), out=buf)(np.ones((2, 3))) is buf
    True
    """
    return VMap(g, in_axes, target, out)
