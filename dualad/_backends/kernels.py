"""The per-point algorithms of the compiled transforms, and the CPU batch loop over them.

One body per algorithm of ``plan``: ``jacobian_point`` (chunks of
directions), ``hessian_point`` (nested duals: rows of outer directions over
inner chunks), ``hessian2_point`` (Dual2: one pass, or pairs of blocks).
All three have the signature

    body(f, args, K, C, x, out, vals, xd)

f the user's dispatcher (an argument: numba specialises on its type, and a
CUDA device function may take one too), args the point's arguments, K the
differentiated one and C the directions per pass, both compile-time
constants; x the point as a 1-D array (a scalar point: of length 1; f still
gets a scalar, see ``seed.point_input``); out, vals the point's outputs,
every entry written (no clearing first); xd the work array of n seeded
numbers. The passes are ``plan``'s: a first pass, then its step functions.
The CPU batch loop (``batch_kernel``, here) and the CUDA kernel
(``cuda.kernel_parts``) are the only callers.

The first pass of the Jacobian and the nested Hessian is written out before
the loop over the others: compiled with constant starts, the seeding folds
into f (measured, in loops whose first start LLVM could not see: one-pass
gradients of Rosenbrock n=8 2-3x slower, scalar-point Hessians 3x). Not in
the Dual2 body: there f is large (its compile time would double, +0.4 s at
n = 16) and costs far more than the seeding.

The bodies take the user's function as an argument and are ``inline="always"``
njit functions: numba inlines them into their caller's IR before typing, so
they are never compiled on their own, and f reaches them as the caller's
global or constant. The CPU batch loop is built per user function
(``perfunction``), calling it as a global, and is disk-cached with it when it
has ``cache=True``: a dispatcher passed on as a value to a function compiled
apart (the bodies, before) is a pointer to a Python object in the machine
code, which numba refuses to cache. The helpers that do not take f (planning,
seeding, stores, workspaces) are cached.
"""
from numba import njit

from .._jit.api import seed, seed2
from .._jit.arrays import empty_dual_array, point_args
from .._jit.intrinsics import make_dual
from .._jit.types import STAMP
from .perfunction import per_function
from .plan import (dual2_block, first_chunk, first_dual2, first_row, next_chunk, next_dual2,
                   next_row)
from .seed import point_input, seed_chunk, seed_dual2, seed_rows
from .store import fits, store_hessian2, store_partials, store_second, store_values

# The bodies rely on their callers passing K and C as literals: the batch loop is
# compiled for literal types of K, C and mask (its entry point is compiled for
# that signature, never by numba's literal dispatch: ``numba.literally`` was
# three more compile units, and is CPU-only); the CUDA kernel captures them as
# constants, which numba types as literals.


@njit(inline="always")
def jacobian_point(f, args, K, C, x, out, vals, xd):
    """Jacobian of f(*args) w.r.t. args[K] = x into out (m, n), values into vals (m,)."""
    n = x.shape[0]
    start = first_chunk(n, C)
    seed_chunk(x, xd, start, C)
    y = f(*point_args(args, 0, 0, K, point_input(args, K, xd)))
    if not fits(y, vals):   # (f's size can depend on its values)
        raise ValueError("f returns another number of values than at the first point")
    store_values(y, vals)
    store_partials(y, out, start, n)
    start = next_chunk(start, n, C)
    while start >= 0:
        seed_chunk(x, xd, start, C)
        y = f(*point_args(args, 0, 0, K, point_input(args, K, xd)))
        store_partials(y, out, start, n)
        start = next_chunk(start, n, C)


@njit(inline="always")
def hessian_point(f, args, K, C, x, out, vals, xd):
    """Hessian of the scalar f(*args) w.r.t. args[K] = x into out (n, n) by nested duals."""
    n = x.shape[0]
    row, start = first_row(n, C)
    seed_rows(x, xd, start, C, row)
    y = f(*point_args(args, 0, 0, K, point_input(args, K, xd)))
    store_values(y, vals)
    store_second(y, out, start, n, row)
    row, start = next_row(row, start, n, C)
    while row >= 0:
        seed_rows(x, xd, start, C, row)
        y = f(*point_args(args, 0, 0, K, point_input(args, K, xd)))
        store_second(y, out, start, n, row)
        row, start = next_row(row, start, n, C)
    for i in range(n):
        for j in range(i):
            out[i, j] = out[j, i]


@njit(inline="always")
def hessian2_point(f, args, K, C, x, out, vals, xd):
    """Hessian of the scalar f(*args) w.r.t. args[K] = x into out (n, n) by second-order
    duals Dual2[float, C]: one pass, or one per pair of blocks."""
    n = x.shape[0]
    B = dual2_block(n, C)
    p0, q0 = first_dual2(n, C)
    first = True
    while p0 >= 0:  # not peeled: f on Dual2 compiles slowly, and its passes cost enough
        seed_dual2(x, xd, p0, q0, B, C)
        y = f(*point_args(args, 0, 0, K, point_input(args, K, xd)))
        if first:
            store_values(y, vals)
            first = False
        store_hessian2(y, out, p0, q0, B, n)
        p0, q0 = next_dual2(p0, q0, n, B)


BODIES = {"jacobian": jacobian_point, "hessian": hessian_point, "hessian2": hessian2_point}


# ------------------------------------------------------- CPU batch loop ---

def _workspaces(STAMP_):
    # Each returns an array of duals from float arguments: numba's cache key (which
    # has no dual type in it) gets the closure's one cell, dualad's STAMP, so that a
    # changed dual type is never read back from an older cache file.
    @njit(cache=True)
    def jacobian_workspace(x, C):
        STAMP_  # noqa: B018
        return empty_dual_array(x.shape[0], seed(x[0], 0, C))

    @njit(cache=True)
    def hessian_workspace(x, C):
        STAMP_  # noqa: B018
        return empty_dual_array(x.shape[0], make_dual(seed(x[0], 0, C), 1.0))

    @njit(cache=True)
    def hessian2_workspace(x, C):
        STAMP_  # noqa: B018
        return empty_dual_array(x.shape[0], seed2(x[0], 0, C))
    return jacobian_workspace, hessian_workspace, hessian2_workspace


jacobian_workspace, hessian_workspace, hessian2_workspace = _workspaces(STAMP)


WORKSPACES = {"jacobian": jacobian_workspace, "hessian": hessian_workspace,
              "hessian2": hessian2_workspace}


def _batch_template(STAMP_):
    # A serial loop over [lo, hi) that releases the GIL; vmap runs one per core
    # from Python threads. (prange compiles twice as slowly, for the same speed.)
    # The dual workspace is allocated once per block, not per point. F, BODY and
    # WORKSPACE are globals given by ``per_function``.
    def batch(args, K, C, mask, X, OUT, VALS, lo, hi):
        STAMP_  # noqa: B018  (the closure's one cell: part of numba's cache key)
        xd = WORKSPACE(X[lo], C)  # noqa: F821
        for b in range(lo, hi):
            BODY(F, point_args(args, b, mask, -1, 0),  # noqa: F821
                 K, C, X[b], OUT[b], VALS[b], xd)
    return batch


def batch_kernel(f, algorithm):
    """The CPU batch loop of ``algorithm`` around the user's dispatcher f, a dispatcher
    ``batch(args, K, C, mask, X, OUT, VALS, lo, hi)`` (to be compiled for K, C and
    mask typed as literals: ``perfunction.entry_point``); X holds
    the points as rows (scalar points: one column), the args the user's arguments.
    Disk-cached when f is (see ``per_function``)."""
    return per_function(_batch_template, f, BODY=BODIES[algorithm],
                        WORKSPACE=WORKSPACES[algorithm])
