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

The per-point code (``point`` in :func:`kernel_parts`) is an ordinary
``numba.njit`` function of an explicit dual work array, so the same code also
runs on the CPU (that is how its numerics are tested on machines with no GPU);
the kernel adds only ``cuda.grid(1)`` and the ``cuda.local.array`` it passes.
"""
import importlib.util
import math

import numba
import numpy as np
from numba.core import cgutils, types
from numba.core.errors import TypingError
from numba.extending import intrinsic, overload

from .._core.numba_support import is_dispatcher
from .._core.spec import KINDS, check_chunk, compiled_chunk, normalize_argnums
from .._core.trees import as_float_input
from .._jit.api import seed
from .._jit.arrays import dual_buffer, point_args
from .._jit.intrinsics import make_dual
from .._jit.types import OVERLOAD, DualType, is_dual, is_real
from .store import _seed_chunk, _seed_rows, store_partials, store_second, store_values

THREADS_PER_BLOCK = 128

INSTALL_HINT = ('pip install "dualad[cuda]" (numba-cuda with the CUDA 13 toolkit '
                'wheels), on a machine with an NVIDIA GPU and its driver')

SCOPE = ("on the GPU, f must take its point as a 1-D array (or a scalar) and return a real "
         "scalar or, for jacobian, a tuple of real scalars; device code cannot allocate "
         "arrays (np.empty_like, np.zeros, ...) nor return one")


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


# --------------------------------------------------------- nopython parts ---

@intrinsic(target="generic")
def as_unituple(typingctx, tup):
    """A tuple of reals and duals as a homogeneous tuple (reals become constant duals)."""
    if not isinstance(tup, types.BaseTuple) or len(tup) == 0:
        return None
    items = list(tup.types) if isinstance(tup, types.Tuple) else [tup.dtype] * len(tup)
    target = None
    for t in items:
        if not (is_real(t) or is_dual(t)):
            raise TypingError(f"dualad: {SCOPE}; f returned a tuple holding {t}")
        if is_dual(t):
            target = t if target is None else typingctx.unify_pairs(target, t)
            if target is None or isinstance(target, types.Optional):
                raise TypingError(f"dualad: f returned a tuple of mixed dual types {tup}")
    if target is None:
        target = types.float64
    out = types.UniTuple(target, len(items))

    def codegen(context, builder, sig, cargs):
        vals = cgutils.unpack_tuple(builder, cargs[0], len(items))
        cast = [context.cast(builder, v, t, target) for v, t in zip(vals, items)]
        return context.make_tuple(builder, out, cast)
    return out(tup), codegen


def store_jacobian(y, out, vals, start, n, first):
    """Partials of y (a scalar or a tuple of scalars) into out[:, start:start+C]."""


@overload(store_jacobian, **OVERLOAD)
def _store_jacobian(y, out, vals, start, n, first):
    if isinstance(y, types.BaseTuple):
        def impl(y, out, vals, start, n, first):
            u = as_unituple(y)
            for i in range(len(u)):
                if first:
                    store_values(u[i], vals[i:])
                store_partials(u[i], out[i:], start, n)
        return impl
    if is_dual(y) or is_real(y):
        def impl(y, out, vals, start, n, first):
            if first:
                store_values(y, vals)
            store_partials(y, out, start, n)
        return impl
    raise TypingError(f"dualad vmap(target='cuda'): {SCOPE}; f returned {y}")


@numba.njit
def zero(a):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] = 0.0


def kernel_parts(f, kind, K, C, n, scalar, mask, base, cuda=None):
    """(point, kernel, T) for one user function and its constants.

    ``point(args, b, X, OUT, VALS, xd)`` (a ``numba.njit`` dispatcher, compiled
    on first use for the CPU or, called from the kernel, for the GPU) computes
    point b into OUT[b], VALS[b] with ``xd`` (n duals of type T) as work array.
    ``kernel(args, X, OUT, VALS)`` is the Python body of its CUDA kernel (None
    without ``cuda``, the numba.cuda module). Nothing is compiled here.
    """
    if kind == "hessian":
        T = DualType(DualType(base, C), 1)
        if scalar:
            def point(args, b, X, OUT, VALS, xd):
                out = OUT[b]
                zero(out)
                xs = make_dual(seed(X[b], 0, C), 1.0)
                y = f(*point_args(args, b, mask, K, xs))
                store_values(y, VALS[b])
                store_second(y, out, 0, 1, 0)
        else:
            def point(args, b, X, OUT, VALS, xd):
                x = X[b]
                out = OUT[b]
                zero(out)
                for row in range(n):
                    for start in range(0, n, C):
                        if start + C <= row:
                            continue
                        _seed_rows(x, xd, start, C, row)
                        y = f(*point_args(args, b, mask, K, xd))
                        if row == 0 and start == 0:
                            store_values(y, VALS[b])
                        store_second(y, out, start, n, row)
                for i in range(n):
                    for j in range(i):
                        out[i, j] = out[j, i]
    else:
        T = DualType(base, C)
        if scalar:
            def point(args, b, X, OUT, VALS, xd):
                out = OUT[b]
                zero(out)
                xs = seed(X[b], 0, C)
                y = f(*point_args(args, b, mask, K, xs))
                store_jacobian(y, out, VALS[b], 0, 1, True)
        else:
            def point(args, b, X, OUT, VALS, xd):
                x = X[b]
                out = OUT[b]
                zero(out)
                for start in range(0, n, C):
                    _seed_chunk(x, xd, start, C)
                    y = f(*point_args(args, b, mask, K, xd))
                    store_jacobian(y, out, VALS[b], start, n, start == 0)

    point_jit = numba.njit(point)
    if cuda is None:
        return point_jit, None, T
    size = max(n, 1)
    if scalar:
        def kernel(args, X, OUT, VALS):
            b = cuda.grid(1)
            if b < X.shape[0]:
                point_jit(args, b, X, OUT, VALS, X)
    else:
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
        self.C = compiled_chunk(self.n, g.chunk)
        self.K, self.kind, self.who, self.g, self.m = K, kind, who, g, m
        self.mask = sum(1 << i for i, mm in enumerate(mapped) if mm)
        self.base = types.float32 if X.dtype == np.float32 else types.float64
        self.dtype = np.result_type(X.dtype, np.float32)
        self.X = X
        self.args = tuple(args)
        self.batch = batch
        rows = 1 if m is None else m
        self.out_shape = (batch, self.n, self.n) if kind == "hessian" else (batch, rows, self.n)
        self.vals_shape = (batch, rows)

    def key(self):
        return (self.g.f, self.kind, self.K, self.C, self.n, self.scalar, self.mask, self.base)

    def parts(self, cuda=None):
        return kernel_parts(self.g.f, self.kind, self.K, self.C, self.n, self.scalar,
                            self.mask, self.base, cuda)

    def signature(self):
        """numba argument types of the kernel (for compile_ptx)."""
        nb = numba.typeof
        out = types.Array(numba.from_dtype(self.dtype), 3, "C")
        vals = types.Array(numba.from_dtype(self.dtype), 2, "C")
        return (nb(self.args), nb(self.X), out, vals)

    def work_array(self):
        """The CPU stand-in for the kernel's local dual array."""
        _, _, T = self.parts()
        return self.X if self.scalar else dual_buffer(T, (self.n,))

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
    _, body, _ = plan.parts(cuda)
    with _CompileErrors(plan):
        code, _ = cuda.compile_ptx(body, plan.signature(), cc=cc)
    return code


def cuda_vmap(g, args, mapped, batch):
    """Run the batch of the transform ``g`` (a TransformSpec, or None for anything
    else) on the GPU, one thread per point (see the module docstring)."""
    cuda = require_gpu()
    plan = Plan(g, args, mapped, batch)
    kern = compiled_kernel(plan, cuda)
    d_args = tuple(cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in plan.args)
    d_X = d_args[plan.K]
    d_out = cuda.device_array(plan.out_shape, dtype=plan.dtype)
    d_vals = cuda.device_array(plan.vals_shape, dtype=plan.dtype)
    blocks = math.ceil(plan.batch / THREADS_PER_BLOCK)
    with _CompileErrors(plan):
        kern[blocks, THREADS_PER_BLOCK](d_args, d_X, d_out, d_vals)
    cuda.synchronize()
    return plan.result(d_out.copy_to_host(), d_vals.copy_to_host())
