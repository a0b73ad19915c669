"""Nopython seeding of one point: the input x and one pass's directions as duals.

``seed_chunk`` (a Jacobian chunk), ``seed_rows`` (a nested Hessian pass) and
``seed_dual2`` (a Dual2 pass) fill the work array ``xd`` from the 1-D x (a
scalar point is a point of one input: x of length 1); ``point_input`` is what
f then receives. Shared by the CPU batch loop and the CUDA kernel (every
function here lowers for both: no heap).
"""
from llvmlite import ir
from numba import njit
from numba.core import cgutils, types
from numba.core.imputils import impl_ret_borrowed
from numba.extending import intrinsic

from .._jit.api import partials_zero, seed
from .._jit.intrinsics import make_dual
from .._jit.types import Dual2Type, is_dual, is_real
from .plan import dual2_slot

# The helpers below do not take the user's function, so they are disk-cached.


@njit(cache=True)
def seed_chunk(xf, xd, start, C):
    for i in range(xf.shape[0]):
        j = i - start
        if j >= 0 and j < C:
            xd[i] = seed(xf[i], j, C)
        else:
            xd[i] = make_dual(xf[i], partials_zero(xf.dtype, C))


@njit(cache=True)
def seed_rows(xf, xd, start, C, row, color=None):
    # Outer level: direction e_row (one partial), or with ``color`` (a coloring of
    # the inputs) the indicator of the inputs of color ``row``, a column of the
    # compressed seed; inner: the chunk [start, start + C).
    for i in range(xf.shape[0]):
        j = i - start
        if j >= 0 and j < C:
            inner = seed(xf[i], j, C)
        else:
            inner = make_dual(xf[i], partials_zero(xf.dtype, C))
        on = (i == row) if color is None else (color[i] == row)
        xd[i] = make_dual(inner, 1.0 if on else 0.0)


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


def _dual2_field_pointer(context, builder, xd, ary, i, field):
    ptr = cgutils.get_item_pointer(context, builder, xd, ary, [i])
    zero = ir.Constant(ir.IntType(32), 0)
    return builder.gep(ptr, [zero, ir.Constant(ir.IntType(32), field)], inbounds=True)


@intrinsic(target="generic")
def _set_value2(typingctx, xd, i, x):
    """xd[i].value = x (a Dual2 array)."""
    if not (isinstance(xd, types.Array) and isinstance(xd.dtype, Dual2Type)
            and isinstance(i, types.Integer) and is_real(x)):
        return None

    def codegen(context, builder, sig, args):
        ary = context.make_array(xd)(context, builder, args[0])
        value = context.cast(builder, args[2], x, xd.dtype.base)
        builder.store(value, _dual2_field_pointer(context, builder, xd, ary, args[1], 0))
        return context.get_dummy_value()
    return types.none(xd, i, x), codegen


@intrinsic(target="generic")
def _set_direction2(typingctx, xd, i, slot):
    """xd[i].grad[slot] = 1 (a Dual2 array)."""
    if not (isinstance(xd, types.Array) and isinstance(xd.dtype, Dual2Type)
            and isinstance(i, types.Integer) and isinstance(slot, types.Integer)):
        return None
    d2 = xd.dtype

    def codegen(context, builder, sig, args):
        ary = context.make_array(xd)(context, builder, args[0])
        field = _dual2_field_pointer(context, builder, xd, ary, args[1], 1)
        if d2.n > 1:
            k = context.cast(builder, args[2], slot, types.intp)
            field = builder.gep(field, [ir.Constant(ir.IntType(32), 0),
                                        builder.trunc(k, ir.IntType(32))])
        builder.store(context.get_constant(d2.base, 1.0), field)
        return context.get_dummy_value()
    return types.none(xd, i, slot), codegen


@njit(cache=True)
def seed_dual2(xf, xd, p0, q0, B, C):
    # Zeroing all, then writing values and ones, is faster than storing whole duals.
    _zero_duals(xd)
    n = xf.shape[0]
    for i in range(n):
        _set_value2(xd, i, xf[i])
    for s in range(C):
        i = dual2_slot(s, p0, q0, B)
        if i < n:
            _set_direction2(xd, i, s)


# ------------------------------------------------------ what f receives ---

def _constant_one(context, builder, T):
    """1 as a number of type T (a float, or a dual with zero partials)."""
    if not is_dual(T):
        return context.get_constant(T, 1.0)
    st = cgutils.create_struct_proxy(T)(context, builder)
    st.value = _constant_one(context, builder, T.base)
    st.partials = context.get_constant_null(T.partials_type)
    return st._getvalue()


def _seeded_scalar(context, builder, T, fromty, v):
    """The real v as a number of the dual type T seeded with direction 0 at every level
    (a scalar point's one pass: ``seed``, nested as deep as T)."""
    if not is_dual(T):
        return context.cast(builder, v, fromty, T)
    st = cgutils.create_struct_proxy(T)(context, builder)
    st.value = _seeded_scalar(context, builder, T.base, fromty, v)
    one = _constant_one(context, builder, T.base)
    if T.n == 1:
        st.partials = one
    else:
        st.partials = builder.insert_element(context.get_constant_null(T.partials_type), one,
                                             ir.Constant(ir.IntType(32), 0))
    return st._getvalue()


@intrinsic(prefer_literal=True, target="generic")
def point_input(typingctx, args, k, xd):
    """What f receives for its argument k: the work array xd or, where the point's
    args[k] is a real (a scalar point, whose one pass carries direction 0), that
    real seeded as a number of xd's type (xd is then not read).

    An intrinsic, so that f gets xd itself: passing it through a function that
    returns it (an overload, even inlined) stopped LLVM from forwarding the
    seeded numbers into f (gradients 1.3x-2.5x slower, measured); and a scalar
    point read back from xd cost 1.6x on scalar Hessians.
    """
    if not (isinstance(args, types.BaseTuple) and isinstance(k, types.IntegerLiteral)
            and isinstance(xd, types.Array) and xd.ndim == 1 and is_dual(xd.dtype)):
        return None
    K = k.literal_value
    item = args[K]
    if isinstance(item, types.Array):
        def codegen(context, builder, sig, cargs):
            return impl_ret_borrowed(context, builder, xd, cargs[2])
        return xd(args, k, xd), codegen
    if is_real(item) and not isinstance(xd.dtype, Dual2Type):
        def codegen(context, builder, sig, cargs):
            v = builder.extract_value(cargs[0], K)
            return _seeded_scalar(context, builder, xd.dtype, item, v)
        return xd.dtype(args, k, xd), codegen
    return None
