"""The chain rule of DualArray: how the elementary functions apply to it.

The elementary functions (``da.sin``, the ufuncs of the rule table, rules
registered with ``da.register``) hand their rule to the leading number:
``x._apply1(rule)``, ``top._apply2(rule, x, y)``. DualArray's calculus is
first order (its partials are scaled by f' alone), so it takes the rules'
first-order ladders, which skip f''. Both hooks are methods of DualArray,
added to it with ``@method`` when this module is imported.
"""
import numpy as np

from ..._core.base import bad_argument, lead
from ..._rules import STEP
from ..depset import through_step
from .core import _check_n, _col, _finish, _new, _operand, _split, is_complex_array, method

# DualArray's calculus uses f and f' only (Rule.unary_ladder / binary_ladders).
_FIRST_ORDER = True


def _coef(f1, like):
    """A ladder coefficient in the float type of ``like``.

    A ladder may build coefficients with ``where(c, 1.0, 0.0)``: a float64
    array, which must not promote float32 partials.
    """
    if type(f1) is np.ndarray and f1.dtype != like.dtype:
        return f1.astype(like.dtype)
    return f1


def _constant(a, c):
    """The constant operand c of a ladder applied to the DualArray a.

    Python scalars take the array's float type, so that the ladders follow
    NumPy semantics (nan, not exceptions) without promoting float32.
    """
    t = type(c)
    if t is float or t is int:
        return a.dtype.type(c)
    return c


def _complex_unary(rule):
    """The ladder of a rule at complex values: its complex ladder (the elementary
    functions take complex arrays to the complex primitives, NumPy's branch cuts);
    TypeError, naming the function, if the rule is not holomorphic."""
    return rule.complex_ladders()[0]


@method
def _apply1(self, rule):
    values = self.values
    if type(values) is np.ndarray and values.dtype.kind != "c":  # (the real fast path)
        ladder = rule.unary_ladder(_FIRST_ORDER)
    elif is_complex_array(values):
        ladder = _complex_unary(rule)
    else:
        ladder = rule.unary_ladder(_FIRST_ORDER)
    with np.errstate(all="ignore"):
        f0, f1, _ = ladder(values)
        p = self.partials * _col(_coef(f1, f0))
        return _new(f0, through_step(p) if rule.kind == STEP else p, self.tag)


@method
def _apply2(self, rule, x, y):
    x = _operand(x)
    y = _operand(y)
    if x is None or y is None:
        raise bad_argument(rule.name, rule.argnames[0 if x is None else 1],
                           x if x is None else y)
    top = lead(x, y)
    if top is not self:
        return top._apply2(rule, x, y)
    xv, px = _split(self, x)
    yv, py = _split(self, y)
    if is_complex_array(xv) or is_complex_array(yv):
        ladder, ladder_x, ladder_y = rule.complex_ladders()  # TypeError if not holomorphic
    else:
        ladder, ladder_x, ladder_y = rule.binary_ladders(_FIRST_ORDER)
    with np.errstate(all="ignore"):
        if px is not None and py is not None:
            _check_n(px, py)
            f, fx, fy = ladder(xv, yv)[:3]
            p = px * _col(_coef(fx, f)) + py * _col(_coef(fy, f))
        elif px is not None:
            f, fx, _ = ladder_x(xv, _constant(self, yv))
            p = px * _col(_coef(fx, f))
        else:
            f, fy, _ = ladder_y(_constant(self, xv), yv)
            p = py * _col(_coef(fy, f))
        if rule.kind == STEP:  # derivative identically zero: no dependency either
            p = through_step(p)
        return _finish(f, p, self.tag)
