"""The rule table's ladders in nopython code, and their application to duals.

* Every ladder of ``dualad._rules`` is made jitable; a binary rule's ladders
  with one argument constant (``ladder_x``, ``ladder_y``) are made typeable.
* Float ladders: the same ladder code re-bound to numba's float
  implementations (``floats.float_impl``), used where the primal is a float.
* Complex ladders (the holomorphic rules' ``complex_ladder``): re-bound the
  same way to numba's complex implementations (``cmath.<name>``, else the
  NumPy ufunc) where the primal is a complex float, the generic ones on
  nested complex duals; ``ladders_for`` picks a rule's ladders for a dual
  type and refuses a non-holomorphic rule on a complex dual.
* Integer powers: ``x ** n`` as repeated products.
* ``unary_impl`` / ``binary_impl``: the impl applying a ladder to a dual,
  through its type's chain rule (``calculus``), chosen at typing time.
"""
import cmath
import math

import numpy as np
from numba.core import types

from .. import _rules
from .._rules import elementary as _elementary, ladders as _ladders, special as _special
from .calculus import calculus_of
from .floats import float_impl
from .intrinsics import const_like, convert
from .operands import LEFT, SAME, classify, converting_xy
from .registry import inline_body, jitable
from .types import is_complex_dual, is_dual


# ------------------------------------------------------------- apply ---

def on_floats(t):
    """True for a dual whose primal is a float (its ladder runs on float primitives)."""
    return is_dual(t) and isinstance(t.base, types.Float)


def _on_floats_inline(ladder, t):
    """The ladder to call for the dual type t: over floats, its body inlined
    (``registry.inline_body``: a ladder of float primitives, one compile unit
    fewer per function applied); over duals, the compiled ladder (None stays None:
    a rule with no ladder for that argument)."""
    return inline_body(ladder) if ladder is not None and on_floats(t) else ladder


def ladders_for(rule, t, float_ladders, generic):
    """The ladders of ``rule`` for the dual type t: ``float_ladders`` or ``generic``
    (the rule's real ones), the complex ones for a complex dual; a TypeError
    naming the rule where it is not holomorphic (it has no complex derivative)."""
    if not is_complex_dual(t):
        return float_ladders if isinstance(t.base, types.Float) else generic
    if rule is None:
        raise TypeError(f"dualad: a function with no complex rule applied to a complex "
                        f"{t.short}: apply it to z.real, z.imag or abs(z)")
    if not rule.holomorphic:
        raise TypeError(f"dualad: {rule.name}() of a complex {t.short}: "
                        + str(_elementary.not_holomorphic(rule.name)))
    if isinstance(t.base, types.Complex):
        return COMPLEX_FLOAT_LADDERS[rule.name]
    return COMPLEX_LADDERS[rule.name]


def unary_impl(ladder, x, rule=None, float_ladder=None):
    """The impl applying a unary ladder to the dual x (None if x is no dual).

    With ``rule`` (and, on float primals, its ``float_ladder``) the ladder is
    the one ``ladders_for`` picks; a complex x needs a holomorphic rule."""
    calc = calculus_of(x)
    if calc is None:
        return None
    if rule is not None or is_complex_dual(x):
        ladder = ladders_for(rule, x, float_ladder or ladder, ladder)
    chain = calc.chain
    ladder = _on_floats_inline(ladder, x)

    def impl(x):
        f0, f1, f2 = ladder(x.value)
        return chain(x, f0, f1, f2)
    return impl


def binary_impl(generic, floats, x, y, selfcall, rule=None):
    """The impl applying a binary rule where x or y is a dual, else None.

    ``generic`` and ``floats`` are (ladder, ladder_x, ladder_y) for duals
    over duals and over floats (``ladders_for``: complex duals take the
    rule's complex ones); ``selfcall`` is the function itself, called again
    on operands converted to one type.
    """
    k = classify(x, y)
    if k is None:
        return None
    kind, T = k
    conv = converting_xy(selfcall, x, y, T, kind)
    if conv is not None:
        return conv
    ladder, ladder_x, ladder_y = [_on_floats_inline(lad, T)
                                  for lad in ladders_for(rule, T, floats, generic)]
    calc = calculus_of(T)
    if kind == SAME:
        chain2 = calc.chain2

        def impl(x, y):
            f, fx, fy, fxx, fxy, fyy = ladder(x.value, y.value)
            return chain2(x, y, f, fx, fy, fxx, fxy, fyy)
        return impl
    chain = calc.chain
    if kind == LEFT:
        def impl(x, y):
            f0, f1, f2 = ladder_x(x.value, const_like(y, x))
            return chain(x, f0, f1, f2)
        return impl

    def impl(x, y):
        f0, f1, f2 = ladder_y(const_like(x, y), y.value)
        return chain(y, f0, f1, f2)
    return impl


# ----------------------------------------------------------- ladders ---

def _compiled_partial_ladders(rule, ladder=None, lx=None, ly=None):
    """(ladder_x, ladder_y) of a binary rule, one argument constant.

    The table's defaults close over the Rule object, which numba cannot
    type; these close over the ladder function only.
    """
    if ladder is None:
        ladder = rule.ladder
        lx, ly = rule.ladder_x, rule.ladder_y
    if lx is None:
        def lx(x, c):
            f, fx, fy, fxx, fxy, fyy = ladder(x, c)
            return f, fx, fxx
    if ly is None:
        def ly(c, y):
            f, fx, fy, fxx, fxy, fyy = ladder(c, y)
            return f, fy, fyy
    return jitable(lx), jitable(ly)


PARTIAL_LADDERS = {}
"""Binary rule name -> (ladder_x, ladder_y), on any number type."""


def _register_ladders():
    for r in _rules.RULES:
        jitable(r.ladder)
        if r.arity == 2:
            PARTIAL_LADDERS[r.name] = _compiled_partial_ladders(r)
    for helper in _ladders.HELPERS:  # the helpers the ladders call by name
        jitable(getattr(_ladders, helper))
    jitable(_ladders._polygamma)
    jitable(_special.polygamma_float)


_register_ladders()


# Float ladders: the table's ladder code re-bound to globals in which the
# elementary functions are numba's float implementations (math.sin,
# float_floor, ...), not dualad's generic functions. A Dual[float] then compiles its ladder
# without one overload layer per elementary call (a third of compile time).
# Same source, no code generation.

def _float_where(cond, a, b):
    return a if cond else b


def _float_ladders():
    primitives = {r.name: float_impl(r) for r in _rules.RULES}
    primitives.update(log=math.log, where=jitable(_float_where),
                      polygamma=_special.polygamma_float)
    rebind = _ladders.rebinder(primitives, jitable, "float")
    ladders = {}
    for r in _rules.RULES:
        lad = rebind(r.ladder)
        if r.arity == 1:
            ladders[r.name] = lad
        else:
            ladders[r.name] = (lad,) + _compiled_partial_ladders(
                r, lad, rebind(r.ladder_x), rebind(r.ladder_y))
    return ladders


FLOAT_LADDERS = _float_ladders()
"""Rule name -> its ladder on floats (binary: (ladder, ladder_x, ladder_y))."""


def _complex_pow(x, y):
    return x ** y


COMPLEX_PRIMITIVES = {r.name: getattr(cmath, r.name, None) or getattr(np, r.ufuncs[0])
                      for r in _rules.RULES if r.holomorphic and r.arity == 1}
"""Holomorphic unary rule name -> numba's function on complex floats (cmath.<name>,
else the rule's NumPy ufunc)."""


def _complex_ladders():
    """(ladders on complex floats, generic complex ladders) of the holomorphic rules:
    each rule's complex ladder re-bound to ``COMPLEX_PRIMITIVES``, and as it is
    for nested complex duals."""
    holomorphic = [r for r in _rules.RULES if r.holomorphic]
    primitives = dict(COMPLEX_PRIMITIVES, log=cmath.log, pow=jitable(_complex_pow),
                      where=jitable(_float_where))
    rebind = _ladders.rebinder(primitives, jitable, "complex")
    on_floats, generic = {}, {}
    for r in holomorphic:
        lad = rebind(r.complex_ladder)
        jitable(r.complex_ladder)
        if r.arity == 1:
            on_floats[r.name] = lad
            generic[r.name] = r.complex_ladder
        else:
            on_floats[r.name] = (lad,) + _compiled_partial_ladders(
                r, lad, rebind(r.complex_ladder_x), None)
            generic[r.name] = (r.complex_ladder,) + _compiled_partial_ladders(
                r, r.complex_ladder, r.complex_ladder_x and jitable(r.complex_ladder_x), None)
    return on_floats, generic


COMPLEX_FLOAT_LADDERS, COMPLEX_LADDERS = _complex_ladders()
"""Holomorphic rule name -> its ladder on complex floats / on nested complex duals."""


# ------------------------------------------------------ integer powers ---

def ipow_ladder(v, n):
    """Ladder of v**n for an integer n: repeated products, as numba does for floats."""
    if n >= 2:
        xm2 = v ** (n - 2)
        xm1 = xm2 * v
        return xm1 * v, n * xm1, (n * (n - 1)) * xm2
    return _ladders._pow_x(v, float(n))


jitable(ipow_ladder)

_LITERAL_POW_LADDERS = {}


def literal_pow_ladder(k):
    """Ladder of v**k for a compile-time integer k >= 0: products only.

    ``v ** km2`` with a constant exponent is numba's unrolled static power;
    the general ``ipow_ladder`` keeps a squaring loop that stops LLVM from
    vectorising the caller (measured 8x slower for HyperDual).
    """
    lad = _LITERAL_POW_LADDERS.get(k)
    if lad is not None:
        return lad
    if k == 0:
        def lad(v):
            return 1.0, 0.0, 0.0
    elif k == 1:
        def lad(v):
            return v, 1.0, 0.0
    elif k == 2:
        def lad(v):
            return v * v, 2.0 * v, 2.0
    else:
        km2 = k - 2
        c1 = float(k)
        c2 = float(k * (k - 1))

        def lad(v):
            xm2 = v ** km2
            xm1 = xm2 * v
            return xm1 * v, c1 * xm1, c2 * xm2
    _LITERAL_POW_LADDERS[k] = jitable(lad)
    return lad
