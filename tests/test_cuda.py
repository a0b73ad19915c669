"""``da.vmap(..., target="cuda")``.

Three layers, so that machines without a GPU (CI) still check most of it:

* the errors: no numba-cuda / no GPU gives a RuntimeError that says what to
  install (always runs), and unsupported forms are refused before launching;
* the per-point code of the kernel, run on the CPU against the CPU vmap and
  independent references (always runs: it is the same ``numba.njit``
  function the kernel calls, over the per-point bodies of the CPU batch);
* PTX compilation of the generated kernels and of dual arithmetic for
  ``sm_90`` (runs where numba-cuda and its NVVM are installed:
  ``pip install "dualad[cuda]"``);
* real launches, compared with the CPU (only where a GPU is present).
"""
import importlib.util
import math
import types as pytypes

import numba
import numpy as np
import pytest

import dualad as da
from dualad._backends import cuda as _cuda
from dualad._backends import plan as _plan_mod
from dualad._jit.types import Dual2Type, DualType
from models import cubic_chain, rosen_hess


# ------------------------------------------------------------ functions ---

@numba.njit
def rosen(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2
    return s


@numba.njit
def trig(x):
    s = 0.0
    for i in range(len(x)):
        s += math.sin(x[i]) * math.exp(-x[i] * x[i]) / (1.0 + x[i] ** 2)
    return s


def trig_py(x):
    return np.sum(np.sin(x) * np.exp(-x * x) / (1.0 + x ** 2))


@numba.njit
def reductions(x):
    # array reductions and products of the point, none of which allocates
    return np.dot(x, x) + np.prod(x) + np.linalg.norm(x) + np.mean(x) + np.sum(x)


@numba.njit
def constant(x, c):
    # does not depend on x: every derivative entry must be written as 0
    return 2.0 * c


@numba.njit
def polar(x, scale):
    # two outputs as a tuple of scalars; the last does not depend on x
    r = math.hypot(x[0], x[1])
    return scale * r, math.atan2(x[1], x[0]) * r, 2.0


@numba.njit
def weighted(x, w, c):
    s = 0.0
    for i in range(x.shape[0]):
        s += w[i] * math.tanh(x[i]) ** 2
    return s + c


@numba.njit
def scalar_f(t, a):
    return math.sin(a * t) * t ** 3


@numba.njit
def returns_array(x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = x[i] * x[i]
    return out


def _rng(shape, seed=0, lo=0.2, hi=1.5):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


# ------------------------------------------------------- availability ---

def _has_numba_cuda():
    return importlib.util.find_spec("numba_cuda") is not None


def _gpu_available():
    if not _has_numba_cuda():
        return False
    from numba import cuda
    return bool(cuda.is_available())


def test_error_without_gpu_says_what_to_install():
    if _gpu_available():
        pytest.skip("a GPU is present: vmap(target='cuda') runs (see the launch tests)")
    vm = da.vmap(da.grad(rosen), target="cuda")
    with pytest.raises(RuntimeError, match=r'pip install "dualad\[cuda\]"'):
        vm(_rng((4, 3)))


def test_error_without_numba_cuda(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "numba_cuda" else real(name, *a))
    with pytest.raises(RuntimeError, match=r"numba-cuda.*not installed.*dualad\[cuda\]"):
        da.vmap(da.jacobian(rosen), target="cuda")(_rng((4, 3)))


def test_error_when_no_device(monkeypatch):
    if not _has_numba_cuda():
        pytest.skip("numba-cuda is not installed (pip install \"dualad[cuda]\")")
    from numba import cuda
    monkeypatch.setattr(cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match=r"no CUDA GPU.*never falls back"):
        da.vmap(da.hessian(rosen), target="cuda")(_rng((4, 3)))


def test_cuda_needs_a_transform_of_a_dispatcher():
    with pytest.raises(TypeError, match="transform of a numba"):
        da.vmap(da.grad(lambda x: np.sum(x ** 2)), target="cuda")(_rng((4, 3)))


# --------------------------------------------------- refused up front ---

def _plan(g, *args):
    vm = da.vmap(g, target="cuda")
    mapped = vm._mapped(args)
    batch = next(len(a) for a, m in zip(args, mapped) if m)
    return _cuda.Plan(g.spec, args, mapped, batch)


def test_array_output_is_refused():
    with pytest.raises(NotImplementedError, match="tuple of real scalars"):
        _plan(da.jacobian(returns_array), _rng((4, 3)))


def test_other_unsupported_forms():
    with pytest.raises(NotImplementedError, match="argnums"):
        _plan(da.grad(weighted, argnums=(0, 1)), _rng((4, 3)), _rng((4, 3)), 1.0)
    with pytest.raises(NotImplementedError, match="1-D"):
        _plan(da.grad(rosen), _rng((4, 3, 2)))
    with pytest.raises(ValueError, match="scalar"):
        _plan(da.grad(polar), _rng((4, 2)), 1.5)
    with pytest.raises(TypeError, match="must be a NumPy array"):
        _plan(da.grad(weighted), _rng((4, 3)), (1.0, 2.0, 3.0), 1.0)
    with pytest.raises(ValueError, match="must be mapped"):
        _plan(da.grad(weighted, argnums=2), _rng((4, 3)), _rng((4, 3)), 1.0)


# ------------------------------------- the kernel's point code on the CPU ---

def run_points_on_cpu(g, *args):
    """What the kernel computes, thread by thread, with the CPU as device."""
    plan = _plan(g, *args)
    point, _, _ = plan.parts()
    out = np.full(plan.out_shape, np.nan, plan.dtype)   # the kernel must zero it
    vals = np.full(plan.vals_shape, np.nan, plan.dtype)
    xd = plan.work_array()
    for b in range(plan.batch):
        point(plan.args, b, plan.X, out, vals, xd)
    return plan.result(out, vals)


CASES = [
    ("grad rosen", da.grad(rosen), (_rng((7, 5)),)),
    ("grad rosen chunk 2", da.grad(rosen, chunk=2), (_rng((7, 5)),)),
    ("grad trig n=20 (2 passes)", da.grad(trig), (_rng((3, 20)),)),
    ("value_and_grad trig", da.value_and_grad(trig), (_rng((6, 4)),)),
    ("hessian rosen", da.hessian(rosen), (_rng((5, 4)),)),
    ("hessian trig chunk 3", da.hessian(trig, chunk=3), (_rng((5, 7)),)),
    ("jacobian rosen", da.jacobian(rosen), (_rng((5, 4)),)),
    ("grad weighted, mapped w, scalar c", da.grad(weighted), (_rng((6, 3)), _rng((6, 3), 1), 0.5)),
    ("scalar points", da.grad(scalar_f), (_rng(9), 1.3)),
    ("scalar points, mapped a", da.hessian(scalar_f), (_rng(9), _rng(9, 2))),
    ("float32", da.grad(trig), (_rng((4, 3)).astype(np.float32),)),
    ("int points", da.grad(rosen), (np.arange(12).reshape(4, 3),)),
    ("hessian rosen n=16 (one Dual2 pass)", da.hessian(rosen), (_rng((3, 16)),)),
    ("hessian trig n=20 (Dual2 pairs of blocks)", da.hessian(trig), (_rng((3, 20)),)),
    ("hessian trig chunk 4 n=5 (partial last block)", da.hessian(trig, chunk=4),
     (_rng((4, 5)),)),
    ("hessian weighted, mapped w (Dual2)", da.hessian(weighted),
     (_rng((4, 3)), _rng((4, 3), 1), 0.5)),
    ("hessian float32 (Dual2)", da.hessian(trig), (_rng((4, 6)).astype(np.float32),)),
    ("grad of a constant", da.grad(constant), (_rng((4, 3)), 1.5)),
    ("grad of array reductions", da.grad(reductions), (_rng((4, 5)),)),
    ("hessian of array reductions (Dual2)", da.hessian(reductions), (_rng((4, 5)),)),
    ("hessian of a constant (Dual2)", da.hessian(constant), (_rng((4, 3)), 1.5)),
    ("hessian of a constant, scalar points", da.hessian(constant), (_rng(4), 1.5)),
]


@pytest.mark.parametrize("name,g,args", CASES, ids=[c[0] for c in CASES])
def test_point_code_matches_cpu_vmap(name, g, args):
    got = run_points_on_cpu(g, *args)
    want = da.vmap(g)(*args)
    tol = 2e-5 if any(getattr(a, "dtype", None) == np.float32 for a in args) else 1e-12
    if isinstance(want, tuple):
        for w, r in zip(want, got):
            assert r.shape == w.shape and r.dtype == w.dtype
            np.testing.assert_allclose(r, w, rtol=tol, atol=tol)
    else:
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_hessians_use_the_cpu_plan_dual2_one_pass_and_blocks():
    # The GPU plans its passes as the CPU does: Dual2 for array points.
    one = _plan(da.hessian(rosen), _rng((3, 16)))
    assert one.point.algorithm == "hessian2" and one.point.passes == ((0, 0),)
    assert one.point.number_type(numba.float64) == Dual2Type(numba.float64, 16)
    assert one.work_array().dtype.names == ("value", "grad", "hess")
    blocks = _plan(da.hessian(trig), _rng((3, 20)))
    assert blocks.point.algorithm == "hessian2" and blocks.point.C == 14
    assert blocks.point.passes == ((0, 7), (0, 14), (7, 14))
    scalar = _plan(da.hessian(scalar_f), _rng(4), 1.3)
    assert scalar.point.algorithm == "hessian"
    assert scalar.point.number_type(numba.float64) == DualType(DualType(numba.float64, 1), 1)


def test_dual2_point_code_matches_independent_hessians():
    X = _rng((3, 16), 4, -1.0, 1.5)
    got = run_points_on_cpu(da.hessian(rosen), X)
    for k in range(3):
        np.testing.assert_allclose(got[k], rosen_hess(X[k]), rtol=1e-13, atol=1e-11)
    X = _rng((3, 20), 5)
    got = run_points_on_cpu(da.hessian(trig), X)
    for k in range(3):
        np.testing.assert_allclose(got[k], da.hessian(trig_py)(X[k]), rtol=1e-12, atol=1e-13)


def test_nested_point_code_where_dual2_is_refused(monkeypatch):
    # The fallback plan (nested duals), on the same per-point code path.
    monkeypatch.setitem(_plan_mod._NO_DUAL2, trig, "test")
    X = _rng((3, 7), 6)
    plan = _plan(da.hessian(trig), X)
    assert plan.point.algorithm == "hessian"
    got = run_points_on_cpu(da.hessian(trig), X)
    for k in range(3):
        np.testing.assert_allclose(got[k], da.hessian(trig_py)(X[k]), rtol=1e-12, atol=1e-13)


def test_tuple_output_gives_a_tuple_of_jacobians():
    X = _rng((6, 2))
    got = run_points_on_cpu(da.jacobian(polar), X, 1.5)
    assert isinstance(got, tuple) and len(got) == 3
    outputs = (numba.njit(lambda x: polar(x, 1.5)[0]), numba.njit(lambda x: polar(x, 1.5)[1]),
               numba.njit(lambda x: polar(x, 1.5)[2]))
    for k in range(3):
        want = np.stack([da.jacobian(outputs[k])(x) for x in X])
        assert got[k].shape == (6, 2)
        np.testing.assert_allclose(got[k], want, rtol=1e-12, atol=1e-14)
    assert np.all(got[2] == 0.0)


# ------------------------------------------------------------ PTX (sm_90) ---

@pytest.fixture
def nvvm(monkeypatch):
    """numba.cuda with NVVM, compiling for sm_90 whether or not a GPU is present.

    numba-cuda compiles the device functions a kernel calls for the current
    device's compute capability; without a GPU, this shim answers (9, 0).
    """
    if not _has_numba_cuda():
        pytest.skip('numba-cuda is not installed (pip install "dualad[cuda]" brings it '
                    "and NVVM); PTX compilation not checked")
    from numba import cuda
    from numba.cuda import dispatcher
    if not cuda.is_available():
        fake = pytypes.SimpleNamespace(compute_capability=(9, 0))
        monkeypatch.setattr(dispatcher, "get_current_device", lambda: fake)

    def probe(a):
        a[0] = 1.0
    try:
        cuda.compile_ptx(probe, (numba.float64[:],), cc=(9, 0))
    except Exception as e:  # NVVM library missing or unusable
        pytest.skip(f"numba-cuda is installed but cannot compile PTX ({type(e).__name__}: "
                    f"{e}); install the NVVM wheels: pip install \"numba-cuda[cu13]\"")
    return cuda


def _check_ptx(code):
    assert ".target sm_90" in code
    assert ".entry" in code
    # No heap allocation or reference counting in the kernel.
    assert "NRT_" not in code and "malloc" not in code


PTX_CASES = [
    ("grad rosen n=8", da.grad(rosen), (_rng((4, 8)),)),
    ("grad trig n=20 chunked", da.grad(trig), (_rng((4, 20)),)),
    ("value_and_grad weighted", da.value_and_grad(weighted), (_rng((4, 3)), _rng((4, 3)), 0.5)),
    ("hessian rosen n=4", da.hessian(rosen), (_rng((4, 4)),)),
    ("jacobian polar (tuple output)", da.jacobian(polar), (_rng((4, 2)), 1.5)),
    ("hessian scalar points", da.hessian(scalar_f), (_rng(4), 1.3)),
    ("grad float32", da.grad(rosen), (_rng((4, 3)).astype(np.float32),)),
    ("hessian rosen n=16 (one Dual2 pass)", da.hessian(rosen), (_rng((4, 16)),)),
    ("hessian trig n=20 (Dual2 pairs of blocks)", da.hessian(trig), (_rng((4, 20)),)),
    ("hessian float32 (Dual2)", da.hessian(weighted),
     (_rng((4, 3)).astype(np.float32), _rng((4, 3)).astype(np.float32), 0.5)),
    ("hessian of a constant (Dual2)", da.hessian(constant), (_rng((4, 3)), 1.5)),
    ("grad of array reductions", da.grad(reductions), (_rng((4, 5)),)),
    ("hessian of array reductions (Dual2)", da.hessian(reductions), (_rng((4, 5)),)),
]


@pytest.mark.parametrize("name,g,args", PTX_CASES, ids=[c[0] for c in PTX_CASES])
def test_kernel_compiles_to_ptx(nvvm, name, g, args):
    _check_ptx(_cuda.ptx(da.vmap(g, target="cuda"), *args, cc=(9, 0)))


def test_dual2_kernel_is_not_the_nested_one(nvvm, monkeypatch):
    vm, X = da.vmap(da.hessian(rosen), target="cuda"), _rng((4, 5))
    dual2 = _cuda.ptx(vm, X, cc=(9, 0))
    monkeypatch.setitem(_plan_mod._NO_DUAL2, rosen, "test")
    nested = _cuda.ptx(vm, X, cc=(9, 0))
    _check_ptx(nested)
    assert dual2 != nested


def test_kernel_falls_back_to_nested_duals_where_dual2_fails(nvvm):
    X = _rng((4, 5))
    _plan_mod._NO_DUAL2.pop(cubic_chain, None)  # shared with another test file
    assert cubic_chain not in _plan_mod._NO_DUAL2
    _check_ptx(_cuda.ptx(da.vmap(da.hessian(cubic_chain), target="cuda"), X, cc=(9, 0)))
    assert "refuse_dual2" in _plan_mod._NO_DUAL2[cubic_chain]
    got = run_points_on_cpu(da.hessian(cubic_chain), X)
    ref = np.stack([da.hessian(lambda x: np.sum(x ** 3 * np.roll(x, 1)))(x) for x in X])
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-13)


@numba.njit
def allocates(x):
    tmp = np.zeros_like(x)
    for i in range(x.shape[0]):
        tmp[i] = x[i] * x[i]
    return tmp.sum()


def test_allocation_in_f_is_a_clear_compile_error(nvvm):
    with pytest.raises(TypeError, match="cannot allocate arrays"):
        _cuda.ptx(da.vmap(da.grad(allocates), target="cuda"), _rng((4, 3)))


def _device_ptx(cuda, fn):
    code, resty = cuda.compile_ptx(fn, (numba.float64,), device=True, cc=(9, 0))
    assert ".target sm_90" in code
    return resty


def test_dual_arithmetic_lowers_for_cuda(nvvm):
    from dualad._jit.api import partial, seed
    from dualad._jit.intrinsics import make_dual

    def scalar_dual(x):
        d = seed(x, 0, 1)
        return partial(math.sin(d) * d, 0)

    def vector_dual(x):  # <4 x double> partials, in-place ops, unary minus, a float meeting a dual
        d = seed(x, 2, 4)
        s = 0.0
        s += -d * math.exp(d) / (1.0 + d ** 2)
        s -= math.atan2(d, 2.0) + math.hypot(d, d) + math.log(d, 2.0)
        return s

    def nested_dual(x):
        d = make_dual(seed(x, 0, 2), 1.0)
        return math.tanh(d) * math.sqrt(d) - d ** d

    def hyper_dual(x):
        h = da.HyperDual(x, 1.0, 1.0, 0.0)
        return math.cos(h) * h ** 3 + math.erf(h)

    assert _device_ptx(nvvm, scalar_dual) == numba.float64
    for fn in (vector_dual, nested_dual, hyper_dual):
        assert "dualad" in str(_device_ptx(nvvm, fn))


# ------------------------------------------------------ real GPU launches ---

gpu = pytest.mark.skipif(not _gpu_available(), reason="no CUDA GPU here (CI has none)")


@gpu
@pytest.mark.parametrize("name,g,args", CASES, ids=[c[0] for c in CASES])
def test_gpu_matches_cpu(name, g, args):
    got = da.vmap(g, target="cuda")(*args)
    want = da.vmap(g)(*args)
    tol = 2e-5 if any(getattr(a, "dtype", None) == np.float32 for a in args) else 1e-11
    for w, r in zip(want if isinstance(want, tuple) else (want,),
                    got if isinstance(got, tuple) else (got,)):
        assert r.shape == w.shape and r.dtype == w.dtype
        np.testing.assert_allclose(r, w, rtol=tol, atol=tol)


@gpu
def test_gpu_large_batch_and_tuple_output():
    X = _rng((100_003, 2))
    got = da.vmap(da.jacobian(polar), target="cuda")(X, 1.5)
    want = run_points_on_cpu(da.jacobian(polar), X[:1000], 1.5)
    for w, r in zip(want, got):
        np.testing.assert_allclose(r[:1000], w, rtol=1e-11, atol=1e-14)
    assert got[0].shape == (100_003, 2)


@gpu
def test_gpu_compile_error_is_a_clear_type_error():
    with pytest.raises((TypeError, NotImplementedError)):
        da.vmap(da.jacobian(returns_array), target="cuda")(_rng((4, 3)))
