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


@pytest.mark.parametrize("order", [10, 20])
def test_every_compiled_rule_to_order_20(order):
    # order 10: the recurrences unrolled into straight-line code; 20: looped
    from dualad._jit.taylor_unroll import UNROLL_MAX_N
    assert (order + 1 <= UNROLL_MAX_N) == (order == 10)
    x = np.array([-0.7, 0.35, 0.9])
    got = da.taylor(compiled, order)(x)
    ref = da.taylor(every_compiled_rule, order)(x)
    assert got.shape == (3, order + 1)
    scale = np.abs(ref) + np.abs(x)[:, None] * np.abs(np.roll(ref, -1, axis=1)) * np.arange(
        1, order + 2)
    assert np.all(np.abs(got - ref) <= 1e-12 * scale + 1e-300)
    # scalar input, the same kernel
    np.testing.assert_array_equal(da.taylor(compiled, order)(0.35), got[1])


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
        # affine inputs (y_k = d_k x_1^k) and a curved one (Horner)
        return M.gamma(x) * x + M.lgamma(x * x + 1.0) + da.polygamma(2, x + 0.5) + da.digamma(x)
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
    from dualad._jit.taylor_unroll import UNROLL_MAX_N
    # numba-cuda asks the current device for its compute capability: none here
    monkeypatch.setattr(disp, "get_current_device",
                        lambda: pytypes.SimpleNamespace(compute_capability=(9, 0)))
    seed, seed_long = seeder(17), seeder(UNROLL_MAX_N + 4)
    f = numba.njit(lambda x: math.exp(math.sin(x)) / (1.0 + x * x) + math.gamma(2.0 + x))

    def kernel(x, out):  # the unrolled recurrences and the looped ones
        i = cuda.grid(1)
        if i < x.size:
            out[i] = coefficient(f(seed(x[i])), 16) + coefficient(f(seed_long(x[i])),
                                                                  UNROLL_MAX_N + 3)
    ptx, _ = cuda.compile_ptx(kernel, (numba.float64[:], numba.float64[:]), cc=(9, 0))
    assert ".entry" in ptx


# --- functions of arrays: da.derivative(njit_f, order, direction=v), da.jet(njit_f, ...) ---
# f runs on arrays of compiled Taylor numbers; checked against the Python path (itself
# checked against mpmath in test_taylor.py) and against JAX's jet.

def _vector_f(x):
    """Element access, arithmetic of elements, the table's ufuncs on whole arrays,
    slicing and np.sum: the same source runs on Python Taylor arrays."""
    s = x[0] * x[1] + np.sin(x[2]) / (2.0 + x[0] * x[0])
    y = np.exp(0.5 * x) * x[::-1] + np.tanh(x) ** 2 - 3.0 * x
    return s + np.sum(y[1:]) + x[2] ** 3


_vector_f_compiled = numba.njit(_vector_f)


@numba.njit
def _vector_loops(x):
    """np.empty_like/zeros_like, setitem, a float accumulator meeting Taylor numbers,
    in-place array arithmetic, np.where, np.prod and np.cumsum."""
    y = np.empty_like(x)
    for i in range(x.shape[0]):
        y[i] = math.log1p(x[i] * x[i]) * x[(i + 1) % x.shape[0]]
    z = np.zeros_like(x)
    z[0] = 1.0
    z[1:] = x[1:] * x[:-1]
    z += np.maximum(x, 0.1 * x)
    acc = 0.0
    for i in range(x.shape[0]):
        acc += y[i] * np.where(x > 0.0, z, 2.0 * z)[i]
    return acc + np.prod(np.cumsum(y)) + np.sum(z)


def _vector_loops_reference(x):
    y = [np.log1p(x[i] * x[i]) * x[(i + 1) % 3] for i in range(3)]
    z = [1.0 + np.maximum(x[0], 0.1 * x[0])] + [
        x[i] * x[i - 1] + np.maximum(x[i], 0.1 * x[i]) for i in (1, 2)]
    z = [zi if x[i].coefficients[0] > 0.0 else 2.0 * zi for i, zi in enumerate(z)]
    c = [y[0], y[0] + y[1], y[0] + y[1] + y[2]]
    return sum(yi * zi for yi, zi in zip(y, z)) + c[0] * c[1] * c[2] + sum(z)


def test_directional_derivatives_of_a_compiled_array_function():
    x = np.array([0.4, -0.7, 1.1])
    v = np.array([1.0, 0.5, -2.0])
    for k in (2, 5):
        got = da.derivative(_vector_f_compiled, order=k, direction=v)(x)
        want = da.derivative(_vector_f, order=k, direction=v)(x)
        assert got == pytest.approx(want, rel=1e-13)
    # order 2 agrees with the Hessian by nested duals: v^T H v
    h = da.hessian(_vector_f)(x)
    assert da.derivative(_vector_f_compiled, order=2, direction=v)(x) == pytest.approx(
        v @ h @ v, rel=1e-12)
    x32, v32 = x.astype(np.float32), v.astype(np.float32)
    d32 = da.derivative(_vector_f_compiled, order=5, direction=v32)(x32)
    assert isinstance(d32, np.float32)
    assert d32 == pytest.approx(da.derivative(_vector_f, order=5, direction=v)(x), rel=1e-4)


def test_compiled_array_machinery_on_taylor_numbers():
    x = np.array([0.4, -0.7, 1.1])
    v = np.array([1.0, 0.5, -2.0])
    got = da.derivative(_vector_loops, order=4, direction=v)(x)
    want = da.derivative(_vector_loops_reference, order=4, direction=v)(x)
    assert got == pytest.approx(want, rel=1e-13)


@numba.njit
def _jet_f(x, a):
    y = np.empty_like(x)
    for i in range(x.shape[0]):
        y[i] = math.exp(math.sin(x[i])) / (1.0 + x[i] * a)
    return y + math.sqrt(a) * np.tanh(x)


def test_jet_of_a_compiled_function_agrees_with_python_and_jax():
    x = np.array([0.4, -0.3])
    series = ([np.array([1.0, 0.5]), np.array([0.2, 0.0]), np.array([0.0, -1.0])],
              [0.5, 0.0, 0.25])
    p, s = da.jet(_jet_f, (x, 1.3), series)

    def f_np(x, a):
        return np.exp(np.sin(x)) / (1.0 + x * a) + np.sqrt(a) * np.tanh(x)
    p_py, s_py = da.jet(f_np, (x, 1.3), series)
    np.testing.assert_allclose(p, p_py, rtol=1e-14)
    np.testing.assert_allclose(s, s_py, rtol=1e-13)
    try:
        import jax
        from jax.experimental import jet as jax_jet
    except ImportError:
        pytest.skip("jax not installed: checked against the Python path only")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    p_ref, s_ref = jax_jet.jet(
        lambda x, a: jnp.exp(jnp.sin(x)) / (1.0 + x * a) + jnp.sqrt(a) * jnp.tanh(x),
        (x, 1.3), series)
    np.testing.assert_allclose(p, np.asarray(p_ref), rtol=1e-14)
    np.testing.assert_allclose(s, np.array(s_ref), rtol=1e-12)


_A = np.array([[3.0, 0.5, 0.1], [0.2, 2.0, 0.3], [0.1, 0.4, 4.0]])


def _linear_algebra(x):
    M = _A + np.outer(x, x) * 0.1
    y = np.linalg.solve(M, np.sin(x))
    z = np.array([x[0] * x[1], 2.0, np.sin(x[2])])   # np.array of Taylor numbers and reals
    return np.dot(y, x) + (M @ z)[1] + np.linalg.det(M) + np.trace(np.linalg.inv(M))


def test_linear_algebra_on_arrays_of_compiled_taylor_numbers():
    # the dual arrays' products and LU (pivoting by value) on Taylor numbers, against
    # nested duals in Python (the Python Taylor arrays have no np.linalg)
    from dualad._transforms.derivative import _nested
    x = np.array([0.4, -0.7, 1.1])
    v = np.array([1.0, 0.5, -2.0])
    got = da.derivative(numba.njit(_linear_algebra), order=3, direction=v)(x)
    assert got == pytest.approx(_nested(lambda t: _linear_algebra(x + t * v), 3)(0.0),
                                rel=1e-12)


def test_compiled_function_of_arrays_without_support_raises():
    g = numba.njit(lambda x: np.linalg.eigvalsh(np.outer(x, x))[0])
    with pytest.raises(TypeError, match="arrays of Taylor numbers.*not the other np.linalg"):
        da.derivative(g, order=3, direction=np.ones(2))(np.ones(2))
    with pytest.raises(ValueError, match="direction has shape"):
        da.derivative(_vector_f_compiled, order=3, direction=np.ones(2))(np.ones(3))


def test_compiled_taylor_derivative_inside_a_python_transform_says_what_to_do():
    f = numba.njit(lambda x: math.exp(math.sin(x)))
    with pytest.raises(NotImplementedError, match="order=4"):
        da.derivative(lambda x: da.derivative(f, order=3)(x))(0.5)
