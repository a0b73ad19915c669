"""Casts between the compiled number types and from reals to them.

A real (or a complex, into a complex dual: typing allows nothing else), or a
dual of lower nesting depth, embeds as a constant (zero partials); two numbers
of the same shape convert component by component (float32 <-> float64, real
-> complex). ``cast_value`` is the one implementation, used by
numba's implicit casts (``lower_cast``) and by dualad's intrinsics.
"""
from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import NumbaTypeError
from numba.core.imputils import lower_cast, lower_constant

from .complex_layout import join_complex_partials, split_complex_partials
from .types import ComplexPartialsType, Dual2Type, DualType, HyperDualType, PartialsType, \
    is_dual, is_real, same_shape


def cast_value(context, builder, fromty, toty, val):
    """Cast val: reals and lower duals embed as constants, same shapes convert."""
    if fromty == toty:
        return val
    if not is_dual(toty):
        return context.cast(builder, val, fromty, toty)
    if is_real(fromty) or isinstance(fromty, types.Complex) or (
            is_dual(fromty) and fromty.depth < toty.depth):
        inner = cast_value(context, builder, fromty, toty.base, val)
        st = cgutils.create_struct_proxy(toty)(context, builder)
        if isinstance(toty, DualType):
            st.value = inner
            st.partials = context.get_constant_null(toty.partials_type)
        elif isinstance(toty, Dual2Type):
            st.value = inner
            st.grad = context.get_constant_null(toty.grad_type)
            st.hess = context.get_constant_null(toty.hess_type)
        else:
            st.re = inner
            zero = context.get_constant_null(toty.base)
            st.eps1 = st.eps2 = st.eps1eps2 = zero
        return st._getvalue()
    if same_shape(fromty, toty):
        src = cgutils.create_struct_proxy(fromty)(context, builder, value=val)
        dst = cgutils.create_struct_proxy(toty)(context, builder)
        if isinstance(toty, DualType):
            dst.value = cast_value(context, builder, fromty.base, toty.base, src.value)
            dst.partials = cast_value(context, builder, fromty.partials_type,
                                      toty.partials_type, src.partials)
        elif isinstance(toty, Dual2Type):
            dst.value = cast_value(context, builder, fromty.base, toty.base, src.value)
            dst.grad = cast_value(context, builder, fromty.grad_type, toty.grad_type,
                                  src.grad)
            dst.hess = cast_value(context, builder, fromty.hess_type, toty.hess_type,
                                  src.hess)
        else:
            for f in HyperDualType.fields:
                setattr(dst, f, cast_value(context, builder, fromty.base, toty.base,
                                           getattr(src, f)))
        return dst._getvalue()
    raise NumbaTypeError(f"cannot convert {fromty} to {toty}")


@lower_cast(PartialsType, PartialsType)
def _cast_partials(context, builder, fromty, toty, val):
    lt = context.get_value_type(toty)
    if fromty.dtype.bitwidth < toty.dtype.bitwidth:
        return builder.fpext(val, lt)
    if fromty.dtype.bitwidth > toty.dtype.bitwidth:
        return builder.fptrunc(val, lt)
    return val


@lower_cast(PartialsType, ComplexPartialsType)
def _real_to_complex_partials(context, builder, fromty, toty, val):
    re = _cast_partials(context, builder, fromty, toty.real_type, val)
    return join_complex_partials(context, builder, toty, re,
                                 context.get_constant_null(toty.real_type))


@lower_cast(ComplexPartialsType, ComplexPartialsType)
def _cast_complex_partials(context, builder, fromty, toty, val):
    re, im = split_complex_partials(builder, val)
    return join_complex_partials(
        context, builder, toty,
        _cast_partials(context, builder, fromty.real_type, toty.real_type, re),
        _cast_partials(context, builder, fromty.real_type, toty.real_type, im))


@lower_cast(types.Number, DualType)
@lower_cast(types.Number, HyperDualType)
@lower_cast(types.Boolean, DualType)
@lower_cast(types.Boolean, HyperDualType)
@lower_cast(DualType, DualType)
@lower_cast(HyperDualType, HyperDualType)
@lower_cast(DualType, HyperDualType)
@lower_cast(HyperDualType, DualType)
@lower_cast(types.Number, Dual2Type)
@lower_cast(types.Boolean, Dual2Type)
@lower_cast(Dual2Type, Dual2Type)
def _cast_dual(context, builder, fromty, toty, val):
    return cast_value(context, builder, fromty, toty, val)


# A real constant as a dual (zero partials): numba's own array code asks for
# ``context.get_constant(dtype, 0)`` of the element type (np.sum, x.sum(),
# np.sum(x, axis=k), whose accumulators start at 0), so that code runs on
# arrays of duals with dualad's ``+=``.
@lower_constant(DualType)
@lower_constant(HyperDualType)
@lower_constant(Dual2Type)
def _dual_constant(context, builder, ty, pyval):
    if isinstance(pyval, bool) or not isinstance(pyval, (int, float)):
        raise NumbaTypeError(f"dualad: no constant of {ty} from {pyval!r}")
    return _constant(context, ty, float(pyval))


def _constant(context, ty, value):
    """The LLVM constant of a dual of type ty with this value, every partial 0."""
    if not is_dual(ty):
        return context.get_constant(ty, value)
    inner = _constant(context, ty.base, value)
    zero = context.get_constant_null
    if isinstance(ty, DualType):
        members = [inner, zero(ty.partials_type)]
    elif isinstance(ty, Dual2Type):
        members = [inner, zero(ty.grad_type), zero(ty.hess_type)]
    else:
        members = [inner] + [zero(ty.base)] * 3
    return ir.Constant(context.get_value_type(ty), [m for m in members])
