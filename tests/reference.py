"""High-precision references for dualad's rule table, shared by the test suites.

Import it from any test (``tests/`` is on ``sys.path``, see ``conftest.py``)::

    from reference import MP_FUNCTIONS, sample_points, reference_derivatives, assert_close

* ``MP_FUNCTIONS``: rule name -> the same function in mpmath (every rule of
  ``dualad._rules.RULES`` must have one; ``test_rules`` fails otherwise).
* ``sample_points(rule, n, seed, dtype)``: well-conditioned points of
  ``rule.domain``, kept away from the kinks and jumps of non-smooth rules.
* ``reference_derivatives(rule, args, order)``: f and all its partial
  derivatives up to ``order`` (plus one order more, used for the tolerance),
  at mp.dps = 40, at the exact binary value of ``args``.
* ``assert_close(got, ref, index, dtype)`` and ``tolerance``: the error model
  every test uses (see ``tolerance``).

>>> import dualad._rules as R
>>> ref = reference_derivatives(R.RULES_BY_NAME["sin"], (0.5,))
>>> abs(ref.partial(1) - 0.8775825618903728) < 1e-16
True
"""
import functools
import math
import numbers
import operator
from typing import Callable, NamedTuple, Tuple

import mpmath
import numpy as np

from dualad._core.base import DualNumber
from dualad._rules import KINK, RULES, RULES_BY_NAME, SMOOTH, STEP

mp = mpmath.mp
DPS = 40

# ---------------------------------------------------------------- mpmath ---


def _mp_trunc(x):
    return mpmath.floor(x) if x >= 0 else mpmath.ceil(x)


def _mp_copysign(x, y):
    return mpmath.fabs(x) if y >= 0 else -mpmath.fabs(x)


MP_FUNCTIONS = {
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "tan": mpmath.tan,
    "asin": mpmath.asin,
    "acos": mpmath.acos,
    "atan": mpmath.atan,
    "sinh": mpmath.sinh,
    "cosh": mpmath.cosh,
    "tanh": mpmath.tanh,
    "asinh": mpmath.asinh,
    "acosh": mpmath.acosh,
    "atanh": mpmath.atanh,
    "exp": mpmath.exp,
    "exp2": lambda x: mpmath.power(2, x),
    "expm1": mpmath.expm1,
    "log": mpmath.log,
    "log2": lambda x: mpmath.log(x, 2),
    "log10": mpmath.log10,
    "log1p": mpmath.log1p,
    "sqrt": mpmath.sqrt,
    "cbrt": mpmath.cbrt,
    "erf": mpmath.erf,
    "erfc": mpmath.erfc,
    "gamma": mpmath.gamma,
    "lgamma": mpmath.loggamma,  # real for x > 0, the sampled domain
    "fabs": mpmath.fabs,
    "degrees": mpmath.degrees,
    "radians": mpmath.radians,
    "floor": mpmath.floor,
    "ceil": mpmath.ceil,
    "trunc": _mp_trunc,
    "round": mpmath.nint,  # ties never sampled
    "sign": mpmath.sign,
    "atan2": mpmath.atan2,
    "hypot": mpmath.hypot,
    "pow": mpmath.power,
    "log_base": lambda x, b: mpmath.log(x, b),
    "copysign": _mp_copysign,
    "fmod": lambda x, y: x - y * _mp_trunc(x / y),
    "floordiv": lambda x, y: mpmath.floor(x / y),
    "mod": lambda x, y: x - y * mpmath.floor(x / y),
    "maximum": max,
    "minimum": min,
    "fmax": max,
    "fmin": min,
}

# scipy.special rules (dualad/_rules/scipy_special.py): Python and NumPy paths only.
_SQRT2 = mpmath.sqrt(2)
MP_FUNCTIONS.update({
    "erfcx": lambda x: mpmath.exp(x * x) * mpmath.erfc(x),
    "erfi": mpmath.erfi,
    "dawsn": lambda x: mpmath.sqrt(mpmath.pi) / 2 * mpmath.exp(-x * x) * mpmath.erfi(x),
    "erfinv": mpmath.erfinv,
    "erfcinv": lambda x: mpmath.erfinv(1 - x),
    "expit": lambda x: 1 / (1 + mpmath.exp(-x)),
    "logit": lambda x: mpmath.log(x / (1 - x)),
    "log_expit": lambda x: -mpmath.log1p(mpmath.exp(-x)),
    "ndtr": lambda x: mpmath.erfc(-x / _SQRT2) / 2,
    "log_ndtr": lambda x: mpmath.log(mpmath.erfc(-x / _SQRT2) / 2),
    "ndtri": lambda p: _SQRT2 * mpmath.erfinv(2 * p - 1),
    "rgamma": mpmath.rgamma,
    "exp10": lambda x: mpmath.power(10, x),
    "entr": lambda x: -x * mpmath.log(x),
    "expi": mpmath.ei,
    "exp1": mpmath.e1,
    "j0": lambda x: mpmath.besselj(0, x),
    "j1": lambda x: mpmath.besselj(1, x),
    "y0": lambda x: mpmath.bessely(0, x),
    "y1": lambda x: mpmath.bessely(1, x),
    "i0": lambda x: mpmath.besseli(0, x),
    "i1": lambda x: mpmath.besseli(1, x),
    "i0e": lambda x: mpmath.exp(-abs(x)) * mpmath.besseli(0, x),
    "i1e": lambda x: mpmath.exp(-abs(x)) * mpmath.besseli(1, x),
    "ellipk": mpmath.ellipk,
    "ellipe": mpmath.ellipe,
    "xlogy": lambda x, y: x * mpmath.log(y),
    "xlog1py": lambda x, y: x * mpmath.log1p(y),
    "betaln": lambda a, b: mpmath.log(mpmath.beta(a, b)),
    "beta": mpmath.beta,
    # order v constant: differentiated in z only (tests/test_scipy_special.py)
    "jv": mpmath.besselj, "yv": mpmath.bessely, "iv": mpmath.besseli, "kv": mpmath.besselk,
    "ive": lambda v, z: mpmath.exp(-abs(z)) * mpmath.besseli(v, z),
    "kve": lambda v, z: mpmath.exp(z) * mpmath.besselk(v, z),
    "gammainc": lambda a, x: mpmath.gammainc(a, 0, x, regularized=True),
    "gammaincc": lambda a, x: mpmath.gammainc(a, x, mpmath.inf, regularized=True),
    "zeta": mpmath.zeta,  # Hurwitz zeta(x, q), x constant
    "gammasgn": lambda x: mpmath.sign(mpmath.gamma(x)),
    "sici.si": lambda x: mpmath.si(x),
    "sici.ci": lambda x: mpmath.ci(x),
    # spherical Bessel functions of an integer order n (dualad.scipy.special), in z
    "spherical_jn": lambda n, z: mpmath.sqrt(mpmath.pi / (2 * z)) * mpmath.besselj(n + 0.5, z),
    "spherical_yn": lambda n, z: mpmath.sqrt(mpmath.pi / (2 * z)) * mpmath.bessely(n + 0.5, z),
    "spherical_in": lambda n, z: mpmath.sqrt(mpmath.pi / (2 * z)) * mpmath.besseli(n + 0.5, z),
    "spherical_kn": lambda n, z: mpmath.sqrt(mpmath.pi / (2 * z)) * mpmath.besselk(n + 0.5, z),
    "multigammaln": lambda a, d: (d * (d - 1) / 4 * mpmath.log(mpmath.pi)
                                  + mpmath.fsum(mpmath.loggamma(a - mpmath.mpf(j) / 2)
                                                for j in range(int(d)))),
})


# ------------------------------------------------------------ operators ---
# The arithmetic the number types implement by hand, described like rules
# (name, arity, domain, kind) so that sample_points and reference_derivatives
# serve them too. ``apply`` is the Python operation under test.

class Operator(NamedTuple):
    name: str
    arity: int
    apply: Callable
    mp: Callable
    domain: Tuple[Tuple[float, float], ...]
    kind: str = SMOOTH


_BOX = ((-3.0, 3.0), (-3.0, 3.0))
OPERATORS = (
    Operator("+", 2, operator.add, operator.add, _BOX),
    Operator("-", 2, operator.sub, operator.sub, _BOX),
    Operator("*", 2, operator.mul, operator.mul, _BOX),
    Operator("/", 2, operator.truediv, operator.truediv, ((-3.0, 3.0), (0.4, 3.0))),
    Operator("//", 2, operator.floordiv, lambda a, b: mpmath.floor(a / b),
             ((-5.0, 5.0), (0.7, 2.0)), STEP),
    Operator("%", 2, operator.mod, lambda a, b: a - b * mpmath.floor(a / b),
             ((-5.0, 5.0), (0.7, 2.0)), KINK),
    Operator("**", 2, operator.pow, mpmath.power, ((0.2, 3.0), (-2.0, 2.5))),
    Operator("neg", 1, operator.neg, operator.neg, ((-3.0, 3.0),)),
    Operator("pos", 1, operator.pos, operator.pos, ((-3.0, 3.0),)),
    Operator("abs", 1, abs, mpmath.fabs, ((-3.0, 3.0),), KINK),
    Operator("round()", 1, round, mpmath.nint, ((-3.0, 3.0),), STEP),
    Operator("math.floor", 1, math.floor, mpmath.floor, ((-3.0, 3.0),), STEP),
    Operator("math.ceil", 1, math.ceil, mpmath.ceil, ((-3.0, 3.0),), STEP),
    Operator("math.trunc", 1, math.trunc, _mp_trunc, ((-3.0, 3.0),), STEP),
)
OPERATORS_BY_NAME = {op.name: op for op in OPERATORS}


def mp_function(rule):
    """The mpmath function of ``rule`` (a Rule, an Operator or a name)."""
    name = rule if isinstance(rule, str) else rule.name
    if name in MP_FUNCTIONS:
        return MP_FUNCTIONS[name]
    if name in OPERATORS_BY_NAME:
        return OPERATORS_BY_NAME[name].mp
    raise KeyError(f"rule {name!r} has no mpmath reference: add it to "
                   "tests/reference.py MP_FUNCTIONS")


# ------------------------------------------------------------- sampling ---
# Distance of a point to the nearest kink or jump of a non-smooth rule; points
# closer than KINK_MARGIN are never sampled (there, the float result and the
# mpmath reference may sit on different sides of the jump, and a finite
# difference straddles it).

def _to_integer(t):
    return abs(t - round(t))


def _to_half_integer(t):
    return abs(abs(t - math.floor(t)) - 0.5)


KINK_DISTANCE = {
    "fabs": lambda x: abs(x),
    "floor": _to_integer,
    "ceil": _to_integer,
    "trunc": _to_integer,
    "round": _to_half_integer,
    "sign": lambda x: abs(x),
    "gammasgn": lambda x: math.inf if x > 0 else abs(x - round(x)),  # poles at 0, -1, ...
    "hypot": lambda x, y: math.hypot(x, y),
    "pow": lambda x, y: abs(x),
    "copysign": lambda x, y: min(abs(x), abs(y)),
    "fmod": lambda x, y: _to_integer(x / y) * abs(y),
    "floordiv": lambda x, y: _to_integer(x / y) * abs(y),
    "mod": lambda x, y: _to_integer(x / y) * abs(y),
    "maximum": lambda x, y: abs(x - y),
    "minimum": lambda x, y: abs(x - y),
    "fmax": lambda x, y: abs(x - y),
    "fmin": lambda x, y: abs(x - y),
    # operators
    "//": lambda x, y: _to_integer(x / y) * abs(y),
    "%": lambda x, y: _to_integer(x / y) * abs(y),
    "abs": lambda x: abs(x),
    "round()": _to_half_integer,
    "math.floor": _to_integer,
    "math.ceil": _to_integer,
    "math.trunc": _to_integer,
}
KINK_MARGIN = 0.02


def kink_distance(rule, args):
    """Distance of ``args`` to the nearest kink of ``rule`` (inf for smooth rules)."""
    if rule.kind == SMOOTH:
        return math.inf
    try:
        dist = KINK_DISTANCE[rule.name]
    except KeyError:
        raise KeyError(f"non-smooth rule {rule.name!r} ({rule.kind}) has no entry in "
                       "tests/reference.py KINK_DISTANCE: say where its kinks are") from None
    return dist(*(float(a) for a in args))


def sample_points(rule, n, seed=0, dtype=np.float64):
    """``n`` points (tuples of ``dtype`` scalars) drawn uniformly from ``rule.domain``.

    The box is shrunk by 2 % on each side (the domain's ends are often
    singular: asin at +-1, log at 0) and points within ``KINK_MARGIN`` of a
    kink or jump are redrawn. Deterministic for a given seed.
    """
    rng = np.random.default_rng([seed, sum(map(ord, rule.name))])
    out = []
    for _ in range(1000 * n):
        if len(out) == n:
            return out
        args = []
        for lo, hi in rule.domain:
            pad = 0.02 * (hi - lo)
            args.append(dtype(rng.uniform(lo + pad, hi - pad)))
        if kink_distance(rule, args) >= KINK_MARGIN:
            out.append(tuple(args))
    raise RuntimeError(f"could not sample {n} well-conditioned points for {rule.name}")


# ------------------------------------------------------------ reference ---

class Reference:
    """f and its partial derivatives at a point, from mpmath at ``DPS`` digits.

    ``partial(*index)`` takes one derivative count per argument:
    ``partial(0)`` is f of a unary rule, ``partial(2)`` its f'';
    ``partial(1, 1)`` is f_xy of a binary rule.
    """

    def __init__(self, args, partials, order):
        self.args = tuple(float(a) for a in args)
        self._partials = partials
        self.order = order

    def partial(self, *index):
        if len(index) != len(self.args):
            raise ValueError(f"index {index} needs {len(self.args)} entries")
        return float(self._partials[index])

    @property
    def f(self):
        return self.partial(*(0,) * len(self.args))

    @property
    def grad(self):
        return tuple(self.partial(*_unit(i, len(self.args))) for i in range(len(self.args)))

    @property
    def hess(self):
        n = len(self.args)
        return tuple(tuple(self.partial(*_add(_unit(i, n), _unit(j, n))) for j in range(n))
                     for i in range(n))

    def scale(self, *index):
        """|D f| + sum_i |x_i * d/dx_i D f| for the derivative D = ``index``.

        The second term is the change of D f under a relative perturbation of
        each argument of one unit (a derivative computed in floating point is
        at best the exact derivative at a point perturbed by a few ulps); it
        keeps the tolerance meaningful where D f passes through zero, e.g.
        sin'' = -sin at x near pi, or gamma' = gamma * digamma near 1.46.
        """
        if sum(index) + 1 > self.order + 1:
            raise ValueError(f"reference computed up to order {self.order}")
        total = abs(float(self._partials[index]))
        for i, x in enumerate(self.args):
            total += abs(x) * abs(float(self._partials[_add(index, _unit(i, len(index)))]))
        return total


def _unit(i, n):
    return tuple(1 if k == i else 0 for k in range(n))


def _add(a, b):
    return tuple(p + q for p, q in zip(a, b))


def _indices(n, order):
    if n == 1:
        return [(k,) for k in range(order + 1)]
    return [(a, b) for a in range(order + 1) for b in range(order + 1 - a)]


@functools.lru_cache(maxsize=4096)
def _reference(name, args, order):
    f = mp_function(name)
    with mpmath.workdps(DPS):
        xs = tuple(mpmath.mpf(a) for a in args)
        if len(xs) == 1:
            coeffs = mpmath.taylor(f, xs[0], order)
            partials = {(k,): c * mpmath.factorial(k) for k, c in enumerate(coeffs)}
        else:
            partials = {ix: mpmath.diff(f, xs, ix) for ix in _indices(len(xs), order)}
        return {k: mpmath.mpf(v) for k, v in partials.items()}


def reference_derivatives(rule, args, order=2):
    """f and every partial derivative up to ``order`` at ``args`` (a Reference).

    ``rule`` is a Rule, an Operator or a name; ``args`` floats or NumPy scalars (their
    exact binary values are used). Derivatives of order ``order + 1`` are
    computed as well: ``Reference.scale`` needs them.
    """
    name = rule if isinstance(rule, str) else rule.name
    args = tuple(float(a) for a in args)
    return Reference(args, _reference(name, args, order + 1), order)


def reference_function_derivatives(f, x, order):
    """[f(x), f'(x), ..., f^(order)(x)] of an mpmath-evaluable function of one variable."""
    with mpmath.workdps(DPS):
        coeffs = mpmath.taylor(f, mpmath.mpf(float(x)), order)
        return [float(c * mpmath.factorial(k)) for k, c in enumerate(coeffs)]


# ------------------------------------------------------------ tolerance ---
# float64: 1e-13 relative to Reference.scale (about 450 ulp): a ladder is a
#   handful of correctly rounded operations on libm results that are good to a
#   few ulps, and nested duals add a few more; anything beyond that is a wrong
#   formula or a cancellation the ladder should avoid.
#   (Worst seen on the Python path: 1/150 of it, lgamma near its zero at 1.)
# float32: 64 ulp = 2**-23 * 64 ~ 7.6e-6 relative to the same scale. NumPy's
#   float32 transcendental loops are accurate to <= 4 ulp, a ladder chains up
#   to ~10 such results (each float32 rounding 0.5 ulp), nested duals for a
#   third derivative chain three ladders, and the numba-compiled polygamma
#   of gamma/lgamma sums ~20 float32 terms. Worst seen on the Python path:
#   8 ulp (the third derivative of erf through nested duals), so 64 ulp
#   leaves a margin of 8 for other backends' float32 libm, while a wrong
#   formula (a factor, a sign, a missing term) is off by O(1).
# REF_FLOOR: absolute noise of the mpmath reference (numerical differentiation
#   at 40 digits), relative to the size of f and its derivatives; far below
#   any float rounding, so it never loosens a float64 check.

RTOL = {np.dtype(np.float64): 1e-13, np.dtype(np.float32): 64 * 2.0 ** -23}
REF_FLOOR = 1e-28


def rtol(dtype):
    return RTOL[np.dtype(dtype)]


def tolerance(ref, index, dtype=np.float64):
    """Allowed |got - exact| for the derivative ``index`` of ``ref`` in ``dtype``."""
    size = 1.0 + abs(ref.f)
    return rtol(dtype) * ref.scale(*index) + REF_FLOOR * size


def assert_close(got, ref, index, dtype=np.float64, what=""):
    """Assert ``got`` equals the partial derivative ``index`` of ``ref`` within tolerance."""
    exact = ref.partial(*index)
    if isinstance(got, DualNumber) or not isinstance(got, (numbers.Real, np.floating)):
        raise AssertionError(f"{what}: expected a real number, got {type(got).__name__} {got!r}")
    g = float(got)
    tol = tolerance(ref, index, dtype)
    err = abs(g - exact)
    if not err <= tol:  # also catches nan
        raise AssertionError(
            f"{what} at {ref.args} (derivative {index}, {np.dtype(dtype).name}): "
            f"got {g!r}, exact {exact!r}, error {err:.3g} > tolerance {tol:.3g} "
            f"({err / max(tol, 1e-300):.1f}x)")


def assert_dtype(x, dtype, what=""):
    """Assert a component of a dual number kept the floating type of its input."""
    want = np.dtype(dtype)
    if want == np.float64:
        ok = type(x) is float or (isinstance(x, np.generic) and x.dtype == want)
    else:
        ok = isinstance(x, np.generic) and x.dtype == want
    assert ok, f"{what}: expected {want.name}, got {type(x).__name__} {x!r}"


# ------------------------------------------------------- finite differences ---

def central_difference(f, args, index, h):
    """Central finite difference of ``f`` (a float function) for the derivative ``index``.

    First order: (f(x+h) - f(x-h)) / 2h; second order pure: the three-point
    stencil; mixed: the four-point stencil. Truncation error O(h**2).
    """
    args = [float(a) for a in args]

    def at(shift):
        return f(*(a + s for a, s in zip(args, shift)))

    n = len(args)
    order = sum(index)
    if order == 1:
        e = [h * k for k in index]
        return (at(e) - at([-s for s in e])) / (2.0 * h)
    if order == 2 and max(index) == 2:
        e = [h * (k // 2) for k in index]
        return (at(e) - 2.0 * at([0.0] * n) + at([-s for s in e])) / (h * h)
    if order == 2:
        return (at([h, h]) - at([h, -h]) - at([-h, h]) + at([-h, -h])) / (4.0 * h * h)
    raise ValueError(f"no stencil for {index}")


# ----------------------------------------------------------------- rules ---

def public_function(rule):
    """The public dualad function of ``rule``: ``da.<name>`` (``da.log(x, base)`` for log_base)."""
    import dualad as da
    if rule.name == "log_base":
        return lambda x, b: da.log(x, b)
    return getattr(da, rule.name)


ALL_RULES = RULES
UNARY = tuple(r for r in RULES if r.arity == 1)
BINARY = tuple(r for r in RULES if r.arity == 2)
SMOOTH_RULES = tuple(r for r in RULES if r.kind == SMOOTH)
__all__ = [
    "MP_FUNCTIONS", "OPERATORS", "OPERATORS_BY_NAME", "Operator", "KINK_DISTANCE",
    "KINK_MARGIN", "RULES", "RULES_BY_NAME",
    "ALL_RULES", "UNARY", "BINARY", "SMOOTH_RULES", "Reference", "mp_function",
    "sample_points", "kink_distance", "reference_derivatives",
    "reference_function_derivatives", "RTOL", "rtol", "tolerance", "assert_close",
    "assert_dtype", "central_difference", "public_function",
]


# ------------------------------------------------ central differences ---

def central_jacobian(f, x, h=1e-6):
    """The Jacobian of f at x by central differences: (outputs flattened, inputs
    flattened); an f returning a tuple has its outputs concatenated."""
    def flat(y):
        if isinstance(y, (list, tuple)):
            return np.concatenate([np.ravel(p) for p in y])
        return np.ravel(y)

    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        cols.append((flat(f(x + e)) - flat(f(x - e))) / (2 * h))
    return np.stack(cols, axis=-1)
