"""How two operands meet, decided at typing time: one vocabulary for all of ``_jit``.

``classify(a, b)`` names the case of a binary operation or function by which
operand *leads* (carries the outermost perturbation):

``'same'``
    both are duals of the same nesting depth and shape: they meet as equals
    (after a float32 -> float64 conversion, ``converting``);
``'left'``
    ``a`` leads: ``b`` is a real, or a dual of lower nesting depth, and is a
    constant for ``a``;
``'right'``
    ``b`` leads and ``a`` is the constant.

Every binary impl of the package (operators, the rule table's functions,
custom rules) is chosen by these three words, and takes the leading operand
first where it takes one at all (``calculus``: ``add['left'](x, c)``).
"""
from numba.core.errors import TypingError

from .._core.base import LEFT, RIGHT, SAME
from .intrinsics import convert
from .types import can_embed, is_dual, is_real, same_shape, unify_types

__all__ = ["SAME", "LEFT", "RIGHT", "classify", "converting"]  # the words: _core.base


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
    if da and is_real(b):
        return LEFT, a
    if db and is_real(a):
        return RIGHT, b
    return None


def converting(fn, a, b, T):
    """For 'same' operands of different float widths: an impl casting both to T first.

    None when both already are of type T.
    """
    if a == T and b == T:
        return None

    def impl(a, b):
        return fn(convert(a, T), convert(b, T))
    return impl
