"""The rule table on compiled Taylor numbers: ``math.*``, ``np.*`` and ``da.*``.

Each rule with a compiled Taylor rule (``taylor_elementary``) gets an
overload of dualad's function, of ``math.<name>`` and of its NumPy ufuncs,
for Taylor arguments only (the dual types' overloads decline them, and these
decline duals); ``da.polygamma``/``da.digamma`` take Taylor numbers too.
Every rule of the table has one; a rule added to the table later without
one raises a typing error that names it, and ``da.derivative`` of a numba
function then falls back to nested duals.
"""
import math
import operator

import numpy as np
from numba.core import types
from numba.core.errors import NumbaTypeError
from numba.extending import overload

from .. import _rules
from .._rules import elementary as _elementary
from .functions import no_argument
from .registry import OVERLOAD
from .taylor_elementary import BINARY, UNARY, _log, _polygamma_t, _pow_any
from .taylor_ops import _same_or_const, t_constant
from .taylor_types import is_taylor


_log_base_fn = _rules.FUNCTIONS["log_base"]


def _binary_typer(name):
    impl = BINARY.get(name)

    def typer(x, y):
        kind = _same_or_const(x, y)
        if kind is not None and impl is None:
            raise NumbaTypeError(f"{name}() has no compiled Taylor rule yet; "
                                 "da.derivative(njit_f, order=k) falls back to nested duals")
        if kind == "same":
            return lambda x, y: impl(x, y)
        if kind == "left":
            return lambda x, y: impl(x, t_constant(x, float(y)))
        if kind == "right":
            return lambda x, y: impl(t_constant(y, float(x)), y)
    return typer


def _unary_typer(name):
    impl = UNARY.get(name)

    def typer(x, *rest):
        if not is_taylor(x) or rest:
            return None
        if impl is None:
            raise NumbaTypeError(
                f"{name}() has no compiled Taylor rule yet (compiled Taylor numbers have "
                f"{', '.join(sorted(UNARY))}, +, -, *, /, **); da.derivative(njit_f, order=k) "
                "falls back to nested duals, and da.taylor of a NumPy version of f runs every "
                "rule")
        return lambda x: impl(x)
    return typer


def _register():
    for rule in _rules.RULES:
        if rule.arity != 1:
            continue
        typer = _unary_typer(rule.name)
        public = _elementary.log_e if rule.name == "log" else _rules.FUNCTIONS[rule.name]
        overload(public, strict=False, **OVERLOAD)(typer)
        if hasattr(math, rule.name) and rule.name != "log":
            overload(getattr(math, rule.name), strict=False, **OVERLOAD)(typer)
        for u in rule.ufuncs:
            overload(getattr(np, u), strict=False, **OVERLOAD)(typer)

    for rule in _rules.RULES:
        if rule.arity != 2 or rule.name == "pow":
            continue
        typer = _binary_typer(rule.name)
        overload(_rules.FUNCTIONS[rule.name], strict=False, **OVERLOAD)(typer)
        if hasattr(math, rule.name):
            overload(getattr(math, rule.name), strict=False, **OVERLOAD)(typer)
        for u in rule.ufuncs:
            overload(getattr(np, u), strict=False, **OVERLOAD)(typer)
    overload(operator.floordiv, strict=False, **OVERLOAD)(_binary_typer("floordiv"))
    overload(operator.mod, strict=False, **OVERLOAD)(_binary_typer("mod"))

    def log_typer(x, base=None):
        if is_taylor(x) and no_argument(base):
            return lambda x, base=None: _log(x)
        if not no_argument(base) and _same_or_const(x, base) is not None:
            return lambda x, base=None: _log_base_fn(x, base)
    overload(math.log, strict=False, **OVERLOAD)(log_typer)
    overload(_rules.FUNCTIONS["log"], strict=False, **OVERLOAD)(log_typer)
    overload(abs, strict=False, **OVERLOAD)(_unary_typer("fabs"))

    def pow_typer(x, y):
        if _same_or_const(x, y) is not None:
            return lambda x, y: _pow_any(x, y)
    for fn in (operator.pow, operator.ipow, math.pow, _rules.FUNCTIONS["pow"], np.power):
        overload(fn, strict=False, **OVERLOAD)(pow_typer)

    def polygamma_typer(n, x):
        if isinstance(n, types.Integer) and is_taylor(x):
            return lambda n, x: _polygamma_t(n, x)
    overload(_rules.polygamma, strict=False, **OVERLOAD)(polygamma_typer)
    if hasattr(_rules, "digamma"):
        def digamma_typer(x):
            if is_taylor(x):
                return lambda x: _polygamma_t(0, x)
        overload(_rules.digamma, strict=False, **OVERLOAD)(digamma_typer)


def _where_typer(cond, a, b):
    """da.where(cond, a, b) on Taylor numbers: the branch's series, a real made a constant."""
    if not isinstance(cond, (types.Boolean, types.Integer)):
        return None
    kind = _same_or_const(a, b)
    if kind == "same":
        return lambda cond, a, b: a if cond else b
    if kind == "left":
        return lambda cond, a, b: a if cond else t_constant(a, float(b))
    if kind == "right":
        return lambda cond, a, b: t_constant(b, float(a)) if cond else b


overload(_rules.where, strict=False, **OVERLOAD)(_where_typer)
_register()
