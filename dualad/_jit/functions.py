"""Elementary functions inside numba, generated from the rule table.

One loop over ``dualad._rules.RULES`` registers, for each rule:

* dualad's own function (``da.sin``, the name the ladders call): reals lower
  to the plain math/NumPy implementation, duals apply the rule;
* ``math.<name>`` (and ``math.log(x, base)``) for duals;
* the NumPy ufuncs listed in the rule (``np.log`` included), for scalar duals;

and ``da.where``, ``da.polygamma``, ``da.digamma``. Applying a rule =
evaluating its ladder on the primal (a float, or a dual for nested numbers)
and handing (f, f', f'') to the number type's chain rule
(``compiled_ladders.unary_impl``). The builtins and operators that go
through rules are in ``builtins``, the other NumPy ufuncs (and the refusal of
functions with no rule) in ``ufuncs``.
"""
import cmath
import functools
import math

import numpy as np
from numba.core import types
from numba.extending import overload

from .. import _rules
from .._rules import elementary as _elementary, ladders as _ladders, special as _special
from .calculus import calculus_of
from .compiled_ladders import (COMPLEX_PRIMITIVES, FLOAT_LADDERS, PARTIAL_LADDERS, binary_impl,
                               unary_impl)
from .floats import float_impl, real_binary, real_unary, tofloat
from .registry import OVERLOAD, inline_body, jitable
from .types import is_complex_dual, is_constant, is_dual, is_real


def unary_rule_typer(rule, handle_reals):
    """The typer of a one-argument rule (reals too if ``handle_reals``)."""
    ladder = rule.ladder
    float_ladder = FLOAT_LADDERS[rule.name]
    fimpl = float_impl(rule)

    cimpl = COMPLEX_PRIMITIVES.get(rule.name)  # on a complex scalar (nested ladders)

    def typer(x):
        if is_real(x):
            return real_unary(fimpl) if handle_reals else None
        if isinstance(x, types.Complex):
            return (lambda x: cimpl(x)) if handle_reals and cimpl is not None else None
        return unary_impl(ladder, x, rule, float_ladder)
    return typer


def binary_rule_typer(rule, handle_reals, selfcall):
    """The typer of a two-argument rule; ``selfcall`` re-enters after a float conversion."""
    generic = (rule.ladder,) + PARTIAL_LADDERS[rule.name]
    floats = FLOAT_LADDERS[rule.name]
    fimpl = float_impl(rule)

    def typer(x, y):
        if is_real(x) and is_real(y):
            return real_binary(fimpl) if handle_reals else None
        return binary_impl(generic, floats, x, y, selfcall, rule)
    return typer


def _rule_typer(rule, handle_reals, selfcall):
    if rule.arity == 1:
        return unary_rule_typer(rule, handle_reals)
    return binary_rule_typer(rule, handle_reals, selfcall)


def _math_reals_missing(name):
    # numba types these math functions for floats itself; others we provide.
    return name in ("cbrt", "fmod")


def _complex_abs(x):
    # |z| = hypot(re, im): d|z| = Re(conj(z) dz) / |z|, 0 at 0 (the Python path's)
    return _hypot(x.real, x.imag)


def abs_typer(fallback):
    """abs(x), np.abs(x): |z| of a complex dual, else ``fallback`` (the fabs rule's)."""
    def typer(x):
        if is_complex_dual(x):
            return _complex_abs
        return fallback(x)
    return typer


def real_math(name, typer):
    """``typer`` of a ``math`` function, refusing complex duals as ``math`` refuses
    complex numbers (in Python and in numba): cmath and NumPy take them."""
    @functools.wraps(typer)  # numba reads the typer's signature (through __wrapped__)
    def checked(*args):
        for a in args:
            if is_complex_dual(a):
                # a TypeError, not numba's: it reaches the user as it is (see attributes)
                raise TypeError(f"dualad: {name}() takes real numbers, got a complex "
                                f"{a.short}; use cmath.{name[5:]} or the NumPy function")
        return typer(*args)
    return checked


def _register_rule(rule, public):
    """dualad's function, math.<name>, cmath.<name> and the rule's NumPy ufuncs."""
    overload(public, strict=False, **OVERLOAD)(_rule_typer(rule, True, public))
    if rule.holomorphic and hasattr(cmath, rule.name) and rule.name != "log":
        # duals only (numba has cmath for complex and real scalars)
        overload(getattr(cmath, rule.name), strict=False, **OVERLOAD)(
            _rule_typer(rule, False, public))
    if hasattr(math, rule.name) and rule.name not in ("pow", "log"):
        # math.pow and math.log are registered below (duals only; log with a base).
        overload(getattr(math, rule.name), strict=False, **OVERLOAD)(real_math(
            f"math.{rule.name}", _rule_typer(rule, _math_reals_missing(rule.name), public)))
    for u in rule.ufuncs:
        typer = _rule_typer(rule, False, public)
        overload(getattr(np, u), strict=False, **OVERLOAD)(
            abs_typer(typer) if u == "absolute" else typer)


_hypot = _rules.FUNCTIONS["hypot"]
_atan2 = _rules.FUNCTIONS["atan2"]
jitable(_complex_abs)
_log_e = _elementary.log_e        # dualad's one-argument log
_log_e_typer = unary_rule_typer(_rules.RULES_BY_NAME["log"], False)
for _rule in _rules.RULES:
    # dualad's log takes an optional base (below); its rule is the one-argument log_e.
    _register_rule(_rule, _log_e if _rule.name == "log" else _rules.FUNCTIONS[_rule.name])


# ------------------------------------------------------------------ log ---

_log_base_fn = _rules.FUNCTIONS["log_base"]


def no_argument(arg):
    """True where an optional argument was not given (None or omitted)."""
    return arg is None or isinstance(arg, (types.NoneType, types.Omitted))


def _log_typer(reals):
    def typer(x, base=None):
        if no_argument(base):
            if is_dual(x):
                # the one-argument log's impl inlined: no wrapper unit of its own
                body = inline_body(_log_e_typer(x))

                def impl(x, base=None):
                    return body(x)
                return impl
            if reals and (is_real(x) or isinstance(x, types.Complex)):
                def impl(x, base=None):
                    return _log_e(x)
                return impl
            return None
        # numba has no two-argument math.log for floats: provided here too.
        if is_dual(x) or is_dual(base) or (is_real(x) and is_real(base)):
            def impl(x, base=None):
                return _log_base_fn(x, base)
            return impl
    return typer


overload(_rules.FUNCTIONS["log"], strict=False, **OVERLOAD)(_log_typer(True))
overload(math.log, strict=False, **OVERLOAD)(real_math("math.log", _log_typer(False)))


@overload(cmath.log, strict=False, **OVERLOAD)
def _cmath_log(x, base=None):
    if is_dual(x) or is_dual(base):
        return _log_typer(False)(x, base)


@overload(cmath.phase, strict=False, **OVERLOAD)
def _cmath_phase(x):
    """phase(z) = atan2(z.imag, z.real) (a real dual has phase 0 or pi, constant)."""
    if is_dual(x):
        return lambda x: _atan2(x.imag, x.real)


# math.pow: duals only (numba has the float version).
overload(math.pow, strict=False, **OVERLOAD)(real_math("math.pow", binary_rule_typer(
    _rules.RULES_BY_NAME["pow"], False, _rules.FUNCTIONS["pow"])))


# ----------------------------------------------------- where, polygamma ---

@overload(_rules.where, strict=False, **OVERLOAD)
def _where(cond, a, b):
    if isinstance(cond, (types.Boolean, types.Integer)) and \
            (is_constant(a) or is_dual(a)) and (is_constant(b) or is_dual(b)):
        def impl(cond, a, b):
            return a if cond else b
        return impl


_polygamma_float = _special.polygamma_float
_polygamma_ladder = _ladders._polygamma


@overload(_rules.polygamma, strict=False, **OVERLOAD)
def _da_polygamma(n, x):
    if not isinstance(n, types.Integer):
        return None
    if is_real(x):
        return lambda n, x: _polygamma_float(n, tofloat(x))
    calc = calculus_of(x)
    if calc is not None:
        chain = calc.chain

        def impl(n, x):
            f0, f1, f2 = _polygamma_ladder(n, x.value)
            return chain(x, f0, f1, f2)
        return impl


if hasattr(_rules, "digamma"):
    @overload(_rules.digamma, strict=False, **OVERLOAD)
    def _da_digamma(x):
        if is_real(x) or is_dual(x):
            return lambda x: _rules.polygamma(0, x)
