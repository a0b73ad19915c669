"""numba types of dualad's scalar duals: layout, typeof, boxing, casts.

``DualType(base, n)`` is a struct ``{value: base, partials: P}`` where ``P`` is
``base`` itself for n == 1 and an LLVM vector ``<n x double|float>``
(``PartialsType``) for n > 1 with a float base. ``base`` is float32, float64
or another dual type: a ``Dual[Dual[float64, 1], 1]`` carries second
derivatives. ``HyperDualType(base)`` is ``{re, eps1, eps2, eps1eps2}``.
``Dual2Type(base, n)`` is ``{value, grad, hess}``: a float value, its gradient
in n directions and the Hessian's packed upper triangle (n(n+1)/2 numbers,
row by row), both vectors; one pass of it gives a whole Hessian.

Inside numba the perturbation of a number is its *nesting depth*: when two
duals meet, the deeper one is the outer number and the other a constant with
respect to it (the compiled counterpart of the Python tags).

Every type name carries dualad's version and a hash of the sources that
define the compiled code, so that numba's ``cache=True`` (which checks only
the user's file) never loads machine code built by another dualad.
"""
import collections
import hashlib
import os

import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import NumbaTypeError
from numba.core.imputils import lower_cast
from numba.core.typeconv import Conversion
from numba.extending import (NativeValue, box, make_attribute_wrapper, models,
                             register_model, typeof_impl, unbox)

from .. import _numbers as _scalar
from .._core import base as _base
from .._version import __version__


def _source_stamp():
    """Hash of the files whose contents decide the machine code of a dual op."""
    here = os.path.dirname(os.path.abspath(__file__))
    pkg = os.path.dirname(here)
    rules = os.path.join(pkg, "_rules")
    files = [os.path.join(pkg, "_extend.py")]
    for folder in (rules, here):
        files += sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".py"))
    h = hashlib.sha256()
    for path in files:
        try:
            with open(path, "rb") as fh:
                h.update(os.path.basename(path).encode() + b"\0" + fh.read())
        except OSError:
            pass
    return h.hexdigest()[:10]


STAMP = f"dualad{__version__}-{_source_stamp()}"
"""Library version and source hash, part of every dualad type name."""

# Options of every dualad overload: registered for all targets (CPU and
# numba-cuda alike), and without the C-callable wrapper numba otherwise
# builds for each compiled overload (they are only ever called from
# compiled code; the wrappers were ~20 % of compile time).
OVERLOAD = dict(target="generic", jit_options={"no_cfunc_wrapper": True})


# ------------------------------------------------------------------ types ---

class PartialsType(types.Type):
    """N > 1 float partials held in one LLVM vector register ``<N x dtype>``."""

    def __init__(self, dtype, n):
        self.dtype = dtype
        self.n = n
        super().__init__(name=f"Partials[{dtype}, {n}]@{STAMP}")


class DualNumberType(types.Type):
    """Common base of the compiled dual number types."""

    depth = 0
    short = ""

    @property
    def dtype(self):
        """The innermost float type."""
        return self.base.dtype if isinstance(self.base, DualNumberType) else self.base

    def unify(self, typingctx, other):
        return unify_types(self, other)

    def can_convert_from(self, typingctx, other):
        if isinstance(other, (types.Integer, types.Float)):
            return Conversion.safe
        if isinstance(other, DualNumberType):
            if other.depth < self.depth and can_embed(other, self.base):
                return Conversion.safe
            if same_shape(self, other):
                return Conversion.promote if other.dtype.bitwidth < self.dtype.bitwidth \
                    else Conversion.unsafe
        return None


def _short(t):
    return t.short if isinstance(t, DualNumberType) else str(t)


def _check_base(base, what):
    if not (base in (types.float32, types.float64) or isinstance(base, DualNumberType)):
        raise NumbaTypeError(f"{what} needs a float32, float64 or dual base, got {base}")


class DualType(DualNumberType):
    """A dual number with ``n`` partials of type ``base`` (numba type)."""

    def __init__(self, base, n=1):
        _check_base(base, "Dual")
        n = int(n)
        if n < 1:
            raise NumbaTypeError("a Dual needs at least one partial")
        if n > 1 and isinstance(base, DualNumberType):
            raise NumbaTypeError(
                f"a compiled Dual with {n} partials of a dual base ({_short(base)}) is not "
                "supported: nest Duals with one partial at the outer levels "
                "(Dual[Dual[float64, n], 1]) or use HyperDual for second derivatives")
        self.base = base
        self.n = n
        self.depth = 1 + (base.depth if isinstance(base, DualNumberType) else 0)
        self.short = f"Dual[{_short(base)}, {n}]"
        super().__init__(name=f"{self.short}@{STAMP}")

    @property
    def partials_type(self):
        return self.base if self.n == 1 else PartialsType(self.base, self.n)


class HyperDualType(DualNumberType):
    """A hyper-dual number ``re + eps1 e1 + eps2 e2 + eps1eps2 e1 e2``."""

    fields = ("re", "eps1", "eps2", "eps1eps2")

    def __init__(self, base):
        _check_base(base, "HyperDual")
        self.base = base
        self.depth = 1 + (base.depth if isinstance(base, DualNumberType) else 0)
        self.short = f"HyperDual[{_short(base)}]"
        super().__init__(name=f"{self.short}@{STAMP}")


def dual2_triangle(n):
    """(rows, cols) of the packed upper triangle of an n x n Hessian, row by row."""
    rows, cols = [], []
    for i in range(n):
        for j in range(i, n):
            rows.append(i)
            cols.append(j)
    return rows, cols


class Dual2Type(DualNumberType):
    """A second-order dual: value, gradient ``<n>`` and packed Hessian ``<n(n+1)/2>``.

    Its base is a float (it does not nest); the Hessian is carried exactly,
    so f(x) seeded with x[i] = Dual2(x_i, e_i, 0) gives f's whole Hessian in
    one evaluation. Built by dualad's compiled Hessians only.
    """

    def __init__(self, base, n):
        if base not in (types.float32, types.float64):
            raise NumbaTypeError(f"Dual2 needs a float32 or float64 base, got {base}")
        n = int(n)
        if n < 1:
            raise NumbaTypeError("a Dual2 needs at least one direction")
        self.base = base
        self.n = n
        self.size = n * (n + 1) // 2
        self.depth = 1
        self.short = f"Dual2[{base}, {n}]"
        super().__init__(name=f"{self.short}@{STAMP}")

    @property
    def grad_type(self):
        return self.base if self.n == 1 else PartialsType(self.base, self.n)

    @property
    def hess_type(self):
        return self.base if self.size == 1 else PartialsType(self.base, self.size)


def is_dual(t):
    return isinstance(t, DualNumberType)


def is_real(t):
    """A plain real scalar type (ints and bools are promoted where they meet duals)."""
    return isinstance(t, (types.Integer, types.Float, types.Boolean))


def same_shape(a, b):
    """Same kind, depth and N at every level (the float width may differ)."""
    if type(a) is not type(b) or a.depth != b.depth:
        return False
    if isinstance(a, (DualType, Dual2Type)) and a.n != b.n:
        return False
    if is_dual(a.base):
        return same_shape(a.base, b.base)
    return True


def can_embed(c, t):
    """True if c (a real or a dual) can be cast into type t as a constant."""
    if is_real(c):
        return True
    if not is_dual(c):
        return False
    if not is_dual(t):
        return False
    if c.depth < t.depth:
        return can_embed(c, t.base)
    return same_shape(c, t)


def _wider(a, b):
    return a if a.bitwidth >= b.bitwidth else b


def unify_types(a, b):
    """The type a and b both convert to, or None: the deeper dual wins."""
    if not is_dual(a):
        a, b = b, a
    if not is_dual(a):
        return None
    if isinstance(b, (types.Integer, types.Float)):
        return a
    if not is_dual(b):
        return None
    if b.depth > a.depth:
        a, b = b, a
    if b.depth < a.depth:
        return a if can_embed(b, a.base) else None
    if not same_shape(a, b):
        return None
    return with_dtype(a, _wider(a.dtype, b.dtype))


def with_dtype(t, dtype):
    """t with its innermost float type replaced."""
    if not is_dual(t):
        return dtype
    if isinstance(t, Dual2Type):
        return Dual2Type(dtype, t.n)
    base = with_dtype(t.base, dtype)
    return DualType(base, t.n) if isinstance(t, DualType) else HyperDualType(base)


def dual_of(base, n=1):
    return DualType(base, n)


# ----------------------------------------------------------------- models ---

@register_model(PartialsType)
class PartialsModel(models.PrimitiveModel):
    """A vector ``<N x float>`` in registers, an array ``[N x float]`` in memory.

    Stored as an array, a dual has the float alignment and no padding, so
    arrays of duals (numba aligns their data to 32 bytes, less than an
    8-wide vector needs) never see a misaligned vector load, and a
    Dual[float64, 8] takes 72 bytes rather than 128.
    """

    def __init__(self, dmm, fe_type):
        elem = ir.DoubleType() if fe_type.dtype == types.float64 else ir.FloatType()
        self._n = fe_type.n
        self._array = ir.ArrayType(elem, fe_type.n)
        super().__init__(dmm, fe_type, ir.VectorType(elem, fe_type.n))

    def get_data_type(self):
        return self._array

    def as_data(self, builder, value):
        out = ir.Constant(self._array, ir.Undefined)
        for i in range(self._n):
            out = builder.insert_value(out, builder.extract_element(value, _i32(i)), i)
        return out

    def from_data(self, builder, value):
        out = ir.Constant(self.be_type, ir.Undefined)
        for i in range(self._n):
            out = builder.insert_element(out, builder.extract_value(value, i), _i32(i))
        return out

    def load_from_data_pointer(self, builder, ptr, align=None):
        return self.from_data(builder, builder.load(ptr, align=align))


def _i32(i):
    return ir.Constant(ir.IntType(32), i)


@register_model(DualType)
class DualModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        members = [("value", fe_type.base), ("partials", fe_type.partials_type)]
        super().__init__(dmm, fe_type, members)


@register_model(HyperDualType)
class HyperDualModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        members = [(f, fe_type.base) for f in HyperDualType.fields]
        super().__init__(dmm, fe_type, members)


@register_model(Dual2Type)
class Dual2Model(models.StructModel):
    def __init__(self, dmm, fe_type):
        members = [("value", fe_type.base), ("grad", fe_type.grad_type),
                   ("hess", fe_type.hess_type)]
        super().__init__(dmm, fe_type, members)


for _f in ("value", "grad", "hess"):
    make_attribute_wrapper(Dual2Type, _f, _f)
make_attribute_wrapper(DualType, "value", "value")
make_attribute_wrapper(DualType, "partials", "partials")
for _f in HyperDualType.fields:
    make_attribute_wrapper(HyperDualType, _f, _f)


# ----------------------------------------------------------------- typeof ---

def _typeof_component(x, c):
    if isinstance(x, _scalar.Dual):
        return typeof_dual(x, c)
    if isinstance(x, _scalar.HyperDual):
        return typeof_hyperdual(x, c)
    if isinstance(x, (np.float32, np.float64)):
        return types.float32 if isinstance(x, np.float32) else types.float64
    if isinstance(x, (float, int, np.integer)):
        return None  # weak: takes the other components' type
    return False


def _base_of(components, c):
    """The common base type of a dual's components (Python floats are weak)."""
    found = [_typeof_component(x, c) for x in components]
    if any(t is False for t in found):
        return None
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
            dt = _wider(dt, t.dtype)
        return with_dtype(first, dt)
    dt = strong[0]
    for t in strong[1:]:
        dt = _wider(dt, t)
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


def _box_dual(parts, f32):
    """A Python Dual from boxed components (float32 components as np.float32)."""
    if f32:
        parts = tuple(np.float32(x) if type(x) is float else x for x in parts)
    if len(parts) == 2:
        return _scalar.Dual(parts[0], parts[1])
    return _scalar.Dual(parts[0], parts[1:])


def _box_hyperdual(parts, f32):
    if f32:
        parts = tuple(np.float32(x) if type(x) is float else x for x in parts)
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
        else:
            vec = ir.Constant(context.get_value_type(typ.partials_type), ir.Undefined)
            for i, x in enumerate(comps[1:]):
                vec = builder.insert_element(vec, x, ir.Constant(ir.IntType(32), i))
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
        return [st.value] + [builder.extract_element(vec, ir.Constant(ir.IntType(32), i))
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
    helper = _box_dual if isinstance(typ, DualType) else _box_hyperdual
    comps = _unpack(c.context, c.builder, typ, val)
    objs = [c.box(t, v) for t, v in zip(_component_types(typ), comps)]
    tup = c.pyapi.tuple_pack(objs)
    for o in objs:
        c.pyapi.decref(o)
    flag = c.pyapi.bool_from_bool(cgutils.true_bit if typ.dtype == types.float32
                                  else cgutils.false_bit)
    fn = c.pyapi.unserialize(c.pyapi.serialize_object(helper))
    res = c.pyapi.call_function_objargs(fn, [tup, flag])
    for o in (fn, tup, flag):
        c.pyapi.decref(o)
    return res


Dual2Value = collections.namedtuple("Dual2Value", "value grad hess")
"""A Dual2 leaving compiled code: value, gradient (n,), packed Hessian (n(n+1)/2,)."""


def _box_dual2(value, grad, hess, f32):
    dt = np.float32 if f32 else np.float64
    return Dual2Value(dt(value), np.atleast_1d(np.asarray(grad, dt)),
                      np.atleast_1d(np.asarray(hess, dt)))


@box(Dual2Type)
def box_dual2(typ, val, c):
    st = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    objs = [c.box(typ.base, st.value), c.box(typ.grad_type, st.grad),
            c.box(typ.hess_type, st.hess)]
    flag = c.pyapi.bool_from_bool(cgutils.true_bit if typ.dtype == types.float32
                                  else cgutils.false_bit)
    fn = c.pyapi.unserialize(c.pyapi.serialize_object(_box_dual2))
    res = c.pyapi.call_function_objargs(fn, objs + [flag])
    for o in objs + [fn, flag]:
        c.pyapi.decref(o)
    return res


@box(PartialsType)
def box_partials(typ, val, c):
    """Partials leave compiled code as a tuple of floats."""
    objs = []
    for i in range(typ.n):
        x = c.builder.extract_element(val, ir.Constant(ir.IntType(32), i))
        objs.append(c.box(typ.dtype, x))
    tup = c.pyapi.tuple_pack(objs)
    for o in objs:
        c.pyapi.decref(o)
    return tup


# ------------------------------------------------------------------ casts ---

def cast_value(context, builder, fromty, toty, val):
    """Cast val: reals and lower duals embed as constants, same shapes convert."""
    if fromty == toty:
        return val
    if not is_dual(toty):
        return context.cast(builder, val, fromty, toty)
    if is_real(fromty) or (is_dual(fromty) and fromty.depth < toty.depth):
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
