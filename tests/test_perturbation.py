"""Perturbation confusion: nested derivatives never mix up their perturbations.

Each ``da.derivative`` call seeds its own tag; when duals of two tags meet,
the larger tag is the outer number (see dualad/_base.py). These are the
classic failure cases of forward mode without tags (Siskind & Pearlmutter,
"Perturbation confusion and referential transparency", 2005) and harder
ones: closures at three levels, inner derivatives evaluated at the outer
variable, functions returning derivatives, HyperDual and Dual mixed across
tags, and orders 1..4 against mpmath.
"""
import math

import mpmath
import numpy as np
import pytest

import dualad as da
from reference import rtol

D = da.Dual
H = da.HyperDual
d = da.derivative


# ------------------------------------------------------------ the classics ---

def test_the_api_example():
    assert d(lambda x: x * d(lambda y: x + y)(1.0))(1.0) == 1.0


def test_siskind_pearlmutter():
    # d/dx [x * d/dy (x * y)] = d/dx [x * x] = 2x; a confused tag gives 3x or x
    for x in (1.0, 2.5, -3.0):
        assert d(lambda x: x * d(lambda y: x * y)(2.0))(x) == 2.0 * x


def test_inner_derivative_evaluated_at_the_outer_variable():
    # g(x) = d/dy sin(x y) at y = x  =  x cos(x**2)
    # g'(x) = cos(x**2) - 2 x**2 sin(x**2)
    for x in (0.3, 1.1, -0.7):
        got = d(lambda x: d(lambda y: da.sin(x * y))(x))(x)
        assert got == pytest.approx(math.cos(x * x) - 2 * x * x * math.sin(x * x), rel=1e-14)
    # d/dx [d/dy (x y)](at y = x) = d/dx x = 1
    assert d(lambda x: d(lambda y: x * y)(x))(3.0) == 1.0


def test_inner_function_ignoring_its_argument():
    assert d(lambda x: d(lambda y: x * x)(1.0))(3.0) == 0.0
    assert d(lambda x: x * d(lambda y: 5.0)(x))(3.0) == 0.0
    assert d(lambda x: d(lambda y: y * y)(2.0) * x)(3.0) == 4.0


def test_nested_closures_three_levels():
    # d/dx [x * d/dy [y * d/dz (x + y + z)]] = d/dx [x * d/dy y] = d/dx x = 1
    f = lambda x: x * d(lambda y: y * d(lambda z: x + y + z)(1.0))(1.0)  # noqa: E731
    assert d(f)(2.0) == 1.0
    # d/dx d/dy d/dz (x y z)**2 at (x, y, z) = 8 x y z: with z = 1, y = x: 8 x**2 -> 16 x
    g = lambda x: d(lambda y: d(lambda z: (x * y * z) ** 2)(1.0))(x)  # noqa: E731
    assert g(1.5) == pytest.approx(4 * 1.5 ** 3, rel=1e-15)  # 4 x y**2 z at y = x, z = 1
    assert d(g)(1.5) == pytest.approx(12 * 1.5 ** 2, rel=1e-15)
    # every level sees the others as constants: d/dx d/dy d/dz (x*y*z) = 1
    h = lambda x: d(lambda y: d(lambda z: x * y * z)(2.0))(3.0)  # noqa: E731
    assert d(h)(5.0) == 1.0


def test_four_levels_of_closures():
    # d/da d/db d/dc d/de (a b c e) = 1 at any point; each level evaluated at the outer one
    f = lambda a: d(lambda b: d(lambda c: d(lambda e: a * b * c * e)(c))(b))(a)  # noqa: E731
    # f(a) = d/db d/dc [a b c] (at c = b, b = a) = a; so f' = 1
    assert f(2.0) == 2.0
    assert d(f)(2.0) == 1.0


def test_functions_returning_inner_derivatives():
    inner = d(lambda y: y ** 3)          # 3 y**2
    assert d(lambda x: inner(x) * x)(2.0) == 36.0  # d/dx 3 x**3 = 9 x**2
    twice = d(lambda y: y * y)           # 2 y
    # the same derivative function used twice in one expression
    assert d(lambda x: twice(x) * twice(1.0 + x))(1.0) == 12.0  # d/dx 4x(1+x) = 4 + 8x
    # a derivative of a derivative-producing closure
    make = lambda a: d(lambda y: a * y * y)  # noqa: E731   2 a y
    assert d(lambda a: make(a)(3.0))(7.0) == 6.0
    assert d(lambda x: make(x)(x))(3.0) == 12.0  # d/dx 2x**2 = 4x


def test_inner_derivative_returning_a_tuple():
    assert d(lambda x: d(lambda y: (x * y, y * y))(2.0)[0])(3.0) == 1.0
    outer = d(lambda x: d(lambda y: [x * y, x * x * y])(2.0))(3.0)
    assert outer == [1.0, 6.0]


def test_same_function_nested_in_itself():
    # f(x) = x * f'(x) style self-reference through a closure
    def f(x):
        return da.exp(x) * x

    def g(x):
        return f(x) * d(f)(x)  # f * f'

    x = 0.4
    fx, f1, f2 = math.exp(x) * x, math.exp(x) * (1 + x), math.exp(x) * (2 + x)
    assert d(g)(x) == pytest.approx(f1 * f1 + fx * f2, rel=1e-14)


def test_tags_are_fresh_per_call_and_ordered():
    seen = []

    def spy(y):
        seen.append(y.tag)
        return y

    d(spy)(1.0)
    d(spy)(1.0)
    assert seen[1] > seen[0] > 0
    d(lambda x: d(spy)(x))(1.0)
    assert seen[2] > seen[1]


# ------------------------------------------- HyperDual and Dual, mixed ---

def test_hyperdual_inside_a_derivative():
    # d/dx of f''(x) (a HyperDual seeded at the traced x) is f'''
    for x in (0.3, 1.2):
        got = d(lambda x: da.sin(H(x, 1.0, 1.0, 0.0)).eps1eps2)(x)
        assert got == pytest.approx(-math.cos(x), rel=1e-15)
        got = d(lambda x: da.exp(x * H(x, 1.0, 1.0, 0.0)).eps1eps2, 2)(x)
        # d2/dx2 of d2/dt2 exp(x t)|t=x = d2/dx2 [x**2 exp(x**2)]
        with mpmath.workdps(40):
            ref = mpmath.diff(lambda s: s * s * mpmath.exp(s * s), x, 2)
        assert got == pytest.approx(float(ref), rel=1e-13)


def test_hand_built_duals_around_the_traced_variable():
    # built inside f around x, a dual is outer to x's perturbation
    assert d(lambda x: D(x, 1.0))(2.0) == D(1.0, 0.0)
    r = d(lambda x: D(x, 1.0))(2.0)
    assert (r.value, r.eps) == (1.0, 0.0)
    # (x + e)**2 = x**2 + 2 x e: its derivative is 2x + 2e
    r = d(lambda x: D(x, 1.0) * D(x, 1.0))(3.0)
    assert (r.value, r.eps) == (6.0, 2.0)
    # two hand-built duals around the same x are one perturbation
    assert d(lambda x: (D(x, 1.0) * D(2 * x, 0.0)).eps)(2.0) == 2.0
    h = d(lambda x: H(x, 1.0, 1.0, 0.0) * x)(2.0)  # d/dx (x**2 + x e1 + x e2)
    assert type(h) is H and (h.re, h.eps1, h.eps2, h.eps1eps2) == (4.0, 1.0, 1.0, 0.0)
    assert d(lambda x: (H(x, 1.0, 1.0, 0.0) * x).eps1eps2)(2.0) == 0.0
    assert d(lambda x: (H(x, 1.0, 1.0, 0.0) ** 3).eps1eps2)(2.0) == 6.0  # d/dx 6x


def test_hyperdual_constant_inside_a_derivative():
    # a HyperDual of floats is a constant for the traced variable (inner to it):
    # the derivative of a * h**3 in a is h**3, returned as a HyperDual
    h3 = d(lambda a: a * H(0.5, 1.0, 1.0, 0.0) ** 3)(2.0)
    assert type(h3) is H
    assert (h3.re, h3.eps1, h3.eps2, h3.eps1eps2) == (0.125, 0.75, 0.75, 3.0)


def test_dual_of_hyperduals_with_tags():
    # second derivative in t (HyperDual, tag 1) of a function of (a, t),
    # differentiated in a by an outer Dual (tag 2): d/da d2/dt2 sin(a t**2)
    a, t = 0.7, 1.3
    hd = H(t, 1.0, 1.0, 0.0, tag=1)
    outer = D(a, 1.0, tag=2)
    r = da.sin(outer * hd * hd)
    with mpmath.workdps(40):
        ref = mpmath.diff(lambda A, T: mpmath.sin(A * T * T), (a, t), (1, 2))
    assert type(r) is D and type(r.eps) is H
    assert r.eps.eps1eps2 == pytest.approx(float(ref), rel=1e-14)
    # the same with the roles swapped: the HyperDual outer
    hd = H(t, 1.0, 1.0, 0.0, tag=4)
    inner = D(a, 1.0, tag=3)
    r = da.sin(inner * hd * hd)
    assert type(r) is H and type(r.eps1eps2) is D
    assert r.eps1eps2.eps == pytest.approx(float(ref), rel=1e-14)


def test_hyperdual_of_derivative_tags():
    # da.derivative traced through a HyperDual argument: f'' of f' = f'''
    f = lambda x: x ** 4 * da.log(x)  # noqa: E731
    df = d(f)
    x = 1.7
    h = df(H(x, 1.0, 1.0, 0.0))
    assert type(h) is H
    with mpmath.workdps(40):
        ref = [float(mpmath.diff(lambda s: s ** 4 * mpmath.log(s), x, k)) for k in (1, 2, 3)]
    assert h.re == pytest.approx(ref[0], rel=1e-14)
    assert h.eps1 == pytest.approx(ref[1], rel=1e-14)
    assert h.eps1eps2 == pytest.approx(ref[2], rel=1e-14)


# ------------------------------------------------- orders 1..4 vs mpmath ---

FUNCTIONS = {
    "sin*exp": (lambda x: da.sin(x) * da.exp(x), lambda x: mpmath.sin(x) * mpmath.exp(x), 0.7),
    "x**x": (lambda x: x ** x, lambda x: x ** x, 1.3),
    "atan/(1+x^2)": (lambda x: da.atan(x) / (1 + x * x),
                     lambda x: mpmath.atan(x) / (1 + x * x), 0.4),
    "log1p*sqrt": (lambda x: da.log1p(x) * da.sqrt(x), lambda x: mpmath.log1p(x) * mpmath.sqrt(x),
                   2.2),
    "gamma": (da.gamma, mpmath.gamma, 2.6),
    "erf**2": (lambda x: da.erf(x) ** 2, lambda x: mpmath.erf(x) ** 2, 0.8),
    "tanh(sin)": (lambda x: da.tanh(da.sin(x)), lambda x: mpmath.tanh(mpmath.sin(x)), 1.9),
    "hypot(x,2)/x": (lambda x: da.hypot(x, 2.0) / x, lambda x: mpmath.hypot(x, 2) / x, 1.1),
    "atan2(1,x)": (lambda x: da.atan2(1.0, x), lambda x: mpmath.atan2(1, x), 0.9),
    "x**2.5": (lambda x: x ** 2.5, lambda x: x ** 2.5, 1.6),
    "1/(1+exp(-x))": (lambda x: 1 / (1 + da.exp(-x)), lambda x: 1 / (1 + mpmath.exp(-x)), -0.6),
}


def _reference(mp_f, x, order):
    with mpmath.workdps(40):
        return [float(mpmath.diff(mp_f, x, k)) for k in range(order + 2)]


def _check(got, ref, k, x, what):
    # relative to |f^(k)| + |x f^(k+1)| (see reference.Reference.scale); higher
    # orders chain more roundings: allow 10x the float64 tolerance per order
    scale = abs(ref[k]) + abs(x) * abs(ref[k + 1])
    tol = 10.0 ** (k - 1) * rtol(np.float64) * scale
    assert abs(got - ref[k]) <= tol, f"{what}: order {k} at {x}: {got!r} vs {ref[k]!r}"


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_orders_one_to_four_against_mpmath(name):
    f, mp_f, x = FUNCTIONS[name]
    ref = _reference(mp_f, x, 4)
    for k in range(1, 5):
        _check(d(f, order=k)(x), ref, k, x, f"{name} nested Duals")
    # the same orders mixing the number types
    _check(f(H(x, 1.0, 1.0, 0.0)).eps1eps2, ref, 2, x, f"{name} HyperDual")
    _check(d(lambda t: f(H(t, 1.0, 1.0, 0.0)).eps1eps2)(x), ref, 3, x,
           f"{name} d/dx HyperDual")
    _check(d(lambda t: f(H(t, 1.0, 1.0, 0.0)).eps1eps2, 2)(x), ref, 4, x,
           f"{name} d2/dx2 HyperDual")
    _check(d(f, order=2)(H(x, 1.0, 1.0, 0.0)).eps1eps2, ref, 4, x,
           f"{name} HyperDual of d2/dx2")
    # nested HyperDuals with explicit tags: f'''' from one evaluation
    inner = H(x, 1.0, 1.0, 0.0, tag=1)
    outer = H(inner, H(1.0, 0.0, 0.0, 0.0, tag=1), H(1.0, 0.0, 0.0, 0.0, tag=1),
              H(0.0, 0.0, 0.0, 0.0, tag=1), tag=2)
    r = f(outer)
    _check(r.eps1eps2.eps1eps2, ref, 4, x, f"{name} HyperDual of HyperDuals")
    _check(r.re.re, ref, 0, x, f"{name} value")


def test_order_four_of_polynomial_is_exact():
    p = lambda x: 3 * x ** 4 - 2 * x ** 3 + x - 7  # noqa: E731
    assert [d(p, k)(2.0) for k in range(6)] == [p(2.0), 73.0, 120.0, 132.0, 72.0, 0.0]
