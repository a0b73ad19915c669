"""Python <-> nopython for the scalar duals: typeof, unboxing and boxing.

``typeof`` gives a Python ``Dual``/``HyperDual`` its numba type (Python floats
are weak: they take the other components' type; a Python complex makes the
number complex, of the others' width). Unboxing asks a small
Python helper for the components as a flat tuple (registering the number's
tag as one that entered compiled code); boxing builds the Python number from
such a tuple. A Dual2 boxes to a ``Dual2Value``, vector partials to a tuple.
"""
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import NativeValue, box, typeof_impl, unbox

from .. import _numbers as _scalar
from .._core import base as _base
from .complex_layout import complex_partial, pack_complex_partials
from .types import ComplexPartialsType, Dual2Type, Dual2Value, DualType, HyperDualType, \
    PartialsType, complex_of, is_dual, same_shape, wider, with_dtype

_WEAK_COMPLEX = "complex"  # a Python complex: complex, of the other components' width
_SCALAR_TYPES = {np.float32: types.float32, np.float64: types.float64,
                 np.complex64: types.complex64, np.complex128: types.complex128}

_I32 = ir.IntType(32)


def _typeof_component(x, c):
    if isinstance(x, _scalar.Dual):
        return typeof_dual(x, c)
    if isinstance(x, _scalar.HyperDual):
        return typeof_hyperdual(x, c)
    if type(x) in _SCALAR_TYPES:
        return _SCALAR_TYPES[type(x)]
    if isinstance(x, (float, int, np.integer)):
        return None  # weak: takes the other components' type
    if type(x) is complex:
        return _WEAK_COMPLEX
    return False


def _base_of(components, c):
    """The common base type of a dual's components (Python floats are weak)."""
    found = [_typeof_component(x, c) for x in components]
    if any(t is False for t in found):
        return None
    if _WEAK_COMPLEX in found:
        base = _base_of([x for x in components if type(x) is not complex], c)
        return None if base is None else with_dtype(base, complex_of(
            base.dtype if is_dual(base) else base))
    strong = [t for t in found if t is not None]
    if not strong:
        return types.float64
    duals = [t for t in strong if is_dual(t)]
    if duals:
        first = duals[0]
        if any(not (is_dual(t) and same_shape(t, first)) for t in strong):
            return None  # mixed nesting in one number: not representable
        dt = first.dtype
        for t in duals[1:]:
            dt = wider(dt, t.dtype)
        return with_dtype(first, dt)
    dt = strong[0]
    for t in strong[1:]:
        dt = wider(dt, t)
    return dt


@typeof_impl.register(_scalar.Dual)
def typeof_dual(val, c):
    p = val._p
    if isinstance(p, np.ndarray):
        n = p.shape[0]
        comps = [val.value] + (list(p) if p.dtype == object else [p[0]])
        if p.dtype != object:
            comps[1] = p.dtype.type(p[0])
    else:
        n = 1
        comps = [val.value, p]
    base = _base_of(comps, c)
    if base is None or (n > 1 and is_dual(base)):
        return None
    return DualType(base, n)


@typeof_impl.register(_scalar.HyperDual)
def typeof_hyperdual(val, c):
    base = _base_of([val.re, val.eps1, val.eps2, val.eps1eps2], c)
    return None if base is None else HyperDualType(base)


# ------------------------------------------------------- boxing / unboxing ---

def _constant_like(c, ref):
    """The real c as a constant of ref's shape (a dual of the same nesting)."""
    if isinstance(ref, _scalar.Dual):
        p = ref._p
        zero = _constant_like(0.0, p[0] if isinstance(p, np.ndarray) else p)
        n = p.shape[0] if isinstance(p, np.ndarray) else 1
        return _scalar.Dual(_constant_like(c, ref.value), zero if n == 1 else (zero,) * n)
    if isinstance(ref, _scalar.HyperDual):
        zero = _constant_like(0.0, ref.re)
        return _scalar.HyperDual(_constant_like(c, ref.re), zero, zero, zero)
    return c


def _uniform(parts):
    """Components with reals lifted to the nesting of the dual ones (typeof did too)."""
    ref = next((x for x in parts if isinstance(x, (_scalar.Dual, _scalar.HyperDual))), None)
    if ref is None:
        return parts
    return tuple(x if isinstance(x, (_scalar.Dual, _scalar.HyperDual))
                 else _constant_like(x, ref) for x in parts)


def _dual_parts(d):
    """(value, p0, p1, ...) of a Python Dual, for unboxing."""
    if d.tag:
        _base.COMPILED_TAGS.add(d.tag)
    p = d._p
    if isinstance(p, np.ndarray):
        return (d.value, *p.tolist()) if p.dtype != object else _uniform((d.value, *p))
    return _uniform((d.value, p))


def _hyper_parts(h):
    if h.tag:
        _base.COMPILED_TAGS.add(h.tag)
    return _uniform((h.re, h.eps1, h.eps2, h.eps1eps2))


def _single(parts):
    """Boxed components of a single-precision number: float32 / complex64 scalars."""
    return tuple(np.float32(x) if type(x) is float else np.complex64(x) if type(x) is complex
                 else x for x in parts)


def _box_dual(parts, f32):
    """A Python Dual from boxed components (float32 components as np.float32,
    complex64 as np.complex64)."""
    if f32:
        parts = _single(parts)
    if len(parts) == 2:
        return _scalar.Dual(parts[0], parts[1])
    return _scalar.Dual(parts[0], parts[1:])


def _box_float_dual(parts, f32):
    """``_box_dual`` of Dual[float32 | float64, n]: components numba boxed as floats,
    so the Dual is built without checking each one (a compiled transform reads one
    per pass: checked, 60 % of a small gradient's call)."""
    if f32:
        p = np.float32(parts[1]) if len(parts) == 2 else np.array(parts[1:], np.float32)
        return _scalar.make_dual(np.float32(parts[0]), p, 0)
    return _scalar.make_dual(parts[0], parts[1] if len(parts) == 2 else np.array(parts[1:]), 0)


def _box_hyperdual(parts, f32):
    if f32:
        parts = _single(parts)
    return _scalar.HyperDual(*parts)


def _component_types(typ):
    if isinstance(typ, DualType):
        return [typ.base] * (1 + typ.n)
    return [typ.base] * 4


def _pack(context, builder, typ, comps):
    """Build a dual struct of type typ from its scalar components."""
    st = cgutils.create_struct_proxy(typ)(context, builder)
    if isinstance(typ, DualType):
        st.value = comps[0]
        if typ.n == 1:
            st.partials = comps[1]
        elif isinstance(typ.partials_type, ComplexPartialsType):
            st.partials = pack_complex_partials(context, builder, typ.partials_type, comps[1:])
        else:
            vec = ir.Constant(context.get_value_type(typ.partials_type), ir.Undefined)
            for i, x in enumerate(comps[1:]):
                vec = builder.insert_element(vec, x, ir.Constant(_I32, i))
            st.partials = vec
    else:
        for name, x in zip(HyperDualType.fields, comps):
            setattr(st, name, x)
    return st._getvalue()


def _unpack(context, builder, typ, val):
    st = cgutils.create_struct_proxy(typ)(context, builder, value=val)
    if isinstance(typ, DualType):
        if typ.n == 1:
            return [st.value, st.partials]
        vec = st.partials
        if isinstance(typ.partials_type, ComplexPartialsType):
            return [st.value] + [complex_partial(context, builder, typ.partials_type, vec,
                                                 ir.Constant(_I32, i)) for i in range(typ.n)]
        return [st.value] + [builder.extract_element(vec, ir.Constant(_I32, i))
                             for i in range(typ.n)]
    return [getattr(st, f) for f in HyperDualType.fields]


@unbox(DualType)
@unbox(HyperDualType)
def _unbox_any(typ, obj, c):
    builder = c.builder
    helper = _dual_parts if isinstance(typ, DualType) else _hyper_parts
    fn = c.pyapi.unserialize(c.pyapi.serialize_object(helper))
    tup = c.pyapi.call_function_objargs(fn, [obj])
    c.pyapi.decref(fn)
    is_error = cgutils.alloca_once_value(builder, cgutils.is_null(builder, tup))
    out = cgutils.alloca_once_value(builder, c.context.get_constant_null(typ))
    with builder.if_then(cgutils.is_not_null(builder, tup)):
        comps = []
        for i, ct in enumerate(_component_types(typ)):
            nv = c.unbox(ct, c.pyapi.tuple_getitem(tup, i))
            with builder.if_then(nv.is_error):
                builder.store(cgutils.true_bit, is_error)
            comps.append(nv.value)
        builder.store(_pack(c.context, builder, typ, comps), out)
        c.pyapi.decref(tup)
    return NativeValue(builder.load(out), is_error=builder.load(is_error))


@box(DualType)
@box(HyperDualType)
def _box_any(typ, val, c):
    helper = _box_hyperdual
    if isinstance(typ, DualType):
        helper = _box_float_dual if typ.base in (types.float32, types.float64) else _box_dual
    comps = _unpack(c.context, c.builder, typ, val)
    objs = [c.box(t, v) for t, v in zip(_component_types(typ), comps)]
    tup = c.pyapi.tuple_pack(objs)
    for o in objs:
        c.pyapi.decref(o)
    flag = c.pyapi.bool_from_bool(cgutils.true_bit if typ.dtype in (types.float32, types.complex64)
                                  else cgutils.false_bit)
    fn = c.pyapi.unserialize(c.pyapi.serialize_object(helper))
    res = c.pyapi.call_function_objargs(fn, [tup, flag])
    for o in (fn, tup, flag):
        c.pyapi.decref(o)
    return res


def _box_dual2(value, grad, hess, f32):
    dt = np.float32 if f32 else np.float64
    return Dual2Value(dt(value), np.atleast_1d(np.asarray(grad, dt)),
                      np.atleast_1d(np.asarray(hess, dt)))


@box(Dual2Type)
def box_dual2(typ, val, c):
    st = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    objs = [c.box(typ.base, st.value), c.box(typ.grad_type, st.grad),
            c.box(typ.hess_type, st.hess)]
    flag = c.pyapi.bool_from_bool(cgutils.true_bit if typ.dtype in (types.float32, types.complex64)
                                  else cgutils.false_bit)
    fn = c.pyapi.unserialize(c.pyapi.serialize_object(_box_dual2))
    res = c.pyapi.call_function_objargs(fn, objs + [flag])
    for o in objs + [fn, flag]:
        c.pyapi.decref(o)
    return res


@box(PartialsType)
@box(ComplexPartialsType)
def box_partials(typ, val, c):
    """Partials leave compiled code as a tuple of floats (complex numbers)."""
    objs = []
    for i in range(typ.n):
        k = ir.Constant(_I32, i)
        x = complex_partial(c.context, c.builder, typ, val, k) \
            if isinstance(typ, ComplexPartialsType) else c.builder.extract_element(val, k)
        objs.append(c.box(typ.dtype, x))
    tup = c.pyapi.tuple_pack(objs)
    for o in objs:
        c.pyapi.decref(o)
    return tup
