"""LLVM-level building blocks of the number types: constructors, casts,
component access and the Dual2 outer products.

Intrinsics are lowered inline into their caller (no call, no separate
compilation), which keeps compile time low; the calculus of the number
types (``calculus``) is written on top of them as plain jitted code. Vector
partials are in ``partials``, the float functions numba-cuda lacks in
``floats``.
"""
from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import NumbaTypeError

from .casts import cast_value
from .complex_layout import pack_complex_partials
from .registry import generic_intrinsic
from .taylor_types import is_taylor
from .types import (ComplexPartialsType, Dual2Type, DualType, HyperDualType, PartialsType,
                    complex_of, dual2_triangle, is_dual, is_real, real_of, unify_types,
                    with_dtype)

_I32 = ir.IntType(32)


def _struct(context, builder, typ, **fields):
    st = cgutils.create_struct_proxy(typ)(context, builder)
    for k, v in fields.items():
        setattr(st, k, v)
    return st._getvalue()


# ------------------------------------------------------------ constructors --

@generic_intrinsic
def dual_like(typingctx, x, value, partials):
    """A Dual of x's type from a value and partials (converted to its components)."""
    if not isinstance(x, DualType):
        return None
    sig = x(x, value, partials)

    def codegen(context, builder, sig, args):
        _, v, p = args
        return _struct(context, builder, x,
                       value=cast_value(context, builder, value, x.base, v),
                       partials=cast_value(context, builder, partials, x.partials_type, p))
    return sig, codegen


@generic_intrinsic
def hyper_like(typingctx, x, re, eps1, eps2, eps1eps2):
    """A HyperDual of x's type from four components."""
    if not isinstance(x, HyperDualType):
        return None
    sig = x(x, re, eps1, eps2, eps1eps2)

    def codegen(context, builder, sig, args):
        comps = [cast_value(context, builder, t, x.base, v)
                 for t, v in zip(sig.args[1:], args[1:])]
        return _struct(context, builder, x, **dict(zip(HyperDualType.fields, comps)))
    return sig, codegen


@generic_intrinsic
def dual2_like(typingctx, x, value, grad, hess):
    """A Dual2 of x's type from a value, a gradient and a packed Hessian."""
    if not isinstance(x, Dual2Type):
        return None
    sig = x(x, value, grad, hess)

    def codegen(context, builder, sig, args):
        _, v, g, h = args
        return _struct(context, builder, x,
                       value=cast_value(context, builder, value, x.base, v),
                       grad=cast_value(context, builder, grad, x.grad_type, g),
                       hess=cast_value(context, builder, hess, x.hess_type, h))
    return sig, codegen


def _outer_operands(builder, x, vals):
    """The gradients vals spread over the packed triangle: (rows, cols) per vector."""
    if x.n == 1:
        return [(v, v) for v in vals]
    rows, cols = dual2_triangle(x.n)
    vt = ir.VectorType(_I32, len(rows))
    mi, mj = ir.Constant(vt, rows), ir.Constant(vt, cols)
    out = []
    for v in vals:
        undef = ir.Constant(v.type, ir.Undefined)
        out.append((builder.shuffle_vector(v, undef, mi), builder.shuffle_vector(v, undef, mj)))
    return out


@generic_intrinsic
def outer_sym(typingctx, x, a, b):
    """a b^T + b a^T (gradients of the Dual2 x's type), packed like x.hess."""
    if not (isinstance(x, Dual2Type) and a == x.grad_type and b == x.grad_type):
        return None

    def codegen(context, builder, sig, args):
        (ai, aj), (bi, bj) = _outer_operands(builder, x, args[1:])
        return builder.fadd(builder.fmul(ai, bj), builder.fmul(aj, bi))
    return x.hess_type(x, a, b), codegen


@generic_intrinsic
def outer_sq(typingctx, x, a):
    """a a^T (a gradient of the Dual2 x's type), packed like x.hess."""
    if not (isinstance(x, Dual2Type) and a == x.grad_type):
        return None

    def codegen(context, builder, sig, args):
        ((ai, aj),) = _outer_operands(builder, x, args[1:])
        return builder.fmul(ai, aj)
    return x.hess_type(x, a), codegen


def _component_base(value, others):
    """The base type of a number built from ``value`` and ``others``.

    A float value decides the float width (a literal 1.0 is float64 in numba
    but must not widen a float32 dual); an int value takes the others' type.
    A dual anywhere makes the base a dual (the deeper one wins); a complex
    component makes it complex, of that width.
    """
    comps = [value] + list(others)
    if not all(is_real(t) or is_dual(t) or isinstance(t, types.Complex) for t in comps):
        return None
    duals = [t for t in comps if is_dual(t)]
    cplx = any(isinstance(t, types.Complex) for t in comps)
    if duals:
        base = duals[0]
        for t in duals[1:]:
            base = unify_types(base, t)
            if base is None:
                return None
        return with_dtype(base, complex_of(base.dtype)) if cplx else base
    if isinstance(value, (types.Float, types.Complex)):
        width = real_of(value)
    else:
        floats = [real_of(t) for t in others if isinstance(t, (types.Float, types.Complex))]
        width = max(floats, key=lambda t: t.bitwidth) if floats else types.float64
    return complex_of(width) if cplx else width


def infer_dual_type(value, partials):
    """The DualType that Dual(value, partials) builds, or None."""
    if isinstance(partials, (PartialsType, ComplexPartialsType)):
        n = partials.n
        others = [partials.dtype]
    elif isinstance(partials, types.BaseTuple) and len(partials) >= 1:
        n = len(partials)
        others = list(partials.types) if isinstance(partials, types.Tuple) \
            else [partials.dtype]
    else:
        n = 1
        others = [partials]
    base = _component_base(value, others)
    if base is None:
        return None
    if n > 1 and is_dual(base):
        raise NumbaTypeError("a compiled Dual with several partials needs float partials "
                             f"(got {base}): nested duals take one partial per level")
    return DualType(base, n)


@generic_intrinsic
def make_dual(typingctx, value, partials):
    """Dual(value, partials) with the type inferred from the arguments."""
    typ = infer_dual_type(value, partials)
    if typ is None:
        return None
    sig = typ(value, partials)

    def codegen(context, builder, sig, args):
        v, p = args
        val = cast_value(context, builder, value, typ.base, v)
        if isinstance(partials, types.BaseTuple):
            items = cgutils.unpack_tuple(builder, p, len(partials))
            items = [cast_value(context, builder, t, typ.base, it)
                     for t, it in zip(partials, items)]
            if typ.n == 1:
                pv = items[0]
            elif isinstance(typ.partials_type, ComplexPartialsType):
                pv = pack_complex_partials(context, builder, typ.partials_type, items)
            else:
                pv = ir.Constant(context.get_value_type(typ.partials_type), ir.Undefined)
                for i, it in enumerate(items):
                    pv = builder.insert_element(pv, it, ir.Constant(_I32, i))
        else:
            pv = cast_value(context, builder, partials, typ.partials_type, p)
        return _struct(context, builder, typ, value=val, partials=pv)
    return sig, codegen


@generic_intrinsic
def make_hyperdual(typingctx, re, eps1, eps2, eps1eps2):
    base = _component_base(re, (eps1, eps2, eps1eps2))
    if base is None:
        return None
    typ = HyperDualType(base)
    sig = typ(re, eps1, eps2, eps1eps2)

    def codegen(context, builder, sig, args):
        comps = [cast_value(context, builder, t, base, v) for t, v in zip(sig.args, args)]
        return _struct(context, builder, typ, **dict(zip(HyperDualType.fields, comps)))
    return sig, codegen


# ------------------------------------------------------------------- casts --

@generic_intrinsic
def convert(typingctx, x, tref):
    """x cast to the type held by tref (a TypeRef)."""
    target = tref.instance_type
    sig = target(x, tref)

    def codegen(context, builder, sig, args):
        return cast_value(context, builder, x, target, args[0])
    return sig, codegen


@generic_intrinsic
def const_like(typingctx, c, like):
    """A constant operand for a dual of type ``like``: reals (and complex constants
    of a complex dual) take its float (complex) type."""
    if is_real(c) or (isinstance(c, types.Complex) and is_dual(like)
                      and isinstance(like.dtype, types.Complex)):
        target = like.dtype if is_dual(like) else like
    elif is_dual(c):
        target = c
    else:
        return None
    sig = target(c, like)

    def codegen(context, builder, sig, args):
        return cast_value(context, builder, c, target, args[0])
    return sig, codegen


@generic_intrinsic
def innermost(typingctx, x):
    """The real value at the bottom of a (nested) dual, or a compiled Taylor number's
    value; reals pass through."""
    if is_taylor(x):
        sig = x.dtype(x)

        def codegen(context, builder, sig, args):
            st = cgutils.create_struct_proxy(x)(context, builder, value=args[0])
            return builder.extract_value(st.c, 0)
        return sig, codegen
    if is_dual(x):
        chain = []
        t = x
        while is_dual(t):
            chain.append(t)
            t = t.base
        res = t
    elif is_real(x) or isinstance(x, types.Complex):
        chain = []
        res = x
    else:
        return None
    sig = res(x)

    def codegen(context, builder, sig, args):
        v = args[0]
        for t in chain:
            st = cgutils.create_struct_proxy(t)(context, builder, value=v)
            v = st.re if isinstance(t, HyperDualType) else st.value
        return v
    return sig, codegen
