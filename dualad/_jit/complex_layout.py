"""LLVM layout helpers of complex vector partials (``types.ComplexPartialsType``).

In registers ``{<N x re>, <N x im>}``: these build one from complex scalars or
from its two vectors, split it, and read one partial as a complex scalar.
Used by boxing, casts and the complex partials' arithmetic (the data model
itself is in ``models``).
"""
from llvmlite import ir

_I32 = ir.IntType(32)


def pack_complex_partials(context, builder, ptype, items):
    """A ComplexPartialsType value from n complex scalars (LLVM values of ptype.dtype)."""
    vec = context.get_value_type(ptype).elements[0]
    re = im = ir.Constant(vec, ir.Undefined)
    for i, z in enumerate(items):
        c = context.make_complex(builder, ptype.dtype, value=z)
        re = builder.insert_element(re, c.real, ir.Constant(_I32, i))
        im = builder.insert_element(im, c.imag, ir.Constant(_I32, i))
    return join_complex_partials(context, builder, ptype, re, im)


def join_complex_partials(context, builder, ptype, re, im):
    """A ComplexPartialsType value from its real and imaginary vectors."""
    out = ir.Constant(context.get_value_type(ptype), ir.Undefined)
    return builder.insert_value(builder.insert_value(out, re, 0), im, 1)


def split_complex_partials(builder, value):
    """(real vector, imaginary vector) of a ComplexPartialsType value."""
    return builder.extract_value(value, 0), builder.extract_value(value, 1)


def complex_partial(context, builder, ptype, value, index):
    """Partial ``index`` (an i32 LLVM value) of complex partials, as a complex scalar."""
    re, im = split_complex_partials(builder, value)
    c = context.make_complex(builder, ptype.dtype)
    c.real = builder.extract_element(re, index)
    c.imag = builder.extract_element(im, index)
    return c._getvalue()
