"""Compiled transforms of numba dispatchers, one point or a whole batch.

``jacobian``, ``grad``, ``value_and_grad``, ``hessian`` and ``jvp`` of an
``@njit`` function run entirely in nopython code: the differentiated argument
becomes an array of compiled duals (``dualad._jit.arrays``) seeded with a
chunk of directions, the user's function runs on it unchanged, and the
partials are written straight into a preallocated float output. ``vmap`` of
such a transform is one ``prange`` loop over the points.

Hessians nest: an outer ``Dual[., 1]`` (one row r) over inner
``Dual[float, C]`` chunks; row r of the Hessian is the derivative along e_r of
the gradient chunk.

Kernels are generated per (function, kind, argument, chunk) and kept.
"""
import math
import operator

import numpy as np
from numba import njit, prange
from numba.core import cgutils, types
from numba.core.errors import TypingError
from numba.extending import intrinsic, overload

from . import _jit  # noqa: F401  (registers the compiled number types)
from ._jit.api import partial, partials_zero, seed
from ._jit.arrays import empty_dual_array, replace_item
from ._jit.intrinsics import innermost, make_dual
from ._jit.types import OVERLOAD, DualType, is_dual, is_real
from ._transforms import _check_chunk, _normalize_argnums
from ._tree import as_float_input

COMPILED_CHUNK = 16
"""Most partials per pass in compiled code (two AVX-512 registers of float64)."""


def compiled_chunk(n, chunk):
    """Directions per pass: all n up to COMPILED_CHUNK, else equal chunks (ForwardDiff)."""
    size = min(n, chunk or COMPILED_CHUNK)
    passes = max(1, math.ceil(n / max(size, 1)))
    return max(1, math.ceil(n / passes))


# ------------------------------------------------------------ nopython parts --

def _make_seeders(C):
    @njit
    def seed_into(xf, xd, start):
        for i in range(xf.shape[0]):
            j = i - start
            if j >= 0 and j < C:
                xd[i] = seed(xf[i], j, C)
            else:
                xd[i] = make_dual(xf[i], partials_zero(xf.dtype, C))

    @njit
    def seed_scalar(x, start):
        # A scalar argument is one direction: it always sits in the first chunk.
        return seed(x, 0, C)

    @njit
    def seed_nested_into(xf, xd, start, row):
        # Outer level: direction e_row (one partial); inner: chunk [start, start + C).
        for i in range(xf.shape[0]):
            j = i - start
            if j >= 0 and j < C:
                inner = seed(xf[i], j, C)
            else:
                inner = make_dual(xf[i], partials_zero(xf.dtype, C))
            xd[i] = make_dual(inner, 1.0 if i == row else 0.0)

    return seed_into, seed_scalar, seed_nested_into


def store_partials(y, out, start, n):
    """Write the partials of y (dual scalar or array, depth 1) into out[:, start:start+C]."""


@overload(store_partials, **OVERLOAD)
def _store_partials(y, out, start, n):
    if isinstance(y, DualType) and y.depth == 1:
        C = y.n

        def impl(y, out, start, n):
            for k in range(C):
                if start + k < n:
                    out[0, start + k] = partial(y, k)
        return impl
    if isinstance(y, types.Array) and isinstance(y.dtype, DualType) and y.dtype.depth == 1:
        C = y.dtype.n

        def impl(y, out, start, n):
            i = 0
            for v in np.nditer(y):
                d = v.item()
                for k in range(C):
                    if start + k < n:
                        out[i, start + k] = partial(d, k)
                i += 1
        return impl
    if is_real(y) or (isinstance(y, types.Array) and is_real(y.dtype)):
        return lambda y, out, start, n: None
    raise TypingError(f"dualad: a compiled transform needs f to return a real number or "
                      f"an array of them, got {y}")


def store_second(y, out, start, n, row):
    """Row ``row`` of a Hessian chunk from a nested scalar y = Dual[Dual[., C], 1]."""


@overload(store_second, **OVERLOAD)
def _store_second(y, out, start, n, row):
    if isinstance(y, DualType) and y.depth == 2 and y.n == 1:
        C = y.base.n

        def impl(y, out, start, n, row):
            g = y.partials
            for k in range(C):
                if start + k < n:
                    out[row, start + k] = partial(g, k)
        return impl
    if is_real(y) or (is_dual(y) and y.depth < 2):
        return lambda y, out, start, n, row: None
    raise TypingError(f"dualad.hessian: f must return a real scalar, got {y}")


def store_values(y, vals):
    """Write the real value(s) of y into the 1-D float array vals."""


@overload(store_values, **OVERLOAD)
def _store_values(y, vals):
    if is_dual(y) or is_real(y):
        def impl(y, vals):
            vals[0] = innermost(y)
        return impl
    if isinstance(y, types.Array) and (is_dual(y.dtype) or is_real(y.dtype)):
        def impl(y, vals):
            i = 0
            for v in np.nditer(y):
                vals[i] = innermost(v.item())
                i += 1
        return impl


@intrinsic(prefer_literal=True, target="generic")
def take_point(typingctx, args, b, mask):
    """args with every item whose bit is set in ``mask`` (a constant) replaced by item[b]."""
    if not (isinstance(args, types.BaseTuple) and isinstance(mask, types.IntegerLiteral)):
        return None
    bits = mask.literal_value
    items = list(args.types) if isinstance(args, types.Tuple) else [args.dtype] * len(args)
    sigs = {}
    out_items = []
    for i, t in enumerate(items):
        if bits >> i & 1:
            sig = typingctx.resolve_function_type(operator.getitem, (t, types.intp), {})
            if sig is None:
                raise TypingError(f"vmap: cannot index argument {i} of type {t}")
            sigs[i] = sig
            out_items.append(sig.return_type)
        else:
            out_items.append(t)
    out = types.Tuple(out_items)

    def codegen(context, builder, sig, cargs):
        vals = cgutils.unpack_tuple(builder, cargs[0], len(items))
        bi = context.cast(builder, cargs[1], b, types.intp)
        new = []
        for i, v in enumerate(vals):
            if i in sigs:
                impl = context.get_function(operator.getitem, sigs[i])
                new.append(impl(builder, (v, bi)))
            else:
                context.nrt.incref(builder, items[i], v)
                new.append(v)
        return context.make_tuple(builder, out, new)
    return out(args, b, mask), codegen


# ------------------------------------------------------------------ kernels --

_KERNELS = {}


def _kernels(f, kind, K, C, scalar_arg, shape_rank, mask=0):
    key = (f, kind, K, C, scalar_arg, shape_rank, mask)
    found = _KERNELS.get(key)
    if found is not None:
        return found
    seed_into, seed_scalar, seed_nested_into = _make_seeders(C)

    if kind == "jacobian" and scalar_arg:
        @njit
        def point(args, x, out, vals):
            n = 1
            y = f(*replace_item(args, K, seed_scalar(x, 0)))
            store_values(y, vals)
            store_partials(y, out, 0, n)
    elif kind == "jacobian":
        @njit
        def point(args, x, out, vals):
            xf = x.ravel()
            n = xf.shape[0]
            xd = empty_dual_array(n, seed(xf[0], 0, C))
            xs = xd.reshape(x.shape)
            for start in range(0, n, C):
                seed_into(xf, xd, start)
                y = f(*replace_item(args, K, xs))
                if start == 0:
                    store_values(y, vals)
                store_partials(y, out, start, n)
    elif kind == "hessian" and scalar_arg:
        @njit
        def point(args, x, out, vals):
            xd = make_dual(seed_scalar(x, 0), 1.0)
            y = f(*replace_item(args, K, xd))
            store_values(y, vals)
            store_second(y, out, 0, 1, 0)
    elif kind == "hessian":
        @njit
        def point(args, x, out, vals):
            xf = x.ravel()
            n = xf.shape[0]
            xd = empty_dual_array(n, make_dual(seed(xf[0], 0, C), 1.0))
            xs = xd.reshape(x.shape)
            for row in range(n):
                for start in range(0, n, C):
                    seed_nested_into(xf, xd, start, row)
                    y = f(*replace_item(args, K, xs))
                    if row == 0 and start == 0:
                        store_values(y, vals)
                    store_second(y, out, start, n, row)
    else:
        raise AssertionError(kind)

    @njit
    def one(args, x, out, vals):
        point(args, x, out, vals)

    @njit(parallel=True)
    def batch(args, X, OUT, VALS):
        for b in prange(X.shape[0]):
            point(take_point(args, b, mask), X[b], OUT[b], VALS[b])

    found = (one, batch)
    _KERNELS[key] = found
    return found


# ------------------------------------------------------------ Python side ---

def _prepare_arg(x, who, i):
    v, scalar = as_float_input(x, f"{who}: argument {i}")
    if scalar:
        return (float(v) if not isinstance(v, np.floating) else v), True
    if v.size == 0:
        raise ValueError(f"{who}: argument {i} is empty")
    return np.ascontiguousarray(v), False


def _probe(f, args, who):
    try:
        y = f(*args)
    except TypingError:
        raise
    if isinstance(y, tuple):
        raise TypeError(f"{who} of a numba function returning a tuple is not compiled yet; "
                        "return one array (np.concatenate the parts) or use a plain "
                        "Python function")
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{who}: f must return real numbers, got {y.dtype}")
    return y


def _run_one(transform, args, K, kind):
    who = transform.kind
    args = list(args)
    x, scalar = _prepare_arg(args[K], who, K)
    args[K] = x
    y0 = _probe(transform.f, args, who)
    n = 1 if scalar else x.size
    m = y0.size
    if kind == "hessian" and m != 1:
        raise ValueError(f"{who}: f must return a scalar, got shape {y0.shape}; "
                         "use jacobian(jacobian(f)) for vector-valued functions")
    C = compiled_chunk(n, transform.chunk)
    one, _ = _kernels(transform.f, kind, K, C, scalar, None if scalar else x.ndim)
    dtype = np.result_type(np.asarray(x).dtype, np.float32)
    out = np.zeros((n, n) if kind == "hessian" else (m, n), dtype=dtype)
    vals = np.zeros(m, dtype=dtype)
    one(tuple(args), x, out, vals)
    in_shape = () if scalar else x.shape
    if kind == "hessian":
        res = out.reshape(in_shape + in_shape)
    else:
        res = out.reshape(y0.shape + in_shape)
    return vals.reshape(y0.shape), res


def _scalar_out(a):
    return a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a


def compiled_transform(transform, args):
    """jacobian / grad / value_and_grad / hessian of a dispatcher, compiled."""
    who = transform.kind
    single, nums = _normalize_argnums(transform.argnums, len(args), who)
    _check_chunk(transform.chunk, who)
    if who == "hessian":
        if len(set(nums)) > 1:
            raise NotImplementedError(
                "hessian of a numba function with several argnums (mixed blocks) is not "
                "compiled yet; pack the arguments into one array")
        value, H = _run_one(transform, args, nums[0], "hessian")
        return _scalar_out(H) if single else ((_scalar_out(H),),)
    results = [_run_one(transform, args, K, "jacobian") for K in nums]
    value = results[0][0]
    jacs = [_scalar_out(r[1]) for r in results]
    if who == "jacobian":
        return jacs[0] if single else tuple(jacs)
    if value.shape != ():
        raise ValueError(f"{who}: f must return a scalar, got shape {value.shape}; "
                         "use da.jacobian for vector-valued functions")
    grads = jacs[0] if single else tuple(jacs)
    return _scalar_out(value), grads  # grad takes [1], like the Python path


def compiled_vmap(vm, args, mapped, batch):
    """vmap of a transform of a dispatcher as one parallel compiled loop, else NotImplemented."""
    from ._numba_support import is_dispatcher
    from ._transforms import Grad, Hessian, Jacobian, ValueAndGrad
    g = vm.g
    if not isinstance(g, (Jacobian, Grad, ValueAndGrad, Hessian)) or not is_dispatcher(g.f):
        return NotImplemented
    if vm.target == "cuda":
        from ._cuda import cuda_vmap
        return cuda_vmap(vm, args, mapped, batch)
    who = f"vmap({g.kind})"
    single, nums = _normalize_argnums(g.argnums, len(args), who)
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
    point_args = [a[0] if m else a for a, m in zip(args, mapped)]
    scalar = X.ndim == 1
    x0 = point_args[K]
    y0 = _probe(g.f, point_args, who)
    n = 1 if scalar else x0.size
    m = y0.size
    kind = "hessian" if isinstance(g, Hessian) else "jacobian"
    if kind == "hessian" or isinstance(g, (Grad, ValueAndGrad)):
        if m != 1:
            raise ValueError(f"{who}: f must return a scalar, got shape {y0.shape}")
    C = compiled_chunk(n, g.chunk)
    mask = sum(1 << i for i, mm in enumerate(mapped) if mm)
    _, run_batch = _kernels(g.f, kind, K, C, scalar, None if scalar else x0.ndim, mask)
    dtype = np.result_type(X.dtype, np.float32)
    out = np.zeros((batch, n, n) if kind == "hessian" else (batch, m, n), dtype=dtype)
    vals = np.zeros((batch, m), dtype=dtype)
    run_batch(tuple(args), X, out, vals)
    in_shape = () if scalar else x0.shape
    if kind == "hessian":
        res = out.reshape((batch,) + in_shape + in_shape)
    else:
        res = out.reshape((batch,) + y0.shape + in_shape)
    if isinstance(g, ValueAndGrad) and not isinstance(g, Grad):
        return vals.reshape((batch,) + y0.shape), res
    return res


def compiled_jvp(f, primals, tangents):
    """jvp of a dispatcher: one pass of Dual[float, 1] seeded with the tangents."""
    from ._transforms import Jacobian
    # J @ t through the compiled Jacobian of each argument (exact; one pass per chunk).
    out = None
    value = None
    for K, t in enumerate(tangents):
        J = Jacobian(f, K)(*primals)
        tv = np.asarray(t, dtype=np.float64)
        contrib = np.tensordot(J, tv, axes=tv.ndim) if tv.ndim else np.asarray(J) * tv
        out = contrib if out is None else out + contrib
    value = f(*primals)
    return value, _scalar_out(np.asarray(out))

