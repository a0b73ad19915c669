"""Arrays of duals inside nopython code.

A numba array may hold any type that has a data model, so an array of
``Dual`` structs is a plain ``types.Array(DualType, ndim, layout)``: numba's
own machinery then gives a user's function, unchanged, ``x[i]``, ``len(x)``,
``x.shape``, slicing, iteration, ``np.empty_like(x)``, ``np.zeros_like(x)``,
``np.empty(n, dtype=x.dtype)``, ``out[i] = dual`` (and ``out[i] = 0.0``,
through the float-to-dual cast), ``.copy()``. Storing a dual into a float
array has no cast, so it stays a compile-time error (with dualad's message,
operators._store_dual_in_real_array).

What numba lacks is a NumPy dtype for such arrays (it wants one to box an
array of duals returned to Python, and checks the itemsize with it when it
unboxes one): ``as_dtype`` is taught a structured dtype with the struct's
exact layout (the one patch of numba in dualad, see below), and a
``DualBuffer`` (an ndarray subclass of that dtype) is typed as an array of
duals, so that dualad can seed inputs and read partials in NumPy around a
plain call of the user's compiled function.
"""
import operator

import numpy as np
from numba.core import cgutils, types
from numba.core.errors import NumbaTypeError, TypingError
from numba.extending import intrinsic, typeof_impl
from numba.np import arraymath as _arraymath, numpy_support
from numba.np.arrayobj import _empty_nd_impl

from .taylor_types import TaylorType
from .types import ComplexPartialsType, DualNumberType, PartialsType, is_dual

# (unwrapped: a re-import of this module must not wrap its own wrapper)
_original_as_dtype = getattr(numpy_support.as_dtype, "__wrapped__", numpy_support.as_dtype)
_DTYPES = {}        # numba dual type -> NumPy structured dtype
_TYPES_BY_DTYPE = {}  # and back


def numpy_dtype(nbtype):
    """The NumPy structured dtype laid out exactly like the dual struct ``nbtype``.

    Dual: ``value``, ``partials`` (a subarray when N > 1); HyperDual: ``re``,
    ``eps1``, ``eps2``, ``eps1eps2``; nested duals nest the records; a compiled
    Taylor number: ``c``, the subarray of its n coefficients.
    """
    found = _DTYPES.get(nbtype)
    if found is not None:
        return found
    from numba.core.registry import cpu_target
    ctx = cpu_target.target_context
    lltype = ctx.get_data_type(nbtype)
    td = ctx.target_data
    model = ctx.data_model_manager[nbtype]
    names, formats, offsets = [], [], []
    for i, (name, member) in enumerate(zip(model._fields, model._members)):
        names.append(name)
        if isinstance(member, DualNumberType):
            formats.append(numpy_dtype(member))
        elif isinstance(member, (PartialsType, ComplexPartialsType)):  # N floats (complex)
            formats.append((_original_as_dtype(member.dtype), (member.n,)))
        elif isinstance(member, types.UniTuple):  # Taylor coefficients: n floats
            formats.append((_original_as_dtype(member.dtype), (member.count,)))
        else:
            formats.append(_original_as_dtype(member))
        offsets.append(lltype.get_element_offset(td, i))
    dt = np.dtype({"names": names, "formats": formats, "offsets": offsets,
                   "itemsize": lltype.get_abi_size(td)})
    _DTYPES[nbtype] = dt
    _TYPES_BY_DTYPE[dt] = nbtype
    return dt


def _as_dtype(nbtype):
    if isinstance(nbtype, (DualNumberType, TaylorType)):
        return numpy_dtype(nbtype)
    return _original_as_dtype(nbtype)


_as_dtype.__wrapped__ = _original_as_dtype

# Why numba's as_dtype is replaced (numba 0.68; every other type is delegated
# to the original, unchanged). Boxing an array (what numba does when the user's
# function returns an array of duals to dualad, _backends.point) runs
# ``box_array`` (numba/core/boxing.py), which calls
# ``numpy_support.as_dtype(typ.dtype)`` for the dtype of the new ndarray, and
# ``as_dtype`` (numba/np/numpy_support.py) knows a closed list of type classes
# with no extension hook. The alternatives read in numba's sources:
# * boxers are looked up by the class of the type (pythonapi._Registry.lookup
#   over ``type(typ).__mro__``), and an array of duals is a plain
#   ``types.Array``: a boxer for it would replace numba's for every array.
#   A subclass of Array for arrays of duals does not survive numba's own
#   array functions: ``Array.copy`` and ``Array.unify`` build ``Array(...)``
#   (np.empty_like, slicing, branches), whose boxing then fails.
# * the only user-definable types ``as_dtype`` turns into a structured dtype
#   are ``types.Record`` instances. A Dual that is a Record inherits numba's
#   record semantics, which contradict its by-value struct: ``RecordModel`` and
#   the record getattr/setattr lowering (np/arrayobj.py record_getattr,
#   record_setattr) treat the value as a pointer into memory, so ``d.value = v``
#   (typed through the attribute templates, typing/context.py resolve_setattr)
#   and ``d['value']`` would lower to GEPs on a struct value;
#   ``RecordAttribute.generic_resolve`` (typing/arraydecl.py) turns an unknown
#   attribute into a KeyError/AssertionError instead of numba's typing error;
#   ``Record.dtype`` (the NumPy dtype) clashes with ``DualNumberType.dtype``
#   (the innermost float, used throughout dualad); and arrays of duals would
#   gain record-field views (``x.value``) as a side effect.
# So the module attribute is wrapped once; modules that imported ``as_dtype``
# by name keep numba's (none of them is on the boxing path).
if numpy_support.as_dtype is not _as_dtype:
    numpy_support.as_dtype = _as_dtype


# The second consequence of that dtype, and the second patch: numba's own
# np.mean/x.mean() (numba/np/arraymath.py, array_mean), registered for the CPU
# and so tried before dualad's generic overloads, calls ``as_dtype`` on the
# element type and then ``get_accumulator(dtype, nan)``, whose ``dtype.type``
# is np.void for a dual: a bare TypeError that numba does not capture, so no
# later overload is tried. ``get_accumulator`` (looked up as a module global at
# each call) is made to decline duals with numba's own typing error instead.
_original_get_accumulator = getattr(_arraymath.get_accumulator, "__wrapped__",
                                    _arraymath.get_accumulator)


def _get_accumulator(dtype, value):
    if dtype in _TYPES_BY_DTYPE:
        raise NumbaTypeError("dualad: numba's accumulators take no duals; "
                             "dualad's overload serves this call")
    return _original_get_accumulator(dtype, value)


_get_accumulator.__wrapped__ = _original_get_accumulator
_arraymath.get_accumulator = _get_accumulator


class DualBuffer(np.ndarray):
    """A NumPy array of dual structs (or compiled Taylor numbers) that numba types as
    an array of them.

    dualad builds one (seeded in NumPy) and calls the user's dispatcher on it
    from Python, so the compiled specialisation is the user's own function,
    cached with it on disk; no compiled glue of dualad's is needed per call.
    """


@typeof_impl.register(DualBuffer)
def _typeof_dual_buffer(val, c):
    nbtype = _TYPES_BY_DTYPE.get(val.dtype)
    if nbtype is None:
        return None
    layout = "C" if val.flags.c_contiguous else "A"
    return types.Array(nbtype, val.ndim, layout)


def dual_buffer(nbtype, shape):
    """A zeroed DualBuffer of ``shape`` holding numbers of the numba type ``nbtype``."""
    return np.zeros(shape, dtype=numpy_dtype(nbtype)).view(DualBuffer)


@intrinsic(target="generic")
def empty_dual_array(typingctx, n, template):
    """A new 1-D C-contiguous array of n numbers of ``template``'s dual type."""
    if not (isinstance(n, types.Integer) and is_dual(template)):
        return None
    arrty = types.Array(template, 1, "C")

    def codegen(context, builder, sig, args):
        size = context.cast(builder, args[0], n, types.intp)
        ary = _empty_nd_impl(context, builder, arrty, [size])
        return ary._getvalue()
    return arrty(n, template), codegen


@intrinsic(target="generic")
def empty_array_of(typingctx, shape, tref):
    """A new C-contiguous array of ``shape`` (an int or a tuple of ints) holding
    the numbers of the type that ``tref`` (a TypeRef) holds."""
    if isinstance(shape, types.Integer):
        ndim = 1
    elif isinstance(shape, types.BaseTuple) and all(
            isinstance(t, types.Integer) for t in shape):
        ndim = len(shape)
    else:
        return None
    if not isinstance(tref, types.TypeRef):
        return None
    arrty = types.Array(tref.instance_type, ndim, "C")

    def codegen(context, builder, sig, args):
        if isinstance(shape, types.Integer):
            dims = [context.cast(builder, args[0], shape, types.intp)]
        else:
            dims = [context.cast(builder, v, t, types.intp) for v, t in
                    zip(cgutils.unpack_tuple(builder, args[0], ndim), shape)]
        return _empty_nd_impl(context, builder, arrty, dims)._getvalue()
    return arrty(shape, tref), codegen


@intrinsic(prefer_literal=True, target="generic")
def point_args(typingctx, args, b, mask, k, value):
    """The call's arguments for point b: item k replaced by ``value`` (k == -1:
    none), every other item whose bit is set in ``mask`` replaced by item[b].

    ``mask`` and ``k`` are compile-time constants. References are counted only
    where the target has NRT (the CPU); CUDA has none.
    """
    if not (isinstance(args, types.BaseTuple) and isinstance(mask, types.IntegerLiteral)
            and isinstance(k, types.IntegerLiteral)):
        return None
    bits = mask.literal_value
    K = k.literal_value
    items = list(args.types) if isinstance(args, types.Tuple) else [args.dtype] * len(args)
    if not -1 <= K < len(items):
        raise TypingError(f"point_args: argument {K} out of range for {len(items)} arguments")
    sigs = {}
    out_items = []
    for i, t in enumerate(items):
        if i == K:
            out_items.append(value)
        elif bits >> i & 1:
            sig = typingctx.resolve_function_type(operator.getitem, (t, types.intp), {})
            if sig is None:
                raise TypingError(f"vmap: cannot index argument {i} of type {t}")
            sigs[i] = sig
            out_items.append(sig.return_type)
        else:
            out_items.append(t)
    out = types.Tuple(out_items)

    def codegen(context, builder, sig, cargs):
        vals = cgutils.unpack_tuple(builder, cargs[0], len(items))
        bi = context.cast(builder, cargs[1], b, types.intp)
        new = []
        for i, v in enumerate(vals):
            if i == K:
                v = cargs[4]
            elif i in sigs:  # getitem returns a new reference
                v = context.get_function(operator.getitem, sigs[i])(builder, (v, bi))
                new.append(v)
                continue
            if context.enable_nrt:
                context.nrt.incref(builder, out_items[i], v)
            new.append(v)
        return context.make_tuple(builder, out, new)
    return out(args, b, mask, k, value), codegen
