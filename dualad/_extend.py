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
import numbers

import numpy as np

from . import _rules
from ._core.base import DualNumber, lead, next_tag
from ._numbers import Dual, HyperDual, make_dual, partial_along
from ._numbers.components import _scale


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


class CustomRule:
    """A user's function and its partial derivatives."""

    def __init__(self, func, derivs):
        self.func = func
        self.derivs = derivs
        self.arity = len(derivs)
        self.name = getattr(func, "__name__", "custom")
        self.wrapper = None
        self._jitted = None

    # ---- Python ----------------------------------------------------------
    def second(self, i, j, vals):
        """d/d(arg j) of derivs[i] at vals, by a dual seeded with a fresh tag."""
        tag = next_tag()
        seeded = list(vals)
        seeded[j] = make_dual(vals[j], 1.0, tag)
        return partial_along(self.derivs[i](*seeded), tag)

    def apply(self, args):
        top = None
        for a in args:
            if top is None:
                top = a
            else:
                winner = lead(top, a)
                if winner is not None:
                    top = winner
        if not isinstance(top, (Dual, HyperDual)):
            if isinstance(top, DualNumber) and self.arity <= 2 and hasattr(top, "_apply1"):
                return self._apply_generic(top, args)
            raise TypeError(f"{self.name}(): cannot differentiate through a "
                            f"{type(top).__name__} argument")
        same = []
        vals = []
        for a in args:
            kind, c = top._classify(a)
            if kind == "same":
                same.append(True)
                vals.append(a._primal())
            elif kind == "const":
                same.append(False)
                vals.append(c)
            else:
                raise TypeError(f"{self.name}(): cannot combine {type(top).__name__} "
                                f"and {type(a).__name__}")
        f0 = self.func(*vals)
        idx = [i for i, s in enumerate(same) if s]
        grads = {i: self.derivs[i](*vals) for i in idx}
        if type(top) is Dual:
            total = None
            for i in idx:
                term = _scale(args[i]._p, grads[i])
                total = term if total is None else total + term
            return top._build((f0, total))
        e1 = e2 = e12 = None
        for i in idx:
            a = args[i]
            g = grads[i]
            t1, t2, t12 = g * a.eps1, g * a.eps2, g * a.eps1eps2
            e1 = t1 if e1 is None else e1 + t1
            e2 = t2 if e2 is None else e2 + t2
            e12 = t12 if e12 is None else e12 + t12
        for i in idx:
            for j in idx:
                h = self.second(i, j, vals)
                e12 = e12 + h * args[i].eps1 * args[j].eps2
        return top._build((f0, e1, e2, e12))

    def _apply_generic(self, top, args):
        # Other dual types (dual arrays) apply a ladder built from the rule.
        if self.arity == 1:
            return top._apply1(self.as_rule())
        return top._apply2(self.as_rule(), *args)

    def ladder(self, *vals):
        f0 = self.func(*vals)
        if self.arity == 1:
            return f0, self.derivs[0](*vals), self.second(0, 0, vals)
        return (f0, self.derivs[0](*vals), self.derivs[1](*vals), self.second(0, 0, vals),
                self.second(0, 1, vals), self.second(1, 1, vals))

    def as_rule(self):
        key = f"custom:{id(self)}"
        if key not in _rules.PARTIAL_LADDERS and self.arity == 2:
            def ladder_x(x, c):
                return (self.func(x, c), self.derivs[0](x, c), self.second(0, 0, (x, c)))

            def ladder_y(c, y):
                return (self.func(c, y), self.derivs[1](c, y), self.second(1, 1, (c, y)))
            _rules.PARTIAL_LADDERS[key] = (ladder_x, ladder_y)
        return _rules.Rule(key, self.arity, self.func, self.ladder, ((-1.0, 1.0),) * self.arity)

    # ---- numba -------------------------------------------------------------
    def jitted(self):
        """(func, derivs) as numba dispatchers, compiled on first use."""
        if self._jitted is None:
            import numba
            from ._core.numba_support import is_dispatcher

            def jit(f):
                return f if is_dispatcher(f) else numba.njit(f)
            self._jitted = (jit(self.func), tuple(jit(d) for d in self.derivs))
        return self._jitted


def _is_plain(x):
    return isinstance(x, (numbers.Real, np.number)) and not isinstance(x, DualNumber)


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
