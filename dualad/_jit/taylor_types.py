"""Taylor numbers inside numba: the type, its layout and its LLVM building blocks.

``TaylorType(dtype, n)`` holds n = K + 1 normalised coefficients as one
member ``c``, a ``UniTuple(dtype, n)`` (an LLVM array ``[n x double]``), so
K is a compile-time constant and one type serves every operation of that
order. The arithmetic (``taylor_ops``) is lowered by ``taylor_unroll``:
straight-line code on the array value for small n, loops over stack buffers
above. The buffers, for loops written by hand (``taylor_elementary``'s
composition):

* ``buffer_of(t)``: a fresh stack copy of t's coefficients, as a
  ``CPointer`` (``p[k]`` reads and writes coefficient k);
* ``from_buffer(p, t)``: the Taylor number of t's type holding ``p[0..n)``;
* ``seeder(n)``: an intrinsic ``seed(x)`` giving ``x + e`` with n coefficients.

Stack buffers (``alloca`` in the function's entry block) work in CPU and
CUDA code alike; nothing is allocated on the heap. A real converts to a
Taylor number as a constant (``unify``, the cast and ``T(0)`` constants
below), so arrays of Taylor numbers take ``out[i] = 0.0`` and ``np.sum``.
"""
from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import NumbaTypeError
from numba.core.imputils import lower_cast, lower_constant
from numba.core.typeconv import Conversion
from numba.extending import make_attribute_wrapper, models, register_model

from .registry import generic_intrinsic
from .types import STAMP, is_real


class TaylorType(types.Type):
    """A truncated Taylor series with n = K + 1 coefficients of a float dtype."""

    def __init__(self, dtype, n):
        self.dtype = dtype
        self.n = n
        self.coefficients = types.UniTuple(dtype, n)
        super().__init__(name=f"Taylor[{dtype}, {n}]@{STAMP}")

    # a real meets a Taylor number as a constant (``s = 0.0; s += t`` in a loop,
    # ``out[i] = 0.0`` into an array of Taylor numbers): the cast below
    def unify(self, typingctx, other):
        if is_real(other):
            return self
        return None

    def can_convert_from(self, typingctx, other):
        if is_real(other):
            return Conversion.safe
        return None

    def cast_python_value(self, value):
        """``T(0)`` of a Taylor type T (numba's np.sum starts its accumulator so): the
        real value, a constant (``lower_constant`` below)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise NotImplementedError(f"{self} from {value!r}")


@register_model(TaylorType)
class TaylorModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, [("c", fe_type.coefficients)])


make_attribute_wrapper(TaylorType, "c", "c")


@lower_cast(types.Number, TaylorType)
@lower_cast(types.Boolean, TaylorType)
def _cast_real(context, builder, fromty, toty, val):
    """A real as the constant Taylor number (coefficients 1..K zero)."""
    v = context.cast(builder, val, fromty, toty.dtype)
    arr = ir.Constant(context.get_value_type(toty.coefficients), None)
    st = cgutils.create_struct_proxy(toty)(context, builder)
    st.c = builder.insert_value(arr, v, 0)
    return st._getvalue()


@lower_constant(TaylorType)
def _constant(context, builder, ty, pyval):
    if isinstance(pyval, bool) or not isinstance(pyval, (int, float)):
        raise NumbaTypeError(f"dualad: no constant of {ty} from {pyval!r}")
    zero = context.get_constant(ty.dtype, 0.0)
    c = [context.get_constant(ty.dtype, float(pyval))] + [zero] * (ty.n - 1)
    return ir.Constant(context.get_value_type(ty), [ir.Constant.literal_array(c)])


def is_taylor(t):
    return isinstance(t, TaylorType)


def _elem_ptr(builder, arr_ptr):
    return builder.gep(arr_ptr, [ir.Constant(ir.IntType(32), 0), ir.Constant(ir.IntType(32), 0)])


@generic_intrinsic
def buffer_of(typingctx, t):
    """A stack copy of t's coefficients, as a pointer to the first one."""
    if not is_taylor(t):
        return None
    sig = types.CPointer(t.dtype)(t)

    def codegen(context, builder, sig, args):
        st = cgutils.create_struct_proxy(t)(context, builder, value=args[0])
        arr = cgutils.alloca_once(builder, context.get_value_type(t.coefficients))
        builder.store(st.c, arr)
        return _elem_ptr(builder, arr)
    return sig, codegen


@generic_intrinsic
def from_buffer(typingctx, p, t):
    """The Taylor number of t's type holding the coefficients at p."""
    if not (is_taylor(t) and isinstance(p, types.CPointer)):
        return None
    sig = t(p, t)

    def codegen(context, builder, sig, args):
        arr_type = context.get_value_type(t.coefficients)
        arr = builder.bitcast(args[0], arr_type.as_pointer())
        st = cgutils.create_struct_proxy(t)(context, builder)
        st.c = builder.load(arr)
        return st._getvalue()
    return sig, codegen


_SEEDERS = {}


def seeder(n):
    """An intrinsic ``seed(x)``: the Taylor number x + e with n coefficients."""
    s = _SEEDERS.get(n)
    if s is not None:
        return s

    @generic_intrinsic
    def seed(typingctx, x):
        if not is_real(x):
            return None
        dtype = x if isinstance(x, types.Float) else types.float64
        t = TaylorType(dtype, n)
        sig = t(x)

        def codegen(context, builder, sig, args):
            v = context.cast(builder, args[0], x, dtype)
            ty = context.get_value_type(dtype)
            arr = ir.Constant(context.get_value_type(t.coefficients), None)
            arr = builder.insert_value(arr, v, 0)
            if n > 1:
                arr = builder.insert_value(arr, ir.Constant(ty, 1.0), 1)
            st = cgutils.create_struct_proxy(t)(context, builder)
            st.c = arr
            return st._getvalue()
        return sig, codegen

    _SEEDERS[n] = seed
    return seed
