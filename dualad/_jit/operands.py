"""How two operands meet, decided at typing time: one vocabulary for all of ``_jit``.

``classify(a, b)`` names the case of a binary operation or function by which
operand *leads* (carries the outermost perturbation):

``'same'``
    both are duals of the same nesting depth and shape: they meet as equals
    (after a float32 -> float64 conversion, ``converting``);
``'left'``
    ``a`` leads: ``b`` is a real or complex scalar, or a dual of lower nesting
    depth, and is a constant for ``a`` (a complex constant makes the lead type
    complex: ``converting`` casts a real dual up first);
``'right'``
    ``b`` leads and ``a`` is the constant.

Every binary impl of the package (operators, the rule table's functions,
custom rules) is chosen by these three words, and takes the leading operand
first where it takes one at all (``calculus``: ``add['left'](x, c)``).
"""
from numba.core.errors import TypingError

from .._core.base import LEFT, RIGHT, SAME
from .intrinsics import convert
from .types import can_embed, complex_of, is_complex_scalar, is_constant, is_dual, \
    same_shape, unify_types, with_dtype

# the words: _core.base
__all__ = ["SAME", "LEFT", "RIGHT", "classify", "converting", "converting_xy"]


def classify(a, b):
    """How two operands meet: ('same' | 'left' | 'right', lead type) or None (no dual)."""
    da, db = is_dual(a), is_dual(b)
    if da and db:
        if a.depth != b.depth:
            lead, c, side = (a, b, LEFT) if a.depth > b.depth else (b, a, RIGHT)
            if not can_embed(c, lead.base):
                raise TypingError(f"dualad: cannot combine {a.short} and {b.short}")
            return side, lead
        if same_shape(a, b):
            return SAME, unify_types(a, b)
        raise TypingError(
            f"dualad: cannot combine {a.short} and {b.short}: numbers of the same nesting "
            "depth must be of the same kind (Dual or HyperDual) with the same number of "
            "partials")
    if da and is_constant(b):
        return LEFT, _promoted(a, b)
    if db and is_constant(a):
        return RIGHT, _promoted(b, a)
    return None


def _promoted(lead, c):
    """The lead dual's type meeting the constant c: complex if c is (the dual's width)."""
    if is_complex_scalar(c) and not is_complex_scalar(lead.dtype):
        return with_dtype(lead, complex_of(lead.dtype))
    return lead


def converting(fn, a, b, T, kind=SAME):
    """An impl casting the operands to T first, where they are not of type T: for
    'same' operands of different float widths, for a real dual leading a complex
    constant ('left', 'right': the dual only). None when no cast is needed.

    The impl takes numba's operator argument names (a, b); ``converting_xy`` is
    the same for functions of (x, y).
    """
    side = _cast_side(a, b, T, kind)
    if side is None:
        return None
    if side == LEFT:
        return lambda a, b: fn(convert(a, T), b)
    if side == RIGHT:
        return lambda a, b: fn(a, convert(b, T))
    return lambda a, b: fn(convert(a, T), convert(b, T))


def converting_xy(fn, x, y, T, kind=SAME):
    side = _cast_side(x, y, T, kind)
    if side is None:
        return None
    if side == LEFT:
        return lambda x, y: fn(convert(x, T), y)
    if side == RIGHT:
        return lambda x, y: fn(x, convert(y, T))
    return lambda x, y: fn(convert(x, T), convert(y, T))


def _cast_side(a, b, T, kind):
    """Which operands are cast to T (LEFT, RIGHT, SAME: both), None if none is."""
    if kind == LEFT:
        return None if a == T else LEFT
    if kind == RIGHT:
        return None if b == T else RIGHT
    return None if a == T and b == T else SAME
