"""Elementwise array functions that are not ufuncs: ``where``, ``clip``, ``round``, ``fix``.

``where`` selects elementwise, the partials following the selected operand;
the others are rules of the table (``maximum``/``minimum``, ``round``,
``trunc``) applied through the chain rule. Each is registered with
``@implements(np.func)``.
"""
import numpy as np

from ... import _rules
from .arguments import _NoValue, _reject
from .core import _finish, _lead_of, _operand, _operands, _primal, _split
from .registry import implements


@implements(np.where)
def where(condition, x=_NoValue, y=_NoValue):
    """Select elementwise; the partials follow the selected operand."""
    cond = np.asarray(_primal(condition))
    if x is _NoValue and y is _NoValue:
        return np.nonzero(cond)
    x, y = _operands("where", (x, y))
    top = _lead_of((x, y))
    if top is None:
        return np.where(cond, x, y)
    xv, px = _split(top, x)
    yv, py = _split(top, y)
    v = np.where(cond, xv, yv)
    p = np.where(cond[..., None], 0.0 if px is None else px, 0.0 if py is None else py)
    return _finish(v, p, top.tag)


@implements(np.clip)
def clip(a, a_min=_NoValue, a_max=_NoValue, out=None, *, min=_NoValue, max=_NoValue,
         **kwargs):
    """``minimum(maximum(a, a_min), a_max)``: at a bound the derivative is ``a``'s."""
    _reject("clip", out=out)
    if kwargs:
        raise TypeError(f"dualad: numpy.clip does not support {', '.join(kwargs)}")
    lo = min if a_min is _NoValue else a_min
    hi = max if a_max is _NoValue else a_max
    r = _operand(a)
    if lo is not _NoValue and lo is not None:
        r = _rules.FUNCTIONS["maximum"](r, _operand(lo))
    if hi is not _NoValue and hi is not None:
        r = _rules.FUNCTIONS["minimum"](r, _operand(hi))
    return r


@implements(np.round, np.around)
def round_(a, decimals=0, out=None):
    _reject("round", out=out)
    rint = _rules.FUNCTIONS["round"]
    if decimals == 0:
        return rint(a)
    scale = 10.0 ** decimals
    return rint(a * scale) / scale


@implements(np.fix)
def fix(x, out=None):
    _reject("fix", out=out)
    return _rules.FUNCTIONS["trunc"](x)
