"""Compiled Taylor numbers (issue 11): da.taylor / da.derivative of numba functions.

Few signatures on purpose (numba compile time): one kernel whose f uses every
rule with a compiled recurrence, checked against the Python path (itself
checked against mpmath in test_taylor.py), one fallback to nested duals, the
scalar and array paths, float32, and the CUDA lowering to PTX.
"""
import math

import numpy as np
import pytest

numba = pytest.importorskip("numba")
import dualad as da  # noqa: E402


def _every_compiled_rule(M):
    """f using every rule with a compiled Taylor rule; M is math (compiled) or dualad."""
    def f(x):
        a = np.exp(np.sin(x)) / (1.0 + x * x) + M.cos(x) * M.tan(0.3 * x)
        b = M.sqrt(2.0 + x) + M.log(3.0 + x) + np.log2(3.0 + x) + M.log10(3.0 + x)
        c = M.log1p(0.5 + x * x) + M.sinh(x) - M.cosh(0.5 * x) + M.tanh(2.0 * x)
        d = M.exp2(x) + M.expm1(x) + np.cbrt(2.0 + x) + (2.0 + x) ** 1.7 + 1.3 ** x
        e = (1.5 + x) ** (0.5 + x) + abs(x - 0.1) + M.floor(x) + M.degrees(x) - x / (2.0 - x)
        s = a
        s += b
        s -= c
        s *= 1.5
        g = M.atan(x) + M.asin(0.5 * x) - M.acos(0.4 * x) + M.asinh(x) + M.acosh(2.0 + x)
        h = M.atanh(0.5 * x) + M.erf(x) - M.erfc(0.5 * x)
        b2 = M.atan2(x, 1.5) + M.atan2(0.3, x) + M.atan2(x, x + 2.0) + M.hypot(x, 2.0 * x)
        b3 = M.copysign(x, -1.0) + M.fmod(x + 2.0, 0.7) + np.maximum(x, 0.1 * x) \
            + np.minimum(x, 0.1) + np.fmax(x, 0.2) + np.fmin(0.2, x) + (x + 3.0) % 0.8 \
            + (x + 3.0) // 0.8 + M.log(x + 2.0, 3.0)
        return s + d - e + 3.0 * -x ** 3 + g + h + b2 + b3
    return f


every_compiled_rule = _every_compiled_rule(da)
compiled = numba.njit(_every_compiled_rule(math))


def test_every_compiled_rule_to_order_20():
    x = np.array([-0.7, 0.35, 0.9])
    got = da.taylor(compiled, 20)(x)
    ref = da.taylor(every_compiled_rule, 20)(x)
    assert got.shape == (3, 21)
    scale = np.abs(ref) + np.abs(x)[:, None] * np.abs(np.roll(ref, -1, axis=1)) * np.arange(1, 22)
    assert np.all(np.abs(got - ref) <= 1e-12 * scale + 1e-300)
    # scalar input, the same kernel
    np.testing.assert_array_equal(da.taylor(compiled, 20)(0.35), got[1])


def test_derivative_order_k_compiled_and_nested_agree():
    f = numba.njit(lambda x: np.exp(np.sin(x)) / (1.0 + x * x))
    py = lambda x: np.exp(np.sin(x)) / (1.0 + x * x)
    x = np.linspace(-1.0, 1.0, 5)
    for k in (3, 6):
        np.testing.assert_allclose(da.derivative(f, order=k)(x),
                                   da.derivative(py, order=k)(x), rtol=1e-12)
    assert da.derivative(f, order=3)(0.4) == pytest.approx(da.derivative(py, order=3)(0.4),
                                                           rel=1e-13)
    x32 = x.astype(np.float32)
    d32 = da.derivative(f, order=3)(x32)
    assert d32.dtype == np.float32
    np.testing.assert_allclose(d32, da.derivative(py, order=3)(x), rtol=1e-4)


def _gamma_family(M):
    def f(x):
        return M.gamma(x) * x + M.lgamma(x + 1.0) + da.polygamma(2, x + 0.5) + da.digamma(x)
    return f


def test_gamma_lgamma_polygamma_compiled_to_order_20():
    # composed from polygamma(n + k, x0) (lgamma, polygamma) and exp of lgamma (gamma),
    # negative non-integer x0 included; against the Python path (checked against mpmath)
    g = numba.njit(_gamma_family(math))
    x = np.array([-0.3, 0.7, 1.9, 4.0])
    got = da.taylor(g, 20)(x)
    ref = da.taylor(_gamma_family(da), 20)(x)
    scale = np.abs(ref) + np.abs(x)[:, None] * np.abs(np.roll(ref, -1, axis=1)) * np.arange(1, 22)
    assert np.all(np.abs(got - ref) <= 1e-12 * scale + 1e-300)
    assert da.derivative(g, order=3)(0.5) == pytest.approx(
        da.derivative(_gamma_family(da), order=3)(0.5), rel=1e-13)


def test_function_without_compiled_taylor_support_falls_back_to_nested_duals():
    cube = da.register(lambda x: x * x * x, lambda x: 3.0 * x * x)  # no compiled Taylor rule
    g = numba.njit(lambda x: cube(x) + x)
    assert da.derivative(g, order=3)(0.5) == pytest.approx(6.0, rel=1e-14)
    with pytest.raises(numba.core.errors.TypingError):
        da.taylor(g, 3)(0.5)


def test_where_selects_a_branch_series():
    g = numba.njit(lambda x: da.where(x > 0.0, x * x * x, 2.0) + da.where(x < 0.0, 1.0, x))
    np.testing.assert_allclose(da.taylor(g, 4)(0.5), [0.625, 1.75, 1.5, 1.0, 0.0], rtol=1e-15)
    np.testing.assert_allclose(da.taylor(g, 4)(-0.5), [3.0, 0.0, 0.0, 0.0, 0.0], rtol=1e-15)
    assert da.derivative(g, order=3)(0.5) == pytest.approx(6.0, rel=1e-14)


def test_cuda_kernel_compiles_to_ptx(monkeypatch):
    pytest.importorskip("numba_cuda")
    import types as pytypes
    from numba import cuda
    import numba.cuda.dispatcher as disp
    from dualad._backends.taylor import coefficient
    from dualad._jit.taylor_types import seeder
    # numba-cuda asks the current device for its compute capability: none here
    monkeypatch.setattr(disp, "get_current_device",
                        lambda: pytypes.SimpleNamespace(compute_capability=(9, 0)))
    seed = seeder(17)
    f = numba.njit(lambda x: math.exp(math.sin(x)) / (1.0 + x * x) + math.gamma(2.0 + x))

    def kernel(x, out):
        i = cuda.grid(1)
        if i < x.size:
            out[i] = coefficient(f(seed(x[i])), 16)
    ptx, _ = cuda.compile_ptx(kernel, (numba.float64[:], numba.float64[:]), cc=(9, 0))
    assert ".entry" in ptx
