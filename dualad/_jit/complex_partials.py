"""Complex vector partials: arithmetic on ``ComplexPartialsType`` in LLVM.

The partials of a ``Dual[complex, N > 1]`` are a real and an imaginary
vector (``types.ComplexPartialsType``); the Dual calculus adds, subtracts,
negates and scales them (by a real or a complex scalar) with these, a few
vector instructions each, as ``partials`` does for real vectors
(``operators`` maps ``+ - * /`` on partials here). ``cvreal``/``cvimag``/
``cvconj`` are the parts of the partials; ``complex_part`` is ``z.real``,
``z.imag`` or ``z.conjugate()`` of a whole (nested) complex dual, component
by component.
"""
from llvmlite import ir
from numba.core import cgutils, types

from .complex_layout import complex_partial, join_complex_partials, split_complex_partials
from .partials import _splat
from .registry import generic_intrinsic
from .types import ComplexPartialsType, DualType, HyperDualType, is_complex_dual, is_real, \
    real_of, with_dtype

_I32 = ir.IntType(32)


def _pair(name):
    def typer(typingctx, a, b):
        if isinstance(a, ComplexPartialsType) and a == b:
            def codegen(context, builder, sig, args):
                (ar, ai), (br, bi) = (split_complex_partials(builder, v) for v in args)
                op = getattr(builder, name)
                return join_complex_partials(context, builder, a, op(ar, br), op(ai, bi))
            return a(a, b), codegen
        return None
    typer.__name__ = "cv" + name
    return generic_intrinsic(typer)


cvadd = _pair("fadd")
cvsub = _pair("fsub")


def _minus(builder, v):
    # -0.0 - x, not fneg: NVVM (numba-cuda) parses LLVM 7 IR, which has no fneg.
    vt = v.type
    return builder.fsub(ir.Constant(vt, [ir.Constant(vt.element, -0.0)] * vt.count), v)


@generic_intrinsic
def cvneg(typingctx, a):
    if not isinstance(a, ComplexPartialsType):
        return None

    def codegen(context, builder, sig, args):
        re, im = split_complex_partials(builder, args[0])
        return join_complex_partials(context, builder, a, _minus(builder, re),
                                     _minus(builder, im))
    return a(a), codegen


def _scalar_parts(context, builder, s, v, x):
    """(re, im) splats of the scalar x of type s (a real: im None) for the vector of v."""
    vt = context.get_value_type(v.real_type)
    if is_real(s):
        return _splat(builder, context.cast(builder, x, s, v.real_type.dtype), vt), None
    c = context.make_complex(builder, v.dtype,
                             value=context.cast(builder, x, s, v.dtype))
    return _splat(builder, c.real, vt), _splat(builder, c.imag, vt)


@generic_intrinsic
def cvscale(typingctx, v, s):
    """v * s for a real or complex scalar s."""
    if not (isinstance(v, ComplexPartialsType) and (is_real(s) or isinstance(s, types.Complex))):
        return None

    def codegen(context, builder, sig, args):
        re, im = split_complex_partials(builder, args[0])
        sr, si = _scalar_parts(context, builder, s, v, args[1])
        if si is None:
            return join_complex_partials(context, builder, v, builder.fmul(re, sr),
                                         builder.fmul(im, sr))
        out_re = builder.fsub(builder.fmul(re, sr), builder.fmul(im, si))
        out_im = builder.fadd(builder.fmul(re, si), builder.fmul(im, sr))
        return join_complex_partials(context, builder, v, out_re, out_im)
    return v(v, s), codegen


@generic_intrinsic
def cvdivide_real(typingctx, v, s):
    """v / s for a real scalar s (a complex one: ``cvscale(v, 1 / s)``, operators)."""
    if not (isinstance(v, ComplexPartialsType) and is_real(s)):
        return None

    def codegen(context, builder, sig, args):
        re, im = split_complex_partials(builder, args[0])
        sr, _ = _scalar_parts(context, builder, s, v, args[1])
        return join_complex_partials(context, builder, v, builder.fdiv(re, sr),
                                     builder.fdiv(im, sr))
    return v(v, s), codegen


def _as_i32(builder, v):
    w = v.type.width
    return builder.trunc(v, _I32) if w > 32 else builder.sext(v, _I32) if w < 32 else v


@generic_intrinsic
def cvget(typingctx, v, i):
    """Partial i of complex vector partials."""
    if not (isinstance(v, ComplexPartialsType) and isinstance(i, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        return complex_partial(context, builder, v, args[0], _as_i32(builder, args[1]))
    return v.dtype(v, i), codegen


def _vector_part(context, builder, v, val, which):
    re, im = split_complex_partials(builder, val)
    if which == "conj":
        return join_complex_partials(context, builder, v, re, _minus(builder, im))
    return re if which == "real" else im


def _part(which):
    def typer(typingctx, v):
        if not isinstance(v, ComplexPartialsType):
            return None
        out = v if which == "conj" else v.real_type

        def codegen(context, builder, sig, args):
            return _vector_part(context, builder, v, args[0], which)
        return out(v), codegen
    typer.__name__ = "cv" + which
    return generic_intrinsic(typer)


def part_type(t, which):
    """The type of the part ``which`` ('real', 'imag', 'conj') of a complex dual t."""
    return t if which == "conj" else with_dtype(t, real_of(t.dtype))


def _part_value(context, builder, t, val, which):
    """The part ``which`` of the LLVM value val of type t, component by component."""
    if isinstance(t, types.Complex):
        c = context.make_complex(builder, t, value=val)
        if which == "real":
            return c.real
        if which == "imag":
            return c.imag
        out = context.make_complex(builder, t)
        out.real = c.real
        out.imag = builder.fsub(ir.Constant(c.imag.type, -0.0), c.imag)
        return out._getvalue()
    if isinstance(t, ComplexPartialsType):
        return _vector_part(context, builder, t, val, which)
    src = cgutils.create_struct_proxy(t)(context, builder, value=val)
    dst = cgutils.create_struct_proxy(part_type(t, which))(context, builder)
    if isinstance(t, DualType):
        dst.value = _part_value(context, builder, t.base, src.value, which)
        dst.partials = _part_value(context, builder, t.partials_type, src.partials, which)
    else:
        for f in HyperDualType.fields:
            setattr(dst, f, _part_value(context, builder, t.base, getattr(src, f), which))
    return dst._getvalue()


def _whole_part(which):
    def typer(typingctx, x):
        if not (is_complex_dual(x) and isinstance(x, (DualType, HyperDualType))):
            return None

        def codegen(context, builder, sig, args):
            return _part_value(context, builder, x, args[0], which)
        return part_type(x, which)(x), codegen
    typer.__name__ = "complex_" + which
    return generic_intrinsic(typer)


COMPLEX_PARTS = {w: _whole_part(w) for w in ("real", "imag", "conj")}
"""'real' / 'imag' / 'conj' -> the intrinsic taking that part of a complex dual."""


cvreal = _part("real")
cvimag = _part("imag")
cvconj = _part("conj")
