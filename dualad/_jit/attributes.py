"""Construction, attributes and conversions of the compiled numbers in nopython code.

``Dual(value, partials)`` and ``HyperDual(re, eps1, eps2, eps1eps2)``
construct (the type inferred from the arguments); ``d.eps``, ``d.n``,
``d.partial(i)``, ``d.partials[i]``, ``len(d.partials)`` read (the fields
themselves, ``d.value``, ``h.re``, ``h.value``, ..., are in ``models``);
``d.real``, ``d.imag``, ``d.conjugate()`` (``np.real``, ``np.imag``,
``np.conj``) take the parts of a complex dual, component by component (a
real dual is its own real part and conjugate, its imaginary part 0);
``float(d)``, ``int(d)``, ``bool(d)`` and storing a dual into an array of
reals are refused at compile time, with a message, since they would drop
the derivative.
"""
import operator

import numpy as np
from numba.core import types
from numba.core.errors import TypingError
from numba.extending import overload, overload_attribute, overload_method

from .. import _numbers as _scalar
from .complex_partials import COMPLEX_PARTS, cvget
from .intrinsics import infer_dual_type, make_dual, make_hyperdual
from .partials import vget
from .registry import OVERLOAD
from .types import ComplexPartialsType, DualType, HyperDualType, PartialsType, is_complex_dual, \
    is_dual

@overload(_scalar.Dual, strict=False, **OVERLOAD)
def _dual_ctor(value, partials, tag=0):
    if infer_dual_type(value, partials) is not None:
        def impl(value, partials, tag=0):
            return make_dual(value, partials)
        return impl


@overload(_scalar.HyperDual, strict=False, **OVERLOAD)
def _hyper_ctor(re, eps1=0.0, eps2=0.0, eps1eps2=0.0, tag=0):
    def impl(re, eps1=0.0, eps2=0.0, eps1eps2=0.0, tag=0):
        return make_hyperdual(re, eps1, eps2, eps1eps2)
    return impl


def _get(v):
    return cvget if isinstance(v, ComplexPartialsType) else vget


@overload_attribute(DualType, "eps", **OVERLOAD)
def _dual_eps(d):
    if d.n == 1:
        return lambda d: d.partials
    get = _get(d.partials_type)
    return lambda d: get(d.partials, 0)


@overload_attribute(DualType, "n", **OVERLOAD)
def _dual_n(d):
    n = d.n
    return lambda d: n


@overload_method(DualType, "partial", **OVERLOAD)
def _dual_partial(d, i):
    """d.partial(i): partial i (for N == 1, i must be 0)."""
    if d.n == 1:
        return lambda d, i: d.partials
    get = _get(d.partials_type)
    return lambda d, i: get(d.partials, i)


@overload(operator.getitem, **OVERLOAD)
def _partials_getitem(v, i):
    if isinstance(v, (PartialsType, ComplexPartialsType)) and isinstance(i, types.Integer):
        get = _get(v)
        return lambda v, i: get(v, i)


@overload(len, **OVERLOAD)
def _partials_len(v):
    if isinstance(v, (PartialsType, ComplexPartialsType)):
        n = v.n
        return lambda v: n


# ------------------------------------------------------ complex parts ---

def _part_impl(which):
    """The impl of part ``which`` of a dual x (None for anything else)."""
    def impl_of(x):
        if is_complex_dual(x):
            fn = COMPLEX_PARTS[which]
            return lambda x: fn(x)
        if is_dual(x):
            return (lambda x: x * 0.0) if which == "imag" else (lambda x: x)
    return impl_of


for _cls in (DualType, HyperDualType):
    overload_attribute(_cls, "real", **OVERLOAD)(_part_impl("real"))
    overload_attribute(_cls, "imag", **OVERLOAD)(_part_impl("imag"))
    overload_method(_cls, "conjugate", **OVERLOAD)(_part_impl("conj"))
    overload_method(_cls, "conj", **OVERLOAD)(_part_impl("conj"))
for _fn, _which in ((np.real, "real"), (np.imag, "imag"), (np.conjugate, "conj")):
    overload(_fn, strict=False, **OVERLOAD)(_part_impl(_which))


# ----------------------------------------- conversions that lose information --

# These refusals raise TypeError, not numba's TypingError: numba collects a
# TypingError of an overload among the messages of every candidate it tried
# (float() has six), burying dualad's; an exception that is not numba's own
# stops the typing and reaches the user as it is, as float(dual) does in Python
# (numba/core/types/functions.py, BaseFunction.get_call_type).
def _refuse(what):
    def typer(x, *args):
        if is_dual(x):
            raise TypeError(
                f"dualad: {what}() of a {x.short} would drop its derivative. Read the value "
                "explicitly (d.value, h.re) or keep computing with the dual")
    return typer


overload(float, **OVERLOAD)(_refuse("float"))
overload(int, **OVERLOAD)(_refuse("int"))
overload(bool, **OVERLOAD)(_refuse("bool"))


@overload(operator.setitem, **OVERLOAD)
def _store_dual_in_real_array(arr, idx, val):
    if isinstance(val, types.Array):
        val = val.dtype
    if isinstance(arr, types.Array) and is_dual(val) and not is_dual(arr.dtype):
        raise TypeError(
            f"dualad: storing a {val.short} into an array of {arr.dtype} would drop its "
            "derivative. Store d.value explicitly, or allocate the output from the "
            "input (np.empty_like(x)) so that it holds duals")
