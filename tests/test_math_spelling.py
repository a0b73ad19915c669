"""Plain Python written with math.* differentiates unchanged (_transforms.traceable).

math.exp(x) converts x with float(), which a dual refuses. The Python-path
transforms call f as a copy whose globals see math and cmath as dualad's
functions of the same names (module attribute, ``from math import``, a local
``import math``, a default argument), and the helpers of f's own module as
their copies; the user's module is never touched, and its later changes are
seen. Each result is checked against the same function written with da.*.
"""
import math
from math import exp, sqrt

import numpy as np
import pytest

import dualad as da


def helper(x):
    return math.log1p(x * x) + sqrt(x)


def f_math(x):
    return math.exp(-x) * helper(x) + math.pi * math.sin(x) ** 2


def f_da(x):
    return da.exp(-x) * (da.log1p(x * x) + da.sqrt(x)) + math.pi * da.sin(x) ** 2


def vector_math(v):
    return np.array([math.atan2(v[0], v[1]), exp(v[0] * v[1]), math.hypot(v[0], v[2])])


def vector_da(v):
    return np.array([da.atan2(v[0], v[1]), da.exp(v[0] * v[1]), da.hypot(v[0], v[2])])


def local_import(x, m=math):
    import math as mm
    from math import cos
    return mm.tanh(x) * cos(x) + m.cosh(x)


def chain_energy(x):
    s = 0.0
    for i in range(len(x) - 1):
        s += math.exp(-(x[i + 1] - x[i]) ** 2) * math.cos(x[i])
    return s


def chain_energy_da(x):
    d = x[1:] - x[:-1]
    return np.sum(np.exp(-d * d) * np.cos(x[:-1]))


def recursive_power(x, k):
    return 1.0 if k == 0 else math.sin(x) * recursive_power(x, k - 1)


COUNT = 0


def writes_a_global(x):
    global COUNT
    COUNT += 1
    return math.sin(x)


def test_scalar_transforms_of_math_code():
    x = 0.7
    for order in (1, 2, 4):
        assert da.derivative(f_math, order)(x) == pytest.approx(
            da.derivative(f_da, order)(x), rel=1e-13)
    np.testing.assert_allclose(da.taylor(f_math, 3)(x), da.taylor(f_da, 3)(x), rtol=1e-13)
    y0, ys = da.jet(f_math, (x,), ([1.0, 0.5],))
    w0, ws = da.jet(f_da, (x,), ([1.0, 0.5],))
    assert y0 == pytest.approx(w0, rel=1e-15) and ys == pytest.approx(ws, rel=1e-13)
    # d/dx (tanh(x) cos(x) + cosh(x))
    want = (1 - math.tanh(x) ** 2) * math.cos(x) - math.tanh(x) * math.sin(x) + math.sinh(x)
    assert da.derivative(local_import)(x) == pytest.approx(want, rel=1e-14)
    assert da.derivative(lambda t: recursive_power(t, 3))(x) == pytest.approx(
        3 * math.sin(x) ** 2 * math.cos(x), rel=1e-14)
    # float32 stays float32 (dualad's functions on float32 duals)
    d32 = da.derivative(f_math)(np.float32(x))
    assert isinstance(d32, np.float32) and d32 == pytest.approx(da.derivative(f_da)(x), 1e-5)


def test_array_transforms_of_math_code():
    v = np.array([0.3, 0.5, 0.8])
    np.testing.assert_allclose(da.jacobian(vector_math)(v), da.jacobian(vector_da)(v),
                               rtol=1e-14)
    np.testing.assert_allclose(da.jvp(vector_math, (v,), (np.ones(3),))[1],
                               da.jvp(vector_da, (v,), (np.ones(3),))[1], rtol=1e-14)
    x = np.linspace(0.1, 1.0, 7)
    np.testing.assert_allclose(da.grad(chain_energy)(x), da.grad(chain_energy_da)(x),
                               rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(da.hessian(chain_energy)(x), da.hessian(chain_energy_da)(x),
                               rtol=1e-12, atol=1e-14)
    P = da.hessian_sparsity(chain_energy)(x).toarray()
    np.testing.assert_array_equal(P, np.abs(np.arange(7)[:, None] - np.arange(7)) <= 1)
    np.testing.assert_allclose(
        da.hessian(chain_energy, sparsity="auto")(x), da.hessian(chain_energy_da)(x),
        rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(da.derivative(lambda t: math.sin(t) * t)(x),
                               np.cos(x) * x + np.sin(x), rtol=1e-15)


def test_the_users_module_is_untouched_and_seen_live(monkeypatch):
    assert f_math.__globals__["math"] is math and helper.__globals__["sqrt"] is sqrt
    x = 0.4
    before = da.derivative(f_math)(x)
    # redefined, as in a notebook: the next derivative sees the new helper
    monkeypatch.setitem(f_math.__globals__, "helper", lambda t: t * t)
    d = da.derivative(f_math)(x)
    want = (-math.exp(-x) * x * x + math.exp(-x) * 2 * x
            + math.pi * 2 * math.sin(x) * math.cos(x))
    assert d == pytest.approx(want, rel=1e-14) and d != before
    monkeypatch.undo()
    assert da.derivative(f_math)(x) == before


def test_functions_that_assign_globals_keep_the_clear_error():
    # their assignments would go to the copy: not copied, so math.* refuses the dual
    with pytest.raises(TypeError, match=r"float\(\) of a Dual would drop its derivative"):
        da.derivative(writes_a_global)(1.0)
    with pytest.raises(TypeError, match="drop its derivative"):
        da.derivative(lambda t: math.factorial(t))(3.0)   # no dualad function: math's own


class HardSpheres:
    def __init__(self, t):
        self.t = t

    def helmholtz(self, rho):
        eta = math.pi / 6 * rho
        return math.log(rho) + (4 * eta - 3 * eta ** 2) / (1 - eta) ** 2 / self.t


def test_methods_and_partials_are_rewritten_through_their_function():
    import functools
    fluid = HardSpheres(1.35)
    want = da.derivative(lambda r: da.log(r) + (4 * (math.pi / 6 * r) - 3 * (math.pi / 6 * r) ** 2)
                         / (1 - math.pi / 6 * r) ** 2 / 1.35)(0.45)
    assert da.derivative(fluid.helmholtz)(0.45) == pytest.approx(want, rel=1e-14)
    x = 0.3
    assert da.derivative(functools.partial(recursive_power, k=3))(x) == pytest.approx(
        3 * math.sin(x) ** 2 * math.cos(x), rel=1e-14)
