"""nopython overloads of functions registered with ``da.register``.

The user's function and derivative callables run compiled (njit-ed on first
use). A HyperDual (or any second-order use) needs the derivatives of the
derivative callables: they are evaluated on a dual one nesting level deeper
than the primal, so the primal's own perturbations stay constants there.
"""
from numba.core.errors import TypingError
from numba.extending import overload

from .api import lift, partial_at
from .intrinsics import const_like, dual_like, hyper_like
from .operators import classify, dual2_chain, dual2_chain2
from .types import OVERLOAD, Dual2Type, DualType, HyperDualType, is_real


def _register_unary(rule):
    func, (d0,) = rule.jitted()

    def typer(x):
        if is_real(x):
            return lambda x: func(x)
        if isinstance(x, DualType):
            def impl(x):
                v = x.value
                return dual_like(x, func(v), x.partials * d0(v))
            return impl
        if isinstance(x, HyperDualType):
            level = x.depth

            def impl(x):
                v = x.re
                f1 = d0(v)
                f2 = partial_at(d0(lift(v)), level)
                e1 = x.eps1
                e2 = x.eps2
                return hyper_like(x, func(v), f1 * e1, f1 * e2,
                                  f1 * x.eps1eps2 + f2 * e1 * e2)
            return impl
        if isinstance(x, Dual2Type):
            def impl(x):
                v = x.value
                return dual2_chain(x, func(v), d0(v), partial_at(d0(lift(v)), 1))
            return impl
    return typer


def _register_binary(rule):
    func, (d0, d1) = rule.jitted()

    def typer(x, y):
        if is_real(x) and is_real(y):
            return lambda x, y: func(x, y)
        k = classify(x, y)
        if k is None:
            return None
        kind, T = k
        if kind == "same" and (x != T or y != T):
            raise TypingError(f"{rule.name}(): arguments of different float widths "
                              f"({x}, {y}); convert one explicitly")
        level = T.depth
        if isinstance(T, Dual2Type):
            return _dual2_binary(func, d0, d1, kind)
        if isinstance(T, DualType):
            if kind == "same":
                def impl(x, y):
                    u = x.value
                    v = y.value
                    return dual_like(x, func(u, v), x.partials * d0(u, v)
                                     + y.partials * d1(u, v))
            elif kind == "left":
                def impl(x, y):
                    u = x.value
                    c = const_like(y, x)
                    return dual_like(x, func(u, c), x.partials * d0(u, c))
            else:
                def impl(x, y):
                    v = y.value
                    c = const_like(x, y)
                    return dual_like(y, func(c, v), y.partials * d1(c, v))
            return impl
        if kind == "same":
            def impl(x, y):
                u = x.re
                v = y.re
                fx = d0(u, v)
                fy = d1(u, v)
                fxx = partial_at(d0(lift(u), v), level)
                fxy = partial_at(d0(u, lift(v)), level)
                fyy = partial_at(d1(u, lift(v)), level)
                a1 = x.eps1
                a2 = x.eps2
                b1 = y.eps1
                b2 = y.eps2
                return hyper_like(x, func(u, v), fx * a1 + fy * b1, fx * a2 + fy * b2,
                                  fx * x.eps1eps2 + fy * y.eps1eps2 + fxx * a1 * a2
                                  + fxy * (a1 * b2 + a2 * b1) + fyy * b1 * b2)
        elif kind == "left":
            def impl(x, y):
                u = x.re
                c = const_like(y, x)
                f1 = d0(u, c)
                f2 = partial_at(d0(lift(u), c), level)
                e1 = x.eps1
                e2 = x.eps2
                return hyper_like(x, func(u, c), f1 * e1, f1 * e2,
                                  f1 * x.eps1eps2 + f2 * e1 * e2)
        else:
            def impl(x, y):
                v = y.re
                c = const_like(x, y)
                f1 = d1(c, v)
                f2 = partial_at(d1(c, lift(v)), level)
                e1 = y.eps1
                e2 = y.eps2
                return hyper_like(y, func(c, v), f1 * e1, f1 * e2,
                                  f1 * y.eps1eps2 + f2 * e1 * e2)
        return impl
    return typer


def _dual2_binary(func, d0, d1, kind):
    # Second derivatives as for HyperDual: d0, d1 on a dual one level deeper.
    if kind == "same":
        def impl(x, y):
            u = x.value
            v = y.value
            return dual2_chain2(x, y, func(u, v), d0(u, v), d1(u, v),
                                partial_at(d0(lift(u), v), 1), partial_at(d0(u, lift(v)), 1),
                                partial_at(d1(u, lift(v)), 1))
    elif kind == "left":
        def impl(x, y):
            u = x.value
            c = const_like(y, x)
            return dual2_chain(x, func(u, c), d0(u, c), partial_at(d0(lift(u), c), 1))
    else:
        def impl(x, y):
            v = y.value
            c = const_like(x, y)
            return dual2_chain(y, func(c, v), d1(c, v), partial_at(d1(c, lift(v)), 1))
    return impl


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
    overload(rule.wrapper, strict=False, **OVERLOAD)(typer)
