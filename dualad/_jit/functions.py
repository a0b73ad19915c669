"""Elementary functions inside numba, generated from the rule table.

One loop over ``dualad._rules.RULES`` registers, for each rule:

* dualad's own function (``da.sin``, the name the ladders call): reals lower
  to the plain math/NumPy implementation, duals apply the rule;
* ``math.<name>`` (and ``math.log(x, base)``) for duals;
* the NumPy ufuncs listed in the rule, for scalar duals;

and, for builtins, ``abs``, ``round``, ``min``/``max`` and ``**``, ``//``,
``%``. Applying a rule = evaluating its ladder on the primal (a float, or a
dual for nested numbers) and handing (f, f', f'') to the number type's chain
rule. Functions with no rule fail at compile time with a message saying how
to register one.
"""
import math
import operator

import numpy as np
from numba.core import types
from numba.core.errors import TypingError
from numba.extending import overload

from .. import _rules
from .._rules import elementary as _elementary, ladders as _ladders, special as _special
from .intrinsics import (const_like, convert, dual_like, float_cbrt, float_ceil, float_floor,
                         float_fmod, float_rint, float_sign, float_trunc, hyper_like,
                         innermost)
from .operators import GENERIC, classify, dual2_chain, dual2_chain2, jitable
from .types import Dual2Type, DualType, HyperDualType, is_dual, is_real



def no_rule_message(what):
    return (f"dualad has no derivative rule for {what}. Register one with "
            "da.register(func, derivs) (or decorate your own function with "
            "@da.custom_derivative(derivs)), or write it with dualad's elementary "
            "functions")


# ------------------------------------------------------------ chain rules --

def unary_impl(ladder, x):
    """The impl applying a unary ladder to the dual x (None if x is no dual)."""
    if isinstance(x, DualType):
        def impl(x):
            f0, f1, f2 = ladder(x.value)
            return dual_like(x, f0, x.partials * f1)
        return impl
    if isinstance(x, HyperDualType):
        def impl(x):
            f0, f1, f2 = ladder(x.re)
            e1 = x.eps1
            e2 = x.eps2
            return hyper_like(x, f0, f1 * e1, f1 * e2, f1 * x.eps1eps2 + f2 * e1 * e2)
        return impl
    if isinstance(x, Dual2Type):
        def impl(x):
            f0, f1, f2 = ladder(x.value)
            return dual2_chain(x, f0, f1, f2)
        return impl
    return None


def _dual2_binary_impl(ladder, ladder_x, ladder_y, kind):
    """binary_impl for Dual2 operands (kind as classify gives it, types already equal)."""
    if kind == "same":
        def impl(x, y):
            f, fx, fy, fxx, fxy, fyy = ladder(x.value, y.value)
            return dual2_chain2(x, y, f, fx, fy, fxx, fxy, fyy)
    elif kind == "left":
        def impl(x, y):
            f0, f1, f2 = ladder_x(x.value, const_like(y, x))
            return dual2_chain(x, f0, f1, f2)
    else:
        def impl(x, y):
            f0, f1, f2 = ladder_y(const_like(x, y), y.value)
            return dual2_chain(y, f0, f1, f2)
    return impl


def binary_impl(generic, on_floats, x, y, selfcall):
    """The impl applying a binary rule where x or y is a dual, else None.

    ``generic`` and ``on_floats`` are (ladder, ladder_x, ladder_y) for duals
    over duals and over floats.
    """
    k = classify(x, y)
    if k is None:
        return None
    kind, T = k
    ladder, ladder_x, ladder_y = on_floats if isinstance(T.base, types.Float) else generic
    if kind == "same":
        if x != T or y != T:
            def impl(x, y):
                return selfcall(convert(x, T), convert(y, T))
            return impl
        if isinstance(T, Dual2Type):
            return _dual2_binary_impl(ladder, ladder_x, ladder_y, kind)
        if isinstance(T, DualType):
            def impl(x, y):
                f, fx, fy, fxx, fxy, fyy = ladder(x.value, y.value)
                return dual_like(x, f, x.partials * fx + y.partials * fy)
            return impl

        def impl(x, y):
            f, fx, fy, fxx, fxy, fyy = ladder(x.re, y.re)
            a1 = x.eps1
            a2 = x.eps2
            b1 = y.eps1
            b2 = y.eps2
            return hyper_like(x, f, fx * a1 + fy * b1, fx * a2 + fy * b2,
                              fx * x.eps1eps2 + fy * y.eps1eps2 + fxx * a1 * a2
                              + fxy * (a1 * b2 + a2 * b1) + fyy * b1 * b2)
        return impl
    if isinstance(T, Dual2Type):
        return _dual2_binary_impl(ladder, ladder_x, ladder_y, kind)
    if kind == "left":
        if isinstance(T, DualType):
            def impl(x, y):
                f0, f1, f2 = ladder_x(x.value, const_like(y, x))
                return dual_like(x, f0, x.partials * f1)
            return impl

        def impl(x, y):
            f0, f1, f2 = ladder_x(x.re, const_like(y, x))
            e1 = x.eps1
            e2 = x.eps2
            return hyper_like(x, f0, f1 * e1, f1 * e2, f1 * x.eps1eps2 + f2 * e1 * e2)
        return impl
    if isinstance(T, DualType):
        def impl(x, y):
            f0, f1, f2 = ladder_y(const_like(x, y), y.value)
            return dual_like(y, f0, y.partials * f1)
        return impl

    def impl(x, y):
        f0, f1, f2 = ladder_y(const_like(x, y), y.re)
        e1 = y.eps1
        e2 = y.eps2
        return hyper_like(y, f0, f1 * e1, f1 * e2, f1 * y.eps1eps2 + f2 * e1 * e2)
    return impl


# ---------------------------------------------------- float implementations --

def _floordiv(x, y):
    return x // y


def _mod(x, y):
    return x % y


def _log_base(x, b):
    return math.log(x) / math.log(b)


# Where math.<name> is missing in numba or returns an int (floor & co.). No
# NumPy ufuncs: these lower on every target (numba-cuda has no np.floor, ...),
# with the code numba generates for the ufuncs on the CPU.
_FLOAT_IMPL = {
    "floor": float_floor, "ceil": float_ceil, "trunc": float_trunc, "round": float_rint,
    "sign": float_sign, "cbrt": float_cbrt, "fmod": float_fmod, "pow": math.pow,
    "floordiv": jitable(_floordiv), "mod": jitable(_mod), "log_base": jitable(_log_base),
}


def _float_impl(rule):
    fn = _FLOAT_IMPL.get(rule.name)
    if fn is None:
        fn = getattr(math, rule.name, None)
    if fn is None:
        fn = jitable(rule.primal)
    return fn


def _tofloat(x):
    return x


@overload(_tofloat, **GENERIC)
def _tofloat_ov(x):
    if isinstance(x, types.Float):
        return lambda x: x
    if isinstance(x, (types.Integer, types.Boolean)):
        return lambda x: float(x)


def _real_unary(fimpl):
    def impl(x):
        return fimpl(_tofloat(x))
    return impl


def _real_binary(fimpl):
    def impl(x, y):
        return fimpl(_tofloat(x), _tofloat(y))
    return impl


# ------------------------------------------------------------ the table ---

def _compiled_partial_ladders(rule, ladder=None, lx=None, ly=None):
    """(ladder_x, ladder_y) of a binary rule, one argument constant.

    The table's defaults close over the Rule object, which numba cannot
    type; these close over the ladder function only.
    """
    if ladder is None:
        ladder = rule.ladder
        lx, ly = rule.ladder_x, rule.ladder_y
    if lx is None:
        def lx(x, c):
            f, fx, fy, fxx, fxy, fyy = ladder(x, c)
            return f, fx, fxx
    if ly is None:
        def ly(c, y):
            f, fx, fy, fxx, fxy, fyy = ladder(c, y)
            return f, fy, fyy
    return jitable(lx), jitable(ly)


PARTIAL_LADDERS = {}


def _register_ladders():
    for r in _rules.RULES:
        jitable(r.ladder)
        if r.arity == 2:
            PARTIAL_LADDERS[r.name] = _compiled_partial_ladders(r)
    jitable(_ladders._pow_nonzero_base)
    jitable(_ladders._polygamma)
    jitable(_special.polygamma_float)


_register_ladders()


# Float ladders: the table's ladder code re-bound to globals in which the
# elementary functions are numba's float implementations (math.sin,
# float_floor, ...), not dualad's generic functions. A Dual[float] then compiles its ladder
# without one overload layer per elementary call (a third of compile time).
# Same source, no code generation.

def _float_where(cond, a, b):
    return a if cond else b


def _float_ladders():
    primitives = {r.name: _float_impl(r) for r in _rules.RULES}
    primitives.update(log=math.log, where=jitable(_float_where),
                      polygamma=_special.polygamma_float)
    rebind = _ladders.rebinder(primitives, jitable)
    ladders = {}
    for r in _rules.RULES:
        lad = rebind(r.ladder)
        if r.arity == 1:
            ladders[r.name] = lad
        else:
            ladders[r.name] = (lad,) + _compiled_partial_ladders(
                r, lad, rebind(r.ladder_x), rebind(r.ladder_y))
    return ladders


FLOAT_LADDERS = _float_ladders()


def _ipow_ladder(v, n):
    """Ladder of v**n for an integer n: repeated products, as numba does for floats."""
    if n >= 2:
        xm2 = v ** (n - 2)
        xm1 = xm2 * v
        return xm1 * v, n * xm1, (n * (n - 1)) * xm2
    return _ladders._pow_x(v, float(n))


jitable(_ipow_ladder)


def _on_floats(t):
    return is_dual(t) and isinstance(t.base, types.Float)


def _unary_rule_typer(rule, handle_reals):
    ladder = rule.ladder
    float_ladder = FLOAT_LADDERS[rule.name]
    fimpl = _float_impl(rule)

    def typer(x):
        if is_real(x):
            return _real_unary(fimpl) if handle_reals else None
        return unary_impl(float_ladder if _on_floats(x) else ladder, x)
    return typer


def _binary_rule_typer(rule, handle_reals, selfcall):
    generic = (rule.ladder,) + PARTIAL_LADDERS[rule.name]
    on_floats = FLOAT_LADDERS[rule.name]
    fimpl = _float_impl(rule)

    def typer(x, y):
        if is_real(x) and is_real(y):
            return _real_binary(fimpl) if handle_reals else None
        return binary_impl(generic, on_floats, x, y, selfcall)
    return typer


def _rule_typer(rule, handle_reals, selfcall):
    if rule.arity == 1:
        return _unary_rule_typer(rule, handle_reals)
    return _binary_rule_typer(rule, handle_reals, selfcall)


def _math_reals_missing(name):
    # numba types these math functions for floats itself; others we provide.
    return name in ("cbrt", "fmod")


for _rule in _rules.RULES:
    if _rule.name == "log":
        continue  # dualad's log takes an optional base: below
    _public = _rules.FUNCTIONS[_rule.name]
    overload(_public, strict=False, **GENERIC)(_rule_typer(_rule, True, _public))
    if hasattr(math, _rule.name) and _rule.name != "pow":
        _m = getattr(math, _rule.name)
        overload(_m, strict=False, **GENERIC)(
            _rule_typer(_rule, _math_reals_missing(_rule.name), _public))
    for _u in _rule.ufuncs:
        overload(getattr(np, _u), strict=False, **GENERIC)(_rule_typer(_rule, False, _public))

_LOG = _rules.RULES_BY_NAME["log"]
_log_e = _elementary.log_e        # dualad's one-argument log
_log_base_fn = _rules.FUNCTIONS["log_base"]
overload(_log_e, strict=False, **GENERIC)(_rule_typer(_LOG, True, _log_e))


def _no_base(base):
    return base is None or isinstance(base, (types.NoneType, types.Omitted))


def _log_typer(reals):
    def typer(x, base=None):
        if _no_base(base):
            if is_dual(x) or (reals and is_real(x)):
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


overload(_rules.FUNCTIONS["log"], strict=False, **GENERIC)(_log_typer(True))
overload(math.log, strict=False, **GENERIC)(_log_typer(False))


# math.pow: duals only (numba has the float version).
_POW = _rules.RULES_BY_NAME["pow"]
overload(math.pow, strict=False, **GENERIC)(_binary_rule_typer(_POW, False, _rules.FUNCTIONS["pow"]))


# ----------------------------------------------------- where, polygamma ---

@overload(_rules.where, strict=False, **GENERIC)
def _where(cond, a, b):
    if isinstance(cond, (types.Boolean, types.Integer)) and \
            (is_real(a) or is_dual(a)) and (is_real(b) or is_dual(b)):
        def impl(cond, a, b):
            return a if cond else b
        return impl


_polygamma_float = _special.polygamma_float


@overload(_rules.polygamma, strict=False, **GENERIC)
def _da_polygamma(n, x):
    if not isinstance(n, types.Integer):
        return None
    if is_real(x):
        return lambda n, x: _polygamma_float(n, _tofloat(x))
    if isinstance(x, DualType):
        def impl(n, x):
            f0, f1, f2 = _ladders._polygamma(n, x.value)
            return dual_like(x, f0, x.partials * f1)
        return impl
    if isinstance(x, HyperDualType):
        def impl(n, x):
            f0, f1, f2 = _ladders._polygamma(n, x.re)
            e1 = x.eps1
            e2 = x.eps2
            return hyper_like(x, f0, f1 * e1, f1 * e2, f1 * x.eps1eps2 + f2 * e1 * e2)
        return impl
    if isinstance(x, Dual2Type):
        def impl(n, x):
            f0, f1, f2 = _ladders._polygamma(n, x.value)
            return dual2_chain(x, f0, f1, f2)
        return impl


if hasattr(_rules, "digamma"):
    @overload(_rules.digamma, strict=False, **GENERIC)
    def _da_digamma(x):
        if is_real(x) or is_dual(x):
            return lambda x: _rules.polygamma(0, x)


# -------------------------------------------------------------- operators ---

_PUBLIC_POW = _rules.FUNCTIONS["pow"]
_pow_typer = _binary_rule_typer(_POW, False, _PUBLIC_POW)


_LITERAL_POW_LADDERS = {}


def _literal_pow_ladder(k):
    """Ladder of v**k for a compile-time integer k >= 0: products only.

    ``v ** km2`` with a constant exponent is numba's unrolled static power;
    the general ``_ipow_ladder`` keeps a squaring loop that stops LLVM from
    vectorising the caller (measured 8x slower for HyperDual).
    """
    lad = _LITERAL_POW_LADDERS.get(k)
    if lad is not None:
        return lad
    if k == 0:
        def lad(v):
            return 1.0, 0.0, 0.0
    elif k == 1:
        def lad(v):
            return v, 1.0, 0.0
    elif k == 2:
        def lad(v):
            return v * v, 2.0 * v, 2.0
    else:
        km2 = k - 2
        c1 = float(k)
        c2 = float(k * (k - 1))

        def lad(v):
            xm2 = v ** km2
            xm1 = xm2 * v
            return xm1 * v, c1 * xm1, c2 * xm2
    _LITERAL_POW_LADDERS[k] = jitable(lad)
    return lad


def _int_pow_impl(x, y):
    if isinstance(y, types.IntegerLiteral) and y.literal_value >= 0:
        ladder = _literal_pow_ladder(y.literal_value)
        if isinstance(x, Dual2Type):
            def impl(x, y):
                f0, f1, f2 = ladder(x.value)
                return dual2_chain(x, f0, f1, f2)
            return impl
        if isinstance(x, DualType):
            def impl(x, y):
                f0, f1, f2 = ladder(x.value)
                return dual_like(x, f0, x.partials * f1)
            return impl

        def impl(x, y):
            f0, f1, f2 = ladder(x.re)
            e1 = x.eps1
            e2 = x.eps2
            return hyper_like(x, f0, f1 * e1, f1 * e2, f1 * x.eps1eps2 + f2 * e1 * e2)
        return impl
    if isinstance(x, Dual2Type):
        def impl(x, y):
            f0, f1, f2 = _ipow_ladder(x.value, y)
            return dual2_chain(x, f0, f1, f2)
        return impl
    if isinstance(x, DualType):
        def impl(x, y):
            f0, f1, f2 = _ipow_ladder(x.value, y)
            return dual_like(x, f0, x.partials * f1)
        return impl

    def impl(x, y):
        f0, f1, f2 = _ipow_ladder(x.re, y)
        e1 = x.eps1
        e2 = x.eps2
        return hyper_like(x, f0, f1 * e1, f1 * e2, f1 * x.eps1eps2 + f2 * e1 * e2)
    return impl


def _operator_pow(x, y):
    if is_dual(x) and isinstance(y, types.Integer):
        return _int_pow_impl(x, y)
    return _pow_typer(x, y)


overload(operator.pow, prefer_literal=True, **GENERIC)(_operator_pow)
overload(operator.ipow, prefer_literal=True, **GENERIC)(_operator_pow)

for _name, _ops in (("floordiv", (operator.floordiv, operator.ifloordiv)),
                    ("mod", (operator.mod, operator.imod))):
    _r = _rules.RULES_BY_NAME[_name]
    for _op in _ops:
        overload(_op, **GENERIC)(_binary_rule_typer(_r, False, _rules.FUNCTIONS[_name]))

_fabs_typer = _unary_rule_typer(_rules.RULES_BY_NAME["fabs"], False)
_max_typer = _binary_rule_typer(_rules.RULES_BY_NAME["maximum"], False,
                                _rules.FUNCTIONS["maximum"])
_min_typer = _binary_rule_typer(_rules.RULES_BY_NAME["minimum"], False,
                                _rules.FUNCTIONS["minimum"])
_ROUND_FN = _rules.FUNCTIONS["round"]


@overload(abs, **GENERIC)
def _abs(x):
    return _fabs_typer(x)


@overload(round, strict=False, **GENERIC)
def _round(x, ndigits=None):
    if not is_dual(x):
        return None
    if _no_base(ndigits):
        def wrapped(x, ndigits=None):
            return _ROUND_FN(x)
        return wrapped
    if isinstance(ndigits, types.Integer):
        def wrapped(x, ndigits=None):
            scale = 10.0 ** ndigits
            return _ROUND_FN(x * scale) / scale
        return wrapped


@overload(max, strict=False, **GENERIC)
def _max(a, b):
    # Ties give the first argument's derivative, as Python's max returns it.
    return _max_typer(a, b)


@overload(min, strict=False, **GENERIC)
def _min(a, b):
    return _min_typer(a, b)


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


jitable(_square)
jitable(_reciprocal)

_UFUNC_ALIASES = {
    np.add: (operator.add, 2), np.subtract: (operator.sub, 2),
    np.multiply: (operator.mul, 2), np.divide: (operator.truediv, 2),
    np.negative: (operator.neg, 1), np.positive: (operator.pos, 1),
    np.square: (_square, 1), np.reciprocal: (_reciprocal, 1),
    np.less: (operator.lt, 2), np.less_equal: (operator.le, 2),
    np.greater: (operator.gt, 2), np.greater_equal: (operator.ge, 2),
    np.equal: (operator.eq, 2), np.not_equal: (operator.ne, 2),
}
for _uf, (_fn, _ar) in _UFUNC_ALIASES.items():
    overload(_uf, strict=False, **GENERIC)(_ufunc_as(_fn, _ar))


def _value_test(test):
    def typer(x):
        if is_dual(x):
            return lambda x: test(innermost(x))
    return typer


for _t in (np.isnan, np.isfinite, np.isinf, np.signbit, math.isnan, math.isfinite,
           math.isinf):
    overload(_t, strict=False, **GENERIC)(_value_test(_t))


# ----------------------------------------------------- functions with no rule --

def _refuse_typer(what):
    def typer(*args):
        if any(is_dual(a) for a in args):
            raise TypingError(no_rule_message(what))
    return typer


_HANDLED_UFUNCS = {getattr(np, u) for r in _rules.RULES for u in r.ufuncs} | \
    set(_UFUNC_ALIASES) | {np.isnan, np.isfinite, np.isinf, np.signbit}
for _name in sorted(dir(np)):
    _uf = getattr(np, _name)
    if isinstance(_uf, np.ufunc) and _uf not in _HANDLED_UFUNCS and _uf.__name__ == _name:
        overload(_uf, strict=False, **GENERIC)(_refuse_typer(f"numpy.{_name}"))
        _HANDLED_UFUNCS.add(_uf)

_HANDLED_MATH = {r.name for r in _rules.RULES} | {"log", "isnan", "isfinite", "isinf"}
for _name in sorted(dir(math)):
    _fn = getattr(math, _name)
    if callable(_fn) and not _name.startswith("_") and _name not in _HANDLED_MATH:
        overload(_fn, strict=False, **GENERIC)(_refuse_typer(f"math.{_name}"))
