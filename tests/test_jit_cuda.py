"""The same registrations compile for numba-cuda: kernels on duals lower to PTX.

Skipped unless numba-cuda is installed (``pip install "numba-cuda[cu13]"``,
the ``cuda`` extra). No GPU is needed: ``compile_ptx`` with an explicit
compute capability, plus a test-only shim where numba-cuda asks the current
device for its compute capability while compiling device functions.
"""
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


@pytest.mark.parametrize("kernel", [dual_kernel, hyper_kernel, vector_and_nested_kernel])
def test_kernels_compile_to_ptx(kernel, no_gpu):
    ptx, _ = cuda.compile_ptx(kernel, (types.float64[:], types.float64[:]), cc=(9, 0))
    assert ".entry" in ptx or ".visible" in ptx
