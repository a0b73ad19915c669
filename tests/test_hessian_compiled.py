"""Compiled Hessians by second-order duals (Dual2): equal to the Python path and
to hand-derived Hessians; one pass for n <= 16, pairs of blocks beyond; the
nested Dual[Dual] passes kept as the fallback and taken by CPU batches of more
than ``DUAL2_BATCH_MAX`` inputs.

Few signatures on purpose: each (function, n, dtype) compiles f once more.
"""
import math

import numpy as np
import pytest
from numba import njit

import dualad as da
from dualad._backends import plan as _plan
from models import cubic_chain, rosen, rosen_hess as rosen_hessian


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


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_nested_passes_equal_python_path(dtype):
    # n = 18 > DUAL2_BATCH_MAX: the batch takes nested passes (inner chunks of 4, the
    # last one ragged), the single point Dual2 pairs of blocks; both symmetric to the
    # bit, NaN propagated
    X = np.random.default_rng(12).uniform(-1.0, 1.0, (70, 18)).astype(dtype)
    X[5, 3] = np.nan
    H = da.vmap(da.hessian(mix))(X)
    assert H.dtype == dtype and H.shape == (70, 18, 18)
    np.testing.assert_array_equal(H, np.swapaxes(H, 1, 2))
    assert np.isnan(H[5]).any() and not np.isnan(H[4]).any()
    rtol = 1e-13 if dtype == np.float64 else 2e-5
    for k in (0, 69):
        R = da.hessian(mix_py)(X[k].astype(np.float64))
        _close(H[k], R, rtol)
        _close(da.hessian(mix)(X[k]), R, rtol)


def test_small_hand_derived():
    x = np.array([0.7, 1.3])
    _close(da.hessian(small)(x), small_hessian(x), 1e-14)
    X = np.random.default_rng(3).uniform(0.5, 1.5, (40, 2))
    Hs = da.vmap(da.hessian(small))(X)
    for k in (0, 39):
        _close(Hs[k], small_hessian(X[k]), 1e-14)


@pytest.mark.parametrize("n", [16, 20])
def test_rosenbrock_hand_derived_point_and_batch(n):
    # One point: n = 16 one Dual2 pass, n = 20 pairs of blocks of 7 directions; the
    # batch: nested passes (inner chunks of 4). Symmetric to the bit.
    X = np.random.default_rng(n).uniform(-1.0, 1.5, (300, n))
    H0 = da.hessian(rosen)(X[0])
    _close(H0, rosen_hessian(X[0]), 1e-14)
    np.testing.assert_array_equal(H0, H0.T)
    H = da.vmap(da.hessian(rosen))(X)
    assert H.shape == (300, n, n)
    np.testing.assert_array_equal(H, np.swapaxes(H, 1, 2))
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
    assert _plan.dual2_plan(16, None) == (16, 16)
    assert _plan.dual2_plan(20, None) == (14, 7)
    assert _plan.dual2_plan(5, 4) == (4, 2)
    assert _plan.dual2_plan(5, 1) == (2, 1)
    assert _plan.dual2_passes(5, 4) == [(0, 2), (0, 4), (2, 4)]
    assert _plan.dual2_passes(16, 16) == [(0, 0)]
    # slots [0, B) carry the block at p0, [B, C) the one at q0 (past n: none)
    assert [_plan.dual2_slot.py_func(s, 2, 4, 2) for s in range(4)] == [2, 3, 4, 5]
    assert _plan.dual2_block.py_func(16, 16) == 16 and _plan.dual2_block.py_func(20, 14) == 7
    for n in range(1, 60):  # the compiled bodies derive B from n and C alone
        for chunk in (None, 1, 2, 3, 4, 7, 16, 40):
            C, B = _plan.dual2_plan(n, chunk)
            assert B == _plan.dual2_block.py_func(n, C) and (B == C or C == 2 * B < n)
            passes = _plan.dual2_passes(n, C)
            covered = set()
            for p0, q0 in passes:  # every Hessian entry is in some pass
                idx = [_plan.dual2_slot.py_func(s, p0, q0, B) for s in range(C)]
                covered |= {(i, j) for i in idx for j in idx if i < n and j < n}
            assert covered == {(i, j) for i in range(n) for j in range(n)}, (n, chunk)
    assert _plan.jacobian_passes(5, 2) == [(0, 2), (2, 2), (4, 1)]
    # nested rows: chunks wholly left of the diagonal are skipped (mirrored)
    assert _plan.hessian_passes(5, 2) == [(0, 0), (0, 2), (0, 4), (1, 0), (1, 2), (1, 4),
                                          (2, 2), (2, 4), (3, 2), (3, 4), (4, 4)]


def test_one_plan_for_every_driver():
    # plan_point is what the single point, the CPU batch and the GPU run; a CPU batch
    # of more than DUAL2_BATCH_MAX inputs takes the nested passes (fewer lanes there)
    p = _plan.plan_point("hessian", 20, False, None, rosen)
    assert (p.algorithm, p.C, p.passes) == ("hessian2", 14, ((0, 7), (0, 14), (7, 14)))
    b = _plan.plan_point("hessian", 20, False, None, rosen, batch=True)
    assert (b.algorithm, b.C, b.passes) == ("hessian", 4, tuple(_plan.hessian_passes(20, 4)))
    assert _plan.plan_point("hessian", 30, False, None, rosen, batch=True).C == 8
    assert _plan.plan_point("hessian", 20, False, 6, rosen, batch=True).C == 5  # balanced
    small = _plan.plan_point("hessian", _plan.DUAL2_BATCH_MAX, False, None, rosen, batch=True)
    assert small.algorithm == "hessian2" and small.passes == ((0, 0),)
    assert _plan.plan_point("hessian", 1, True, None, rosen).algorithm == "hessian"
    j = _plan.plan_point("jacobian", 20, False, None, rosen)
    assert (j.algorithm, j.C, j.passes) == ("jacobian", 10, ((0, 10), (10, 10)))
    x = np.random.default_rng(2).uniform(-1.0, 1.0, 5)
    _close(da.hessian(quot, chunk=3)(x), da.hessian(quot_py)(x), 1e-13)
    _plan._NO_DUAL2[quot] = "test"
    try:
        n = _plan.plan_point("hessian", 5, False, 3, quot)
        assert (n.algorithm, n.C) == ("hessian", 3)
        assert n.passes == tuple(_plan.hessian_passes(5, 3))
        _close(da.hessian(quot, chunk=3)(x), da.hessian(quot_py)(x), 1e-13)
        _close(da.vmap(da.hessian(quot, chunk=3))(x[None])[0], da.hessian(quot_py)(x), 1e-13)
    finally:
        del _plan._NO_DUAL2[quot]


def cubic_chain_py(x):
    return np.sum(x ** 3 * np.roll(x, 1))


def test_dual2_typing_failure_falls_back_to_nested_duals():
    X = np.random.default_rng(7).uniform(-1.0, 1.0, (4, 5))
    _plan._NO_DUAL2.pop(cubic_chain, None)  # shared with another test file
    assert cubic_chain not in _plan._NO_DUAL2
    H = da.vmap(da.hessian(cubic_chain))(X)
    assert "refuse_dual2" in _plan._NO_DUAL2[cubic_chain]
    for k in range(4):
        _close(H[k], da.hessian(cubic_chain_py)(X[k]), 1e-13)
    _close(da.hessian(cubic_chain)(X[0]), H[0], 1e-14)


def test_nested_fallback_still_agrees():
    # Functions that Dual2 cannot compile keep the nested Dual[Dual] passes.
    x = np.random.default_rng(0).uniform(-1.0, 1.5, 6)
    X = np.random.default_rng(1).uniform(-1.0, 1.5, (50, 6))
    new, new_b = da.hessian(rosen)(x), da.vmap(da.hessian(rosen))(X)
    _plan._NO_DUAL2[rosen] = "test"
    try:
        old, old_b = da.hessian(rosen)(x), da.vmap(da.hessian(rosen))(X)
    finally:
        del _plan._NO_DUAL2[rosen]
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
    assert uses_custom not in _plan._NO_DUAL2
