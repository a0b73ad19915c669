"""Data models of the compiled number types: how each is laid out in LLVM.

A Dual is ``{value, partials}``, a HyperDual ``{re, eps1, eps2, eps1eps2}``,
a Dual2 ``{value, grad, hess}``; vector partials are ``<N x float>`` in
registers and ``[N x float]`` in memory. The attribute wrappers make those
fields readable in nopython code (``d.value``, ``h.eps1``, ``h.value`` for
``h.re``, ...).
"""
from llvmlite import ir
from numba.core import types
from numba.extending import make_attribute_wrapper, models, register_model

from .types import ComplexPartialsType, Dual2Type, DualType, HyperDualType, PartialsType

_I32 = ir.IntType(32)


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
            out = builder.insert_value(out, builder.extract_element(value, ir.Constant(_I32, i)),
                                       i)
        return out

    def from_data(self, builder, value):
        out = ir.Constant(self.be_type, ir.Undefined)
        for i in range(self._n):
            out = builder.insert_element(out, builder.extract_value(value, i),
                                         ir.Constant(_I32, i))
        return out

    def load_from_data_pointer(self, builder, ptr, align=None):
        return self.from_data(builder, builder.load(ptr, align=align))


@register_model(ComplexPartialsType)
class ComplexPartialsModel(models.PrimitiveModel):
    """``{<N x re>, <N x im>}`` in registers, ``[N x {re, im}]`` in memory (NumPy's
    layout of a complex (N,) subarray; types.ComplexPartialsType says why)."""

    def __init__(self, dmm, fe_type):
        elem = ir.DoubleType() if fe_type.dtype == types.complex128 else ir.FloatType()
        self._n = fe_type.n
        vec = ir.VectorType(elem, fe_type.n)
        self._array = ir.ArrayType(ir.LiteralStructType([elem, elem]), fe_type.n)
        super().__init__(dmm, fe_type, ir.LiteralStructType([vec, vec]))

    def get_data_type(self):
        return self._array

    def as_data(self, builder, value):
        re, im = builder.extract_value(value, 0), builder.extract_value(value, 1)
        out = ir.Constant(self._array, ir.Undefined)
        for i in range(self._n):
            k = ir.Constant(_I32, i)
            out = builder.insert_value(out, builder.extract_element(re, k), [i, 0])
            out = builder.insert_value(out, builder.extract_element(im, k), [i, 1])
        return out

    def from_data(self, builder, value):
        vec = self.be_type.elements[0]
        re = im = ir.Constant(vec, ir.Undefined)
        for i in range(self._n):
            k = ir.Constant(_I32, i)
            re = builder.insert_element(re, builder.extract_value(value, [i, 0]), k)
            im = builder.insert_element(im, builder.extract_value(value, [i, 1]), k)
        out = builder.insert_value(ir.Constant(self.be_type, ir.Undefined), re, 0)
        return builder.insert_value(out, im, 1)

    def load_from_data_pointer(self, builder, ptr, align=None):
        return self.from_data(builder, builder.load(ptr, align=align))


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
# h.value is h.re: the one spelling of the primal (one level down) that the
# calculus uses for every type. A field access, not an overload (which would
# compile a function of its own at every use).
make_attribute_wrapper(HyperDualType, "re", "value")

