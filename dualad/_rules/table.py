"""The rule table: every elementary function, written once, as data.

Each ``Rule`` names a function, its arity, its float implementation (``math``
semantics), its NumPy ufuncs, a sampling domain for the tests and its
derivative ladder (``ladders``). Each number type knows only how to apply a
ladder (its chain rule), so adding a function is one entry here (and its
name in ``elementary``), and the Python methods, the NumPy ufunc support, the
numba overloads, the docs list and the tests all pick it up.

Hand-written special cases (``pow`` at 0, ``hypot`` at the origin) sit in
the fenced section of ``ladders``, each with its reason.
"""
import cmath
import math
from dataclasses import dataclass, field
from typing import Callable, Optional, Tuple

import numpy as np

from . import elementary as E
from . import ladders as L
from . import primitives as P
from .special import polygamma_float

SMOOTH = "smooth"      # analytic on the open domain
KINK = "kink"          # continuous, derivative jumps somewhere (convention documented)
STEP = "step"          # piecewise constant: derivative 0 by convention


@dataclass(frozen=True)
class Rule:
    """One elementary function: its primal, ladder, ufunc names, domain and conventions."""

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
    # the ladder on plain floats (``math`` primitives): filled in below
    float_ladder: Optional[Callable] = field(default=None, compare=False, repr=False)
    # Ladders of the first derivatives only, for the number types whose calculus
    # needs no second derivatives (Dual, DualArray): unary (ladder,), binary
    # (ladder, ladder_x, ladder_y), the second-derivative entries None. Set where
    # f'' costs (custom rules differentiate the user's derivative callables);
    # None: the full ladders serve (the table's f'' is a few flops).
    first: Optional[Tuple[Callable, ...]] = field(default=None, compare=False, repr=False)
    # (ladder_x, ladder_y) of a binary rule: the given ones or derived from ``ladder``
    partial_ladders: Optional[Tuple[Callable, Callable]] = field(
        default=None, compare=False, repr=False)
    # Complex arguments (dualad.readthedocs: guides/complex.md). ``holomorphic``:
    # the rule is evaluated on complex values (branch cuts as NumPy). Its
    # ``complex_ladder`` (and for pow ``complex_ladder_x``): the ladder valid
    # for complex arguments, the real one unless that uses a real-only
    # primitive; ``complex_float_ladder``/``complex_partial_ladders`` are filled in.
    holomorphic: bool = False
    complex_ladder: Optional[Callable] = field(default=None, compare=False, repr=False)
    complex_ladder_x: Optional[Callable] = field(default=None, compare=False, repr=False)
    complex_float_ladder: Optional[Callable] = field(default=None, compare=False, repr=False)
    complex_primal: Optional[Callable] = field(default=None, compare=False, repr=False)
    complex_partial_ladders: Optional[Tuple[Callable, Callable]] = field(
        default=None, compare=False, repr=False)
    # (ladder_x, ladder_y) of a binary table rule on plain floats, first-order ones
    # where ``first`` has them: filled in below (the plain-Python Dual's fast
    # path; a user rule has none)
    float_partial_ladders: Optional[Tuple[Callable, Callable]] = field(
        default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.float_ladder is None:  # the generic ladder serves floats too
            object.__setattr__(self, "float_ladder", self.ladder)
        if self.arity == 2 and self.partial_ladders is None:
            object.__setattr__(self, "partial_ladders", (
                self.ladder_x or _derived_ladder_x(self.ladder),
                self.ladder_y or _derived_ladder_y(self.ladder)))
        if self.holomorphic and self.complex_ladder is None:
            object.__setattr__(self, "complex_ladder", self.ladder)
        if self.holomorphic and self.arity == 2 and self.complex_partial_ladders is None:
            object.__setattr__(self, "complex_partial_ladders", (
                self.complex_ladder_x or _derived_ladder_x(self.complex_ladder),
                _derived_ladder_y(self.complex_ladder)))

    def complex_ladders(self):
        """(ladder, ladder_x, ladder_y) on complex arguments (binary: all three)."""
        if not self.holomorphic:
            raise E.not_holomorphic(self.name)
        if self.arity == 1:
            return (self.complex_ladder,)
        return (self.complex_ladder,) + self.complex_partial_ladders


    def unary_ladder(self, first_order):
        """The ladder a number type applies: first-order variant where it has one."""
        return self.first[0] if first_order and self.first is not None else self.ladder

    def binary_ladders(self, first_order):
        """(ladder, ladder_x, ladder_y) a number type applies (first-order where it can)."""
        if first_order and self.first is not None:
            return self.first
        return (self.ladder,) + self.partial_ladders


def _derived_ladder_x(ladder):
    def ladder_x(x, c):
        f, fx, _, fxx, _, _ = ladder(x, c)
        return f, fx, fxx
    return ladder_x


def _derived_ladder_y(ladder):
    def ladder_y(c, y):
        f, _, fy, _, _, fyy = ladder(c, y)
        return f, fy, fyy
    return ladder_y


_U = ((-3.0, 3.0),)
_POS = ((0.05, 8.0),)
_UNIT = ((-0.95, 0.95),)

RULES = (
    Rule("sin", 1, math.sin, L._sin, _U, ("sin",), holomorphic=True),
    Rule("cos", 1, math.cos, L._cos, _U, ("cos",), holomorphic=True),
    Rule("tan", 1, math.tan, L._tan, ((-1.4, 1.4),), ("tan",), holomorphic=True),
    Rule("asin", 1, math.asin, L._asin, _UNIT, ("arcsin",), holomorphic=True, complex_ladder=L._asin_c),
    Rule("acos", 1, math.acos, L._acos, _UNIT, ("arccos",), holomorphic=True, complex_ladder=L._acos_c),
    Rule("atan", 1, math.atan, L._atan, ((-5.0, 5.0),), ("arctan",), holomorphic=True),
    Rule("sinh", 1, math.sinh, L._sinh, _U, ("sinh",), holomorphic=True),
    Rule("cosh", 1, math.cosh, L._cosh, _U, ("cosh",), holomorphic=True),
    Rule("tanh", 1, math.tanh, L._tanh, ((-5.0, 5.0),), ("tanh",), holomorphic=True, complex_ladder=L._tanh_c),
    Rule("asinh", 1, math.asinh, L._asinh, ((-5.0, 5.0),), ("arcsinh",), holomorphic=True, complex_ladder=L._asinh_c),
    Rule("acosh", 1, math.acosh, L._acosh, ((1.05, 8.0),), ("arccosh",), holomorphic=True, complex_ladder=L._acosh_c),
    Rule("atanh", 1, math.atanh, L._atanh, _UNIT, ("arctanh",), holomorphic=True),
    Rule("exp", 1, math.exp, L._exp, _U, ("exp",), holomorphic=True),
    Rule("exp2", 1, math.exp2, L._exp2, _U, ("exp2",), holomorphic=True),
    Rule("expm1", 1, math.expm1, L._expm1, _U, ("expm1",), holomorphic=True),
    Rule("log", 1, math.log, L._log, _POS, ("log",), holomorphic=True),
    Rule("log2", 1, math.log2, L._log2, _POS, ("log2",), holomorphic=True),
    Rule("log10", 1, math.log10, L._log10, _POS, ("log10",), holomorphic=True),
    Rule("log1p", 1, math.log1p, L._log1p, ((-0.9, 5.0),), ("log1p",), holomorphic=True),
    Rule("sqrt", 1, math.sqrt, L._sqrt, _POS, ("sqrt",), holomorphic=True),
    Rule("cbrt", 1, math.cbrt, L._cbrt, ((0.05, 8.0),), ("cbrt",)),
    Rule("erf", 1, math.erf, L._erf, _U),
    Rule("erfc", 1, math.erfc, L._erfc, _U),
    Rule("gamma", 1, math.gamma, L._gamma, ((0.2, 6.0),)),
    Rule("lgamma", 1, math.lgamma, L._lgamma, ((0.2, 8.0),)),
    Rule("fabs", 1, math.fabs, L._fabs, _U, ("fabs", "absolute"), KINK,
         "derivative sign(x): 0 at x == 0, the centre of the subdifferential"),
    Rule("degrees", 1, math.degrees, L._degrees, _U, ("degrees", "rad2deg")),
    Rule("radians", 1, math.radians, L._radians, _U, ("radians", "deg2rad")),
    Rule("floor", 1, P.py_floor, L._floor, _U, ("floor",), STEP,
         "derivative 0 everywhere (undefined at the jumps)"),
    Rule("ceil", 1, P.py_ceil, L._ceil, _U, ("ceil",), STEP,
         "derivative 0 everywhere (undefined at the jumps)"),
    Rule("trunc", 1, P.py_trunc, L._trunc, _U, ("trunc", "fix"), STEP,
         "derivative 0 everywhere (undefined at the jumps)"),
    Rule("round", 1, P.py_round, L._round, _U, ("rint", "round"), STEP,
         "round half to even, as Python and NumPy; derivative 0"),
    Rule("sign", 1, P.py_sign, L._sign, _U, ("sign",), STEP,
         "sign(0) == 0; derivative 0"),
    # binary
    Rule("atan2", 2, math.atan2, L._atan2, ((-3.0, 3.0), (0.3, 3.0)), ("arctan2",),
         argnames=("y", "x")),
    Rule("hypot", 2, math.hypot, L._hypot, ((-3.0, 3.0), (-3.0, 3.0)), ("hypot",), KINK,
         "derivative 0 at (0, 0) in every direction", argnames=("x", "y")),
    Rule("pow", 2, P.py_pow, L._pow, ((0.2, 3.0), (-2.0, 2.5)),
         ("power", "float_power"), KINK,
         "d/dy x**y at x == 0 is 0 (the limit for y > 0); 0**negative is inf",
         ladder_x=L._pow_x, ladder_y=L._pow_y, argnames=("x", "y"),
         first=(L._pow, L._pow_x1, L._pow_y),
         holomorphic=True, complex_ladder=L._pow_c, complex_ladder_x=L._pow_x_c),
    Rule("log_base", 2, P.py_log_base, L._log_base, ((0.2, 5.0), (1.5, 8.0)),
         argnames=("x", "base"), holomorphic=True),
    Rule("copysign", 2, math.copysign, L._copysign, ((0.1, 3.0), (-3.0, 3.0)),
         ("copysign",), KINK, "d/dx = sign(x)*sign(y) with sign(+0) = 1; d/dy = 0",
         argnames=("x", "y")),
    Rule("fmod", 2, math.fmod, L._fmod, ((-5.0, 5.0), (0.7, 2.0)), ("fmod",), KINK,
         "d/dx = 1, d/dy = -trunc(x/y), away from the jumps", argnames=("x", "y")),
    Rule("floordiv", 2, P.py_floordiv, L._floordiv, ((-5.0, 5.0), (0.7, 2.0)),
         ("floor_divide",), STEP, "derivative 0", argnames=("x", "y")),
    Rule("mod", 2, P.py_mod, L._mod, ((-5.0, 5.0), (0.7, 2.0)), ("remainder", "mod"), KINK,
         "d/dx = 1, d/dy = -floor(x/y), away from the jumps", argnames=("x", "y")),
    Rule("maximum", 2, P.py_maximum, L._maximum, ((-3.0, 3.0), (-3.0, 3.0)),
         ("maximum",), KINK, "at a tie the derivative is the first argument's; "
         "nan propagates", argnames=("x", "y")),
    Rule("minimum", 2, P.py_minimum, L._minimum, ((-3.0, 3.0), (-3.0, 3.0)),
         ("minimum",), KINK, "at a tie the derivative is the first argument's; "
         "nan propagates", argnames=("x", "y")),
    Rule("fmax", 2, P.py_fmax, L._fmax, ((-3.0, 3.0), (-3.0, 3.0)), ("fmax",), KINK,
         "a nan argument is ignored; at a tie the derivative is the first argument's",
         argnames=("x", "y")),
    Rule("fmin", 2, P.py_fmin, L._fmin, ((-3.0, 3.0), (-3.0, 3.0)), ("fmin",), KINK,
         "a nan argument is ignored; at a tie the derivative is the first argument's",
         argnames=("x", "y")),
)

RULES_BY_NAME = {r.name: r for r in RULES}
RULES_BY_UFUNC = {getattr(np, u): r for r in RULES for u in r.ufuncs}





# ------------------------------------------------------- float ladders ---
# The ladders on plain floats: the same code bound to the float primitives.
_FLOAT_PRIMITIVES = {r.name: r.primal for r in RULES}
_FLOAT_PRIMITIVES.update(log_e=math.log, where=P.py_where, polygamma=polygamma_float)
_float_rebind = L.rebinder(_FLOAT_PRIMITIVES, tag="python-float")

# The complex primitives of the holomorphic rules (branch cuts as NumPy's), and
# the complex ladders bound to them: complex_float_ladder. A Python complex
# goes to cmath (domain errors raise, as math), a NumPy complex to its ufunc.
_CMATH = {"sin": cmath.sin, "cos": cmath.cos, "tan": cmath.tan, "asin": cmath.asin,
          "acos": cmath.acos, "atan": cmath.atan, "sinh": cmath.sinh, "cosh": cmath.cosh,
          "tanh": cmath.tanh, "asinh": cmath.asinh, "acosh": cmath.acosh,
          "atanh": cmath.atanh, "exp": cmath.exp, "log": cmath.log, "log10": cmath.log10,
          "sqrt": cmath.sqrt}
_COMPLEX_PRIMITIVES = {
    r.name: P.complex_primitive(_CMATH.get(r.name), getattr(np, r.ufuncs[0]))
    for r in RULES if r.holomorphic and r.arity == 1}
_COMPLEX_PRIMITIVES.update(
    pow=P.py_cpow, log_base=lambda x, b: _COMPLEX_PRIMITIVES["log"](x) / _COMPLEX_PRIMITIVES["log"](b),
    where=P.py_where)
_COMPLEX_PRIMITIVES["log_e"] = _COMPLEX_PRIMITIVES["log"]
for _name in ("minimum", "maximum", "hypot", "fabs", "sign", "atan2"):
    _COMPLEX_PRIMITIVES[_name] = None  # a complex ladder never calls a real-only primitive
_complex_rebind = L.rebinder(_COMPLEX_PRIMITIVES, tag="python-complex")
COMPLEX_PRIMITIVES = _COMPLEX_PRIMITIVES
"""Rule name -> the function on complex floats, for the holomorphic rules."""


def _function_of(rule):
    fn = getattr(E, "log_e" if rule.name == "log" else rule.name, None)
    if fn is None or not hasattr(fn, "bind"):
        raise ImportError(f"rule {rule.name!r} has no function in dualad/_rules/elementary.py; "
                          f"add the line {rule.name} = _unary({rule.name!r}) (or _binary) there")
    return fn


for _r in RULES:
    object.__setattr__(_r, "float_ladder", _float_rebind(_r.ladder))
    if _r.arity == 2:  # first-order ones where the rule has them (Dual uses no f_xx)
        _lx, _ly = _r.first[1:] if _r.first is not None else (_r.ladder_x, _r.ladder_y)
        object.__setattr__(_r, "float_partial_ladders", (
            _float_rebind(_lx) or _derived_ladder_x(_r.float_ladder),
            _float_rebind(_ly) or _derived_ladder_y(_r.float_ladder)))
    if _r.holomorphic:
        object.__setattr__(_r, "complex_float_ladder", _complex_rebind(_r.complex_ladder))
        object.__setattr__(_r, "complex_primal", _COMPLEX_PRIMITIVES[_r.name])
    _function_of(_r).bind(_r)
del _r, _lx, _ly

FUNCTIONS = {r.name: _function_of(r) for r in RULES}
"""Rule name -> dualad's elementary function (``log`` takes an optional base)."""
FUNCTIONS["log"] = E.log
E.log.rule = RULES_BY_NAME["log"]


# ------------------------------------------------------------- polygamma ---
# polygamma(n, x) has an integer order n (a constant): one rule per order.
_polygamma_rules = {}


def polygamma_rule(n):
    """The rule of polygamma(n, .) for a non-negative int n."""
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise TypeError(f"polygamma() order n must be a non-negative int, got {n!r}")
    r = _polygamma_rules.get(n)
    if r is None:
        def ladder(x):
            return L._polygamma(n, x)

        def primal(x):
            return polygamma_float(n, x)
        r = Rule(f"polygamma_{n}", 1, primal, ladder, ((0.2, 8.0),))
        _polygamma_rules[n] = r
    return r


E.polygamma.rule_of = polygamma_rule

# Names of the arithmetic the number types implement by hand (product and
# quotient rules differ per type); used by the docs and the tests.
OPERATORS = ("+", "-", "*", "/", "//", "%", "**", "unary -", "unary +", "abs",
             "==", "!=", "<", "<=", ">", ">=")
