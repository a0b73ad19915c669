"""``da.vmap(transform, target="cuda")``: a batch of compiled transforms on a GPU.

One GPU thread per point. A CUDA kernel cannot take a function argument, so
kernels are generated per user function (a closure over it, kept per
(function, kind, argument, chunk, point size, ...)); inside, the user's
``@numba.njit`` function is compiled by numba-cuda as a device function and
runs on dualad's compiled dual numbers (registered for every target).

Supported, for ``g`` one of ``da.jacobian(f)``, ``da.grad(f)``,
``da.value_and_grad(f)``, ``da.hessian(f)`` of an ``@numba.njit`` function
``f`` (one ``argnums``, an int):

* the differentiated argument is a 2-D array, one point per row (or a 1-D
  array: one scalar point per element);
* the other arguments are NumPy arrays (mapped: one row per point, or not
  mapped: the whole array for every point) or real scalars;
* ``f`` reads its point as a 1-D array of duals held in the thread's local
  memory (``x[i]``, ``x.shape[0]``, ``len(x)``, loops) and returns a real
  scalar, or, for ``jacobian``, a tuple of real scalars (the result is then a
  tuple of Jacobians, one per output, as for a Python ``f`` returning a tuple).

Device code has no heap: ``f`` must not allocate arrays (``np.empty_like(x)``,
``np.zeros(n)``, ...) nor return one; write the outputs as a tuple of scalars
(``return (y0, y1, y2)``). Those forms raise NotImplementedError or a
TypeError that says so. Results come back as NumPy arrays, shaped as for the
CPU: ``(batch,) + out_shape + point_shape``. Each thread holds its point as n
duals of chunk C partials in local memory, so points of a few hundred
numbers at most are the intended size.

Without numba-cuda or a GPU, ``target="cuda"`` raises RuntimeError: it never
falls back to the CPU.

The passes are those of the CPU (``plan``): Hessians of array points by
second-order duals (one Dual2 pass up to 16 inputs, pairs of blocks beyond),
nested duals where f does not compile on Dual2 numbers and for scalar
points. The per-point code (``point`` in :func:`kernel_parts`) calls the
CPU batch loop's per-point body (``kernels``) with an explicit work array,
so the same code also runs on the CPU (that is how its numerics are tested
on machines with no GPU); the kernel adds only ``cuda.grid(1)`` and the
``cuda.local.array`` it passes.
"""
import importlib.util
import math

import numba
import numpy as np
from numba.core import types

from .._core.numba_support import is_dispatcher
from .._core.spec import KINDS, check_chunk, normalize_argnums
from .._core.trees import as_float_input
from .._jit.arrays import dual_buffer, point_args
from .kernels import BODIES
from .plan import plan_point, with_dual2_fallback
from .store import SCOPE

THREADS_PER_BLOCK = 128

INSTALL_HINT = ('pip install "dualad[cuda]" (numba-cuda with the CUDA 13 toolkit '
                'wheels), on a machine with an NVIDIA GPU and its driver')

# ----------------------------------------------------------- availability ---

def cuda_module():
    """``numba.cuda`` of the numba-cuda package; RuntimeError without it.

    numba's own deprecated built-in ``numba.cuda`` is not used: dualad's
    number types are registered for numba-cuda's target.
    """
    if importlib.util.find_spec("numba_cuda") is None:
        raise RuntimeError("vmap(target='cuda') needs the numba-cuda package, which is "
                           f"not installed: {INSTALL_HINT}. dualad never falls back to the "
                           "CPU silently; use target=None for the CPU.")
    try:
        from numba import cuda
    except ImportError as e:
        raise RuntimeError(f"vmap(target='cuda'): numba.cuda failed to import ({e}); "
                           f"{INSTALL_HINT}") from e
    if getattr(cuda, "implementation", None) != "NVIDIA":
        raise RuntimeError("vmap(target='cuda'): numba.cuda is numba's built-in target, not "
                           f"numba-cuda's ({INSTALL_HINT})")
    return cuda


def require_gpu():
    """``numba.cuda`` if a GPU can run dualad's kernels, else RuntimeError."""
    cuda = cuda_module()
    if getattr(getattr(cuda, "config", None), "ENABLE_CUDASIM", False):
        raise RuntimeError("vmap(target='cuda') cannot run under the CUDA simulator "
                           "(NUMBA_ENABLE_CUDASIM=1): the simulator runs kernels as Python "
                           "and has no compiled dual numbers. Unset it, or use target=None.")
    if not cuda.is_available():
        raise RuntimeError("vmap(target='cuda'): no CUDA GPU is available (numba.cuda."
                           "is_available() is False: no NVIDIA driver or device found). "
                           f"It needs {INSTALL_HINT}. dualad never falls back to the CPU "
                           "silently; use target=None for the CPU.")
    return cuda


# ------------------------------------------------------------- the kernel ---

def kernel_parts(f, point, K, mask, base, cuda=None):
    """(point, kernel, T) for one user function, its PointPlan ``point`` and constants.

    ``point(args, b, X, OUT, VALS, xd)`` (a ``numba.njit`` dispatcher, compiled
    on first use for the CPU or, called from the kernel, for the GPU) runs the
    plan's per-point body (``kernels.BODIES``, the CPU batch loop's too) for
    point b (row b of X; scalar points: one column) into OUT[b], VALS[b] with
    ``xd`` (n numbers of type T) as work array. ``kernel(args, X, OUT, VALS)``
    is the Python body of its CUDA kernel (None without ``cuda``, the
    numba.cuda module). Nothing is compiled here.
    """
    body = BODIES[point.algorithm]
    C = point.C  # a constant of the closure: typed as a literal, as body needs
    T = point.number_type(base)

    def point_fn(args, b, X, OUT, VALS, xd):
        body(f, point_args(args, b, mask, -1, 0), K, C, X[b], OUT[b], VALS[b], xd)

    point_jit = numba.njit(inline="always")(point_fn)
    if cuda is None:
        return point_jit, None, T
    size = max(point.n, 1)

    def kernel(args, X, OUT, VALS):
        b = cuda.grid(1)
        if b < X.shape[0]:
            xd = cuda.local.array(size, T)
            point_jit(args, b, X, OUT, VALS, xd)
    return point_jit, kernel, T


# ------------------------------------------------------------ Python side ---

class Plan:
    """Everything one batch needs: kernel constants, host arrays, result shapes."""

    def __init__(self, g, args, mapped, batch):
        """``g``: the TransformSpec of the mapped transform (None if it is none)."""
        if g is None or g.kind not in KINDS or not is_dispatcher(g.f):
            raise TypeError("vmap(target='cuda') needs a dualad transform of a numba "
                            "dispatcher (e.g. da.vmap(da.jacobian(njit_f), target='cuda'))")
        who = f"vmap({g.kind}, target='cuda')"
        single, nums = normalize_argnums(g.argnums, len(args), who)
        if not single:
            raise NotImplementedError(f"{who}: argnums must be one int on the GPU")
        check_chunk(g.chunk, who)
        K = nums[0]
        if not mapped[K]:
            raise ValueError(f"{who}: the differentiated argument {K} must be mapped")
        if not batch:
            raise ValueError(f"{who}: cannot map over an empty batch")
        args = list(args)
        X, _ = as_float_input(args[K], f"{who}: argument {K}")
        if X.ndim > 2:
            raise NotImplementedError(f"{who}: points must be scalars or 1-D arrays "
                                      f"(X of shape (batch,) or (batch, n)); got {X.shape}; "
                                      "reshape them to 1-D")
        X = np.ascontiguousarray(X)
        args[K] = X
        for i, (a, m) in enumerate(zip(args, mapped)):
            if i == K:
                continue
            if isinstance(a, (np.ndarray, list)):
                args[i] = np.ascontiguousarray(np.asarray(a))
                if args[i].dtype.kind not in "biuf":
                    raise TypeError(f"{who}: argument {i} must hold real numbers")
            elif m:
                raise TypeError(f"{who}: mapped argument {i} must be a NumPy array, "
                                f"got {type(a).__name__}")
            elif not isinstance(a, (int, float, np.integer, np.floating)) or isinstance(a, bool):
                raise TypeError(f"{who}: argument {i} must be a NumPy array or a real "
                                f"scalar on the GPU, got {type(a).__name__}")
        point0 = [a[0] if m else a for a, m in zip(args, mapped)]
        y0 = g.f(*point0)
        kind = "hessian" if g.kind == "hessian" else "jacobian"
        if isinstance(y0, tuple):
            if g.scalar_output:
                raise ValueError(f"{who}: f must return a scalar, got a tuple")
            if not y0 or not all(np.ndim(v) == 0 and np.asarray(v).dtype.kind in "biuf"
                                 for v in y0):
                raise NotImplementedError(f"{who}: {SCOPE} (got a tuple holding "
                                          f"{[type(v).__name__ for v in y0]})")
            m = len(y0)
        elif isinstance(y0, np.ndarray):
            raise NotImplementedError(f"{who}: f returns an array of shape {y0.shape}; "
                                      f"{SCOPE}. Return (y[0], y[1], ...) instead.")
        elif np.ndim(y0) == 0 and np.asarray(y0).dtype.kind in "biuf":
            m = None
        else:
            raise TypeError(f"{who}: f must return real numbers, got {type(y0).__name__}")
        self.scalar = X.ndim == 1
        self.n = 1 if self.scalar else X.shape[1]
        self.K, self.kind, self.who, self.g, self.m = K, kind, who, g, m
        self.mask = sum(1 << i for i, mm in enumerate(mapped) if mm)
        self.base = types.float32 if X.dtype == np.float32 else types.float64
        self.dtype = np.result_type(X.dtype, np.float32)
        self.X = X.reshape(batch, self.n)  # the points as rows (scalar points: one column)
        self.args = tuple(args)
        self.batch = batch
        rows = 1 if m is None else m
        self.out_shape = (batch, self.n, self.n) if kind == "hessian" else (batch, rows, self.n)
        self.vals_shape = (batch, rows)
        self.point = self.choose()

    def choose(self):
        """The PointPlan of this batch, the same as the CPU's (``self.point`` is the
        one the kernel is made for)."""
        return plan_point(self.kind, self.n, self.scalar, self.g.chunk, self.g.f)

    def key(self):
        return (self.g.f, self.point, self.K, self.mask, self.base)

    def parts(self, cuda=None):
        return kernel_parts(self.g.f, self.point, self.K, self.mask, self.base, cuda)

    def signature(self):
        """numba argument types of the kernel (for compile_ptx)."""
        nb = numba.typeof
        out = types.Array(numba.from_dtype(self.dtype), 3, "C")
        vals = types.Array(numba.from_dtype(self.dtype), 2, "C")
        return (nb(self.args), nb(self.X), out, vals)

    def work_array(self):
        """The CPU stand-in for the kernel's local dual array."""
        T = self.point.number_type(self.base)
        return dual_buffer(T, (self.n,))

    def result(self, out, vals):
        """Shape out (batch, m, n) / (batch, n, n) and vals (batch, m) as the CPU path does."""
        in_shape = () if self.scalar else (self.n,)
        if self.kind == "hessian":
            return out.reshape((self.batch,) + in_shape + in_shape)
        if self.m is not None:
            return tuple(out[:, i].reshape((self.batch,) + in_shape) for i in range(self.m))
        res = out.reshape((self.batch,) + in_shape)
        if self.g.returns_value:
            return vals.reshape(self.batch), res
        return res


_KERNELS = {}


def compiled_kernel(plan, cuda):
    """The CUDA kernel of ``plan``, made once per key."""
    key = plan.key()
    kern = _KERNELS.get(key)
    if kern is None:
        _, body, _ = plan.parts(cuda)
        kern = _KERNELS[key] = cuda.jit(body)
    return kern


class _CompileErrors:
    """Typing and lowering errors of the user's f on the GPU as one clear TypeError."""

    def __init__(self, plan):
        self.who = plan.who

    def __enter__(self):
        return self

    def __exit__(self, etype, e, tb):
        # numba-cuda raises its own copies of numba's error classes: match by name.
        if etype is not None and etype.__name__ in ("TypingError", "UnsupportedError",
                                                    "LoweringError"):
            raise TypeError(f"{self.who}: f could not be compiled for the GPU ({SCOPE}).\n"
                            f"{e}") from e
        return False


def ptx(vm, *args, cc=(9, 0)):
    """PTX of the kernel that ``vm(*args)`` (a ``da.vmap(..., target="cuda")``) would
    launch (no GPU needed; NVVM is).

    numba-cuda compiles the device functions a kernel calls for the *current*
    device's compute capability; a caller with no GPU must stand one in
    (tests/test_cuda.py does).
    """
    cuda = cuda_module()
    mapped = vm._mapped(args)
    batch = next(len(a) for a, m in zip(args, mapped) if m)
    plan = Plan(getattr(vm.g, "spec", None), args, mapped, batch)

    def compile_ptx(point):
        plan.point = point
        _, body, _ = plan.parts(cuda)
        return cuda.compile_ptx(body, plan.signature(), cc=cc)[0]
    with _CompileErrors(plan):
        return with_dual2_fallback(plan.g.f, plan.choose, compile_ptx)


def cuda_vmap(g, args, mapped, batch):
    """Run the batch of the transform ``g`` (a TransformSpec, or None for anything
    else) on the GPU, one thread per point (see the module docstring)."""
    cuda = require_gpu()
    plan = Plan(g, args, mapped, batch)
    d_args = tuple(cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in plan.args)
    d_X = d_args[plan.K].reshape(plan.X.shape)  # the points as rows
    # The point bodies write every entry: no clearing of the outputs.
    d_out = cuda.device_array(plan.out_shape, dtype=plan.dtype)
    d_vals = cuda.device_array(plan.vals_shape, dtype=plan.dtype)
    blocks = math.ceil(plan.batch / THREADS_PER_BLOCK)

    def launch(point):
        plan.point = point
        compiled_kernel(plan, cuda)[blocks, THREADS_PER_BLOCK](d_args, d_X, d_out, d_vals)
    with _CompileErrors(plan):
        with_dual2_fallback(plan.g.f, plan.choose, launch)
    cuda.synchronize()
    return plan.result(d_out.copy_to_host(), d_vals.copy_to_host())
