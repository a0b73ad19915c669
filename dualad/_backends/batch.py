"""``vmap`` of a compiled transform on the CPU: one serial, GIL-free compiled loop
per block of points, one block per core, run from Python threads.
"""
import numba
import numpy as np
from numba.core import types

from .._core.spec import normalize_argnums
from .._core.trees import as_float_input, check_out, flatten, unflatten
from .kernels import batch_kernel
from .perfunction import fast_entry_point, run_blocks
from .plan import plan_point, with_dual2_fallback
from .read import probe


def batch_entry(plan, f, args, K, mask, X, out, vals, compile=True):
    """The compiled entry point of the batch loop of ``plan`` (a PointPlan) for these
    arguments; ``compile=False``: None where it is not compiled yet."""
    C = plan.C

    def signature():
        return (numba.typeof(args), types.literal(K), types.literal(C), types.literal(mask),
                numba.typeof(X), numba.typeof(out), numba.typeof(vals), types.int64,
                types.int64)
    return fast_entry_point(f, plan.algorithm, lambda: batch_kernel(f, plan.algorithm),
                            (K, C, mask), (args, X, out, vals), signature, compile)


def _run_parallel(plan, f, args, K, mask, X, out, vals):
    """Run the batch loop of ``plan`` over the rows of X, one block per core."""
    entry = batch_entry(plan, f, args, K, mask, X, out, vals)
    run_blocks(entry, X.shape[0], args, K, plan.C, mask, X, out, vals)


def _output(out, shape, dtype, who):
    """The batch output: ``out`` checked (exact shape and dtype, C-contiguous, writeable),
    else a new array.

    A new array of 4 MB or more is memory the process has not touched yet: NumPy
    asks the kernel for huge pages on it (madvise), and while free huge pages are
    scarce the first writes wait for the kernel to compact memory. Measured for a
    1e5 x 8 x 8 Jacobian: 100 ms for each of the first ~4 calls, 20 ms later, 18 ms
    into a reused ``out``. Passing ``out=`` skips both the allocation and the faults.
    """
    if out is None:
        return np.empty(shape, dtype=dtype)
    check_out(out, shape, dtype, who)
    return out


def compiled_vmap(g, args, mapped, batch, out=None):
    """vmap of the transform ``g`` (a TransformSpec) of a dispatcher as one parallel
    compiled loop over the CPU cores (into ``out`` when given), else NotImplemented."""
    who = f"vmap({g.kind})"
    single, nums = normalize_argnums(g.argnums, len(args), who)
    if not single:
        return NotImplemented
    K = nums[0]
    if not mapped[K]:
        raise ValueError(f"{who}: the differentiated argument {K} must be mapped")
    args = list(args)
    X, _ = as_float_input(args[K], f"{who}: argument {K}")
    X = np.ascontiguousarray(X)
    for i, (a, m) in enumerate(zip(args, mapped)):
        if m and i != K:
            args[i] = np.ascontiguousarray(np.asarray(a))
    args[K] = X
    first_point = [a[0] if m else a for a, m in zip(args, mapped)]
    scalar = X.ndim == 1
    x0 = first_point[K]
    if X.ndim > 2:
        return NotImplemented  # points of several dimensions: a loop of compiled calls
    y0 = g.f(*first_point)
    leaves, treedef = flatten(y0) if isinstance(y0, tuple) else ([y0], None)
    if treedef is not None and g.kind != "jacobian":
        raise ValueError(f"{who}: f must return a scalar, got a tuple; use da.jacobian "
                         "for functions with several outputs")
    shapes = [probe(y, who).shape for y in leaves]   # the leaves' rows, in order
    n = 1 if scalar else x0.size
    m = sum(int(np.prod(s)) for s in shapes)
    kind = "hessian" if g.kind == "hessian" else "jacobian"
    if g.scalar_output:
        if m != 1 or shapes[0] != ():
            raise ValueError(f"{who}: f must return a scalar, got shape {shapes[0]}")
    mask = sum(1 << i for i, mm in enumerate(mapped) if mm)
    dtype = np.result_type(X.dtype, np.float32)
    # The point bodies write every entry (zeros where f does not depend on x).
    in_shape = () if scalar else x0.shape
    if treedef is not None:
        if out is not None:
            raise TypeError(f"{who}: out= takes one array, and f returns a tuple")
        full = (batch, m) + in_shape
    else:
        full = (batch,) + (in_shape + in_shape if kind == "hessian" else shapes[0] + in_shape)
    if out is not None and g.returns_value:
        raise TypeError(f"{who}: out= takes one array, and value_and_grad returns two; "
                        "use da.grad for a preallocated output")
    res = _output(out, full, dtype, who)
    out = res.reshape((batch, n, n) if kind == "hessian" else (batch, m, n))
    vals = np.empty((batch, m), dtype=dtype)
    with_dual2_fallback(g.f, lambda: plan_point(kind, n, scalar, g.chunk, g.f, batch=True),
                        lambda plan: _run_parallel(plan, g.f, tuple(args), K, mask,
                                                   X.reshape(batch, n), out, vals))
    if treedef is not None:   # one Jacobian per output leaf, rows in flatten's order
        offs = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
        return unflatten(treedef, [out[:, a:b].reshape((batch,) + s + in_shape)
                                   for a, b, s in zip(offs[:-1], offs[1:], shapes)])
    if g.returns_value:
        return vals.reshape((batch,) + shapes[0]), res
    return res
