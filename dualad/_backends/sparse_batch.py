"""``vmap`` of a sparse Jacobian or Hessian of a dispatcher: one compiled batch loop,
one coloring.

Jacobian, per point: the inputs are seeded with their color's unit direction
(a column coloring's seed matrix has one 1 per row, so ``seed(x[i],
color[i], C)``), f runs once on Dual[float, colors], the compressed J @ S
(m x colors) is stored by ``store_partials`` and every nonzero scattered into
the point's dense (m, n) block from its precomputed source
(``coloring.Compression``). Hessian, per point: the passes of
``compressed.compiled_compressed_hessian`` (outer level one star color, inner
level a chunk of C unit directions), (H @ S)^T stored row per color by
``store_second``, then scattered likewise. Serial, GIL-free loops over blocks
of points, one per core, as ``batch``; the loops are built per user function
(``perfunction``), disk-cached with it when it has ``cache=True``.
"""
import weakref

import numba
import numpy as np
from numba import njit
from numba.core import types

from .._jit.api import seed
from .._jit.arrays import point_args
from .kernels import hessian_workspace, jacobian_workspace
from .perfunction import fast_entry_point, per_function, run_blocks
from .seed import point_input, seed_rows
from .store import fits, store_partials, store_second, store_values


_SIZE = "f returns another number of values than its sparsity pattern has rows"
_PLAN_ARRAYS = weakref.WeakKeyDictionary()   # plan -> {(csr_order, C): (arrays, types)}


@njit(inline="always")
def compressed_jacobian_point(f, args, K, C, x, out, vals, xd, color, rows, cols, source,
                              comp):
    """The Jacobian of f(*args) w.r.t. args[K] = x into out (m, n) by one pass on the
    coloring's seeds; comp an (m, C) work array."""
    for i in range(x.shape[0]):
        xd[i] = seed(x[i], color[i], C)
    y = f(*point_args(args, 0, 0, K, point_input(args, K, xd)))
    if not fits(y, vals):
        raise ValueError(_SIZE)
    store_values(y, vals)
    store_partials(y, comp, 0, C)
    out[:, :] = 0
    flat = comp.reshape(comp.size)
    for k in range(rows.shape[0]):
        out[rows[k], cols[k]] = flat[source[k]]


def _jacobian_template(STAMP_):
    # the batch loop around the user's F (a global, see ``perfunction``)
    def compressed_batch(args, K, C, mask, X, OUT, VALS, color, rows, cols, source, lo, hi):
        STAMP_  # noqa: B018  (the closure's one cell: part of numba's cache key)
        xd = jacobian_workspace(X[lo], C)
        comp = np.empty((VALS.shape[1], C), X.dtype)   # f's m outputs (OUT may be csr rows)
        for b in range(lo, hi):
            compressed_jacobian_point(F, point_args(args, b, mask, -1, 0),  # noqa: F821
                                      K, C, X[b], OUT[b], VALS[b], xd, color, rows, cols,
                                      source, comp)
    return compressed_batch


@njit(inline="always")
def compressed_hessian_point(f, args, K, C, x, out, vals, xd, color, rows, cols, source,
                             comp):
    """The Hessian of the scalar f(*args) w.r.t. args[K] = x into out (n, n) from
    (H @ S)^T, comp a (colors, n) work array."""
    n = x.shape[0]
    for c in range(comp.shape[0]):
        for start in range(0, n, C):
            seed_rows(x, xd, start, C, c, color)
            y = f(*point_args(args, 0, 0, K, point_input(args, K, xd)))
            if not fits(y, vals):
                raise ValueError(_SIZE)
            if c == 0 and start == 0:
                store_values(y, vals)
            store_second(y, comp, start, n, c)
    out[:, :] = 0
    flat = comp.reshape(comp.size)
    for k in range(rows.shape[0]):
        out[rows[k], cols[k]] = flat[source[k]]


def _hessian_template(STAMP_):
    def compressed_hessian_batch(args, K, C, mask, X, OUT, VALS, color, rows, cols, source,
                                 lo, hi):
        STAMP_  # noqa: B018
        xd = hessian_workspace(X[lo], C)
        comp = np.empty((int(color.max()) + 1 if color.size else 1, X.shape[1]), X.dtype)
        for b in range(lo, hi):
            compressed_hessian_point(F, point_args(args, b, mask, -1, 0),  # noqa: F821
                                     K, C, X[b], OUT[b], VALS[b], xd, color, rows, cols,
                                     source, comp)
    return compressed_hessian_batch


def compressed_vmap(f, args, K, mask, X, out, vals, plan, C=None, csr_order=False,
                    compile=True):
    """Run the compressed batch loop of ``plan`` (a Compression; symmetric: a Hessian's,
    C inner directions per pass) over the rows of X into out (batch, m, n) and vals
    (batch, m), one block of points per core. ``csr_order``: out is (batch, 1, nnz),
    each point's nonzeros in the order of the pattern's csr data (the same loop,
    every nonzero scattered into row 0 at its own index). ``compile=False``: only where
    the loop is compiled already (False where it did not run)."""
    if plan.symmetric:
        key, template = "compressed_hessian", _hessian_template
    else:
        key, template, C = "compressed_jacobian", _jacobian_template, max(plan.ncolors, 1)
    arrays, arrays_types = _plan_arrays(plan, csr_order)

    def signature():
        return (numba.typeof(args), types.literal(K), types.literal(C), types.literal(mask),
                numba.typeof(X), numba.typeof(out), numba.typeof(vals), *arrays_types,
                types.int64, types.int64)
    entry = fast_entry_point(f, key, lambda: per_function(template, f), (K, C, mask),
                             (args, X, out, vals, *arrays), signature, compile)
    if entry is None:
        return False
    run_blocks(entry, X.shape[0], args, K, C, mask, X, out, vals, *arrays)
    return True


def _plan_arrays(plan, csr_order):
    """(color, rows, cols, source) of the batch loop for ``plan`` and their numba
    types, kept per plan."""
    per_plan = _PLAN_ARRAYS.setdefault(plan, {})
    found = per_plan.get(csr_order)
    if found is None:
        source = plan.source.astype(np.int64)
        if plan.symmetric:
            r, c = np.divmod(source, max(plan.ncolors, 1))
            source = c * plan.shape[0] + r   # into (H @ S)^T
        rows, cols = plan.rows.astype(np.int64), plan.cols.astype(np.int64)
        if csr_order:
            rows, cols = np.zeros_like(rows), np.arange(rows.size, dtype=np.int64)
        arrays = (plan.color, rows, cols, source)
        found = per_plan[csr_order] = (arrays, tuple(numba.typeof(a) for a in arrays))
    return found


def compressed_point(f, args, K, plan, csr_order, compile=True):
    """The Jacobian of dispatcher f at one point, w.r.t. the 1-D float array args[K],
    by the batch loop on one row: its nonzeros in the pattern's csr order
    (``csr_order``) or the dense (m, n) matrix; None where ``compile=False`` and the
    loop is not compiled. A ValueError where f returns another number of values than
    the pattern has rows."""
    X = args[K].reshape(1, -1)
    m, n = plan.shape
    vals = np.empty((1, m), X.dtype)
    out = np.empty((1, 1, plan.rows.size) if csr_order else (1, m, n), X.dtype)
    if not compressed_vmap(f, args[:K] + (X,) + args[K + 1:], K, 1 << K, X, out, vals,
                           plan, csr_order=csr_order, compile=compile):
        return None
    return out[0, 0] if csr_order else out[0]
