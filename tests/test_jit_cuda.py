"""The same registrations compile for numba-cuda: kernels on duals lower to PTX.

Skipped unless numba-cuda is installed (``pip install "numba-cuda[cu13]"``,
the ``cuda`` extra). No GPU is needed: ``compile_ptx`` with an explicit
compute capability, plus a test-only shim where numba-cuda asks the current
device for its compute capability while compiling device functions.
"""
import cmath
import math
import types as pytypes

import numpy as np
import pytest

pytest.importorskip("numba_cuda")

from numba import cuda, types  # noqa: E402

import dualad as da  # noqa: E402
import dualad._jit  # noqa: E402,F401
from dualad import Dual, HyperDual  # noqa: E402


@pytest.fixture
def no_gpu(monkeypatch):
    import numba.cuda.dispatcher as disp
    monkeypatch.setattr(disp, "get_current_device",
                        lambda: pytypes.SimpleNamespace(compute_capability=(9, 0)))


def dual_kernel(x, out):
    i = cuda.grid(1)
    if i < x.size:
        d = Dual(x[i], 1.0)
        y = math.sin(d) * d + d ** 3 - da.exp(d) / (1.0 + d)
        out[i] = y.partials


def hyper_kernel(x, out):
    i = cuda.grid(1)
    if i < x.size:
        s = 0.0
        for j in range(3):
            h = HyperDual(x[i], 1.0, 1.0, 0.0)
            s += np.tanh(h) * math.lgamma(h + 2.0) + math.atan2(h, 2.0) ** 2.5 * j
        out[i] = s.eps1eps2


def vector_and_nested_kernel(x, out):
    i = cuda.grid(1)
    if i < x.size:
        g = Dual(x[i], (1.0, 0.0, 0.0)) * Dual(2.0, (0.0, 1.0, 0.0))
        n = Dual(Dual(x[i], 1.0), Dual(1.0, 0.0))
        out[i] = g.partials[1] + math.exp(n).partials.partials


# Step and kink functions: their float implementations are LLVM intrinsics,
# comparisons and libdevice calls, not the NumPy scalar ufuncs (np.floor,
# np.sign, np.cbrt, ...) that numba-cuda cannot lower.
def step_dual_kernel(x, out):
    i = cuda.grid(1)
    if i < x.size:
        d = Dual(x[i], 1.0)
        y = (abs(d) + math.floor(d) + round(d) + np.sign(d) + math.cbrt(d)
             + math.fmod(d, 2.0) + d % 2.0 + d // 2.0)
        y = y + np.abs(d) + math.ceil(d) + math.trunc(d) + np.rint(d) + np.cbrt(d) \
            + np.fmod(3.0, d) + 3.0 % d + round(d, 2)
        out[i] = y.value + y.partials + math.cbrt(x[i]) + da.sign(x[i]) + da.floor(x[i])


def step_hyper_kernel(x, out):
    i = cuda.grid(1)
    if i < x.size:
        h = HyperDual(x[i], 1.0, 1.0, 0.0)
        y = (abs(h) + math.floor(h) + round(h) + np.sign(h) + math.cbrt(h)
             + math.fmod(h, 2.0) + h % 2.0 + h // 2.0)
        out[i] = y.re + y.eps1eps2


def step_nested_kernel(x, out):
    i = cuda.grid(1)
    if i < x.size:
        n = Dual(Dual(x[i], 1.0), Dual(1.0, 0.0))
        y = abs(n) + math.floor(n) + round(n) + np.sign(n) + math.cbrt(n) + math.fmod(n, 2.0)
        out[i] = y.partials.partials


# Complex duals (guides/complex.md): cmath on Dual, vector partials (two
# vectors), HyperDual; real duals meeting complex constants; the parts.
def complex_kernel(x, out):
    i = cuda.grid(1)
    if i < x.size:
        z = Dual(x[i], 1.0)
        y = cmath.exp(1j * z) * z ** 3 + cmath.sqrt(z) / (1.0 + z) - cmath.log(z) * cmath.sin(z)
        y = y + cmath.tanh(z) + cmath.asin(z) + z ** (0.5 + 1j) + abs(z) + z.real * z.conjugate()
        g = Dual(x[i], (1.0, 1j)) * Dual(2.0 + 1j, (0.0, 1.0)) / (z.value + 1.0)
        h = HyperDual(x[i], 1.0, 1.0, 0.0)
        k = cmath.cosh(h) / h + cmath.atan(h) ** 2
        r = Dual(x[i].real, 1.0)
        w = cmath.exp(1j * r) * (2.0 - 1j) + abs(1.0 + r * 1j)
        out[i] = y.partials + g.partials[1] + k.eps1eps2 + w.partials


CASES = [(k, types.float64) for k in (dual_kernel, hyper_kernel, vector_and_nested_kernel)] \
    + [(k, t) for k in (step_dual_kernel, step_hyper_kernel, step_nested_kernel)
       for t in (types.float64, types.float32)] \
    + [(complex_kernel, t) for t in (types.complex128, types.complex64)]


@pytest.mark.parametrize("kernel, dtype", CASES,
                         ids=[f"{k.__name__}-{t}" for k, t in CASES])
def test_kernels_compile_to_ptx(kernel, dtype, no_gpu):
    ptx, _ = cuda.compile_ptx(kernel, (dtype[:], dtype[:]), cc=(9, 0))
    assert ".entry" in ptx or ".visible" in ptx
    # Everything resolved: libdevice was linked in, no call left to a
    # function the PTX does not define.
    assert ".extern" not in ptx
