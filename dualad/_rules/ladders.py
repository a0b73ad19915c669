"""Derivative ladders: each elementary function's derivatives, written once.

A ladder is a function of the primal argument(s) returning

* unary:  ``(f, f', f'')``
* binary: ``(f, f_x, f_y, f_xx, f_xy, f_yy)``

Ladders are plain arithmetic on dualad's own elementary functions (imported
below from ``elementary``), with no branches (selections use ``where``). So
one ladder serves floats, NumPy arrays, every dual type (the ladder of a
nested dual is evaluated on duals) and, through ``register_jitable``, numba
nopython and CUDA code.

``rebinder(primitives)`` gives the same ladder code bound to other
elementary functions (the float primitives of ``math``, or numba's float
implementations): a dual whose value is a float then skips the generic
dispatch of each call (measured: a third of numba compile time, and a
quarter of the plain-Python scalar path). Same source, no code generation.

Numerical care: quotients never form b*b (the number types divide twice
instead), ``tanh'`` is ``sech**2`` from ``exp(-2|x|)`` (not ``1 - tanh**2``,
which loses all digits for large x, nor ``1/cosh**2``, which overflows),
``asinh'`` uses ``hypot``, ``atan2`` and ``hypot`` scale by the hypotenuse so
nothing overflows.
"""
import math
import types

from .elementary import (  # noqa: F401  (the names the ladders call)
    sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, exp, exp2,
    expm1, log, log2, log10, log1p, sqrt, cbrt, erf, erfc, gamma, lgamma, fabs, floor, ceil,
    trunc, round, sign, atan2, hypot, pow, copysign, fmod, floordiv, mod, maximum, minimum,
    fmax, fmin, where, polygamma)

from .complex_ladders import (  # noqa: F401  (Rule.complex_ladder; _pow_x_c a helper)
    _acos_c, _acosh_c, _asin_c, _asinh_c, _pow_c, _pow_x_c, _tanh_c)

LN2 = math.log(2.0)
LN10 = math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
DEG_PER_RAD = 180.0 / math.pi
RAD_PER_DEG = math.pi / 180.0



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


def _selected(f, first):
    """Ladder of a function that returns one of its two arguments (``first``: the
    first one): the derivative follows the argument returned."""
    return f, where(first, 1.0, 0.0), where(first, 0.0, 1.0), 0.0, 0.0, 0.0


# maximum/minimum: a nan first argument is returned (nan propagates), so its
# derivative is taken too.
def _maximum(x, y):
    return _selected(maximum(x, y), (x >= y) | (x != x))


def _minimum(x, y):
    return _selected(minimum(x, y), (x <= y) | (x != x))


# fmax/fmin ignore a nan argument (C's and NumPy's fmax): the other one is
# returned, and its derivative taken.
def _fmax(x, y):
    return _selected(fmax(x, y), (x >= y) | (y != y))


def _fmin(x, y):
    return _selected(fmin(x, y), (x <= y) | (y != y))


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
    d1 = _pow_d1(x, c)
    cc = c * (c - 1.0)
    d2 = where(cc == 0.0, 0.0 * x, cc * _pow_nonzero_base(x, c - 2.0))
    return f, d1, d2


def _pow_x1(x, c):
    """First-order ladder of x**c (``Rule.first``: the types that use no f_xx)."""
    return pow(x, c), _pow_d1(x, c), None


def _pow_d1(x, c):
    return where(c == 0.0, 0.0 * x, c * _pow_nonzero_base(x, c - 1.0))


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


# ------------------------------------------------------------- rebinding ---
# Helpers that the ladders call by name: rebound together with them.
HELPERS = ("_pow_nonzero_base", "_pow_d1", "_pow_x", "_pow_x_c", "_selected")


def _rebind(fn, g):
    return types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)


def _identity(fn):
    return fn


def rebinder(primitives, wrap=_identity, tag=None):
    """A function mapping a ladder of this module to the same code with its
    elementary calls bound to ``primitives`` (a dict name -> function).

    ``wrap`` is applied to every rebound function (``register_jitable`` for
    numba), helpers included. ``tag`` names the set of primitives in the rebound
    functions' qualified names (``_sin[float]``): numba's disk cache tells
    functions apart by source location, qualified name, code and closure, never
    by globals, so each set must be named apart from the others.
    """
    g = dict(globals())
    g.update(primitives)

    def bound(fn):
        out = _rebind(fn, g)
        if tag is not None:
            out.__qualname__ = f"{fn.__qualname__}[{tag}]"
        return wrap(out)

    for helper in HELPERS:
        g[helper] = bound(globals()[helper])

    def rebind(ladder):
        return None if ladder is None else bound(ladder)
    return rebind
