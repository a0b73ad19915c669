"""nopython overloads of functions registered with ``da.register``.

The user's function and derivative callables run compiled (njit-ed on first
use) and feed the number type's chain rule (``calculus``), like a rule of
the table. A second-order type (HyperDual, Dual2: ``Calculus.order == 2``)
needs the derivatives of the derivative callables: they are evaluated on a
dual one nesting level deeper than the primal, so the primal's own
perturbations stay constants there. A first-order type (Dual) gets zeros in
those slots, which its chain rule never reads, and so never compiles the
derivative callables on the deeper dual.
"""
from numba.core.errors import TypingError
from numba.extending import overload

from .api import lift, partial_at
from .calculus import calculus_of
from .intrinsics import const_like
from .operands import LEFT, SAME, classify
from .registry import OVERLOAD_UNCACHED
from .types import is_real


def _register_unary(rule):
    func, (d0,) = rule.jitted()

    def typer(x):
        if is_real(x):
            return lambda x: func(x)
        calc = calculus_of(x)
        if calc is None:
            return None
        chain = calc.chain
        level = x.depth
        if calc.order == 1:
            def impl(x):
                v = x.value
                return chain(x, func(v), d0(v), 0.0)
        else:
            def impl(x):
                v = x.value
                return chain(x, func(v), d0(v), partial_at(d0(lift(v)), level))
        return impl
    return typer


def _binary_impl(func, d0, d1, kind, calc, level):
    """The impl of a registered f(x, y) for the case ``kind`` (operands.classify)."""
    if kind == SAME:
        chain2 = calc.chain2
        if calc.order == 1:
            def impl(x, y):
                u = x.value
                v = y.value
                return chain2(x, y, func(u, v), d0(u, v), d1(u, v), 0.0, 0.0, 0.0)
        else:
            def impl(x, y):
                u = x.value
                v = y.value
                return chain2(x, y, func(u, v), d0(u, v), d1(u, v),
                              partial_at(d0(lift(u), v), level),
                              partial_at(d0(u, lift(v)), level),
                              partial_at(d1(u, lift(v)), level))
        return impl
    chain = calc.chain
    if kind == LEFT:
        if calc.order == 1:
            def impl(x, y):
                u = x.value
                c = const_like(y, x)
                return chain(x, func(u, c), d0(u, c), 0.0)
        else:
            def impl(x, y):
                u = x.value
                c = const_like(y, x)
                return chain(x, func(u, c), d0(u, c), partial_at(d0(lift(u), c), level))
        return impl
    # RIGHT mirrors LEFT with the user's callables' arguments swapped (d1(c, v), not
    # d0(u, c)); folding the two would wrap the callables in one more compiled layer.
    if calc.order == 1:
        def impl(x, y):
            v = y.value
            c = const_like(x, y)
            return chain(y, func(c, v), d1(c, v), 0.0)
    else:
        def impl(x, y):
            v = y.value
            c = const_like(x, y)
            return chain(y, func(c, v), d1(c, v), partial_at(d1(c, lift(v)), level))
    return impl


def _register_binary(rule):
    func, (d0, d1) = rule.jitted()

    def typer(x, y):
        if is_real(x) and is_real(y):
            return lambda x, y: func(x, y)
        k = classify(x, y)
        if k is None:
            return None
        kind, T = k
        if kind == SAME and (x != T or y != T):
            raise TypingError(f"{rule.name}(): arguments of different float widths "
                              f"({x}, {y}); convert one explicitly")
        return _binary_impl(func, d0, d1, kind, calculus_of(T), T.depth)
    return typer


def register_custom(rule):
    """Overload ``rule.wrapper`` for nopython code (arity 1 or 2)."""
    if rule.arity == 1:
        typer = _register_unary(rule)
    elif rule.arity == 2:
        typer = _register_binary(rule)
    else:
        def typer(*args):
            raise TypingError(f"{rule.name}(): functions of {rule.arity} arguments registered "
                              "with da.register work in Python only; inside numba, "
                              "register functions of one or two arguments")
    overload(rule.wrapper, strict=False, **OVERLOAD_UNCACHED)(typer)
