"""The calculus of each compiled number type, written once per type.

Each type supplies, as jitable functions, exactly what the Python types in
``dualad._numbers`` supply (same formulas, same order of operations, so
compiled and Python results agree to the last bit in float64):

* ``chain(x, f0, f1, f2)``: f(x) from the unary ladder ``(f, f', f'')`` at
  the primal of x (``x.value``, one nesting level down; a HyperDual's
  ``value`` is its ``re`` field);
* ``chain2(x, y, f, fx, fy, fxx, fxy, fyy)``: f(x, y) for two numbers of one
  type from the binary ladder;
* the product and quotient rules (``(a' - q b') / b``, never ``b*b``), sums,
  differences and negation, and the forms with a constant operand.

Arithmetic on partials (a Dual's partials, a Dual2's gradient and packed
Hessian) is written with ``partials.padd/psub/pmul/pdiv/pneg``, not operators:
on vector partials they are one inline instruction, where an operator was a
compile unit of its own per operation and type (on floats and nested duals
they lower as the operator).

``calculus_of(t)`` picks a type's ``Calculus`` at typing time, in Python:
the impls of functions (``compiled_ladders``, ``functions``, ``builtins``),
operators and custom rules call its jitable functions directly, so no
overload layer dispatches on the type at compile time (each extra layer was
measured at about a third more compile time). A type's chain function is one
compiled unit shared by every function applied to it (one more unit than the
formula written into each impl, measured neutral within noise: an f' and f''
of a small polynomial +-10 %, all rules on Dual / HyperDual -3 % / -8 %; the
machine code of a compiled derivative loop is the same). The same
registrations serve numba-cuda.

``Calculus.order`` is the highest derivative its chain rule reads: a
first-order type (Dual) ignores ``f2``/``fxx``/``fxy``/``fyy``, so callers
that would have to compile extra code for them (custom rules: the user's
derivative callables on a nested dual) pass zeros instead.
"""
from .intrinsics import const_like, dual2_like, dual_like, hyper_like, outer_sq, outer_sym
from .operands import LEFT, RIGHT, SAME
from .partials import padd, pdiv, pmul, pneg, psub
from .registry import inline_body, jitable
from .types import Dual2Type, DualType, HyperDualType


class Calculus:
    """The jitable calculus of one number type (see the module docstring)."""

    def __init__(self, order, chain, chain2, neg, arith):
        self.order = order
        self.chain = jitable(chain)
        self.chain2 = jitable(chain2)
        self.neg = jitable(neg)
        # operator name -> {SAME: f(a, b), LEFT: f(dual, const), RIGHT: f(const, dual)}
        self.arith = {name: dict(zip((SAME, LEFT, RIGHT), forms))
                      for name, forms in arith.items()}


def _swap(fn):
    """The impl of c op x from the impl taking (x, c).

    fn's body is inlined into it at the numba IR level before typing (an
    ``inline="always"`` njit function; unlike an overload's ``inline``, which
    compiles the callee first): one compile unit, not a wrapper unit whose
    finalisation would have LLVM optimise and generate fn's machine code again
    (measured: the three swapped forms in the Hessian of Rosenbrock on Dual2 were
    a fifth of its compile time).
    """
    body = inline_body(fn)

    def impl(a, b):
        return body(b, a)
    return impl


def _divides_constant(chain, order):
    """a / b for a constant a and a number b (the 'right' case of '/'), through chain.

    f = a/v, f' = -f/v, f'' = -2 f'/v with v the primal of b; f'' only where
    the type's chain rule reads it. (Operator impls take numba's names a, b.)
    """
    if order == 1:
        def impl(a, b):
            v = b.value
            q = const_like(a, b) / v
            d1 = -(q / v)
            return chain(b, q, d1, 0.0)
    else:
        def impl(a, b):
            v = b.value
            q = const_like(a, b) / v
            d1 = -(q / v)
            return chain(b, q, d1, -2.0 * d1 / v)
    return impl


def _calculus(order, chain, chain2, neg, same, constant):
    """A Calculus from the four 'same' forms and the 'left' constant forms.

    ``constant`` holds add, sub, rsub (c - x), mul, div of (x, c).
    """
    add, sub, mul, div = same
    add_c, sub_c, rsub_c, mul_c, div_c = constant
    return Calculus(order, chain, chain2, neg, {
        "add": (add, add_c, _swap(add_c)),
        "sub": (sub, sub_c, _swap(rsub_c)),
        "mul": (mul, mul_c, _swap(mul_c)),
        "truediv": (div, div_c, _divides_constant(chain, order)),
    })


# ---------------------------------------------------------------- Dual ---
# {value, partials}: partials are a float or a vector <N x float>.

def dual_chain(x, f0, f1, f2):
    return dual_like(x, f0, pmul(x.partials, f1))


def dual_chain2(x, y, f, fx, fy, fxx, fxy, fyy):
    return dual_like(x, f, padd(pmul(x.partials, fx), pmul(y.partials, fy)))


def _dual_add(a, b):
    return dual_like(a, a.value + b.value, padd(a.partials, b.partials))


def _dual_sub(a, b):
    return dual_like(a, a.value - b.value, psub(a.partials, b.partials))


def _dual_mul(a, b):
    x = a.value
    y = b.value
    return dual_like(a, x * y, padd(pmul(a.partials, y), pmul(b.partials, x)))


def _dual_div(a, b):
    y = b.value
    q = a.value / y
    return dual_like(a, q, pdiv(psub(a.partials, pmul(b.partials, q)), y))


def _dual_add_c(a, b):
    return dual_like(a, a.value + const_like(b, a), a.partials)


def _dual_sub_c(a, b):
    return dual_like(a, a.value - const_like(b, a), a.partials)


def _dual_rsub_c(a, b):
    return dual_like(a, const_like(b, a) - a.value, pneg(a.partials))


def _dual_mul_c(a, b):
    k = const_like(b, a)
    return dual_like(a, a.value * k, pmul(a.partials, k))


def _dual_div_c(a, b):
    k = const_like(b, a)
    return dual_like(a, a.value / k, pdiv(a.partials, k))


def _dual_neg(x):
    return dual_like(x, -x.value, pneg(x.partials))


DUAL = _calculus(1, dual_chain, dual_chain2, _dual_neg,
                 (_dual_add, _dual_sub, _dual_mul, _dual_div),
                 (_dual_add_c, _dual_sub_c, _dual_rsub_c, _dual_mul_c, _dual_div_c))


# ----------------------------------------------------------- HyperDual ---
# {re, eps1, eps2, eps1eps2}: the eps1eps2 part carries the second derivative.

def hyper_chain(x, f0, f1, f2):
    e1 = x.eps1
    e2 = x.eps2
    return hyper_like(x, f0, f1 * e1, f1 * e2, f1 * x.eps1eps2 + f2 * e1 * e2)


def hyper_chain2(x, y, f, fx, fy, fxx, fxy, fyy):
    a1 = x.eps1
    a2 = x.eps2
    b1 = y.eps1
    b2 = y.eps2
    return hyper_like(x, f, fx * a1 + fy * b1, fx * a2 + fy * b2,
                      fx * x.eps1eps2 + fy * y.eps1eps2 + fxx * a1 * a2
                      + fxy * (a1 * b2 + a2 * b1) + fyy * b1 * b2)


def _hyper_add(a, b):
    return hyper_like(a, a.re + b.re, a.eps1 + b.eps1, a.eps2 + b.eps2,
                      a.eps1eps2 + b.eps1eps2)


def _hyper_sub(a, b):
    return hyper_like(a, a.re - b.re, a.eps1 - b.eps1, a.eps2 - b.eps2,
                      a.eps1eps2 - b.eps1eps2)


def _hyper_mul(a, b):
    x, x1, x2, x12 = a.re, a.eps1, a.eps2, a.eps1eps2
    y, y1, y2, y12 = b.re, b.eps1, b.eps2, b.eps1eps2
    return hyper_like(a, x * y, x1 * y + x * y1, x2 * y + x * y2,
                      x12 * y + x1 * y2 + x2 * y1 + x * y12)


def _hyper_div(a, b):
    # q = x/y solved from x = q*y component by component: no y*y anywhere.
    x, x1, x2, x12 = a.re, a.eps1, a.eps2, a.eps1eps2
    y, y1, y2, y12 = b.re, b.eps1, b.eps2, b.eps1eps2
    q = x / y
    q1 = (x1 - q * y1) / y
    q2 = (x2 - q * y2) / y
    q12 = (x12 - q * y12 - q1 * y2 - q2 * y1) / y
    return hyper_like(a, q, q1, q2, q12)


def _hyper_add_c(a, b):
    return hyper_like(a, a.re + const_like(b, a), a.eps1, a.eps2, a.eps1eps2)


def _hyper_sub_c(a, b):
    return hyper_like(a, a.re - const_like(b, a), a.eps1, a.eps2, a.eps1eps2)


def _hyper_rsub_c(a, b):
    return hyper_like(a, const_like(b, a) - a.re, -a.eps1, -a.eps2, -a.eps1eps2)


def _hyper_mul_c(a, b):
    k = const_like(b, a)
    return hyper_like(a, a.re * k, a.eps1 * k, a.eps2 * k, a.eps1eps2 * k)


def _hyper_div_c(a, b):
    k = const_like(b, a)
    return hyper_like(a, a.re / k, a.eps1 / k, a.eps2 / k, a.eps1eps2 / k)


def _hyper_neg(x):
    return hyper_like(x, -x.re, -x.eps1, -x.eps2, -x.eps1eps2)


HYPER = _calculus(2, hyper_chain, hyper_chain2, _hyper_neg,
                  (_hyper_add, _hyper_sub, _hyper_mul, _hyper_div),
                  (_hyper_add_c, _hyper_sub_c, _hyper_rsub_c, _hyper_mul_c, _hyper_div_c))


# --------------------------------------------------------------- Dual2 ---
# Value v, gradient g, packed Hessian h: (a*b).h = a.h b.v + b.h a.v + sym(a.g b.g^T).

def dual2_chain(x, f0, f1, f2):
    """f(x) for a Dual2 x from f, f', f'' at x.value: h' = f' h + f'' g g^T."""
    g = x.grad
    return dual2_like(x, f0, pmul(g, f1), padd(pmul(x.hess, f1), pmul(outer_sq(x, g), f2)))


def dual2_chain2(x, y, f, fx, fy, fxx, fxy, fyy):
    """f(x, y) for Dual2 x, y of one type from f's derivatives up to order 2."""
    ga = x.grad
    gb = y.grad
    hess = padd(padd(padd(padd(pmul(x.hess, fx), pmul(y.hess, fy)),
                          pmul(outer_sq(x, ga), fxx)),
                     pmul(outer_sym(x, ga, gb), fxy)),
                pmul(outer_sq(x, gb), fyy))
    return dual2_like(x, f, padd(pmul(ga, fx), pmul(gb, fy)), hess)


def _d2_add(a, b):
    return dual2_like(a, a.value + b.value, padd(a.grad, b.grad), padd(a.hess, b.hess))


def _d2_sub(a, b):
    return dual2_like(a, a.value - b.value, psub(a.grad, b.grad), psub(a.hess, b.hess))


def _d2_mul(a, b):
    x = a.value
    y = b.value
    ga = a.grad
    gb = b.grad
    return dual2_like(a, x * y, padd(pmul(ga, y), pmul(gb, x)),
                      padd(padd(pmul(a.hess, y), pmul(b.hess, x)), outer_sym(a, ga, gb)))


def _d2_div(a, b):
    # q = a/b solved from a = q*b component by component: no b*b anywhere.
    y = b.value
    q = a.value / y
    gb = b.grad
    qg = pdiv(psub(a.grad, pmul(gb, q)), y)
    return dual2_like(a, q, qg, pdiv(psub(psub(a.hess, pmul(b.hess, q)), outer_sym(a, qg, gb)),
                                     y))


def _d2_add_c(a, b):
    return dual2_like(a, a.value + const_like(b, a), a.grad, a.hess)


def _d2_sub_c(a, b):
    return dual2_like(a, a.value - const_like(b, a), a.grad, a.hess)


def _d2_rsub_c(a, b):
    return dual2_like(a, const_like(b, a) - a.value, pneg(a.grad), pneg(a.hess))


def _d2_mul_c(a, b):
    k = const_like(b, a)
    return dual2_like(a, a.value * k, pmul(a.grad, k), pmul(a.hess, k))


def _d2_div_c(a, b):
    k = const_like(b, a)
    return dual2_like(a, a.value / k, pdiv(a.grad, k), pdiv(a.hess, k))


def _d2_neg(x):
    return dual2_like(x, -x.value, pneg(x.grad), pneg(x.hess))


DUAL2 = _calculus(2, dual2_chain, dual2_chain2, _d2_neg,
                  (_d2_add, _d2_sub, _d2_mul, _d2_div),
                  (_d2_add_c, _d2_sub_c, _d2_rsub_c, _d2_mul_c, _d2_div_c))


_CALCULUS = {DualType: DUAL, HyperDualType: HYPER, Dual2Type: DUAL2}


def calculus_of(t):
    """The Calculus of the numba type t, or None if t is no dual (typing time)."""
    return _CALCULUS.get(type(t))
