"""The rule table: every elementary function, written once, as data.

Each ``Rule`` names a function, its arity, its float implementation (``math``
semantics), its NumPy ufuncs, a sampling domain for the tests and its
derivative *ladder*: a function of the primal argument(s) returning

* unary:  ``(f, f', f'')``
* binary: ``(f, f_x, f_y, f_xx, f_xy, f_yy)``

Ladders are plain arithmetic on dualad's own elementary functions (defined at
the bottom of this module from this same table), with no branches (selections
use ``where``). So one ladder serves floats, NumPy arrays, every dual type (at
any nesting depth: the ladder of a nested dual is evaluated on duals) and,
through ``register_jitable``, numba nopython and CUDA code.

Each number type knows only how to apply a ladder (its chain rule), so adding a
function is one entry here, and the Python methods, the NumPy ufunc support,
the numba overloads, the docs list and the tests all pick it up.

Numerical care: quotients never form b*b (the number types divide twice
instead), ``tanh'`` is ``sech**2`` from ``exp(-2|x|)`` (not ``1 - tanh**2``,
which loses all digits for large x, nor ``1/cosh**2``, which overflows),
``asinh'`` uses ``hypot``, ``atan2`` and ``hypot`` scale by the hypotenuse so
nothing overflows.
"""
import builtins
import math
import types
from dataclasses import dataclass, field
from typing import Callable, Optional, Tuple

import numpy as np

from ._base import DualNumber, bad_argument, lead
from ._special import polygamma_float

LN2 = math.log(2.0)
LN10 = math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
DEG_PER_RAD = 180.0 / math.pi
RAD_PER_DEG = math.pi / 180.0

SMOOTH = "smooth"      # analytic on the open domain
KINK = "kink"          # continuous, derivative jumps somewhere (convention documented)
STEP = "step"          # piecewise constant: derivative 0 by convention


@dataclass(frozen=True)
class Rule:
    name: str
    arity: int
    primal: Callable                    # float implementation, math semantics
    ladder: Callable                    # jittable derivative ladder
    domain: Tuple[Tuple[float, float], ...]  # sampling box for the tests
    ufuncs: Tuple[str, ...] = ()        # NumPy ufunc names that map to this rule
    kind: str = SMOOTH
    note: str = ""                      # convention at kinks, for the docs
    ladder_x: Optional[Callable] = None  # binary, 2nd argument constant: (f, f_x, f_xx)
    ladder_y: Optional[Callable] = None  # binary, 1st argument constant: (f, f_y, f_yy)
    argnames: Tuple[str, ...] = field(default=("x",))


# ---------------------------------------------------------------- ladders ---
# Unary ladders return (f, f', f'').

def _sin(x):
    s = sin(x)
    return s, cos(x), -s


def _cos(x):
    c = cos(x)
    return c, -sin(x), -c


def _tan(x):
    t = tan(x)
    d = 1.0 + t * t
    return t, d, 2.0 * t * d


def _asin(x):
    d = 1.0 / sqrt((1.0 - x) * (1.0 + x))
    return asin(x), d, x * d * d * d


def _acos(x):
    d = -1.0 / sqrt((1.0 - x) * (1.0 + x))
    return acos(x), d, x * d * d * d


def _atan(x):
    d = 1.0 / (1.0 + x * x)
    return atan(x), d, -2.0 * x * d * d


def _sinh(x):
    s = sinh(x)
    return s, cosh(x), s


def _cosh(x):
    c = cosh(x)
    return c, sinh(x), c


def _tanh(x):
    # sech**2 = 4 e / (1 + e)**2 with e = exp(-2|x|) <= 1: no cosh(x), which
    # overflows (OverflowError for floats, inf * 0 = nan in nested duals) where
    # tanh is simply +-1. |x| is written -minimum(x, -x): at x == 0 the tie
    # takes the first argument, so nested duals see the exact e = exp(2x)
    # there (fabs would give |x|'' = 0 and lose every higher derivative at 0).
    t = tanh(x)
    e = exp(2.0 * minimum(x, -x))
    s = 1.0 + e
    d = 4.0 * e / (s * s)
    return t, d, -2.0 * t * d


def _asinh(x):
    d = 1.0 / hypot(1.0, x)
    return asinh(x), d, -x * d * d * d


def _acosh(x):
    d = 1.0 / sqrt((x - 1.0) * (x + 1.0))
    return acosh(x), d, -x * d * d * d


# Where f has a pole (log at 0, atanh at 1), f is evaluated before f' so that
# math semantics raise f's ValueError, not the ZeroDivisionError of 1/x.

def _atanh(x):
    f = atanh(x)
    d = 1.0 / ((1.0 - x) * (1.0 + x))
    return f, d, 2.0 * x * d * d


def _exp(x):
    e = exp(x)
    return e, e, e


def _exp2(x):
    e = exp2(x)
    d = e * LN2
    return e, d, d * LN2


def _expm1(x):
    e = exp(x)
    return expm1(x), e, e


def _log(x):
    f = log(x)
    d = 1.0 / x
    return f, d, -d * d


def _log2(x):
    f = log2(x)
    d = 1.0 / (x * LN2)
    return f, d, -d / x


def _log10(x):
    f = log10(x)
    d = 1.0 / (x * LN10)
    return f, d, -d / x


def _log1p(x):
    f = log1p(x)
    d = 1.0 / (1.0 + x)
    return f, d, -d * d


def _sqrt(x):
    s = sqrt(x)
    d = 0.5 / s
    return s, d, -0.5 * d / x


def _cbrt(x):
    c = cbrt(x)
    d = 1.0 / (3.0 * c * c)
    return c, d, (-2.0 / 3.0) * d / x


def _erf(x):
    d = TWO_OVER_SQRT_PI * exp(-x * x)
    return erf(x), d, -2.0 * x * d


def _erfc(x):
    d = -TWO_OVER_SQRT_PI * exp(-x * x)
    return erfc(x), d, -2.0 * x * d


def _gamma(x):
    g = gamma(x)
    p0 = polygamma(0, x)
    return g, g * p0, g * (p0 * p0 + polygamma(1, x))


def _lgamma(x):
    return lgamma(x), polygamma(0, x), polygamma(1, x)


def _fabs(x):
    return fabs(x), sign(x), 0.0 * x


def _degrees(x):
    return x * DEG_PER_RAD, DEG_PER_RAD, 0.0


def _radians(x):
    return x * RAD_PER_DEG, RAD_PER_DEG, 0.0


def _floor(x):
    return floor(x), 0.0, 0.0


def _ceil(x):
    return ceil(x), 0.0, 0.0


def _trunc(x):
    return trunc(x), 0.0, 0.0


def _round(x):
    return round(x), 0.0, 0.0


def _sign(x):
    return sign(x), 0.0, 0.0


# Binary ladders return (f, f_x, f_y, f_xx, f_xy, f_yy).

def _atan2(y, x):
    h = hypot(y, x)
    u = x / h
    v = y / h
    uv = 2.0 * u * v / h / h
    return atan2(y, x), u / h, -v / h, -uv, (v - u) * (v + u) / h / h, uv


def _log_base(x, b):
    lb = log(b)
    f = log(x) / lb
    fx = 1.0 / x / lb
    fb = -f / b / lb
    return f, fx, fb, -fx / x, -fx / b / lb, -fb / b * (1.0 + 2.0 / lb)


def _copysign(x, y):
    d = copysign(1.0, x) * copysign(1.0, y)
    return copysign(x, y), d, 0.0 * y, 0.0 * x, 0.0 * x, 0.0 * y


def _fmod(x, y):
    return fmod(x, y), 1.0, -trunc(x / y), 0.0, 0.0, 0.0


def _floordiv(x, y):
    return floordiv(x, y), 0.0, 0.0, 0.0, 0.0, 0.0


def _mod(x, y):
    return mod(x, y), 1.0, -floor(x / y), 0.0, 0.0, 0.0


# The derivative follows the argument whose value is returned: a nan first
# argument is returned (nan propagates), so its derivative is taken too.
def _maximum(x, y):
    first = (x >= y) | (x != x)
    return maximum(x, y), where(first, 1.0, 0.0), where(first, 0.0, 1.0), 0.0, 0.0, 0.0


def _minimum(x, y):
    first = (x <= y) | (x != x)
    return minimum(x, y), where(first, 1.0, 0.0), where(first, 0.0, 1.0), 0.0, 0.0, 0.0


# fmax/fmin ignore a nan argument (C's and NumPy's fmax): the other one is
# returned, and its derivative taken.
def _fmax(x, y):
    first = (x >= y) | (y != y)
    return fmax(x, y), where(first, 1.0, 0.0), where(first, 0.0, 1.0), 0.0, 0.0, 0.0


def _fmin(x, y):
    first = (x <= y) | (y != y)
    return fmin(x, y), where(first, 1.0, 0.0), where(first, 0.0, 1.0), 0.0, 0.0, 0.0


# ------------------------------------------------------------ special cases --
# Hand-written cases, each with its reason.
#
# pow: d/dx x**c = c*x**(c-1) must not evaluate 0**(negative) where the
#   coefficient is 0 (c == 0, or c == 1 for the second derivative), and
#   d/dy x**y = x**y*log(x) must be 0 at x == 0 (the limit for y > 0) rather
#   than 0*(-inf). ``where`` with a safe substitute keeps both branches finite.
# hypot: not differentiable at (0, 0); the derivative there is taken as 0 in
#   every direction (as for fabs at 0), never nan.

def _pow_x(x, c):
    """Ladder of x**c for a constant exponent c: (f, f_x, f_xx)."""
    f = pow(x, c)
    d1 = where(c == 0.0, 0.0 * x, c * _pow_nonzero_base(x, c - 1.0))
    cc = c * (c - 1.0)
    d2 = where(cc == 0.0, 0.0 * x, cc * _pow_nonzero_base(x, c - 2.0))
    return f, d1, d2


def _pow_nonzero_base(x, e):
    # x**e, where x == 0 with e < 0 is replaced by the IEEE limit, never raised.
    # Only that case is substituted: at x == 0 with e >= 0, pow itself is
    # finite, and a nested dual x keeps its own derivative (x**1 is x, not 0).
    pole = (x == 0.0) & (e < 0.0)
    safe = pow(where(pole, 1.0, x), e)
    return where(pole, math.inf, safe)


def _pow_y(c, y):
    """Ladder of c**y for a constant base c: (f, f_y, f_yy)."""
    f = pow(c, y)
    lc = log(where(c == 0.0, 1.0, c))
    d = f * lc
    return f, d, d * lc


def _pow(x, y):
    f, fx, fxx = _pow_x(x, y)
    lx = log(where(x == 0.0, 1.0, x))
    fy = f * lx
    return f, fx, fy, fxx, _pow_nonzero_base(x, y - 1.0) * (1.0 + y * lx), fy * lx


def _hypot(x, y):
    h = hypot(x, y)
    zero = h == 0.0
    hs = where(zero, 1.0, h)
    u = where(zero, 0.0, x / hs)
    v = where(zero, 0.0, y / hs)
    return h, u, v, v * v / hs, -u * v / hs, u * u / hs


# polygamma(n, x) has an integer order n (a constant) and one real argument.
def _polygamma(n, x):
    return polygamma(n, x), polygamma(n + 1, x), polygamma(n + 2, x)


# ------------------------------------------------------ float primitives ---

# Step functions return floats (as NumPy does; a Dual's value stays a float)
# and pass nan and inf through, where math.floor & co. would raise.
def _py_floor(x):
    return float(math.floor(x)) if math.isfinite(x) else x


def _py_ceil(x):
    return float(math.ceil(x)) if math.isfinite(x) else x


def _py_trunc(x):
    return float(math.trunc(x)) if math.isfinite(x) else x


def _py_round(x):
    return float(builtins.round(x)) if math.isfinite(x) else x


def _py_sign(x):
    return (x > 0.0) - (x < 0.0) + 0.0 if x == x else x


def _py_maximum(x, y):
    return x if (x >= y or x != x) else y


def _py_minimum(x, y):
    return x if (x <= y or x != x) else y


def _py_fmax(x, y):
    return x if (x >= y or y != y) else y


def _py_fmin(x, y):
    return x if (x <= y or y != y) else y


def _py_pow(x, y):
    try:
        return math.pow(x, y)
    except (ValueError, ZeroDivisionError):
        if x == 0.0 and y < 0.0:
            odd = y == math.floor(y) and math.fmod(y, 2.0) != 0.0
            return math.copysign(math.inf, x) if odd else math.inf
        raise


def _py_floordiv(x, y):
    return x // y


def _py_mod(x, y):
    return x % y


def _py_log_base(x, b):
    return math.log(x, b)


def _py_where(cond, a, b):
    return a if cond else b


# ------------------------------------------------------------------ table ---
_U = ((-3.0, 3.0),)
_POS = ((0.05, 8.0),)
_UNIT = ((-0.95, 0.95),)

RULES = (
    Rule("sin", 1, math.sin, _sin, _U, ("sin",)),
    Rule("cos", 1, math.cos, _cos, _U, ("cos",)),
    Rule("tan", 1, math.tan, _tan, ((-1.4, 1.4),), ("tan",)),
    Rule("asin", 1, math.asin, _asin, _UNIT, ("arcsin",)),
    Rule("acos", 1, math.acos, _acos, _UNIT, ("arccos",)),
    Rule("atan", 1, math.atan, _atan, ((-5.0, 5.0),), ("arctan",)),
    Rule("sinh", 1, math.sinh, _sinh, _U, ("sinh",)),
    Rule("cosh", 1, math.cosh, _cosh, _U, ("cosh",)),
    Rule("tanh", 1, math.tanh, _tanh, ((-5.0, 5.0),), ("tanh",)),
    Rule("asinh", 1, math.asinh, _asinh, ((-5.0, 5.0),), ("arcsinh",)),
    Rule("acosh", 1, math.acosh, _acosh, ((1.05, 8.0),), ("arccosh",)),
    Rule("atanh", 1, math.atanh, _atanh, _UNIT, ("arctanh",)),
    Rule("exp", 1, math.exp, _exp, _U, ("exp",)),
    Rule("exp2", 1, math.exp2, _exp2, _U, ("exp2",)),
    Rule("expm1", 1, math.expm1, _expm1, _U, ("expm1",)),
    Rule("log", 1, math.log, _log, _POS, ("log",)),
    Rule("log2", 1, math.log2, _log2, _POS, ("log2",)),
    Rule("log10", 1, math.log10, _log10, _POS, ("log10",)),
    Rule("log1p", 1, math.log1p, _log1p, ((-0.9, 5.0),), ("log1p",)),
    Rule("sqrt", 1, math.sqrt, _sqrt, _POS, ("sqrt",)),
    Rule("cbrt", 1, math.cbrt, _cbrt, ((0.05, 8.0),), ("cbrt",)),
    Rule("erf", 1, math.erf, _erf, _U),
    Rule("erfc", 1, math.erfc, _erfc, _U),
    Rule("gamma", 1, math.gamma, _gamma, ((0.2, 6.0),)),
    Rule("lgamma", 1, math.lgamma, _lgamma, ((0.2, 8.0),)),
    Rule("fabs", 1, math.fabs, _fabs, _U, ("fabs", "absolute"), KINK,
         "derivative sign(x): 0 at x == 0, the centre of the subdifferential"),
    Rule("degrees", 1, math.degrees, _degrees, _U, ("degrees", "rad2deg")),
    Rule("radians", 1, math.radians, _radians, _U, ("radians", "deg2rad")),
    Rule("floor", 1, _py_floor, _floor, _U, ("floor",), STEP,
         "derivative 0 everywhere (undefined at the jumps)"),
    Rule("ceil", 1, _py_ceil, _ceil, _U, ("ceil",), STEP,
         "derivative 0 everywhere (undefined at the jumps)"),
    Rule("trunc", 1, _py_trunc, _trunc, _U, ("trunc", "fix"), STEP,
         "derivative 0 everywhere (undefined at the jumps)"),
    Rule("round", 1, _py_round, _round, _U, ("rint", "round"), STEP,
         "round half to even, as Python and NumPy; derivative 0"),
    Rule("sign", 1, _py_sign, _sign, _U, ("sign",), STEP,
         "sign(0) == 0; derivative 0"),
    # binary
    Rule("atan2", 2, math.atan2, _atan2, ((-3.0, 3.0), (0.3, 3.0)), ("arctan2",),
         argnames=("y", "x")),
    Rule("hypot", 2, math.hypot, _hypot, ((-3.0, 3.0), (-3.0, 3.0)), ("hypot",), KINK,
         "derivative 0 at (0, 0) in every direction", argnames=("x", "y")),
    Rule("pow", 2, _py_pow, _pow, ((0.2, 3.0), (-2.0, 2.5)),
         ("power", "float_power"), KINK,
         "d/dy x**y at x == 0 is 0 (the limit for y > 0); 0**negative is inf",
         ladder_x=_pow_x, ladder_y=_pow_y, argnames=("x", "y")),
    Rule("log_base", 2, _py_log_base, _log_base, ((0.2, 5.0), (1.5, 8.0)),
         argnames=("x", "base")),
    Rule("copysign", 2, math.copysign, _copysign, ((0.1, 3.0), (-3.0, 3.0)),
         ("copysign",), KINK, "d/dx = sign(x)*sign(y) with sign(+0) = 1; d/dy = 0",
         argnames=("x", "y")),
    Rule("fmod", 2, math.fmod, _fmod, ((-5.0, 5.0), (0.7, 2.0)), ("fmod",), KINK,
         "d/dx = 1, d/dy = -trunc(x/y), away from the jumps", argnames=("x", "y")),
    Rule("floordiv", 2, _py_floordiv, _floordiv, ((-5.0, 5.0), (0.7, 2.0)),
         ("floor_divide",), STEP, "derivative 0", argnames=("x", "y")),
    Rule("mod", 2, _py_mod, _mod, ((-5.0, 5.0), (0.7, 2.0)), ("remainder", "mod"), KINK,
         "d/dx = 1, d/dy = -floor(x/y), away from the jumps", argnames=("x", "y")),
    Rule("maximum", 2, _py_maximum, _maximum, ((-3.0, 3.0), (-3.0, 3.0)),
         ("maximum",), KINK, "at a tie the derivative is the first argument's; "
         "nan propagates", argnames=("x", "y")),
    Rule("minimum", 2, _py_minimum, _minimum, ((-3.0, 3.0), (-3.0, 3.0)),
         ("minimum",), KINK, "at a tie the derivative is the first argument's; "
         "nan propagates", argnames=("x", "y")),
    Rule("fmax", 2, _py_fmax, _fmax, ((-3.0, 3.0), (-3.0, 3.0)), ("fmax",), KINK,
         "a nan argument is ignored; at a tie the derivative is the first argument's",
         argnames=("x", "y")),
    Rule("fmin", 2, _py_fmin, _fmin, ((-3.0, 3.0), (-3.0, 3.0)), ("fmin",), KINK,
         "a nan argument is ignored; at a tie the derivative is the first argument's",
         argnames=("x", "y")),
)

RULES_BY_NAME = {r.name: r for r in RULES}
RULES_BY_UFUNC = {getattr(np, u): r for r in RULES for u in r.ufuncs}

# Functions whose NumPy counterpart does not exist: arrays go through a
# numba-compiled ufunc, built on first use.
_NO_UFUNC = {r.name for r in RULES if not r.ufuncs}


def _ladder_x(rule):
    if rule.ladder_x is not None:
        return rule.ladder_x

    def ladder_x(x, c):
        f, fx, _, fxx, _, _ = rule.ladder(x, c)
        return f, fx, fxx
    return ladder_x


def _ladder_y(rule):
    if rule.ladder_y is not None:
        return rule.ladder_y

    def ladder_y(c, y):
        f, _, fy, _, _, fyy = rule.ladder(c, y)
        return f, fy, fyy
    return ladder_y


PARTIAL_LADDERS = {r.name: (_ladder_x(r), _ladder_y(r)) for r in RULES if r.arity == 2}


# ------------------------------------------- the public elementary functions --
# da.sin & co. accept floats (math semantics: domain errors raise), ints
# (promoted), NumPy scalars and arrays (NumPy semantics: nan), and every dual type.

_compiled_ufuncs = {}


def _array_ufunc(rule):
    """The NumPy ufunc of a rule, compiling one with numba where NumPy has none."""
    if rule.ufuncs:
        return getattr(np, rule.ufuncs[0])
    uf = _compiled_ufuncs.get(rule.name)
    if uf is None:
        import numba
        # float32 first: NumPy picks the first loop its inputs cast to safely,
        # so float64 first would turn float32 inputs into float64 results.
        sig = ["float32(float32)", "float64(float64)"] if rule.arity == 1 else \
            ["float32(float32, float32)", "float64(float64, float64)"]
        primal = rule.primal if rule.name != "log_base" else _nb_log_base
        if not isinstance(primal, types.FunctionType):
            primal = _python_function(primal)  # numba vectorizes Python functions only
        uf = numba.vectorize(sig)(primal)
        _compiled_ufuncs[rule.name] = uf
    return uf


def _nb_log_base(x, b):
    return math.log(x) / math.log(b)


def _python_function(builtin):
    def primal(x):
        return builtin(x)
    return primal


def _as_array_input(rule, name, x):
    if _is_plain_real(x):
        return x  # a Python scalar beside a NumPy operand: NumPy's weak promotion
    if isinstance(x, (np.ndarray, np.generic)):
        if x.dtype.kind in "biuf":
            return x
    elif isinstance(x, (list, tuple)):
        arr = np.asarray(x)
        if arr.dtype.kind in "biuf":
            return arr
    raise bad_argument(rule.name, name, x)


def _is_plain_real(x):
    return isinstance(x, (int, float)) and not isinstance(x, np.generic)


# Float ladders: the same ladder code bound to globals in which the elementary
# functions are the plain float primitives, so a Dual with a float value skips
# two layers of dispatch per call. Same source, no code generation.
def _float_globals():
    g = dict(globals())  # constants and helpers; the names below are overridden
    g.update({r.name: r.primal for r in RULES})
    g.update(where=_py_where, polygamma=polygamma_float)
    g.update(_pow_nonzero_base=_rebind(_pow_nonzero_base, g), _pow_x=_rebind(_pow_x, g))
    return g


def _rebind(fn, g):
    return types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)


_FLOAT_GLOBALS = _float_globals()
FLOAT_LADDERS = {r.name: _rebind(r.ladder, _FLOAT_GLOBALS) for r in RULES}


_Dual = None  # dualad.Dual, set by dualad._scalar: the fast path below avoids a method call
_new = object.__new__


def _unary_function(rule):
    primal = rule.primal
    float_ladder = FLOAT_LADDERS[rule.name]

    def fn(x):
        t = type(x)
        if t is float:
            return primal(x)
        if t is _Dual:
            v = x.value
            if type(v) is float:
                f0, f1, _ = float_ladder(v)
                d = _new(t)
                d.value = f0
                d._p = f1 * x._p
                d.tag = x.tag
                return d
        if isinstance(x, DualNumber):
            return x._apply1(rule)
        if _is_plain_real(x):
            return primal(float(x))
        x = _as_array_input(rule, rule.argnames[0], x)
        return _array_ufunc(rule)(x)

    fn.__name__ = fn.__qualname__ = rule.name
    fn.__doc__ = (f"Return {rule.name}(x) for floats, NumPy arrays and dual numbers, "
                  "with its derivatives carried exactly."
                  + (f"\n\nConvention: {rule.note}." if rule.note else ""))
    fn.rule = rule
    return fn


def _binary_function(rule):
    primal = rule.primal
    name_x, name_y = rule.argnames

    def fn(x, y):
        if type(x) is float and type(y) is float:
            return primal(x, y)
        top = lead(x, y)
        if top is not None:
            return top._apply2(rule, x, y)
        if _is_plain_real(x) and _is_plain_real(y):
            return primal(float(x), float(y))
        x = _as_array_input(rule, name_x, x)
        y = _as_array_input(rule, name_y, y)
        return _array_ufunc(rule)(x, y)

    fn.__name__ = fn.__qualname__ = rule.name
    fn.__doc__ = (f"Return {rule.name}({name_x}, {name_y}) for floats, NumPy arrays and "
                  "dual numbers, with its derivatives carried exactly."
                  + (f"\n\nConvention: {rule.note}." if rule.note else ""))
    fn.rule = rule
    return fn


FUNCTIONS = {r.name: (_unary_function(r) if r.arity == 1 else _binary_function(r))
             for r in RULES}
globals().update(FUNCTIONS)  # the ladders above call these by name




def log(x, base=None):
    """Return the natural logarithm of x, or its logarithm to ``base``.

    >>> import dualad as da
    >>> y = da.log(da.Dual(2.0, 1.0))
    >>> y.eps
    0.5
    """
    if base is None:
        return _log_e(x)
    return _log_base_fn(x, base)


_log_e = FUNCTIONS["log"]
_log_base_fn = FUNCTIONS["log_base"]
log.rule = RULES_BY_NAME["log"]
FUNCTIONS["log"] = log


def where(cond, a, b):
    """Select a where cond holds, else b (scalars or arrays; duals keep their partials)."""
    if isinstance(cond, (bool, np.bool_)):
        return a if cond else b
    return np.where(cond, a, b)


def polygamma(n, x):
    """Return the n-th derivative of the digamma function at x (n >= 0 an integer)."""
    if isinstance(x, DualNumber):
        return x._apply1(_polygamma_rule(n))
    if type(x) is float or _is_plain_real(x):
        return polygamma_float(n, float(x))
    x = _as_array_input(POLYGAMMA_RULE, "x", x)
    return _polygamma_ufunc()(n, x)


def digamma(x):
    """Return the digamma function psi(x) = d/dx lgamma(x)."""
    return polygamma(0, x)


_polygamma_rules = {}


def _polygamma_rule(n):
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise TypeError(f"polygamma() order n must be a non-negative int, got {n!r}")
    r = _polygamma_rules.get(n)
    if r is None:
        def ladder(x):
            return _polygamma(n, x)
        r = Rule(f"polygamma_{n}", 1, lambda x: polygamma_float(n, x), ladder, ((0.2, 8.0),))
        _polygamma_rules[n] = r
    return r


POLYGAMMA_RULE = Rule("polygamma", 1, polygamma_float, _polygamma, ((0.2, 8.0),))
_pg_ufunc = []


def _polygamma_ufunc():
    if not _pg_ufunc:
        import numba
        _pg_ufunc.append(numba.vectorize(
            ["float32(int64, float32)", "float64(int64, float64)"])(polygamma_float))
    return _pg_ufunc[0]


# Names of the arithmetic the number types implement by hand (product and
# quotient rules differ per type); used by the docs and the tests.
OPERATORS = ("+", "-", "*", "/", "//", "%", "**", "unary -", "unary +", "abs",
             "==", "!=", "<", "<=", ">", ">=")
