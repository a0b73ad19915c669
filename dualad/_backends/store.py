"""Nopython reads and writes around one point: seeding inputs, storing partials.

``_seed_chunk``/``_seed_rows``/``_seed_dual2`` fill an array of duals with x
and a chunk of directions; ``store_values``, ``store_partials``,
``store_second`` and ``store_hessian2`` write the value, the Jacobian chunk,
a Hessian row or the Dual2 Hessian blocks of an output into float arrays.
Shared by the CPU batch kernels and the CUDA kernels.
"""
import numpy as np
from llvmlite import ir
from numba import njit
from numba.core import cgutils, types
from numba.core.errors import TypingError
from numba.extending import intrinsic, overload

from .._jit.api import partial, partials_zero, seed
from .._jit.intrinsics import innermost, make_dual
from .._jit.types import (OVERLOAD, Dual2Type, DualType, PartialsType, dual2_triangle, is_dual,
                          is_real)


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


# ------------------------------------------------------------------ seeding --

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
