"""NumPy's protocols on the scalar dual types: ``np.sin(d)``, ``np.add(d, 2.0)``.

A ufunc with a rule applies it (NumPy semantics: a domain error gives nan,
not an exception); arithmetic and comparison ufuncs call the operators; an
array among the operands hands the call to the array type, through
``ARRAY_HOOKS`` (filled by ``dualad._numbers.array``, which sits above this
module).
"""
import operator

import numpy as np

from .._core.base import DualNumber, is_real_scalar, ufunc_name
from .._rules import FUNCTIONS
from .._rules.scipy_special import scipy_function, special_call, ufunc_rule
from .components import _numpy_semantics, _value_of, is_scalar_dual

ARRAY_HOOKS = {}
"""'ufunc', 'function': the array type's fallbacks; 'promote': a scalar dual as a 0-d array."""

_ARITH_UFUNCS = {
    np.add: "__add__", np.subtract: "__sub__", np.multiply: "__mul__",
    np.divide: "__truediv__", np.true_divide: "__truediv__",
    np.floor_divide: "__floordiv__", np.remainder: "__mod__",
    np.power: "__pow__", np.float_power: "__pow__",
}
_COMPARE_UFUNCS = {
    np.less: "__lt__", np.less_equal: "__le__", np.greater: "__gt__",
    np.greater_equal: "__ge__", np.equal: "__eq__", np.not_equal: "__ne__",
}
_VALUE_UFUNCS = (np.isnan, np.isfinite, np.isinf, np.signbit)


def scalar_array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``__array_ufunc__`` of the scalar dual types."""
    if method != "__call__" or kwargs:
        return NotImplemented
    if len(inputs) == 1 and inputs[0] is self:
        if ufunc is np.conjugate:  # the scalar types' own complex parts (guides/complex.md)
            return self.conjugate()
        if ufunc is np.absolute:   # |z| = hypot(re, im) of a complex dual, else the fabs rule
            return abs(self)
    rule = ufunc_rule(ufunc)
    if rule is not None and len(inputs) == 1 and inputs[0] is self:
        # NumPy semantics: a domain error gives nan (with NumPy's warning), not
        # an exception; only the failing case pays for the NumPy scalars.
        try:
            return self._apply1(rule)
        except (ValueError, ZeroDivisionError, OverflowError):
            return scipy_function(rule)(_numpy_semantics(self))
    if any(isinstance(i, (np.ndarray, list)) for i in inputs) or any(
            isinstance(i, DualNumber) and i._rank > 1 for i in inputs):
        scalars = _zero_d_as_scalars(inputs)
        if scalars is not None:
            return scalar_array_ufunc(self, ufunc, method, *scalars)
        return ARRAY_HOOKS["ufunc"](ufunc, inputs)
    if ufunc in _VALUE_UFUNCS:
        return ufunc(*(_value_of(i) for i in inputs))
    name = _COMPARE_UFUNCS.get(ufunc)
    if name is not None:
        # operator.__lt__ & co., not float.__lt__: that one returns
        # NotImplemented for a NumPy scalar operand
        return np.bool_(getattr(operator, name)(_value_of(inputs[0]), _value_of(inputs[1])))
    try:
        return _scalar_ufunc(ufunc, rule, inputs)
    except (ValueError, ZeroDivisionError, OverflowError):
        return _scalar_ufunc(ufunc, rule, tuple(_numpy_semantics(i) for i in inputs))


def scalar_array_function(self, func, types, args, kwargs):
    """``__array_function__`` of the scalar dual types."""
    # np.stack([d1, d2]), np.dot(A, d), ...: DualArray's rules, never an
    # object array of duals (see dualad._numbers.array).
    return ARRAY_HOOKS["function"](self, func, types, args, kwargs)


def _zero_d_as_scalars(inputs):
    """inputs with 0-d real arrays as NumPy scalars; None if any other array is among them.

    A NumPy scalar compared with a dual (``np.float64(1) < d``) reaches
    ``__array_ufunc__`` as a 0-d array.
    """
    out = []
    for i in inputs:
        if isinstance(i, (np.ndarray, list)):
            if type(i) is not np.ndarray or i.ndim != 0 or i.dtype.kind not in "biuf":
                return None
            i = i[()]
        elif isinstance(i, DualNumber) and i._rank > 1:
            return None
        out.append(i)
    return tuple(out)


def _scalar_ufunc(ufunc, rule, inputs):
    """A NumPy ufunc on scalar duals (and real scalars)."""
    name = _ARITH_UFUNCS.get(ufunc)
    if name is not None:
        a, b = inputs
        if is_scalar_dual(a):
            return getattr(a, name)(b)
        return getattr(b, "__r" + name[2:])(a)
    if ufunc is np.negative:
        return -inputs[0]
    if ufunc is np.positive:
        return inputs[0]
    if ufunc is np.square:
        return inputs[0] * inputs[0]
    if ufunc is np.reciprocal:
        return 1.0 / inputs[0]
    if rule is None and ufunc in ARRAY_HOOKS.get("composite", ()):
        # logaddexp & co., written with other rules by the array type: on 0-d arrays
        out = ARRAY_HOOKS["ufunc"](ufunc, inputs)
        return tuple(o[()] for o in out) if isinstance(out, tuple) else out[()]
    special = special_call(ufunc) if rule is None else None
    if special is not None:  # sici, betainc: not one rule each
        return special(*inputs)
    if rule is None:
        raise TypeError(
            f"dualad has no derivative rule for {ufunc_name(ufunc)}; "
            "register one with da.register(func, derivs) or write the "
            "function with dualad's elementary functions (the functions with rules "
            "are listed in docs/rules.md)")
    return scipy_function(rule)(*inputs)


def _not_scalar_operands(rule, x, y):
    if any(isinstance(v, (np.ndarray, list, tuple)) or getattr(v, "_rank", 0) > 1
           for v in (x, y)):
        # An array operand: only the scalar duals become (0-d) DualArrays; the
        # arrays stay constants.
        promote = ARRAY_HOOKS["promote"]
        return FUNCTIONS[rule.name](*(promote(v) if is_scalar_dual(v) else v for v in (x, y)))
    for name, v in zip(rule.argnames, (x, y)):
        if not (isinstance(v, DualNumber) or is_real_scalar(v)):
            raise TypeError(f"{rule.name}() argument {name!r} must be a real number, "
                            f"a dual number or an array, got {type(v).__name__}")
    raise TypeError(f"{rule.name}(): cannot combine {type(x).__name__} and {type(y).__name__}")
