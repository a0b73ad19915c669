"""What every dualad number type shares: perturbation tags and input checks.

Perturbation tags (ForwardDiff's idea): every transform call draws a fresh,
larger tag for the duals it seeds. When two duals meet, the one with the
larger tag is the outer number and the other is a constant with respect to
it, so nested derivatives never confuse their perturbations. Numbers built
by hand (``Dual(1.0, 1.0)``) carry tag 0; built by hand around other duals,
a tag just above the largest they hold, which makes them the outer number
(see ``_scalar._tag_around``).
"""
import itertools
import numbers

import numpy as np



# Tags of Python duals that were unboxed into numba-compiled code. Compiled
# code cannot hand a perturbation's tag back (it returns tag-0 duals), so a
# transform whose duals went in there refuses to read its result rather than
# silently dropping a derivative.
COMPILED_TAGS = set()


def check_not_compiled(tag, who):
    """Raise if duals of ``tag`` entered compiled code during this transform."""
    if tag in COMPILED_TAGS:
        COMPILED_TAGS.discard(tag)
        raise TypeError(
            f"{who}: f passed this transform's dual numbers into a numba-compiled "
            "function, which cannot hand their derivatives back to Python code. "
            "Differentiate the compiled function itself (da.derivative(njit_f), "
            "da.grad(njit_f, argnums=...)), or compile all of f with @numba.njit.")


# How operands meet: one vocabulary for the Python, NumPy and numba code.
# Of one operand relative to a dual ``d`` (``d._classify(other)``):
SAME = "same"    # it carries d's perturbation (and is of d's type)
CONST = "const"  # a constant with respect to d's perturbation (a real, or an inner dual)
OUTER = "outer"  # it leads: d is a constant with respect to it
# Of a pair (x, y) meeting in a binary operation: SAME (both carry the leading
# perturbation), or which one leads, the other being a constant for it:
LEFT = "left"
RIGHT = "right"


next_tag = itertools.count(1).__next__
"""next_tag(): a fresh perturbation tag, larger than every tag issued before
(the counter's own method: no Python call frame per transform call)."""


# What to do when SciPy code converts a dual to floats (its C/Fortran code
# needs plain floats): module prefix -> the hint added to the error.
_SCIPY_HINTS = (
    ("scipy.integrate", "scipy.integrate's solvers need float states: for sensitivities "
     "with respect to parameters, integrate the augmented system y' = f(y, p), "
     "S' = J_y S + J_p (J_y = da.jacobian(f, argnums=0), J_p = da.jacobian(f, argnums=1)) "
     "with float inputs, or write a fixed-step integrator in NumPy code (it differentiates)"),
    ("scipy.stats", "scipy.stats distributions convert their inputs to floats: write the "
     "density with NumPy and scipy.special functions instead (e.g. the normal logpdf "
     "-0.5*((x - m)/s)**2 - np.log(s) - 0.5*np.log(2*np.pi); scipy.special.ndtr for its cdf)"),
    ("scipy.signal", "scipy.signal converts its inputs to floats: np.convolve and "
     "np.correlate, written in NumPy code, differentiate"),
    ("scipy.special", "this scipy.special function converts its input to floats before any "
     "ufunc runs: dualad.scipy.special has differentiable logsumexp, softmax, "
     "log_softmax, spherical_jn, spherical_yn, spherical_in, spherical_kn and "
     "multigammaln with SciPy's signatures "
     "(import dualad.scipy.special as dss; dss.logsumexp(x)); scipy.special's ufuncs "
     "(ndtr, gammaln, jv, ...) take duals directly, listed in docs/rules.md"),
    ("scipy.linalg", "scipy.linalg converts its inputs to floats: dualad.scipy.linalg has "
     "differentiable expm, sqrtm, solve_triangular, cho_factor, cho_solve, lu_factor and "
     "lu_solve with SciPy's signatures (import dualad.scipy.linalg as dsl; dsl.expm(A)), and "
     "NumPy's np.linalg functions (solve, inv, det, eigh, svd, qr, cholesky, ...) take "
     "DualArrays"),
    ("scipy.optimize", "scipy.optimize needs float inputs: pass it float arrays and give it "
     "dualad's derivatives (jac=da.jacobian(f), hess=da.hessian(f))"),
    ("scipy", "this SciPy function converts its input to floats; write the computation "
     "with NumPy and scipy.special ufuncs, or call SciPy on float values"),
)


# scipy.special's Python wrappers that dualad.scipy.special mirrors: the outermost
# SciPy frame's (module, function) -> the function(s) to call instead (None: any
# function of the module; the spherical ones run in a decorator's wrapper).
_SCIPY_SPECIAL_WRAPPERS = {
    ("scipy.special._logsumexp", "logsumexp"): "logsumexp",
    ("scipy.special._logsumexp", "softmax"): "softmax",
    ("scipy.special._logsumexp", "log_softmax"): "log_softmax",
    ("scipy.special._spfun_stats", "multigammaln"): "multigammaln",
    ("scipy.special._spherical_bessel", None): "spherical_jn (spherical_yn, spherical_in, "
                                               "spherical_kn)",
}


def scipy_hint():
    """The hint for the SciPy module on the call stack converting a dual, or ''."""
    import sys
    f = sys._getframe(1)
    outer = None  # the outermost SciPy frame: the function the user called
    helper = None  # scipy._lib's (its decorators wrap scipy.linalg's functions)
    while f is not None:
        mod = f.f_globals.get("__name__", "")
        if mod.startswith("scipy._lib"):
            helper = f
        elif mod.startswith("scipy"):
            outer = f
        f = f.f_back
    if outer is not None:
        return _hint_for(outer.f_globals.get("__name__", ""), outer.f_code.co_name)
    if helper is not None:  # a decorator's wrapper: the function it wraps, if it says
        wrapped = helper.f_locals.get("f")
        module = getattr(wrapped, "__module__", None) or ""
        if module.startswith("scipy") and not module.startswith("scipy._lib"):
            return _hint_for(module, wrapped.__name__)
        return _hint_for(helper.f_globals.get("__name__", ""), helper.f_code.co_name)
    return _index_tricks_hint()


def _hint_for(outer, name):
    """The hint for a dual converted inside SciPy's module ``outer``, function ``name``."""
    hint = next(h for prefix, h in _SCIPY_HINTS if outer.startswith(prefix))
    wrapper = (_SCIPY_SPECIAL_WRAPPERS.get((outer, name))
               or _SCIPY_SPECIAL_WRAPPERS.get((outer, None)))
    if wrapper is not None:
        hint = (f"this SciPy wrapper converts its input to floats before any ufunc runs; "
                f"call dualad.scipy.special.{wrapper} instead, with SciPy's signature "
                "(import dualad.scipy.special as dss)")
    return f" (called from {outer}: {hint})"


def translate_scipy_error(error):
    """Raise dualad's TypeError, from ``error``, when ``error`` is NumPy's "ufunc ... not
    supported for the input types" (or "... has no callable exp method") raised inside
    SciPy code; return otherwise (the caller re-raises ``error``).

    SciPy's Python wrappers (``multigammaln``, ``spherical_jn``, ...) convert a
    scalar dual with ``np.asarray``: a 0-d object array, for which their ufunc has no
    loop. No hook of the dual runs there (NumPy makes object arrays of any object), so
    the transforms translate the error when it leaves the user's function: free
    unless it happens.
    """
    message = str(error)
    if not ("not supported for the input types" in message  # a ufunc with no object loop
            or "which has no callable" in message):     # an object loop calling d.exp()
        return
    tb = error.__traceback__
    while tb is not None:  # from the transform inwards: the first SciPy frame
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.startswith("scipy"):
            raise TypeError("a dual number reached a SciPy ufunc as a NumPy object array "
                            "(SciPy converted it with np.asarray), which would drop its "
                            "derivative" + _hint_for(module, tb.tb_frame.f_code.co_name)
                            ) from error
        tb = tb.tb_next


def _index_tricks_hint():
    """np.r_ / np.c_ convert each piece with np.array before concatenating: say what works."""
    import sys
    f = sys._getframe(2)
    while f is not None:
        if f.f_globals.get("__name__", "") == "numpy.lib._index_tricks_impl":
            return (" (called from np.r_ / np.c_, which convert every piece to a plain array: "
                    "write np.concatenate([a, b]) for np.r_[a, b] and np.column_stack([a, b]) "
                    "or np.stack([a, b], axis=-1) for np.c_[a, b]; these keep the derivatives)")
        f = f.f_back
    return ""


class ArithmeticByName:
    """The arithmetic operators of a scalar number type, each handing its operation's
    name ("add", "sub", "rsub", "mul", "div", "rdiv") to the type's ``_arith``."""

    __slots__ = ()

    def __add__(self, other):
        return self._arith(other, "add")

    __radd__ = __add__

    def __sub__(self, other):
        return self._arith(other, "sub")

    def __rsub__(self, other):
        return self._arith(other, "rsub")

    def __mul__(self, other):
        return self._arith(other, "mul")

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._arith(other, "div")

    def __rtruediv__(self, other):
        return self._arith(other, "rdiv")


class DualNumber:
    """Base class of dualad's number types (``Dual``, ``HyperDual``, ``DualArray``).

    Subclasses define ``tag`` and ``_rank`` (which type wraps which when two
    numbers of the same tag meet) and the hooks ``_apply1(rule)`` and
    ``_apply2(rule, a, b)`` that the elementary functions call.
    """

    __slots__ = ()
    _rank = 0

    def __float__(self):
        raise TypeError(
            f"float() of a {type(self).__name__} would drop its derivative. "
            "Read the value explicitly with .value (or .re), or use dualad's "
            "functions (da.sin, np.sin) instead of math.* in Python code (the "
            "transforms see math.* as dualad's in f and in the functions of f's "
            "module, but not in other modules, nor in functions assigning "
            "globals); inside @numba.njit code math.* works on duals. To store duals in an "
            "array, allocate it from a dual input (np.zeros_like(x), "
            "np.zeros(n, like=x)) rather than as a float array (np.zeros(n))."
            + scipy_hint())

    def __int__(self):
        raise TypeError(
            f"int() of a {type(self).__name__} would drop its derivative; "
            "use .value explicitly (or da.floor / da.trunc, whose derivative is 0)."
        )

    __index__ = __int__
    __complex__ = __float__

    def __bool__(self):
        raise TypeError(
            f"the truth value of a {type(self).__name__} is ambiguous; compare it "
            "(x > 0, x != 0), which compares values."
        )


def lead(a, b):
    """Return whichever of a, b is the outermost dual (None if neither is one)."""
    a_dual = isinstance(a, DualNumber)
    b_dual = isinstance(b, DualNumber)
    if a_dual and b_dual:
        if a.tag != b.tag:
            return a if a.tag > b.tag else b
        if a._rank == b._rank and type(a) is not type(b):
            raise TypeError(
                f"cannot combine a {type(a).__name__} and a {type(b).__name__} "
                "with the same perturbation tag; build one of them with the other's type"
            )
        return a if a._rank >= b._rank else b
    if a_dual:
        return a
    if b_dual:
        return b
    return None


_REAL_TYPES = (numbers.Real, np.number, np.bool_)


def is_real_scalar(x):
    """True for Python/NumPy real scalars (ints and bools included)."""
    return isinstance(x, _REAL_TYPES) and not isinstance(x, (complex, np.complexfloating))


def ufunc_name(ufunc):
    """The name a user wrote for a NumPy ufunc: numpy.sin, scipy.special.expit, ..."""
    import sys
    name = ufunc.__name__
    if getattr(np, name, None) is ufunc:
        return f"numpy.{name}"
    for module in ("scipy.special", "numpy.fft", "numpy.linalg"):
        mod = sys.modules.get(module)
        if mod is not None and getattr(mod, name, None) is ufunc:
            return f"{module}.{name}"
    return f"the ufunc {name}"


def bad_argument(func, name, value, expected="a real number, a dual number or an array"):
    return TypeError(
        f"{func}() argument {name!r} must be {expected}, got {type(value).__name__}"
        + (f" ({value!r})" if isinstance(value, str) else "")
    )
