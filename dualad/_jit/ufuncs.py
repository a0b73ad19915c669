"""NumPy ufuncs and math functions on scalar duals beyond the rule table's.

The arithmetic ufuncs (``np.add``, ``np.square``, ``np.reciprocal``, the
comparisons, ...) map to the operators, ``np.logaddexp``/``logaddexp2`` to
the table's rules; ``np.isnan``/``isfinite``/``isinf``/
``signbit`` and their ``math`` twins test the value. Every other ufunc and
``math`` function refuses a dual at compile time with a message saying how
to register a rule (the rules' own ufuncs are in ``functions``).
"""
import math
import operator

import numpy as np
from numba.core import types
from numba.core.errors import TypingError
from numba.extending import overload

from .. import _rules
from .intrinsics import innermost
from .operands import classify
from .registry import OVERLOAD, jitable
from .types import is_dual


def no_rule_message(what):
    return (f"dualad has no derivative rule for {what}. Register one with "
            "da.register(func, derivs) (or decorate your own function with "
            "@da.custom_derivative(derivs)), or write it with dualad's elementary "
            "functions")


# ------------------------------------------------ NumPy ufunc arithmetic ---

def _ufunc_as(fn, arity):
    if arity == 1:
        def typer(x):
            if is_dual(x):
                return lambda x: fn(x)
    else:
        def typer(x, y):
            if (is_dual(x) or is_dual(y)) and classify(x, y) is not None:
                return lambda x, y: fn(x, y)
    return typer


def _square(x):
    return x * x


def _reciprocal(x):
    return 1.0 / x


def _softplus(d):
    return np.log1p(np.exp(d))


_LN2 = math.log(2.0)


def _logaddexp(x, y):
    # from the larger argument (by value), as the Python path: each branch is
    # smooth, so at a tie the derivative is 1/2 each, never a one-sided one
    if x >= y:
        return x + _softplus(y - x)
    return y + _softplus(x - y)


def _logaddexp2(x, y):
    if x >= y:
        return x + _softplus((y - x) * _LN2) / _LN2
    return y + _softplus((x - y) * _LN2) / _LN2


for _f in (_square, _reciprocal, _softplus, _logaddexp, _logaddexp2):
    jitable(_f)

UFUNC_ALIASES = {
    np.add: (operator.add, 2), np.subtract: (operator.sub, 2),
    np.multiply: (operator.mul, 2), np.divide: (operator.truediv, 2),
    np.negative: (operator.neg, 1), np.positive: (operator.pos, 1),
    np.square: (_square, 1), np.reciprocal: (_reciprocal, 1),
    np.less: (operator.lt, 2), np.less_equal: (operator.le, 2),
    np.greater: (operator.gt, 2), np.greater_equal: (operator.ge, 2),
    np.equal: (operator.eq, 2), np.not_equal: (operator.ne, 2),
    # written with the table's rules (as the Python path's composite ufuncs)
    np.logaddexp: (_logaddexp, 2), np.logaddexp2: (_logaddexp2, 2),
}
for _uf, (_fn, _ar) in UFUNC_ALIASES.items():
    overload(_uf, strict=False, **OVERLOAD)(_ufunc_as(_fn, _ar))


def _value_test(test):
    def typer(x):
        if is_dual(x):
            return lambda x: test(innermost(x))
    return typer


VALUE_TESTS = (np.isnan, np.isfinite, np.isinf, np.signbit)
for _t in VALUE_TESTS + (math.isnan, math.isfinite, math.isinf):
    overload(_t, strict=False, **OVERLOAD)(_value_test(_t))


# ----------------------------------------------------- functions with no rule --

def _holds_duals(t):
    return is_dual(t) or (isinstance(t, types.Array) and is_dual(t.dtype))


def _refuse_typer(what):
    def typer(*args):
        if any(_holds_duals(a) for a in args):
            raise TypingError(no_rule_message(what))
    return typer


_HANDLED_UFUNCS = {getattr(np, u) for r in _rules.RULES for u in r.ufuncs} | \
    set(UFUNC_ALIASES) | set(VALUE_TESTS)
for _name in sorted(dir(np)):
    _uf = getattr(np, _name)
    if isinstance(_uf, np.ufunc) and _uf not in _HANDLED_UFUNCS and _uf.__name__ == _name:
        overload(_uf, strict=False, **OVERLOAD)(_refuse_typer(f"numpy.{_name}"))
        _HANDLED_UFUNCS.add(_uf)

_HANDLED_MATH = {r.name for r in _rules.RULES} | {"log", "isnan", "isfinite", "isinf"}
for _name in sorted(dir(math)):
    _fn = getattr(math, _name)
    if callable(_fn) and not _name.startswith("_") and _name not in _HANDLED_MATH:
        overload(_fn, strict=False, **OVERLOAD)(_refuse_typer(f"math.{_name}"))
