"""The generic Taylor path: any rule of the table, at any order, from its ladder.

A rule f without a recurrence of its own (``functions``) is propagated
through y' = f'(x) x' (binary: y' = f_x x' + f_y y'), integrated term by
term: ``k y_k = sum_{j=1..k} j x_j f'(x)_{k-j}`` for every k at once
(``series.integrate``), where the series of f'(x) is needed only to degree
K - 1: it is the rule's (first-order) ladder evaluated once on x truncated
to degree K - 1, itself on Taylor numbers, so it stays generic. That is
O(K²) per rule when the ladder is built of arithmetic, recurrences and other
such rules (asin, atan, erf, hypot, atan2, fabs, ...).

A ladder that calls f itself (a registered rule whose derivative calls
the function), or a chain of rules that have no path of their own, descends
one degree per call: O(K³). (gamma, lgamma and polygamma have their own,
``functions``: their series at the point composed with the input's.) Every generic
evaluation is memoised, for the duration of the outermost one, by (rule,
operands): a truncation is a view of its series, so a ladder's repeated
``f(x[:K])`` is evaluated once. Chains stop where the degree left reaches
zero.

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


class _SelfReference(Exception):
    """f'(x) used f(x) itself (the fast path of ``_derivative_series`` does not apply)."""


class _Unused:
    """Stands for f(x) while f's ladder computes f'(x): any use of it raises."""

    def _refuse(self, *args, **kwargs):
        raise _SelfReference

    __getattr__ = __array__ = __bool__ = __float__ = __index__ = __len__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _refuse
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __array_ufunc__ = _refuse
    __array_function__ = __iter__ = __getitem__ = _refuse
    __hash__ = object.__hash__


def _derivative_series(rule, args, ladder):
    """``ladder(*args)`` (args: operands truncated to degree K - 1), with f(args)
    itself left unevaluated when f' does not use it.

    A ladder returns f(x) first (``_asin`` calls ``asin(x)``). Evaluated
    naively, that call would compute f's series one degree lower, then the
    next, O(K³) in all. So f(args) is first stood in for by ``_Unused``: a
    ladder whose f' is built without f (asin, atan, erf, fabs, atan2, ...)
    never touches it, and f' costs one evaluation at degree K - 1. A ladder
    that does use f(x) (gamma, hypot) raises on touching it, and is then run
    with f(args) computed for real (memoised, descending one degree per call)."""
    keep = []
    key = (id(rule),) + tuple(_operand_key(a, keep) for a in args)
    if key in _memo:  # f(args) already known: nothing to save
        return ladder(*args)
    _memo[key] = (_Unused(), keep)
    try:
        out = ladder(*args)
        if not any(isinstance(o, _Unused) for o in out[1:]):
            return out
    except Exception:
        pass  # rerun below: a real error repeats there
    finally:
        del _memo[key]
    return ladder(*args)


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


def _is_complex(a):
    return np.iscomplexobj(a._c if _is_taylor(a) else a)


def _ladders(rule, args):
    """(ladder, ladder_x, ladder_y) for the operands args (binary) or (ladder,) (unary):
    the complex ladders where an operand is complex (the rule holomorphic: ``functions``
    refused the others), else the first-order real ones."""
    if any(_is_complex(a) for a in args):
        return rule.complex_ladders()
    if rule.arity == 1:
        return (rule.unary_ladder(True),)
    return rule.binary_ladders(True)


def _value(rule, vals):
    """f at the values (degree 0): the float function for Python floats, the complex
    one for complex values, else the ladder."""
    if any(np.iscomplexobj(v) for v in vals):
        return rule.complex_primal(*vals)
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
    g = _series_of(_derivative_series(rule, (xt,), _ladders(rule, (x,))[0])[1], xt)
    return x._new(series.integrate(y0, (x._c, g)))


def _binary(rule, x, y):
    template = x if _is_taylor(x) else y
    k = template.order
    y0 = _value(rule, (_float_value(x), _float_value(y)))
    if k == 0:
        return template._new(series.constant(y0, template._c))
    xt = x._truncated(k - 1) if _is_taylor(x) else x
    yt = y._truncated(k - 1) if _is_taylor(y) else y
    ladder, ladder_x, ladder_y = _ladders(rule, (x, y))
    like = xt if _is_taylor(x) else yt
    if _is_taylor(x) and _is_taylor(y):
        out = _derivative_series(rule, (xt, yt), ladder)
        terms = ((x._c, _series_of(out[1], like)), (y._c, _series_of(out[2], like)))
    elif _is_taylor(x):
        terms = ((x._c, _series_of(_derivative_series(rule, (xt, y), ladder_x)[1], like)),)
    else:
        terms = ((y._c, _series_of(_derivative_series(rule, (x, yt), ladder_y)[1], like)),)
    return template._new(series.integrate(y0, *terms))
