"""The generic Taylor path: any rule of the table, at any order, from its ladder.

A rule f without a recurrence of its own (``functions``) is propagated
through y' = f'(x) x' (binary: y' = f_x x' + f_y y'), integrated term by
term: ``K y_K = sum_{j=1..K} j x_j f'(x)_{K-j}``, where the series of
f'(x) is needed only to degree K - 1. It is obtained by evaluating the
rule's (first-order) ladder on x truncated to degree K - 1, and y's own
coefficients 0..K-1 are f of that same truncated series.

A ladder calls f itself (``_sin`` calls ``sin``, ``_gamma`` calls ``gamma``
and ``polygamma``), and evaluated naively each such call would recompute
the whole lower-degree series: 2^K work for sin's ladder, more for gamma's.
So every generic evaluation is memoised, for the duration of the outermost
one, by (rule, operands): a truncation is a view of its series, so
``f(x[:K])`` inside the ladder finds the result the recursion already
produced. Each (rule, degree) is then evaluated once, costing the ladder's
arithmetic at that degree, O(d²) per operation: O(K³) per rule in all
(measured in ``bench/bench_taylor.py``; the recurrences of ``functions``
are O(K²)). Chains of generic rules (polygamma(n) calls polygamma(n + 1))
stop where the degree left reaches zero.

The ladders are used through the ``Rule`` interface only (``unary_ladder``,
``binary_ladders``, ``float_ladder``), so rules added to the table, and
rules registered with ``da.register``, work unchanged. Kinks and steps
follow the ladders' documented conventions at every order (``fabs`` at 0:
every derivative 0, as the ladder's sign(0) = 0 says).
"""
import numpy as np

from . import series

_memo = None  # dict while an outermost generic evaluation runs


def _operand_key(a, keep):
    """A key identifying an operand's contents for the memo (its object kept alive)."""
    if _is_taylor(a):
        c = a._c
        root = c.base if c.base is not None else c
        keep.append(root)
        return ("t", id(root), c.__array_interface__["data"][0], c.shape, c.strides)
    if isinstance(a, np.ndarray):
        keep.append(a)
        return ("a", id(a))
    return ("c", type(a), a)


def unary(rule, x):
    """f(x) for a Taylor number x by the generic path."""
    return _memoised(_unary, rule, (x,))


def binary(rule, x, y):
    """f(x, y), one or both of them Taylor numbers (of the same tag), by the generic path."""
    return _memoised(_binary, rule, (x, y))


def _memoised(fn, rule, args):
    global _memo
    outer = _memo is None
    if outer:
        _memo = {}
    try:
        keep = [rule]
        key = (id(rule),) + tuple(_operand_key(a, keep) for a in args)
        hit = _memo.get(key)
        if hit is None:
            hit = _memo[key] = (fn(rule, *args), keep)
        return hit[0]
    finally:
        if outer:
            _memo = None


def _is_taylor(a):
    return hasattr(a, "_c")


def _float_value(a):
    """The value of a: a Python float for a float64 scalar series (math semantics)."""
    return a.value if _is_taylor(a) else a


def _series_of(g, like):
    """g (a ladder output: a Taylor number or a constant) as coefficients of like's degree."""
    if _is_taylor(g):
        return g._c
    return series.constant(g, like._c)


def _last(x, g):
    """The top coefficient of the integral of g x': (1/K) sum_{j=1..K} j x_j g_{K-j}."""
    return series.integrate_top(x._c, g)


def _assemble(template, low, top):
    """Series of degree K from coefficients 0..K-1 (``low``) and the top one."""
    top = np.asarray(top)
    shape = np.broadcast_shapes(low.shape[1:], top.shape)
    out = np.empty((low.shape[0] + 1,) + shape, np.result_type(low, top))
    out[:-1] = series.lift(low, len(shape))
    out[-1] = top
    return template._new(out)


def _value(rule, vals):
    """f at the values (degree 0): the float function for Python floats, else the ladder."""
    if all(type(v) is float for v in vals):
        return rule.float_ladder(*vals)[0]
    if rule.arity == 1:
        return rule.unary_ladder(True)(*vals)[0]
    return rule.binary_ladders(True)[0](*vals)[0]


def _unary(rule, x):
    k = x.order
    y0 = _value(rule, (x.value,))
    if k == 0:
        return x._new(series.constant(y0, x._c))
    xt = x._truncated(k - 1)
    low = unary(rule, xt)._c
    g = _series_of(rule.unary_ladder(True)(xt)[1], xt)
    return _assemble(x, low, _last(x, g))


def _binary(rule, x, y):
    template = x if _is_taylor(x) else y
    k = template.order
    y0 = _value(rule, (_float_value(x), _float_value(y)))
    if k == 0:
        return template._new(series.constant(y0, template._c))
    xt = x._truncated(k - 1) if _is_taylor(x) else x
    yt = y._truncated(k - 1) if _is_taylor(y) else y
    low = binary(rule, xt, yt)._c
    ladder, ladder_x, ladder_y = rule.binary_ladders(True)
    like = xt if _is_taylor(x) else yt
    if _is_taylor(x) and _is_taylor(y):
        out = ladder(xt, yt)
        top = _last(x, _series_of(out[1], like)) + _last(y, _series_of(out[2], like))
    elif _is_taylor(x):
        top = _last(x, _series_of(ladder_x(xt, y)[1], like))
    else:
        top = _last(y, _series_of(ladder_y(x, yt)[1], like))
    return _assemble(template, low, top)
