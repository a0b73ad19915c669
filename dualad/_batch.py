"""Compiled transforms of numba dispatchers, one point or a whole batch.

``jacobian``, ``grad``, ``value_and_grad``, ``hessian`` and ``jvp`` of an
``@njit`` function run entirely in nopython code: the differentiated argument
becomes an array of compiled duals (``dualad._jit.arrays``) seeded with a
chunk of directions, the user's function runs on it unchanged, and the
partials are written straight into a preallocated float output. ``vmap`` of
such a transform is one ``prange`` loop over the points.

Hessians of an array argument use second-order duals ``Dual2[float, C]``
(value, gradient and packed Hessian triangle, _jit/types.py): one evaluation
of f gives the whole Hessian for n <= DUAL2_MAX, pairs of blocks of directions
beyond. Scalar arguments, and functions Dual2 cannot compile, nest instead: an
outer ``Dual[., 1]`` (one row r) over inner ``Dual[float, C]`` chunks; row r
of the Hessian is the derivative along e_r of the gradient chunk.

Kernels are generated per (function, kind, argument, chunk) and kept.
"""
import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import literally, njit
from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import TypingError
from numba.extending import intrinsic, overload

from . import _jit  # noqa: F401  (registers the compiled number types)
from ._jit.api import partial, partials_zero, seed, seed2
from ._jit.arrays import dual_buffer, empty_dual_array, point_args
from ._jit.intrinsics import innermost, make_dual
from ._jit.types import (OVERLOAD, Dual2Type, Dual2Value, DualType, PartialsType,
                         dual2_triangle, is_dual, is_real)
from ._scalar import Dual
from ._transforms import _check_chunk, _normalize_argnums
from ._tree import as_float_input

COMPILED_CHUNK = 16
"""Most partials per pass in compiled code (two AVX-512 registers of float64)."""


def compiled_chunk(n, chunk):
    """Directions per pass: all n up to COMPILED_CHUNK, else equal chunks (ForwardDiff)."""
    size = min(n, chunk or COMPILED_CHUNK)
    passes = max(1, math.ceil(n / max(size, 1)))
    return max(1, math.ceil(n / passes))


# ------------------------------------------------------------ nopython parts --

def store_partials(y, out, start, n):
    """Write the partials of y (dual scalar or array, depth 1) into out[:, start:start+C]."""


@overload(store_partials, **OVERLOAD)
def _store_partials(y, out, start, n):
    if isinstance(y, DualType) and y.depth == 1:
        C = y.n

        def impl(y, out, start, n):
            for k in range(C):
                if start + k < n:
                    out[0, start + k] = partial(y, k)
        return impl
    if isinstance(y, types.Array) and isinstance(y.dtype, DualType) and y.dtype.depth == 1:
        C = y.dtype.n

        def impl(y, out, start, n):
            yf = y if y.ndim == 1 else y.reshape(y.size)
            if start + C <= n:  # a full chunk: constant trip count, unrolled
                for i in range(yf.shape[0]):
                    d = yf[i]
                    row = out[i]
                    for k in range(C):
                        row[start + k] = partial(d, k)
            else:
                for i in range(yf.shape[0]):
                    d = yf[i]
                    for k in range(n - start):
                        out[i, start + k] = partial(d, k)
        return impl
    if is_real(y) or (isinstance(y, types.Array) and is_real(y.dtype)):
        return lambda y, out, start, n: None
    raise TypingError(f"dualad: a compiled transform needs f to return a real number or "
                      f"an array of them, got {y}")


def store_second(y, out, start, n, row):
    """Row ``row`` of a Hessian chunk from a nested scalar y = Dual[Dual[., C], 1]."""


@overload(store_second, **OVERLOAD)
def _store_second(y, out, start, n, row):
    if isinstance(y, DualType) and y.depth == 2 and y.n == 1:
        C = y.base.n

        def impl(y, out, start, n, row):
            g = y.partials
            for k in range(C):
                if start + k < n:
                    out[row, start + k] = partial(g, k)
        return impl
    if is_real(y) or (is_dual(y) and y.depth < 2):
        return lambda y, out, start, n, row: None
    raise TypingError(f"dualad.hessian: f must return a real scalar, got {y}")


def store_hessian2(y, out, p0, q0, B, n):
    """The Hessian blocks of one Dual2 pass into out (n, n).

    Direction slot s of a pass over blocks [p0, p0+B) and [q0, q0+B) is input
    index s + p0 for s < B, else s - B + q0.
    """


@intrinsic(target="generic")
def _write_floats(typingctx, h, buf):
    """Store the packed Hessian h (a vector or a float) into buf[0:len] in one go.

    (Reading a wide vector element by element with a run-time index makes LLVM
    spill the whole vector for every read.)
    """
    if not (isinstance(buf, types.Array) and buf.ndim == 1 and buf.layout == "C"):
        return None
    if not (isinstance(h, PartialsType) or is_real(h)):
        return None
    dt = h.dtype if isinstance(h, PartialsType) else h
    if dt != buf.dtype:
        return None

    def codegen(context, builder, sig, args):
        ary = context.make_array(buf)(context, builder, args[1])
        ptr = builder.bitcast(ary.data, args[0].type.as_pointer())
        builder.store(args[0], ptr, align=dt.bitwidth // 8)
        return context.get_dummy_value()
    return types.none(h, buf), codegen


@intrinsic(target="generic")
def _store_triangle(typingctx, h, out):
    """The packed Hessian h of C directions into the C-contiguous (C, C) out, mirrored.

    Constant indices throughout: straight-line extracts and stores.
    """
    if not (isinstance(out, types.Array) and out.ndim == 2 and out.layout == "C"):
        return None
    if isinstance(h, PartialsType):
        dt, T = h.dtype, h.n
    elif is_real(h):
        dt, T = h, 1
    else:
        return None
    if dt != out.dtype:
        return None
    C = int(round(((8 * T + 1) ** 0.5 - 1) / 2))

    def codegen(context, builder, sig, args):
        data = context.make_array(out)(context, builder, args[1]).data
        if T == 1:
            builder.store(args[0], data)
            return context.get_dummy_value()
        # One shuffle to the full square, row by row, then one vector store:
        # contiguous writes (element stores, half of them strided, were 2x slower).
        rows, cols = dual2_triangle(C)
        where = {(i, j): k for k, (i, j) in enumerate(zip(rows, cols))}
        mask = [where[min(i, j), max(i, j)] for i in range(C) for j in range(C)]
        h = args[0]
        full = builder.shuffle_vector(h, ir.Constant(h.type, ir.Undefined),
                                      ir.Constant(ir.VectorType(ir.IntType(32), C * C), mask))
        builder.store(full, builder.bitcast(data, full.type.as_pointer()),
                      align=dt.bitwidth // 8)
        return context.get_dummy_value()
    return types.none(h, out), codegen


@njit(cache=True)
def _store_blocks(h, out, p0, q0, B, n, C):
    k = 0
    for s in range(C):
        i = s + p0 if s < B else s - B + q0
        for t in range(s, C):
            j = t + p0 if t < B else t - B + q0
            if i < n and j < n:
                v = h[k]
                out[i, j] = v
                out[j, i] = v
            k += 1


@overload(store_hessian2, **OVERLOAD)
def _store_hessian2(y, out, p0, q0, B, n):
    if isinstance(y, Dual2Type):
        C = y.n
        T = y.size
        dt = y.dtype
        direct = isinstance(out, types.Array) and out.layout == "C" and out.dtype == dt

        def impl(y, out, p0, q0, B, n):
            if direct and B == C and n == C and out.shape[0] == C and out.shape[1] == C:
                _store_triangle(y.hess, out)
            else:
                h = np.empty(T, dt)
                _write_floats(y.hess, h)
                _store_blocks(h, out, p0, q0, B, n, C)
        return impl
    if is_real(y):
        return lambda y, out, p0, q0, B, n: None
    raise TypingError(f"dualad.hessian: f must return a real scalar, got {y}")


def store_values(y, vals):
    """Write the real value(s) of y into the 1-D float array vals."""


@overload(store_values, **OVERLOAD)
def _store_values(y, vals):
    if is_dual(y) or is_real(y):
        def impl(y, vals):
            vals[0] = innermost(y)
        return impl
    if isinstance(y, types.Array) and (is_dual(y.dtype) or is_real(y.dtype)):
        def impl(y, vals):
            yf = y if y.ndim == 1 else y.reshape(y.size)
            for i in range(yf.shape[0]):
                vals[i] = innermost(yf[i])
        return impl


# ------------------------------------------------------------------ kernels --

# Module-level kernels: the user's function is an argument (numba dispatchers
# are first-class), and the argument index K, the chunk C and the batch mask
# are compile-time constants (numba.literally). Kernels that take the user's
# function are not disk-cached: its type differs in every process, so numba's
# cache could never hit and would only grow by one entry per process. The
# helpers that do not take it (seeding, workspaces) are cached.

@njit(cache=True)
def _seed_chunk(xf, xd, start, C):
    for i in range(xf.shape[0]):
        j = i - start
        if j >= 0 and j < C:
            xd[i] = seed(xf[i], j, C)
        else:
            xd[i] = make_dual(xf[i], partials_zero(xf.dtype, C))


@njit(cache=True)
def _seed_rows(xf, xd, start, C, row):
    # Outer level: direction e_row (one partial); inner: the chunk [start, start + C).
    for i in range(xf.shape[0]):
        j = i - start
        if j >= 0 and j < C:
            inner = seed(xf[i], j, C)
        else:
            inner = make_dual(xf[i], partials_zero(xf.dtype, C))
        xd[i] = make_dual(inner, 1.0 if i == row else 0.0)


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


@intrinsic(target="generic")
def _zero_duals(typingctx, xd):
    """Set every byte of the 1-D C-contiguous array of duals xd to zero."""
    if not (isinstance(xd, types.Array) and xd.ndim == 1 and xd.layout == "C"
            and isinstance(xd.dtype, Dual2Type)):
        return None

    def codegen(context, builder, sig, args):
        ary = context.make_array(xd)(context, builder, args[0])
        size = builder.mul(ary.nitems, ary.itemsize)
        cgutils.memset(builder, ary.data, size, 0)
        return context.get_dummy_value()
    return types.none(xd), codegen


@intrinsic(target="generic")
def _seed2_at(typingctx, xd, i, x, slot):
    """xd[i].value = x and, for slot >= 0, xd[i].grad[slot] = 1 (xd zeroed before)."""
    if not (isinstance(xd, types.Array) and isinstance(xd.dtype, Dual2Type)
            and isinstance(i, types.Integer) and is_real(x) and isinstance(slot, types.Integer)):
        return None
    d2 = xd.dtype

    def codegen(context, builder, sig, args):
        ary = context.make_array(xd)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, xd, ary, [args[1]])
        zero = ir.Constant(ir.IntType(32), 0)
        value = context.cast(builder, args[2], x, d2.base)
        builder.store(value, builder.gep(ptr, [zero, zero], inbounds=True))
        k = context.cast(builder, args[3], slot, types.intp)
        with builder.if_then(builder.icmp_signed(">=", k, ir.Constant(k.type, 0))):
            one = context.get_constant(d2.base, 1.0)
            field = builder.gep(ptr, [zero, ir.Constant(ir.IntType(32), 1)], inbounds=True)
            if d2.n > 1:
                field = builder.gep(field, [zero, builder.trunc(k, ir.IntType(32))])
            builder.store(one, field)
        return context.get_dummy_value()
    return types.none(xd, i, x, slot), codegen


@njit(cache=True)
def _seed_dual2(xf, xd, p0, q0, B, C):
    # Slots [0, B) carry the directions of x[p0:p0+B], slots [B, C) those of x[q0:...].
    # Zeroing all, then writing values and ones, is faster than storing whole duals.
    _zero_duals(xd)
    for i in range(xf.shape[0]):
        if i >= p0 and i < p0 + B:
            slot = i - p0
        elif B < C and i >= q0 and i < q0 + C - B:
            slot = B + i - q0
        else:
            slot = -1
        _seed2_at(xd, i, xf[i], slot)


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


def _batch_kernel(point, workspace):
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


_ENTRY_POINTS = {}


def _entry_point(kernel, f, args, K, C, mask, X, out, vals):
    """The compiled batch loop for these argument types, K, C and mask as literals.

    Calling the dispatcher would re-run numba's literal dispatch (tens of ms) on
    every call; the entry point of the exact signature is called directly.
    """
    sig = (numba.typeof(f), numba.typeof(args), types.literal(K), types.literal(C),
           types.literal(mask), numba.typeof(X), numba.typeof(out), numba.typeof(vals),
           types.int64, types.int64)
    key = (kernel, sig)
    entry = _ENTRY_POINTS.get(key)
    if entry is None:
        entry = _ENTRY_POINTS[key] = kernel.compile(sig)
    return entry


def _run_parallel(kernel, f, args, K, C, mask, X, out, vals):
    """Run ``kernel`` over the batch, split into one block per core."""
    n = X.shape[0]
    entry = _entry_point(kernel, f, args, K, C, mask, X, out, vals)
    workers = max(1, min(numba.config.NUMBA_NUM_THREADS, n // 64 or 1))
    bounds = np.linspace(0, n, workers + 1).astype(np.int64)
    if workers == 1:
        entry(f, args, K, C, mask, X, out, vals, 0, n)
        return
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda i: entry(f, args, K, C, mask, X, out, vals,
                                      bounds[i], bounds[i + 1]), range(workers)))


POINT_KERNELS = {("jacobian", False): jacobian_point, ("jacobian", True): jacobian_point_scalar,
                 ("hessian", False): hessian_point, ("hessian", True): hessian_point_scalar}
WORKSPACES = {("jacobian", False): jacobian_workspace, ("jacobian", True): no_workspace,
              ("hessian", False): hessian_workspace, ("hessian", True): no_workspace}
POINT_KERNELS["hessian2", False] = hessian2_point
POINT_KERNELS["hessian2", True] = hessian2_blocks_point  # (keyed by "blocks")
WORKSPACES["hessian2", False] = WORKSPACES["hessian2", True] = hessian2_workspace
BATCH_KERNELS = {key: _batch_kernel(point, WORKSPACES[key])
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


# ------------------------------------------------------------ Python side ---

def _prepare_arg(x, who, i):
    v, scalar = as_float_input(x, f"{who}: argument {i}")
    if scalar:
        return (float(v) if not isinstance(v, np.floating) else v), True
    if v.size == 0:
        raise ValueError(f"{who}: argument {i} is empty")
    return np.ascontiguousarray(v), False


def _probe(f, args, who):
    """f(*args) on plain floats: the shape of the output per point (and a type check)."""
    return np.asarray(_split_output(f(*args), who)[0])


def _numba_float(dtype):
    return types.float32 if dtype == np.float32 else types.float64


def _split_output(y, who):
    """(values, partials with a trailing chunk axis) of one call's output."""
    if isinstance(y, np.ndarray) and y.dtype.names == ("value", "partials"):
        p = y["partials"]
        return y["value"], p if p.ndim > y.ndim else p[..., None]
    if isinstance(y, Dual):
        p = y._p
        return np.asarray(y.value), np.atleast_1d(np.asarray(p))
    if isinstance(y, tuple):
        raise TypeError(f"{who} of a numba function returning a tuple is not compiled yet; "
                        "return one array (np.concatenate the parts) or use a plain "
                        "Python function")
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{who}: f must return real numbers or an array of them, "
                        f"got {y.dtype}")
    return y, None


def _seed_fields(record, x, start, c, C):
    """Fill the flat record array of Dual[float, C] with x and directions [start, start+c)."""
    record["value"] = x.reshape(-1)
    p = record["partials"]
    idx = np.arange(start, start + c)
    if C == 1:
        p[idx] = 1
    else:
        p[idx, idx - start] = 1


def _seeded(x, scalar, nbtype, start, c, C):
    """The argument x seeded with directions [start, start + c) as numba duals."""
    if scalar:
        one = x.dtype.type(1) if isinstance(x, np.floating) else 1.0
        return Dual(x, one if C == 1 else np.eye(C, dtype=np.asarray(x).dtype)[0])
    buf = dual_buffer(nbtype, x.shape)
    _seed_fields(buf.reshape(-1), x, start, c, C)
    return buf


def _run_one(transform, args, K, kind):
    """One compiled transform at one point: the user's dispatcher is called from
    Python on seeded duals (its own compiled, disk-cacheable specialisation)."""
    who = transform.kind
    f = transform.f
    args = list(args)
    x, scalar = _prepare_arg(args[K], who, K)
    n = 1 if scalar else x.size
    in_shape = () if scalar else x.shape
    C = compiled_chunk(n, transform.chunk)
    base = _numba_float(np.asarray(x).dtype)
    dtype = np.asarray(x).dtype
    if kind == "hessian":
        if not scalar and _use_dual2(f):
            try:
                return _hessian2_one(f, args, K, x, n, in_shape, transform.chunk, base,
                                     dtype, who)
            except TypingError as err:
                _no_dual2(f, err)
        return _hessian_one(f, args, K, x, scalar, n, in_shape, C, base, dtype, who)
    nbtype = DualType(base, C)
    values, blocks = None, []
    for start in range(0, n, C):
        c = min(C, n - start)
        args[K] = _seeded(x, scalar, nbtype, start, c, C)
        v, p = _split_output(f(*args), who)
        if values is None:
            values = v
        blocks.append(np.zeros(np.shape(v) + (c,), dtype) if p is None else p[..., :c])
    J = blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=-1)
    values = np.asarray(values)
    return values.astype(dtype, copy=False), J.astype(dtype, copy=False).reshape(
        values.shape + in_shape)


def _hessian2_one(f, args, K, x, n, in_shape, chunk, base, dtype, who):
    # Second-order duals: one pass per pair of blocks (one pass for n <= DUAL2_MAX).
    C, B = dual2_plan(n, chunk)
    H = np.zeros((n, n), dtype)
    nbtype = Dual2Type(base, C)
    rows, cols = np.triu_indices(C)
    xf = x.reshape(-1)
    value = None
    for p0, q0 in _dual2_passes(n, C, B):
        arg = dual_buffer(nbtype, x.shape)
        flat = arg.reshape(-1)
        flat["value"] = xf
        slot_of = np.arange(C)
        idx = np.where(slot_of < B, slot_of + p0, slot_of - B + q0)
        ok = idx < n
        grad = flat["grad"]
        if C == 1:
            grad[idx[ok]] = 1
        else:
            grad[idx[ok], slot_of[ok]] = 1
        args[K] = arg
        y = f(*args)
        if isinstance(y, Dual2Value):
            if value is None:
                value = y.value
            i, j = idx[rows], idx[cols]
            keep = (i < n) & (j < n)
            H[i[keep], j[keep]] = y.hess[keep]
            H[j[keep], i[keep]] = y.hess[keep]
        else:
            value = _constant_hessian_output(y, value, who)
    return np.asarray(value, dtype), H.reshape(in_shape + in_shape)


def _constant_hessian_output(y, value, who):
    """The value of an output that carries no perturbation: a real scalar (zero Hessian)."""
    if np.ndim(y) == 0 and np.asarray(y).dtype.kind in "biuf":
        return y if value is None else value
    raise ValueError(f"{who}: f must return a scalar, got {type(y).__name__} "
                     f"{np.shape(y)}; use jacobian(jacobian(f)) for vector-valued functions")


def _hessian_one(f, args, K, x, scalar, n, in_shape, C, base, dtype, who):
    # Rows r of the Hessian: outer direction e_r over inner chunks of columns;
    # chunks entirely left of the diagonal are skipped and mirrored at the end.
    H = np.zeros((n, n), dtype)
    nbtype = DualType(DualType(base, C), 1)
    value = None
    for r in range(n):
        for start in range(0, n, C):
            c = min(C, n - start)
            if start + c <= r:
                continue
            if scalar:
                arg = Dual(_seeded(x, True, None, 0, 1, C), Dual(1.0, 0.0 if C == 1 else np.zeros(C)))
            else:
                arg = dual_buffer(nbtype, x.shape)
                flat = arg.reshape(-1)
                _seed_fields(flat["value"], x, start, c, C)
                flat["partials"]["value"][r] = 1
            args[K] = arg
            y = f(*args)
            if isinstance(y, Dual):
                if value is None:
                    value = _innermost_value(y)
                row = y._p
                row = np.atleast_1d(np.asarray(row._p if isinstance(row, Dual) else 0.0))
                H[r, start:start + c] = np.broadcast_to(row, (C,))[:c]
            else:
                value = _constant_hessian_output(y, value, who)
    lower = np.tril_indices(n, -1)
    H[lower] = H.T[lower]
    return np.asarray(value, dtype), H.reshape(in_shape + in_shape)


def _innermost_value(y):
    while isinstance(y, Dual):
        y = y.value
    return y


def _scalar_out(a):
    return a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a


def compiled_transform(transform, args):
    """jacobian / grad / value_and_grad / hessian of a dispatcher, compiled."""
    who = transform.kind
    single, nums = _normalize_argnums(transform.argnums, len(args), who)
    _check_chunk(transform.chunk, who)
    if who == "hessian":
        if len(set(nums)) > 1:
            raise NotImplementedError(
                "hessian of a numba function with several argnums (mixed blocks) is not "
                "compiled yet; pack the arguments into one array")
        value, H = _run_one(transform, args, nums[0], "hessian")
        return _scalar_out(H) if single else ((_scalar_out(H),),)
    results = [_run_one(transform, args, K, "jacobian") for K in nums]
    value = results[0][0]
    jacs = [_scalar_out(r[1]) for r in results]
    if who == "jacobian":
        return jacs[0] if single else tuple(jacs)
    if value.shape != ():
        raise ValueError(f"{who}: f must return a scalar, got shape {value.shape}; "
                         "use da.jacobian for vector-valued functions")
    grads = jacs[0] if single else tuple(jacs)
    return _scalar_out(value), grads  # grad takes [1], like the Python path


def compiled_vmap(vm, args, mapped, batch):
    """vmap of a transform of a dispatcher as one parallel compiled loop, else NotImplemented."""
    from ._transforms import Grad, Hessian, ValueAndGrad
    g = vm.g
    if vm.target == "cuda":
        from ._cuda import cuda_vmap
        return cuda_vmap(vm, args, mapped, batch)
    who = f"vmap({g.kind})"
    single, nums = _normalize_argnums(g.argnums, len(args), who)
    if not single:
        return NotImplemented
    K = nums[0]
    if not mapped[K]:
        raise ValueError(f"{who}: the differentiated argument {K} must be mapped")
    args = list(args)
    X, _ = as_float_input(args[K], f"{who}: argument {K}")
    X = np.ascontiguousarray(X)
    for i, (a, m) in enumerate(zip(args, mapped)):
        if m and i != K:
            args[i] = np.ascontiguousarray(np.asarray(a))
    args[K] = X
    first_point = [a[0] if m else a for a, m in zip(args, mapped)]
    scalar = X.ndim == 1
    x0 = first_point[K]
    if X.ndim > 2:
        return NotImplemented  # points of several dimensions: a loop of compiled calls
    y0 = _probe(g.f, first_point, who)
    n = 1 if scalar else x0.size
    m = y0.size
    kind = "hessian" if isinstance(g, Hessian) else "jacobian"
    if kind == "hessian" or isinstance(g, (Grad, ValueAndGrad)):
        if m != 1:
            raise ValueError(f"{who}: f must return a scalar, got shape {y0.shape}")
    C = compiled_chunk(n, g.chunk)
    mask = sum(1 << i for i, mm in enumerate(mapped) if mm)
    run_batch = BATCH_KERNELS[kind, scalar]
    dtype = np.result_type(X.dtype, np.float32)
    out = np.zeros((batch, n, n) if kind == "hessian" else (batch, m, n), dtype=dtype)
    vals = np.zeros((batch, m), dtype=dtype)
    done = False
    if kind == "hessian" and not scalar and _use_dual2(g.f):
        try:
            C2, B2 = dual2_plan(n, g.chunk)
            _run_parallel(BATCH_KERNELS["hessian2", B2 < C2], g.f, tuple(args), K, C2,
                          mask, X, out, vals)
            done = True
        except TypingError as err:
            _no_dual2(g.f, err)
    if not done:
        _run_parallel(run_batch, g.f, tuple(args), K, C, mask, X, out, vals)
    in_shape = () if scalar else x0.shape
    if kind == "hessian":
        res = out.reshape((batch,) + in_shape + in_shape)
    else:
        res = out.reshape((batch,) + y0.shape + in_shape)
    if isinstance(g, ValueAndGrad) and not isinstance(g, Grad):
        return vals.reshape((batch,) + y0.shape), res
    return res


def compiled_jvp(f, primals, tangents):
    """jvp of a dispatcher: one call of f on Dual[float, 1] numbers seeded with the tangents."""
    args = []
    for i, (x, t) in enumerate(zip(primals, tangents)):
        xv, scalar = _prepare_arg(x, "jvp", i)
        dtype = np.asarray(xv).dtype
        tv, _ = as_float_input(t, f"jvp: tangent {i}")
        tv = np.asarray(tv, dtype=dtype)
        if tv.shape != np.shape(xv):
            raise ValueError(f"jvp: tangent {i} has shape {tv.shape}, primal {i} has shape "
                             f"{np.shape(xv)}")
        if scalar:
            d = object.__new__(Dual)
            d.value, d._p, d.tag = xv, (float(tv) if dtype == np.float64 else tv[()]), 0
            args.append(d)
        else:
            buf = dual_buffer(DualType(_numba_float(dtype), 1), xv.shape)
            buf["value"] = xv
            buf["partials"] = tv
            args.append(buf)
    value, partials = _split_output(f(*args), "jvp")
    tangent = np.zeros_like(value) if partials is None else partials[..., 0]
    return _scalar_out(np.asarray(value)), _scalar_out(np.asarray(tangent))