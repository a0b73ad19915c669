"""Nopython writes of one pass's output: values, Jacobian chunks, Hessian rows and blocks.

``store_values`` writes the value(s) of f's output, ``store_partials`` a
chunk of its partials (a scalar, an array, a tuple of scalars: one row each,
or a tuple of arrays and tuples: their rows one leaf after the other, as
``flatten`` orders the leaves), ``store_second`` one row chunk of a nested
Hessian, ``store_hessian2`` the Hessian blocks of a Dual2 pass. An output
that carries no perturbation (a real number: f does not depend on x) writes
zeros, so the drivers never clear their outputs first. Shared by the CPU
batch loop and the CUDA kernel: no heap, on either target.
"""
from llvmlite import ir
from numba import literal_unroll, njit
from numba.core import cgutils, types
from numba.core.errors import TypingError
from numba.extending import intrinsic, overload
from numba.np.arrayobj import populate_array

from .._jit.api import partial
from .._jit.intrinsics import innermost
from .._jit.types import (OVERLOAD, Dual2Type, DualType, PartialsType, dual2_triangle, is_dual,
                          is_real)
from .plan import dual2_slot

SCOPE = ("on the GPU, f must take its point as a 1-D array (or a scalar) and return a real "
         "scalar or, for jacobian, a tuple of real scalars; device code cannot allocate "
         "arrays (np.empty_like, np.zeros, ...) nor return one")


@intrinsic(target="generic")
def as_unituple(typingctx, tup):
    """A tuple of reals and duals as a homogeneous tuple (reals become constant duals)."""
    if not isinstance(tup, types.BaseTuple) or len(tup) == 0:
        return None
    items = list(tup.types) if isinstance(tup, types.Tuple) else [tup.dtype] * len(tup)
    target = None
    for t in items:
        if not (is_real(t) or is_dual(t)):
            raise TypingError(f"dualad: {SCOPE}; f returned a tuple holding {t}")
        if is_dual(t):
            target = t if target is None else typingctx.unify_pairs(target, t)
            if target is None or isinstance(target, types.Optional):
                raise TypingError(f"dualad: f returned a tuple of mixed dual types {tup}")
    if target is None:
        target = types.float64
    out = types.UniTuple(target, len(items))

    def codegen(context, builder, sig, cargs):
        vals = cgutils.unpack_tuple(builder, cargs[0], len(items))
        cast = [context.cast(builder, v, t, target) for v, t in zip(vals, items)]
        return context.make_tuple(builder, out, cast)
    return out(tup), codegen


def _scalars_only(tup):
    """True for a tuple of real and dual scalars (the GPU's form: one row each)."""
    items = list(tup.types) if isinstance(tup, types.Tuple) else [tup.dtype] * len(tup)
    return all(is_real(t) or is_dual(t) for t in items)


def output_size(y):
    """The number of real outputs y holds: 1 for a scalar, y.size for an array, the
    sum of its items' for a (nested) tuple."""


@overload(output_size, **OVERLOAD)
def _output_size(y):
    if is_real(y) or is_dual(y):
        return lambda y: 1
    if isinstance(y, types.Array):
        return lambda y: y.size
    if isinstance(y, types.BaseTuple):
        def impl(y):
            m = 0
            for item in literal_unroll(y):
                m += output_size(item)
            return m
        return impl


def fits(y, vals):
    """False where y (an array, or a tuple holding arrays) has another size than vals:
    the outputs whose size numba's types do not fix (scalars and tuples of them are
    checked once, on the first point or call)."""


@overload(fits, **OVERLOAD)
def _fits(y, vals):
    if isinstance(y, types.Array):
        return lambda y, vals: y.size == vals.shape[0]
    if isinstance(y, types.BaseTuple) and not _scalars_only(y):   # arrays in it (CPU)
        return lambda y, vals: output_size(y) == vals.shape[0]
    return lambda y, vals: True


def store_values(y, vals):
    """Write the real value(s) of y (a scalar, an array, or a tuple of scalars: one
    each) into the 1-D float array vals."""


@overload(store_values, **OVERLOAD)
def _store_values(y, vals):
    if isinstance(y, types.BaseTuple) and not _scalars_only(y):
        def impl(y, vals):  # arrays or nested tuples: the leaves one after the other
            off = 0
            for item in literal_unroll(y):
                store_values(item, vals[off:])
                off += output_size(item)
        return impl
    if isinstance(y, types.BaseTuple):
        def impl(y, vals):
            u = as_unituple(y)
            for i in range(len(u)):
                vals[i] = innermost(u[i])
        return impl
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


@njit(cache=True)
def _zero_block(out, r0, r1, c0, c1):
    # out[r0:r1, c0:c1] = 0 as loops (a slice assignment is not sure to lower for CUDA).
    for i in range(r0, r1):
        for j in range(c0, c1):
            out[i, j] = 0


def store_partials(y, out, start, n):
    """Write the partials of y (dual scalar or array, depth 1, or a tuple of scalars:
    one row each) into out[:, start:start+C]."""


@overload(store_partials, **OVERLOAD)
def _store_partials(y, out, start, n):
    if isinstance(y, types.BaseTuple) and not _scalars_only(y):
        def impl(y, out, start, n):  # the leaves' rows one after the other
            off = 0
            for item in literal_unroll(y):
                store_partials(item, out[off:], start, n)
                off += output_size(item)
        return impl
    if isinstance(y, types.BaseTuple):
        def impl(y, out, start, n):
            u = as_unituple(y)
            for i in range(len(u)):
                store_partials(u[i], out[i:], start, n)
        return impl
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
    if is_real(y):
        return lambda y, out, start, n: _zero_block(out, 0, 1, start, n)
    if isinstance(y, types.Array) and is_real(y.dtype):
        return lambda y, out, start, n: _zero_block(out, 0, y.size, start, n)
    raise TypingError(f"dualad: a compiled transform needs f to return a real number or "
                      f"an array of them, got {y}; {SCOPE}")


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
        return lambda y, out, start, n, row: _zero_block(out, row, row + 1, start, n)
    raise TypingError(f"dualad.hessian: f must return a real scalar, got {y}")


# ----------------------------------------------------------- Dual2 blocks --

def _packed(h):
    """(float type, length) of a packed Hessian h: a vector of floats, or one float."""
    if isinstance(h, PartialsType):
        return h.dtype, h.n
    if is_real(h):
        return h, 1
    return None


@intrinsic(target="generic")
def _stack_floats(typingctx, h):
    """The packed Hessian h (a vector or a float) as a 1-D array in the caller's
    stack frame: element access by run-time index, without a heap (CUDA has none).

    (Reading a wide vector element by element with a run-time index makes LLVM
    spill the whole vector for every read.) The array must not outlive the
    function that calls this.
    """
    if _packed(h) is None:
        return None
    dt, T = _packed(h)
    arrty = types.Array(dt, 1, "C")

    def codegen(context, builder, sig, args):
        slot = cgutils.alloca_once(builder, args[0].type)
        builder.store(args[0], slot)
        itemsize = context.get_abi_sizeof(context.get_data_type(dt))
        ary = context.make_array(arrty)(context, builder)
        intp = context.get_value_type(types.intp)
        populate_array(ary, data=builder.bitcast(slot, ary.data.type),
                       shape=[ir.Constant(intp, T)], strides=[ir.Constant(intp, itemsize)],
                       itemsize=ir.Constant(intp, itemsize), meminfo=None)
        return ary._getvalue()
    return arrty(h), codegen


@intrinsic(target="generic")
def _store_triangle(typingctx, h, out):
    """The packed Hessian h of C directions into the C-contiguous (C, C) out, mirrored.

    Constant indices throughout: straight-line extracts and stores.
    """
    if not (isinstance(out, types.Array) and out.ndim == 2 and out.layout == "C"):
        return None
    if _packed(h) is None or _packed(h)[0] != out.dtype:
        return None
    dt, T = _packed(h)
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
    # Packed entry k of the pass is (slot s, slot t >= s), row by row.
    k = 0
    for s in range(C):
        i = dual2_slot(s, p0, q0, B)
        for t in range(s, C):
            j = dual2_slot(t, p0, q0, B)
            if i < n and j < n:
                v = h[k]
                out[i, j] = v
                out[j, i] = v
            k += 1


def store_hessian2(y, out, p0, q0, B, n):
    """The Hessian blocks of the Dual2 pass (p0, q0) into out (n, n)."""


@overload(store_hessian2, **OVERLOAD)
def _store_hessian2(y, out, p0, q0, B, n):
    if isinstance(y, Dual2Type):
        C = y.n
        direct = isinstance(out, types.Array) and out.layout == "C" and out.dtype == y.dtype

        def impl(y, out, p0, q0, B, n):
            if direct and B == C and n == C and out.shape[0] == C and out.shape[1] == C:
                _store_triangle(y.hess, out)
            else:
                _store_blocks(_stack_floats(y.hess), out, p0, q0, B, n, C)
        return impl
    if is_real(y):
        return lambda y, out, p0, q0, B, n: _zero_block(out, 0, n, 0, n)
    raise TypingError(f"dualad.hessian: f must return a real scalar, got {y}")
