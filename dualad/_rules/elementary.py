"""The elementary functions ``da.sin``, ``da.atan2``, ...: one dispatcher per rule.

Each accepts floats (``math`` semantics: domain errors raise), ints
(promoted), NumPy scalars and arrays (NumPy semantics: nan), and every dual
type, to which it hands its rule (``x._apply1(rule)``: the number type's
chain rule). The functions are listed here by name so that readers and
linters see them; ``table`` binds each to its rule (``bind``) when the table
is built, and a test checks that the two lists agree.

This module imports no other module of the rules layer at import time: the
ladders call these functions, and the table is built from the ladders.
"""
import math
import types

import numpy as np

from .._core.base import DualNumber, bad_argument, lead
from .special import polygamma_float

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


def as_array_input(name, argname, x):
    """x as an operand of a NumPy ufunc (real scalars, real arrays, lists of reals)."""
    if is_plain_real(x):
        return x  # a Python scalar beside a NumPy operand: NumPy's weak promotion
    if isinstance(x, (np.ndarray, np.generic)):
        if x.dtype.kind in "biuf":
            return x
    elif isinstance(x, (list, tuple)):
        arr = np.asarray(x)
        if arr.dtype.kind in "biuf":
            return arr
    raise bad_argument(name, argname, x)


def is_plain_real(x):
    return isinstance(x, (int, float)) and not isinstance(x, np.generic)


def is_complex_float(x):
    """True for a complex scalar: Python complex, np.complex64, np.complex128."""
    return type(x) is complex or isinstance(x, np.complexfloating)


def not_holomorphic(name):
    """The error of a non-holomorphic rule applied to a complex argument."""
    return TypeError(f"{name}() is not holomorphic: it has no complex derivative, so dualad "
                     f"does not apply it to complex numbers; apply it to the real and "
                     f"imaginary parts (z.real, z.imag) or to abs(z) instead")


def _complex_primal(rule, *args):
    if rule.complex_primal is None:
        raise not_holomorphic(rule.name)
    return rule.complex_primal(*args)


def _describe(fn, rule):
    """Bind-time attributes of the function of ``rule``: the rule and a docstring."""
    fn.rule = rule
    fn.__doc__ = (f"Return {fn.__name__}({', '.join(rule.argnames)}) for floats, NumPy "
                  "arrays and dual numbers, with its derivatives carried exactly."
                  + (f"\n\nConvention: {rule.note}." if rule.note else "")
                  + "\n\n" + _example(fn.__name__, rule))


def _example(name, rule):
    """A doctest of the docstring: the partials of a Dual against central differences,
    at a point of the rule's sampling domain away from its kinks."""
    name = "log" if name == "log_base" else name  # da.log(x, base)
    pts = [float(f"{lo + frac * (hi - lo):.3f}") for (lo, hi), frac in zip(rule.domain, (0.37, 0.71))]
    tol = "< 1e-6 * (1 + abs(fd))"
    if rule.arity == 1:
        x = pts[0]
        return (f">>> import dualad as da\n"
                f">>> d = da.{name}(da.Dual({x}, 1.0))  # value and derivative at {x}\n"
                f">>> d.value == da.{name}({x})\nTrue\n"
                f">>> h = 1e-6\n"
                f">>> fd = (da.{name}({x} + h) - da.{name}({x} - h)) / (2 * h)\n"
                f">>> abs(d.eps - fd) {tol}\nTrue\n")
    x, y = pts
    return (f">>> import dualad as da\n"
            f">>> d = da.{name}(da.Dual({x}, (1.0, 0.0)), da.Dual({y}, (0.0, 1.0)))\n"
            f">>> bool(d.value == da.{name}({x}, {y}))\nTrue\n"
            f">>> h = 1e-6\n"
            f">>> fd = (da.{name}({x} + h, {y}) - da.{name}({x} - h, {y})) / (2 * h)\n"
            f">>> bool(abs(d.partials[0] - fd) {tol})\nTrue\n"
            f">>> fd = (da.{name}({x}, {y} + h) - da.{name}({x}, {y} - h)) / (2 * h)\n"
            f">>> bool(abs(d.partials[1] - fd) {tol})\nTrue\n")


# The plain-Python fast path: a Dual whose value is a float is built here
# directly, skipping the call of its chain rule (measured: da.sin of a Dual in
# 230 ns with it, 290 ns without; three such calls are a fifth of a scalar
# derivative). The Dual type hands over its class (``dualad._numbers.dual``
# calls ``register_fast_dual``); this is the one place outside that module
# that knows its slots (value, _p, tag).
_fast_dual = None
_new = object.__new__


def register_fast_dual(cls):
    """Let the elementary functions build ``cls`` (Dual) directly for float values."""
    global _fast_dual
    _fast_dual = cls


def _unary(name):
    rule = primal = float_ladder = None

    def fn(x):
        t = type(x)
        if t is float:
            return primal(x)
        if t is _fast_dual:
            v = x.value
            if type(v) is float:
                f0, f1, _ = float_ladder(v)
                d = _new(t)
                d.value = f0
                d._p = f1 * x._p
                d.tag = x.tag
                return d
        if t is np.ndarray and x.dtype.kind in "biuf":  # a real array: NumPy's ufunc
            return _array_ufunc(rule)(x)
        if isinstance(x, DualNumber):
            return x._apply1(rule)
        if is_plain_real(x):
            return primal(float(x))
        if is_complex_float(x) or t is np.ndarray and x.dtype.kind == "c":
            return _complex_primal(rule, x)
        return _array_ufunc(rule)(as_array_input(name, rule.argnames[0], x))

    def bind(r):
        nonlocal rule, primal, float_ladder
        rule, primal, float_ladder = r, r.primal, r.float_ladder
        _describe(fn, r)

    fn.__name__ = fn.__qualname__ = name
    fn.bind = bind
    return fn


def _binary(name):
    rule = primal = None

    def fn(x, y):
        if type(x) is float and type(y) is float:
            return primal(x, y)
        top = lead(x, y)
        if top is not None:
            return top._apply2(rule, x, y)
        if is_plain_real(x) and is_plain_real(y):
            return primal(float(x), float(y))
        if (is_complex_float(x) or is_complex_float(y)) and \
                all(is_plain_real(a) or is_complex_float(a) or isinstance(a, np.floating)
                    for a in (x, y)) or (type(x) is np.ndarray and x.dtype.kind == "c") or \
                (type(y) is np.ndarray and y.dtype.kind == "c"):
            return _complex_primal(rule, x, y)
        name_x, name_y = rule.argnames
        return _array_ufunc(rule)(as_array_input(name, name_x, x),
                                  as_array_input(name, name_y, y))

    def bind(r):
        nonlocal rule, primal
        rule, primal = r, r.primal
        _describe(fn, r)

    fn.__name__ = fn.__qualname__ = name
    fn.bind = bind
    return fn


# ------------------------------------------- the functions, one per rule ---
# Each is bound to its rule (and so to its float primal) by ``table``.
sin = _unary("sin")
cos = _unary("cos")
tan = _unary("tan")
asin = _unary("asin")
acos = _unary("acos")
atan = _unary("atan")
sinh = _unary("sinh")
cosh = _unary("cosh")
tanh = _unary("tanh")
asinh = _unary("asinh")
acosh = _unary("acosh")
atanh = _unary("atanh")
exp = _unary("exp")
exp2 = _unary("exp2")
expm1 = _unary("expm1")
log_e = _unary("log")
log2 = _unary("log2")
log10 = _unary("log10")
log1p = _unary("log1p")
sqrt = _unary("sqrt")
cbrt = _unary("cbrt")
erf = _unary("erf")
erfc = _unary("erfc")
gamma = _unary("gamma")
lgamma = _unary("lgamma")
fabs = _unary("fabs")
degrees = _unary("degrees")
radians = _unary("radians")
floor = _unary("floor")
ceil = _unary("ceil")
trunc = _unary("trunc")
round = _unary("round")  # noqa: A001  (mirrors NumPy's name)
sign = _unary("sign")
atan2 = _binary("atan2")
hypot = _binary("hypot")
pow = _binary("pow")  # noqa: A001  (mirrors math.pow)
log_base = _binary("log_base")
copysign = _binary("copysign")
fmod = _binary("fmod")
floordiv = _binary("floordiv")
mod = _binary("mod")
maximum = _binary("maximum")
minimum = _binary("minimum")
fmax = _binary("fmax")
fmin = _binary("fmin")


# ---------------------------------------------- functions beside the table ---

def log(x, base=None):
    """Return the natural logarithm of x, or its logarithm to ``base``.

    >>> import dualad as da
    >>> y = da.log(da.Dual(2.0, 1.0))
    >>> y.eps
    0.5
    """
    if base is None:
        return log_e(x)
    return log_base(x, base)


def where(cond, a, b):
    """Select a where cond holds, else b (scalars or arrays; duals keep their partials).

    The derivative is that of the branch selected, element by element: a nan
    in the other branch's derivative does not leak into it.

    >>> import numpy as np, dualad as da
    >>> relu = lambda x: da.where(x > 0, x, 0.0 * x)
    >>> da.derivative(relu)(np.array([-1.0, 2.0]))
    array([0., 1.])
    """
    if isinstance(cond, (bool, np.bool_)):
        return a if cond else b
    return np.where(cond, a, b)


def polygamma(n, x):
    """Return the n-th derivative of the digamma function at x (n >= 0 an integer).

    >>> import math, dualad as da
    >>> abs(da.polygamma(1, 1.0) - math.pi ** 2 / 6) < 1e-14    # trigamma(1) = zeta(2)
    True
    >>> abs(da.derivative(lambda x: da.polygamma(1, x))(1.0) - da.polygamma(2, 1.0)) < 1e-14
    True
    """
    if isinstance(x, DualNumber):
        return x._apply1(polygamma.rule_of(n))
    if type(x) is float or is_plain_real(x):
        return polygamma_float(n, float(x))
    x = as_array_input("polygamma", "x", x)
    return _polygamma_ufunc()(n, x)


polygamma.rule_of = None  # n -> the rule of polygamma(n, .): bound by ``table``


def digamma(x):
    """Return the digamma function psi(x) = d/dx lgamma(x).

    >>> import dualad as da
    >>> abs(da.digamma(2.0) - da.derivative(da.lgamma)(2.0)) < 1e-14
    True
    """
    return polygamma(0, x)


_pg_ufunc = []


def _polygamma_ufunc():
    if not _pg_ufunc:
        import numba
        _pg_ufunc.append(numba.vectorize(
            ["float32(int64, float32)", "float64(int64, float64)"])(polygamma_float))
    return _pg_ufunc[0]
