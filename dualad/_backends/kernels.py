"""The per-point algorithms of the compiled transforms, and the batch loop over them.

One body per transform and input kind (array or scalar): ``jacobian_point``,
``hessian_point`` (nested duals: rows of outer directions over inner chunks),
``hessian2_point``/``hessian2_blocks_point`` (one Dual2 pass, or pairs of
blocks). ``batch_kernel`` wraps a point body in a loop over a block of points.
"""
import math

import numpy as np
from numba import literally, njit

from .._jit.api import seed, seed2
from .._jit.arrays import empty_dual_array, point_args
from .._jit.intrinsics import make_dual
from .store import (_seed_chunk, _seed_dual2, _seed_rows, store_hessian2, store_partials,
                    store_second, store_values)

# ------------------------------------------------------------------ kernels --

# Module-level kernels: the user's function is an argument (numba dispatchers
# are first-class), and the argument index K, the chunk C and the batch mask
# are compile-time constants (numba.literally). Kernels that take the user's
# function are not disk-cached: its type differs in every process, so numba's
# cache could never hit and would only grow by one entry per process. The
# helpers that do not take it (seeding, workspaces) are cached.

@njit
def jacobian_point(f, args, K, C, x, out, vals, xd):
    """Jacobian of f(*args) w.r.t. args[K] (1-D array x) into out (m, n), values into vals.

    xd: workspace, an array of x.shape[0] duals (from jacobian_workspace).
    """
    literally(K)
    literally(C)
    n = x.shape[0]
    for start in range(0, n, C):
        _seed_chunk(x, xd, start, C)
        y = f(*point_args(args, 0, 0, K, xd))
        if start == 0:
            store_values(y, vals)
        store_partials(y, out, start, n)


@njit
def jacobian_point_scalar(f, args, K, C, x, out, vals, xd):
    """Jacobian of f(*args) w.r.t. the scalar args[K] = x (xd unused)."""
    literally(K)
    literally(C)
    y = f(*point_args(args, 0, 0, K, seed(x, 0, C)))
    store_values(y, vals)
    store_partials(y, out, 0, 1)


@njit
def hessian_point(f, args, K, C, x, out, vals, xd):
    """Hessian of the scalar f(*args) w.r.t. args[K] (1-D array x) into out (n, n).

    xd: workspace, an array of x.shape[0] nested duals (from hessian_workspace).
    """
    literally(K)
    literally(C)
    n = x.shape[0]
    for row in range(n):
        for start in range(0, n, C):
            if start + C <= row:
                continue
            _seed_rows(x, xd, start, C, row)
            y = f(*point_args(args, 0, 0, K, xd))
            if row == 0 and start == 0:
                store_values(y, vals)
            store_second(y, out, start, n, row)
    for i in range(n):
        for j in range(i):
            out[i, j] = out[j, i]


@njit
def hessian_point_scalar(f, args, K, C, x, out, vals, xd):
    """Second derivative of the scalar f(*args) w.r.t. the scalar args[K] = x."""
    literally(K)
    literally(C)
    y = f(*point_args(args, 0, 0, K, make_dual(seed(x, 0, C), 1.0)))
    store_values(y, vals)
    store_second(y, out, 0, 1, 0)



@njit
def hessian2_point(f, args, K, C, x, out, vals, xd):
    """Hessian of the scalar f(*args) w.r.t. args[K] (1-D x of C elements) in one
    pass of second-order duals Dual2[float, C]. xd: hessian2_workspace."""
    literally(K)
    literally(C)
    _seed_dual2(x, xd, 0, 0, C, C)
    y = f(*point_args(args, 0, 0, K, xd))
    store_values(y, vals)
    store_hessian2(y, out, 0, 0, C, C)


@njit
def hessian2_blocks_point(f, args, K, C, x, out, vals, xd):
    """Hessian of the scalar f(*args) w.r.t. args[K] (1-D x, n > C) by Dual2 passes.

    x is cut into blocks of B = C // 2 and each pair of blocks p < q is one pass
    with C directions: blocks (p, p), (p, q) and (q, q).
    """
    literally(K)
    literally(C)
    n = x.shape[0]
    B = C // 2
    nb = (n + B - 1) // B
    for p in range(nb - 1):
        for q in range(p + 1, nb):
            _seed_dual2(x, xd, p * B, q * B, B, C)
            y = f(*point_args(args, 0, 0, K, xd))
            if p == 0 and q == 1:
                store_values(y, vals)
            store_hessian2(y, out, p * B, q * B, B, n)


@njit(cache=True)
def hessian2_workspace(x, C):
    return empty_dual_array(x.shape[0], seed2(x[0], 0, C))


@njit(cache=True)
def jacobian_workspace(x, C):
    return empty_dual_array(x.shape[0], seed(x[0], 0, C))


@njit(cache=True)
def hessian_workspace(x, C):
    return empty_dual_array(x.shape[0], make_dual(seed(x[0], 0, C), 1.0))


@njit(cache=True)
def no_workspace(x, C):
    return np.empty(0)


def batch_kernel(point, workspace):
    # A serial loop over [lo, hi) that releases the GIL; vmap runs one per core
    # from Python threads. (prange compiles twice as slowly, for the same speed.)
    # The dual workspace is allocated once per block, not per point.
    @njit(nogil=True)
    def batch(f, args, K, C, mask, X, OUT, VALS, lo, hi):
        literally(K)
        literally(C)
        literally(mask)
        xd = workspace(X[lo], C)
        for b in range(lo, hi):
            point(f, point_args(args, b, mask, -1, 0), K, C, X[b], OUT[b], VALS[b], xd)
    return batch


POINT_KERNELS = {("jacobian", False): jacobian_point, ("jacobian", True): jacobian_point_scalar,
                 ("hessian", False): hessian_point, ("hessian", True): hessian_point_scalar}
WORKSPACES = {("jacobian", False): jacobian_workspace, ("jacobian", True): no_workspace,
              ("hessian", False): hessian_workspace, ("hessian", True): no_workspace}
POINT_KERNELS["hessian2", False] = hessian2_point
POINT_KERNELS["hessian2", True] = hessian2_blocks_point  # (keyed by "blocks")
WORKSPACES["hessian2", False] = WORKSPACES["hessian2", True] = hessian2_workspace
BATCH_KERNELS = {key: batch_kernel(point, WORKSPACES[key])
                 for key, point in POINT_KERNELS.items()}

DUAL2_MAX = 16
"""Most directions of one second-order (Dual2) pass: n(n+1)/2 = 136 Hessian lanes."""

_NO_DUAL2 = {}
"""Dispatchers whose Dual2 Hessian did not compile (a function without a Dual2
implementation): they keep the nested Dual[Dual] passes."""


def dual2_plan(n, chunk):
    """(C, B) of the Dual2 Hessian: C directions per pass, blocks of B (B == C: one pass)."""
    most = max(2, min(chunk or DUAL2_MAX, DUAL2_MAX))
    if n <= most:
        return n, n
    half = most // 2
    B = math.ceil(n / math.ceil(n / half))
    return 2 * B, B


def _dual2_passes(n, C, B):
    """(p0, q0) of each Dual2 pass."""
    if B == C:
        return [(0, 0)]
    starts = range(0, n, B)
    return [(p, q) for p in starts for q in starts if p < q]


def _use_dual2(f):
    try:
        return f not in _NO_DUAL2
    except TypeError:
        return True


def _no_dual2(f, err):
    try:
        _NO_DUAL2[f] = str(err)
    except TypeError:
        pass
