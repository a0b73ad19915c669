"""Compiled transforms at one point, driven from Python.

The user's dispatcher is called from Python on seeded duals (``DualBuffer``
arrays of numba duals, or ``Dual`` scalars), so the machine code is f's own
specialisation, disk-cached with f when it has ``cache=True``; values and
partials are read back in NumPy. One call of f per chunk of directions.
"""
import numpy as np
from numba.core import types
from numba.core.errors import TypingError

from .._core.spec import check_chunk, compiled_chunk, normalize_argnums
from .._core.trees import as_float_input
from .._jit.arrays import dual_buffer
from .._jit.types import Dual2Type, Dual2Value, DualType
from .._numbers import Dual, make_dual
from .kernels import _dual2_passes, _no_dual2, _use_dual2, dual2_plan

# ------------------------------------------------------------ Python side ---

def _prepare_arg(x, who, i):
    v, scalar = as_float_input(x, f"{who}: argument {i}")
    if scalar:
        return (float(v) if not isinstance(v, np.floating) else v), True
    if v.size == 0:
        raise ValueError(f"{who}: argument {i} is empty")
    return np.ascontiguousarray(v), False


def _probe(f, args, who):
    """f(*args) on plain floats: the shape of the output per point (and a type check)."""
    return np.asarray(_split_output(f(*args), who)[0])


def _numba_float(dtype):
    return types.float32 if dtype == np.float32 else types.float64


def _split_output(y, who):
    """(values, partials with a trailing chunk axis) of one call's output."""
    if isinstance(y, np.ndarray) and y.dtype.names == ("value", "partials"):
        p = y["partials"]
        return y["value"], p if p.ndim > y.ndim else p[..., None]
    if isinstance(y, Dual):
        p = y._p
        return np.asarray(y.value), np.atleast_1d(np.asarray(p))
    if isinstance(y, tuple):
        raise TypeError(f"{who} of a numba function returning a tuple is not compiled yet; "
                        "return one array (np.concatenate the parts) or use a plain "
                        "Python function")
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{who}: f must return real numbers or an array of them, "
                        f"got {y.dtype}")
    return y, None


def _seed_fields(record, x, start, c, C):
    """Fill the flat record array of Dual[float, C] with x and directions [start, start+c)."""
    record["value"] = x.reshape(-1)
    p = record["partials"]
    idx = np.arange(start, start + c)
    if C == 1:
        p[idx] = 1
    else:
        p[idx, idx - start] = 1


def _seeded(x, scalar, nbtype, start, c, C):
    """The argument x seeded with directions [start, start + c) as numba duals."""
    if scalar:
        one = x.dtype.type(1) if isinstance(x, np.floating) else 1.0
        return Dual(x, one if C == 1 else np.eye(C, dtype=np.asarray(x).dtype)[0])
    buf = dual_buffer(nbtype, x.shape)
    _seed_fields(buf.reshape(-1), x, start, c, C)
    return buf


def _run_one(transform, args, K, kind):
    """One compiled transform at one point: the user's dispatcher is called from
    Python on seeded duals (its own compiled, disk-cacheable specialisation)."""
    who = transform.kind
    f = transform.f
    args = list(args)
    x, scalar = _prepare_arg(args[K], who, K)
    n = 1 if scalar else x.size
    in_shape = () if scalar else x.shape
    C = compiled_chunk(n, transform.chunk)
    base = _numba_float(np.asarray(x).dtype)
    dtype = np.asarray(x).dtype
    if kind == "hessian":
        if not scalar and _use_dual2(f):
            try:
                return _hessian2_one(f, args, K, x, n, in_shape, transform.chunk, base,
                                     dtype, who)
            except TypingError as err:
                _no_dual2(f, err)
        return _hessian_one(f, args, K, x, scalar, n, in_shape, C, base, dtype, who)
    nbtype = DualType(base, C)
    values, blocks = None, []
    for start in range(0, n, C):
        c = min(C, n - start)
        args[K] = _seeded(x, scalar, nbtype, start, c, C)
        v, p = _split_output(f(*args), who)
        if values is None:
            values = v
        blocks.append(np.zeros(np.shape(v) + (c,), dtype) if p is None else p[..., :c])
    J = blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=-1)
    values = np.asarray(values)
    return values.astype(dtype, copy=False), J.astype(dtype, copy=False).reshape(
        values.shape + in_shape)


def _hessian2_one(f, args, K, x, n, in_shape, chunk, base, dtype, who):
    # Second-order duals: one pass per pair of blocks (one pass for n <= DUAL2_MAX).
    C, B = dual2_plan(n, chunk)
    H = np.zeros((n, n), dtype)
    nbtype = Dual2Type(base, C)
    rows, cols = np.triu_indices(C)
    xf = x.reshape(-1)
    value = None
    for p0, q0 in _dual2_passes(n, C, B):
        arg = dual_buffer(nbtype, x.shape)
        flat = arg.reshape(-1)
        flat["value"] = xf
        slot_of = np.arange(C)
        idx = np.where(slot_of < B, slot_of + p0, slot_of - B + q0)
        ok = idx < n
        grad = flat["grad"]
        if C == 1:
            grad[idx[ok]] = 1
        else:
            grad[idx[ok], slot_of[ok]] = 1
        args[K] = arg
        y = f(*args)
        if isinstance(y, Dual2Value):
            if value is None:
                value = y.value
            i, j = idx[rows], idx[cols]
            keep = (i < n) & (j < n)
            H[i[keep], j[keep]] = y.hess[keep]
            H[j[keep], i[keep]] = y.hess[keep]
        else:
            value = _constant_hessian_output(y, value, who)
    return np.asarray(value, dtype), H.reshape(in_shape + in_shape)


def _constant_hessian_output(y, value, who):
    """The value of an output that carries no perturbation: a real scalar (zero Hessian)."""
    if np.ndim(y) == 0 and np.asarray(y).dtype.kind in "biuf":
        return y if value is None else value
    raise ValueError(f"{who}: f must return a scalar, got {type(y).__name__} "
                     f"{np.shape(y)}; use jacobian(jacobian(f)) for vector-valued functions")


def _hessian_one(f, args, K, x, scalar, n, in_shape, C, base, dtype, who):
    # Rows r of the Hessian: outer direction e_r over inner chunks of columns;
    # chunks entirely left of the diagonal are skipped and mirrored at the end.
    H = np.zeros((n, n), dtype)
    nbtype = DualType(DualType(base, C), 1)
    value = None
    for r in range(n):
        for start in range(0, n, C):
            c = min(C, n - start)
            if start + c <= r:
                continue
            if scalar:
                arg = Dual(_seeded(x, True, None, 0, 1, C), Dual(1.0, 0.0 if C == 1 else np.zeros(C)))
            else:
                arg = dual_buffer(nbtype, x.shape)
                flat = arg.reshape(-1)
                _seed_fields(flat["value"], x, start, c, C)
                flat["partials"]["value"][r] = 1
            args[K] = arg
            y = f(*args)
            if isinstance(y, Dual):
                if value is None:
                    value = _innermost_value(y)
                row = y._p
                row = np.atleast_1d(np.asarray(row._p if isinstance(row, Dual) else 0.0))
                H[r, start:start + c] = np.broadcast_to(row, (C,))[:c]
            else:
                value = _constant_hessian_output(y, value, who)
    lower = np.tril_indices(n, -1)
    H[lower] = H.T[lower]
    return np.asarray(value, dtype), H.reshape(in_shape + in_shape)


def _innermost_value(y):
    while isinstance(y, Dual):
        y = y.value
    return y


def _scalar_out(a):
    return a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a


def compiled_transform(transform, args):
    """jacobian / grad / value_and_grad / hessian (``transform``: a TransformSpec) of a
    dispatcher, compiled."""
    who = transform.kind
    single, nums = normalize_argnums(transform.argnums, len(args), who)
    check_chunk(transform.chunk, who)
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


def compiled_jvp(f, primals, tangents):
    """jvp of a dispatcher: one call of f on Dual[float, 1] numbers seeded with the tangents."""
    args = []
    for i, (x, t) in enumerate(zip(primals, tangents)):
        xv, scalar = _prepare_arg(x, "jvp", i)
        dtype = np.asarray(xv).dtype
        tv, _ = as_float_input(t, f"jvp: tangent {i}")
        tv = np.asarray(tv, dtype=dtype)
        if tv.shape != np.shape(xv):
            raise ValueError(f"jvp: tangent {i} has shape {tv.shape}, primal {i} has shape "
                             f"{np.shape(xv)}")
        if scalar:
            args.append(make_dual(xv, float(tv) if dtype == np.float64 else tv[()], 0))
        else:
            buf = dual_buffer(DualType(_numba_float(dtype), 1), xv.shape)
            buf["value"] = xv
            buf["partials"] = tv
            args.append(buf)
    value, partials = _split_output(f(*args), "jvp")
    tangent = np.zeros_like(value) if partials is None else partials[..., 0]
    return _scalar_out(np.asarray(value)), _scalar_out(np.asarray(tangent))
