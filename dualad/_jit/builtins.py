"""Python's builtins and operators that go through the rule table, for duals:
``**`` (and ``**=``), ``//``, ``%``, ``abs``, ``round``, ``min``, ``max``.

``x ** n`` for an integer ``n`` (a compile-time constant or not) applies the
integer-power ladders through the type's chain rule; every other power is
the ``pow`` rule.
"""
import operator

from numba.core import types
from numba.extending import overload

from .. import _rules
from .calculus import calculus_of
from .compiled_ladders import ipow_ladder, literal_pow_ladder
from .functions import abs_typer, binary_rule_typer, no_argument, unary_rule_typer
from .registry import OVERLOAD
from .types import is_complex_dual, is_dual


def _binary(name):
    """The typer of the binary rule ``name`` for duals (numba has the reals)."""
    return binary_rule_typer(_rules.RULES_BY_NAME[name], False, _rules.FUNCTIONS[name])


_pow_typer = _binary("pow")


def _int_pow_impl(x, y):
    chain = calculus_of(x).chain
    if isinstance(y, types.IntegerLiteral) and y.literal_value >= 0:
        ladder = literal_pow_ladder(y.literal_value)

        def impl(x, y):
            f0, f1, f2 = ladder(x.value)
            return chain(x, f0, f1, f2)
        return impl

    def impl(x, y):
        f0, f1, f2 = ipow_ladder(x.value, y)
        return chain(x, f0, f1, f2)
    return impl


def _operator_pow(x, y):
    if is_dual(x) and isinstance(y, types.Integer) and not (is_complex_dual(x) and not (
            isinstance(y, types.IntegerLiteral) and y.literal_value >= 0)):
        return _int_pow_impl(x, y)
    # complex duals: z ** n is products for a literal n >= 0, else the pow rule
    return _pow_typer(x, y)


overload(operator.pow, prefer_literal=True, **OVERLOAD)(_operator_pow)
overload(operator.ipow, prefer_literal=True, **OVERLOAD)(_operator_pow)

for _name, _ops in (("floordiv", (operator.floordiv, operator.ifloordiv)),
                    ("mod", (operator.mod, operator.imod))):
    for _op in _ops:
        overload(_op, **OVERLOAD)(_binary(_name))

_fabs_typer = unary_rule_typer(_rules.RULES_BY_NAME["fabs"], False)
_max_typer = _binary("maximum")
_min_typer = _binary("minimum")
_ROUND_FN = _rules.FUNCTIONS["round"]


overload(abs, **OVERLOAD)(abs_typer(_fabs_typer))


@overload(round, strict=False, **OVERLOAD)
def _round(x, ndigits=None):
    if not is_dual(x):
        return None
    if no_argument(ndigits):
        def wrapped(x, ndigits=None):
            return _ROUND_FN(x)
        return wrapped
    if isinstance(ndigits, types.Integer):
        def wrapped(x, ndigits=None):
            scale = 10.0 ** ndigits
            return _ROUND_FN(x * scale) / scale
        return wrapped


@overload(max, strict=False, **OVERLOAD)
def _max(a, b):
    # Ties give the first argument's derivative, as Python's max returns it.
    return _max_typer(a, b)


@overload(min, strict=False, **OVERLOAD)
def _min(a, b):
    return _min_typer(a, b)
