"""Compiled Hessians by second-order duals (Dual2): equal to the Python path and
to hand-derived Hessians; one pass for n <= 16, pairs of blocks beyond; the
nested Dual[Dual] passes kept as the fallback.

Few signatures on purpose: each (function, n, dtype) compiles f once more.
"""
import math

import numpy as np
import pytest
from numba import njit

import dualad as da
from dualad._backends import kernels as _batch
from models import rosen, rosen_hess as rosen_hessian


@njit
def mix(x):
    # products, quotients (dual / dual, constant / dual), exp/log/sin, integer,
    # float and dual powers, atan2/hypot/sqrt, accumulated with s += ...
    s = 0.0
    for i in range(x.shape[0]):
        xm = x[i - 1]
        xi = x[i]
        s += xi * xm / (1.5 + xi * xi)
        s += math.exp(0.3 * xi) * math.log(2.0 + xm * xm) - math.sin(xi * xm)
        s += xi ** 3 - 2.0 / (3.0 + xi) + (1.0 + xi * xi) ** (0.5 * xm) + (2.0 + xm * xm) ** 1.5
        s += math.atan2(xi, xm + 3.0) + math.hypot(xi, 1.0 + xm * xm) - math.sqrt(1.0 + xi * xi)
    return s


def mix_py(x):
    xm = np.roll(x, 1)
    t = (x * xm / (1.5 + x * x) + np.exp(0.3 * x) * np.log(2.0 + xm * xm) - np.sin(x * xm)
         + x ** 3 - 2.0 / (3.0 + x) + (1.0 + x * x) ** (0.5 * xm) + (2.0 + xm * xm) ** 1.5
         + np.arctan2(x, xm + 3.0) + np.hypot(x, 1.0 + xm * xm) - np.sqrt(1.0 + x * x))
    return np.sum(t)


@njit
def quot(x):
    # a quotient of duals and a loop: blocks of the Hessian couple all entries
    s = 1.0
    t = 0.0
    for i in range(x.shape[0]):
        s = s * (1.0 + 0.1 * x[i])
        t += math.exp(0.2 * x[i]) / (2.0 + x[i] * x[i - 1])
    return t / s


def quot_py(x):
    return np.sum(np.exp(0.2 * x) / (2.0 + x * np.roll(x, 1))) / np.prod(1.0 + 0.1 * x)


@njit
def small(x):
    return x[0] ** 2 * x[1] + math.sin(x[0]) / x[1] + math.exp(x[0] * x[1])


def small_hessian(x):
    a, b = x
    e = math.exp(a * b)
    haa = 2 * b - math.sin(a) / b + b * b * e
    hab = 2 * a - math.cos(a) / b ** 2 + e + a * b * e
    hbb = 2 * math.sin(a) / b ** 3 + a * a * e
    return np.array([[haa, hab], [hab, hbb]])


def _close(H, R, rtol):
    np.testing.assert_allclose(H, R, rtol=rtol, atol=rtol * np.abs(R).max())


@pytest.mark.parametrize("n", [1, 2, 5])
def test_mix_equals_python_path(n):
    x = np.random.default_rng(n).uniform(-1.0, 1.0, n)
    H = da.hessian(mix)(x)
    assert H.shape == (n, n)
    _close(H, da.hessian(mix_py)(x), 1e-13)
    np.testing.assert_array_equal(H, H.T)


def test_mix_float32():
    x = np.random.default_rng(5).uniform(-1.0, 1.0, 5)
    H = da.hessian(mix)(x.astype(np.float32))
    assert H.dtype == np.float32
    _close(H, da.hessian(mix_py)(x), 2e-5)


def test_small_hand_derived():
    x = np.array([0.7, 1.3])
    _close(da.hessian(small)(x), small_hessian(x), 1e-14)
    X = np.random.default_rng(3).uniform(0.5, 1.5, (40, 2))
    Hs = da.vmap(da.hessian(small))(X)
    for k in (0, 39):
        _close(Hs[k], small_hessian(X[k]), 1e-14)


@pytest.mark.parametrize("n", [16, 20])
def test_rosenbrock_hand_derived_point_and_batch(n):
    # n = 16: one Dual2 pass; n = 20: pairs of blocks of 7 directions.
    X = np.random.default_rng(n).uniform(-1.0, 1.5, (300, n))
    _close(da.hessian(rosen)(X[0]), rosen_hessian(X[0]), 1e-14)
    H = da.vmap(da.hessian(rosen))(X)
    assert H.shape == (300, n, n)
    for k in (0, 150, 299):
        _close(H[k], rosen_hessian(X[k]), 1e-14)


@pytest.mark.parametrize("n, chunk", [(20, None), (5, 4)])
def test_blocks_equal_python_path(n, chunk):
    # chunk=4 at n=5: blocks of 2 with a partial last block.
    X = np.random.default_rng(n).uniform(-1.0, 1.0, (3, n))
    R = [da.hessian(quot_py)(p) for p in X]
    _close(da.hessian(quot, chunk=chunk)(X[0]), R[0], 1e-13)
    H = da.vmap(da.hessian(quot, chunk=chunk))(X)
    for k in range(3):
        _close(H[k], R[k], 1e-13)


def test_plan():
    assert _batch.dual2_plan(16, None) == (16, 16)
    assert _batch.dual2_plan(20, None) == (14, 7)
    assert _batch.dual2_plan(5, 4) == (4, 2)
    assert _batch.dual2_plan(5, 1) == (2, 1)
    assert _batch._dual2_passes(5, 4, 2) == [(0, 2), (0, 4), (2, 4)]


def test_nested_fallback_still_agrees():
    # Functions that Dual2 cannot compile keep the nested Dual[Dual] passes.
    x = np.random.default_rng(0).uniform(-1.0, 1.5, 6)
    X = np.random.default_rng(1).uniform(-1.0, 1.5, (50, 6))
    new, new_b = da.hessian(rosen)(x), da.vmap(da.hessian(rosen))(X)
    _batch._NO_DUAL2[rosen] = "test"
    try:
        old, old_b = da.hessian(rosen)(x), da.vmap(da.hessian(rosen))(X)
    finally:
        del _batch._NO_DUAL2[rosen]
    _close(new, old, 1e-14)
    _close(new_b, old_b, 1e-14)


def test_constant_and_non_scalar():
    @njit
    def const(x):
        return 2.5

    np.testing.assert_array_equal(da.hessian(const)(np.ones(3)), np.zeros((3, 3)))

    @njit
    def vec(x):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = x[i] * x[i]
        return out

    with pytest.raises(ValueError, match="scalar"):
        da.hessian(vec)(np.ones(3))


softplus = da.register(lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0),
                       lambda x: 1.0 / (1.0 + da.exp(-x)))


@njit
def uses_custom(x):
    return softplus(x[0] * x[1]) + x[0]


def test_registered_function():
    x = np.array([0.4, -0.8])
    s = 1.0 / (1.0 + math.exp(-x[0] * x[1]))
    d2 = s * (1.0 - s)
    ref = np.array([[d2 * x[1] ** 2, s + d2 * x[0] * x[1]],
                    [s + d2 * x[0] * x[1], d2 * x[0] ** 2]])
    _close(da.hessian(uses_custom)(x), ref, 1e-14)
    assert uses_custom not in _batch._NO_DUAL2
