"""Extending dualad: functions with derivative rules of their own.

``g = register(func, derivs)`` wraps ``func`` so that every dualad number
type, in Python and inside ``@numba.njit`` code, differentiates it with the
rules you give (one callable per argument, each returning the partial
derivative with respect to that argument) instead of looking inside ``func``.
Use it for numerically stable derivatives the rule table lacks, or for
functions with no rule at all (a special function from SciPy, a table
lookup, a call into compiled code).

Second derivatives (HyperDual, nested Duals) are obtained by differentiating
your derivative callables with dualad itself, so write them with dualad's or
NumPy's functions, or register them in turn. Inside numba both ``func`` and
the ``derivs`` must be njit-able (plain Python functions are compiled with
``numba.njit`` on first use; dispatchers are used as they are).
"""
import functools

import numpy as np

from ._core.base import DualNumber, lead, next_tag
from ._numbers import Dual, DualArray, HyperDual, make_dual, partial_along
from ._rules import Rule


def _seed(x, tag):
    """x seeded along a fresh perturbation: a Dual, or a DualArray (one direction
    per element, for elementwise derivative callables)."""
    if isinstance(x, (np.ndarray, DualArray)):
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
        return DualArray(x, np.ones(np.shape(x) + (1,), dtype), tag)
    return make_dual(x, 1.0, tag)


def register(func, derivs):
    """Return ``func`` wrapped with its own derivative rule(s).

    ``derivs`` is one callable per argument of ``func`` (a single callable for
    a function of one argument); ``derivs[i](*args)`` is the partial
    derivative of ``func`` with respect to argument ``i``.

    >>> import math, dualad as da
    >>> def softplus(x):
    ...     return math.log1p(math.exp(-abs(x))) + max(x, 0.0)
    >>> softplus = da.register(softplus, lambda x: 1.0 / (1.0 + da.exp(-x)))
    >>> round(da.derivative(softplus)(0.0), 12)
    0.5
    """
    if not callable(func):
        raise TypeError(f"register() needs a callable func, got {type(func).__name__}")
    if callable(derivs):
        derivs = (derivs,)
    derivs = tuple(derivs)
    if not derivs or not all(callable(d) for d in derivs):
        raise TypeError("register(): derivs must be a callable or a sequence of callables, "
                        "one per argument of func")
    rule = CustomRule(func, derivs)
    wrapper = _python_wrapper(rule)
    rule.wrapper = wrapper
    _register_numba(rule)
    return wrapper


def custom_derivative(derivs):
    """Decorator form of :func:`register`.

    >>> import dualad as da
    >>> @da.custom_derivative([lambda x, y: y, lambda x, y: x])
    ... def mul(x, y):
    ...     return x * y
    >>> da.derivative(lambda t: mul(t, 3.0))(2.0)
    3.0
    """
    def decorate(func):
        return register(func, derivs)
    return decorate


def _on_duals(deriv, i, name):
    """deriv, re-raising a TypeError it raises on dual arguments with what to do:
    second derivatives (and nested first ones) evaluate the rules on duals."""
    @functools.wraps(deriv)
    def d(*args):
        try:
            return deriv(*args)
        except TypeError as e:
            if not any(isinstance(a, DualNumber) for a in args):
                raise
            raise TypeError(
                f"{name}(): higher derivatives differentiate the derivative rule "
                f"derivs[{i}] with dualad, and it failed on a dual number "
                f"({str(e).rstrip('.')}). Write it with dualad's or NumPy's functions "
                "(da.cos, np.exp, ... instead of math.*), or register it in turn with "
                "da.register") from e
    return d


class CustomRule:
    """A user's function and its partial derivatives, as a rule of the table.

    ``rule`` is a ``dualad._rules.Rule`` (arity 1 or 2) whose ladders evaluate
    ``func`` and ``derivs``; every number type applies it through its own chain
    rules, exactly as it applies the table's rules (``x._apply1(rule)``,
    ``top._apply2(rule, x, y)``). Second derivatives are the derivatives of the
    derivative callables, taken with a dual of a fresh tag; the first-order
    ladders (``Rule.first``) skip them for the first-order types. Functions of
    more arguments go through ``_apply_n`` of the scalar types (Python only).
    The numba layer overloads ``wrapper`` from ``func`` and ``derivs``
    (``jitted``).
    """

    def __init__(self, func, derivs):
        self.func = func
        self.raw_derivs = derivs  # as given: what numba compiles
        self.derivs = tuple(_on_duals(d, i, getattr(func, "__name__", "custom"))
                            for i, d in enumerate(derivs))
        self.arity = len(derivs)
        self.name = getattr(func, "__name__", "custom")
        self.wrapper = None
        self._jitted = None
        self.rule = self._as_rule() if self.arity <= 2 else None

    # ---- Python ----------------------------------------------------------
    def second(self, i, j, vals):
        """d/d(arg j) of derivs[i] at vals, by a dual seeded with a fresh tag."""
        tag = next_tag()
        seeded = list(vals)
        seeded[j] = _seed(vals[j], tag)
        return partial_along(self.derivs[i](*seeded), tag)

    def apply(self, args):
        top = None
        for a in args:
            if isinstance(a, DualNumber):
                top = a if top is None else lead(top, a)
        if self.rule is None:
            if not isinstance(top, (Dual, HyperDual)):
                raise TypeError(f"{self.name}(): functions of {self.arity} arguments "
                                "differentiate on Dual and HyperDual numbers; got a "
                                f"{type(top).__name__} (register a function of one or "
                                "two arguments for arrays)")
            return top._apply_n(args, self._ladder_n, self.name)
        if self.arity == 1:
            return top._apply1(self.rule)
        return top._apply2(self.rule, *args)

    def _ladder_n(self, vals, wrt, second):
        grads = [self.derivs[i](*vals) for i in wrt]
        hess = [[self.second(i, j, vals) for j in wrt] for i in wrt] if second else None
        return self.wrapper(*vals), grads, hess

    def _as_rule(self):
        derivs, second, raw = self.derivs, self.second, self.func

        def func(*args):
            # the primal at values that may be duals of an inner perturbation
            # (nested duals): through the wrapper, which applies this rule to them
            return self.wrapper(*args)
        if self.arity == 1:
            d0, = derivs

            def ladder(x):
                return func(x), d0(x), second(0, 0, (x,))

            def first(x):
                return func(x), d0(x), None

            def on_floats(x):
                return raw(x), d0(x), None
            # float_ladder: what a Dual with a float value applies (first order)
            return Rule(f"custom:{self.name}", 1, raw, ladder, ((-1.0, 1.0),),
                        argnames=("x",), first=(first,), float_ladder=on_floats)
        d0, d1 = derivs

        def ladder(x, y):
            v = (x, y)
            return (func(x, y), d0(x, y), d1(x, y), second(0, 0, v), second(0, 1, v),
                    second(1, 1, v))

        def ladder_x(x, c):
            return func(x, c), d0(x, c), second(0, 0, (x, c))

        def ladder_y(c, y):
            return func(c, y), d1(c, y), second(1, 1, (c, y))

        def first(x, y):
            return func(x, y), d0(x, y), d1(x, y), None, None, None

        def first_x(x, c):
            return func(x, c), d0(x, c), None

        def first_y(c, y):
            return func(c, y), d1(c, y), None
        return Rule(f"custom:{self.name}", 2, raw, ladder, ((-1.0, 1.0),) * 2,
                    ladder_x=ladder_x, ladder_y=ladder_y, argnames=("x", "y"),
                    first=(first, first_x, first_y))

    # ---- numba -------------------------------------------------------------
    def jitted(self):
        """(func, derivs) as numba dispatchers, compiled on first use."""
        if self._jitted is None:
            import numba
            from ._core.numba_support import is_dispatcher

            def jit(f):
                return f if is_dispatcher(f) else numba.njit(f)
            self._jitted = (jit(self.func), tuple(jit(d) for d in self.raw_derivs))
        return self._jitted


def _python_wrapper(rule):
    func = rule.func

    @functools.wraps(func)
    def wrapper(*args):
        if len(args) != rule.arity:
            raise TypeError(f"{rule.name}() takes {rule.arity} argument(s) "
                            f"({len(rule.derivs)} derivative rules), got {len(args)}")
        if any(isinstance(a, DualNumber) for a in args):
            return rule.apply(args)
        return func(*args)

    wrapper.custom_rule = rule
    return wrapper


# Custom rules, in the order registered; the numba layer (``dualad._jit``)
# overloads each for nopython code: those registered before it was imported
# when it is, later ones as they come (it subscribes to ``LISTENERS``).
CUSTOM_RULES = []
LISTENERS = []


def _register_numba(rule):
    CUSTOM_RULES.append(rule)
    for listener in LISTENERS:
        listener(rule)


__all__ = ["register", "custom_derivative"]
