"""Custom rules (da.register / @da.custom_derivative) on every number type.

A registered function is a rule like the table's: each number type applies it
through its own chain rules, so it must differentiate on Dual, nested Duals,
HyperDual, DualArray (elementwise, NumPy bodies) and nested DualArrays, with
the function's own derivative callables, never by looking inside it.
"""
import math

import numpy as np
import pytest

import dualad as da
from dualad import Dual, DualArray, HyperDual

CALLS = {"d0": 0}


def _d_logistic(x):
    CALLS["d0"] += 1
    e = np.exp(-x)
    return e / (1.0 + e) ** 2


# The body is NumPy (works on floats and arrays) and, deliberately, not how
# dualad would differentiate it: only the registered derivative may be used.
logistic = da.register(lambda x: 1.0 / (1.0 + np.exp(-x)), _d_logistic)


def _logistic_exact(x, k):
    s = 1.0 / (1.0 + math.exp(-x))
    return (s, s * (1 - s), s * (1 - s) * (1 - 2 * s))[k]


@da.custom_derivative([lambda x, y: y * np.cos(x * y), lambda x, y: x * np.cos(x * y)])
def sinxy(x, y):
    return np.sin(x * y)


def _sinxy_exact(x, y):
    """f, fx, fy, fxx, fxy, fyy"""
    s, c = math.sin(x * y), math.cos(x * y)
    return s, y * c, x * c, -y * y * s, c - x * y * s, -x * x * s


@da.custom_derivative([lambda a, b, c: b * c, lambda a, b, c: a * c, lambda a, b, c: a * b])
def prod3(a, b, c):
    return a * b * c


def test_unary_on_dual_nested_and_hyperdual():
    x = 0.4
    assert da.derivative(logistic)(x) == pytest.approx(_logistic_exact(x, 1), rel=1e-15)
    assert da.derivative(logistic, 2)(x) == pytest.approx(_logistic_exact(x, 2), rel=1e-13)
    h = logistic(HyperDual(x, 1.0, 1.0, 0.0))
    assert h.eps1 == pytest.approx(_logistic_exact(x, 1), rel=1e-15)
    assert h.eps1eps2 == pytest.approx(_logistic_exact(x, 2), rel=1e-13)


def test_a_first_order_type_does_not_differentiate_the_derivative_callable():
    CALLS["d0"] = 0
    logistic(Dual(0.3, 1.0))
    assert CALLS["d0"] == 1  # f' only; f'' would call it again on a dual
    logistic(DualArray(np.array([0.1, 0.2]), np.ones((2, 1))))
    assert CALLS["d0"] == 2


def test_unary_on_dual_arrays_elementwise_first_and_second_order():
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    d1 = da.derivative(logistic)(x)
    d2 = da.derivative(logistic, 2)(x)
    assert d1 == pytest.approx([_logistic_exact(v, 1) for v in x], rel=1e-14)
    assert d2 == pytest.approx([_logistic_exact(v, 2) for v in x], rel=1e-12)
    # gradients through array code with several partials
    g = da.grad(lambda v: np.sum(logistic(v) * v))(x)
    expect = [_logistic_exact(v, 0) + v * _logistic_exact(v, 1) for v in x]
    assert g == pytest.approx(expect, rel=1e-14)
    H = da.hessian(lambda v: np.sum(logistic(v)))(x)
    assert H == pytest.approx(np.diag([_logistic_exact(v, 2) for v in x]), rel=1e-12, abs=0)


@pytest.mark.parametrize("x, y", [(0.7, 1.3), (-0.4, 2.0)])
def test_binary_every_tag_case(x, y):
    f, fx, fy, fxx, fxy, fyy = _sinxy_exact(x, y)
    # both arguments differentiated: gradient and Hessian, Python scalars
    assert da.grad(sinxy, argnums=(0, 1))(x, y) == pytest.approx((fx, fy), rel=1e-14)
    H = da.hessian(lambda v: sinxy(v[0], v[1]))(np.array([x, y]))
    assert H == pytest.approx(np.array([[fxx, fxy], [fxy, fyy]]), rel=1e-13)
    # one argument constant, on either side
    assert da.derivative(lambda t: sinxy(t, y))(x) == pytest.approx(fx, rel=1e-14)
    assert da.derivative(lambda t: sinxy(x, t))(y) == pytest.approx(fy, rel=1e-14)
    assert da.derivative(lambda t: sinxy(t, y), 2)(x) == pytest.approx(fxx, rel=1e-13)
    hx = sinxy(HyperDual(x, 1.0, 1.0, 0.0), y)
    hy = sinxy(x, HyperDual(y, 1.0, 1.0, 0.0))
    assert (hx.eps1, hx.eps1eps2) == pytest.approx((fx, fxx), rel=1e-13)
    assert (hy.eps1, hy.eps1eps2) == pytest.approx((fy, fyy), rel=1e-13)
    # mixed second derivative from a hyper-dual seeded along both arguments
    hm = sinxy(HyperDual(x, 1.0, 0.0, 0.0), HyperDual(y, 0.0, 1.0, 0.0))
    assert hm.eps1eps2 == pytest.approx(fxy, rel=1e-13)


def test_binary_on_dual_arrays_with_a_constant_and_with_each_other():
    x = np.array([0.2, 0.9])
    y = np.array([1.5, -0.5])
    J = da.jacobian(lambda v: sinxy(v, y))(x)
    assert J == pytest.approx(np.diag([_sinxy_exact(a, b)[1] for a, b in zip(x, y)]))
    Jy = da.jacobian(lambda v: sinxy(x, v))(y)
    assert Jy == pytest.approx(np.diag([_sinxy_exact(a, b)[2] for a, b in zip(x, y)]))
    both = da.jacobian(lambda v: sinxy(v[:2], v[2:]))(np.concatenate([x, y]))
    expect = np.zeros((2, 4))
    for i, (a, b) in enumerate(zip(x, y)):
        e = _sinxy_exact(a, b)
        expect[i, i], expect[i, 2 + i] = e[1], e[2]
    assert both == pytest.approx(expect, rel=1e-14)


def test_three_arguments_on_dual_and_hyperdual():
    g = da.grad(prod3, argnums=(0, 1, 2))(2.0, 3.0, 5.0)
    assert g == (15.0, 10.0, 6.0)
    h = prod3(HyperDual(2.0, 1.0, 0.0, 0.0), HyperDual(3.0, 0.0, 1.0, 0.0), 5.0)
    assert (h.re, h.eps1, h.eps2, h.eps1eps2) == (30.0, 15.0, 10.0, 5.0)
    assert da.derivative(lambda t: prod3(t, t, t), 2)(2.0) == pytest.approx(12.0)
    with pytest.raises(TypeError, match="functions of 3 arguments.*one or two arguments"):
        prod3(DualArray(np.ones(2), np.ones((2, 1))), 1.0, 1.0)


def test_wrong_number_of_arguments_is_a_clear_error():
    with pytest.raises(TypeError, match=r"takes 2 argument\(s\)"):
        sinxy(Dual(1.0, 1.0))


def test_registered_math_function_has_every_order_when_its_rule_uses_dualad():
    # func itself may use math.*: at nested levels dualad evaluates it through its
    # own rule, never on a dual; the derivative rule is differentiated by dualad
    g = da.register(lambda x: math.sin(x), lambda x: da.cos(x))
    assert da.derivative(g, order=2)(0.3) == pytest.approx(-math.sin(0.3), rel=1e-15)
    assert da.derivative(g, order=3)(0.3) == pytest.approx(-math.cos(0.3), rel=1e-15)
    h = da.register(lambda x, y: math.atan2(x, y),
                    (lambda x, y: y / (x * x + y * y), lambda x, y: -x / (x * x + y * y)))
    v = np.array([0.3, 2.0])
    np.testing.assert_allclose(da.hessian(lambda w: h(w[0], w[1]))(v),
                               da.hessian(lambda w: da.atan2(w[0], w[1]))(v), rtol=1e-14)


def test_a_derivative_rule_written_with_math_says_what_to_do_at_second_order():
    g = da.register(lambda x: math.sin(x), lambda x: math.cos(x))
    assert da.derivative(g)(0.3) == pytest.approx(math.cos(0.3), rel=1e-15)
    with pytest.raises(TypeError, match=r"derivs\[0\].*instead of math\.\*"):
        da.derivative(g, order=2)(0.3)
