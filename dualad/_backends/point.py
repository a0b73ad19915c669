"""Compiled transforms at one point, driven from Python.

The user's dispatcher is called from Python on seeded duals (``DualBuffer``
arrays of numba duals, or ``Dual`` scalars), so the machine code is f's own
specialisation, disk-cached with f when it has ``cache=True`` (measured: a
first call of 0.5 s cold, 16 ms from the cache); values and partials are
read back in NumPy (``read``). The passes, which directions each call of f
carries, are those of ``plan``, the planner of the compiled kernels.
"""
from functools import lru_cache

import numpy as np
from numba.core import types

from .._core.spec import check_chunk, normalize_argnums
from .._core.trees import as_float_input, flatten, unflatten
from .._jit.arrays import dual_buffer
from .._jit.types import DualType
from .._numbers import Dual, make_dual
from .lifted import enclosing_tag, lifted_jvp, lifted_transform
from .plan import dual2_block, dual2_slot, plan_point, with_dual2_fallback
from .read import read_pass


def _prepare_arg(x, who, i):
    v, scalar = as_float_input(x, f"{who}: argument {i}")
    if scalar:
        return (float(v) if not isinstance(v, np.floating) else v), True
    return np.ascontiguousarray(v), False


def _numba_float(dtype):
    return types.float32 if dtype == np.float32 else types.float64


def _scalar_seed(x, C, j=0):
    """The partials of a scalar x seeded with direction j of C (none for j = -1)."""
    one = x.dtype.type(1) if isinstance(x, np.floating) else 1.0
    if C == 1:
        return one if j == 0 else 0 * one
    p = np.zeros(C, dtype=np.asarray(x).dtype)
    if j >= 0:
        p[j] = 1
    return p


def _direction_of(off, start, c):
    """The direction of a pass over [start, start + c) that the input ``off`` carries
    (-1: none)."""
    return off - start if start <= off < start + c else -1


def _seeded_chunk(x, scalar, nbtype, start, c, C, off=0):
    """x seeded with directions [start, start + c) of the inputs' n (x's first input:
    ``off``): a Dual, or a DualBuffer of Dual[., C]."""
    if scalar:
        return Dual(x, _scalar_seed(x, C, _direction_of(off, start, c)))
    buf = dual_buffer(nbtype, x.shape)
    _seed_fields(buf.reshape(-1), x, start, c, C, off)
    return buf


def _seed_fields(record, x, start, c, C, off=0):
    """Fill the flat record array of Dual[float, C] with x and the directions
    [start, start + c) that fall in x (its first input: ``off``)."""
    record["value"] = x.reshape(-1)
    lo, hi = max(start, off), min(start + c, off + x.size)
    if lo >= hi:
        return
    p = record["partials"]
    idx = np.arange(lo, hi)
    if C == 1:
        p[idx - off] = 1
    else:
        p[idx - off, idx - start] = 1


def _seeded_row(x, scalar, nbtype, row, start, c, C, off=0):
    """x as nested duals: outer direction e_row, inner directions [start, start + c)."""
    if scalar:
        inner = _scalar_seed(x, C, _direction_of(off, start, c))
        return Dual(Dual(x, inner), Dual(1.0 if row == off else 0.0,
                                         0.0 if C == 1 else np.zeros(C)))
    buf = dual_buffer(nbtype, x.shape)
    flat = buf.reshape(-1)
    _seed_fields(flat["value"], x, start, c, C, off)
    if off <= row < off + x.size:
        flat["partials"]["value"][row - off] = 1
    return buf


def _seeded_dual2(x, nbtype, slots, off=0):
    """x as Dual2 numbers; direction slot s carries input slots[s] of the n (x's
    first: ``off``; none where slots[s] falls outside x)."""
    buf = dual_buffer(nbtype, x.shape)
    flat = buf.reshape(-1)
    flat["value"] = x.reshape(-1)
    s = np.arange(len(slots))
    ok = (slots >= off) & (slots < off + x.size)
    if len(slots) == 1:
        flat["grad"][slots[ok] - off] = 1
    else:
        flat["grad"][slots[ok] - off, s[ok]] = 1
    return buf


def _jacobian(plan, evaluate, dtype, who):
    """(values, Jacobian blocks) of every output leaf (f may return nested tuples),
    and the output's tree; ``evaluate(start, c)``: f on the pass's seeds."""
    values, blocks, treedef = None, None, None
    for start, c in plan.passes:
        leaves, treedef = flatten(evaluate(start, c))
        read = [read_pass(y, "jacobian", who) for y in leaves]
        if values is None:
            values = [np.asarray(v) for v, _ in read]
            blocks = [[] for _ in read]
        for b, (v, p) in zip(blocks, read):
            b.append(np.zeros(np.shape(v) + (c,), dtype) if p is None else p[..., :c])
    J = [b[0] if len(b) == 1 else np.concatenate(b, axis=-1) for b in blocks]
    return (values, treedef), J


def _hessian(plan, evaluate, dtype, who):
    """(value, H) by nested passes; ``evaluate(row, start, c)``: f on their seeds."""
    n, C = plan.n, plan.C
    H = np.zeros((n, n), dtype)
    value = None
    for row, start in plan.passes:
        c = min(C, n - start)
        v, block = read_pass(evaluate(row, start, c), "hessian", who)
        value = v if value is None else value
        if block is not None:
            H[row, start:start + c] = np.broadcast_to(block, (C,))[:c]
    lower = np.tril_indices(n, -1)
    H[lower] = H.T[lower]
    return value, H


@lru_cache(maxsize=256)
def _dual2_scatter(plan):
    """Per pass of a Dual2 plan: (the input each direction slot carries, the packed
    entries inside the Hessian, their rows and columns), computed once per plan."""
    n, C = plan.n, plan.C
    B = dual2_block.py_func(n, C)
    rows, cols = np.triu_indices(C)
    out = []
    for p0, q0 in plan.passes:
        slots = np.array([dual2_slot.py_func(s, p0, q0, B) for s in range(C)])
        i, j = slots[rows], slots[cols]
        keep = np.flatnonzero((i < n) & (j < n))
        out.append((slots, keep, i[keep], j[keep]))
    return tuple(out)


def _hessian2(plan, evaluate, dtype, who):
    """(value, H) by Dual2 passes; ``evaluate(slots)``: f on their seeds."""
    n = plan.n
    H = np.zeros((n, n), dtype)
    value = None
    for slots, keep, i, j in _dual2_scatter(plan):
        v, hess = read_pass(evaluate(slots), "hessian2", who)
        value = v if value is None else value
        if hess is not None:   # both triangles from the one packed entry: exact symmetry
            h = np.asarray(hess).reshape(-1)[keep]
            H[i, j] = h
            H[j, i] = h
    return value, H


class CompiledInputs:
    """The differentiated arguments of one compiled call as one vector of n inputs:
    per argnum (``argnums``) a leaf (value, is_scalar, first input, size), and which
    inputs are complex (``complex_columns``; only with ``complex_ok``, the
    conventions of ``complex_point``). Every pass seeds all of them with the same
    number type, the pass's directions where they fall, so f sees duals in each (as
    on the Python path: an array allocated from one argument can take values that
    depend on another)."""

    def __init__(self, args, argnums, who, complex_ok=False):
        self.args = list(args)
        self.argnums = argnums
        self.leaves = []
        self.complex_columns = []
        read = _complex_or_real if complex_ok else _prepare_arg
        n = 0
        for a in argnums:
            value, scalar = read(self.args[a], who, a)
            size = 1 if scalar else value.size
            if np.iscomplexobj(value):
                self.complex_columns.extend(range(n, n + size))
            self.leaves.append((value, scalar, n, size))
            n += size
        self.n = n
        self.any_scalar = any(scalar for _, scalar, _, _ in self.leaves)
        self.dtypes = [np.asarray(v).dtype for v, _, _, _ in self.leaves]
        self.dtype = np.result_type(*self.dtypes) if self.dtypes else np.dtype(np.float64)

    def call(self, f, seed):
        """f with each differentiated argument replaced by ``seed(x, scalar, off, base)``."""
        args = list(self.args)
        for a, (x, scalar, off, _) in zip(self.argnums, self.leaves):
            args[a] = seed(x, scalar, off, _numba_float(np.asarray(x).dtype))
        return f(*args)

    def shape(self, i):
        x, scalar, _, _ = self.leaves[i]
        return () if scalar else x.shape

    def _span(self, i):
        _, _, off, size = self.leaves[i]
        return slice(off, off + size)

    def split(self, mat, out_shape):
        """Cut the last axis of ``mat`` (out_shape + (n,)) into per-argument blocks."""
        return [_scalar_out(mat[..., self._span(i)].reshape(out_shape + self.shape(i)))
                for i in range(len(self.leaves))]

    def column_block(self, d, i, out_shape):
        """Argument i's block of a derivative d (out_shape + (n,)), in its dtype and
        shaped out_shape + its shape."""
        b = d[..., self._span(i)].astype(self.dtypes[i], copy=False)
        return _scalar_out(b.reshape(out_shape + self.shape(i)))

    def hessian_block(self, H, i, j):
        """The block d2f/dx_i dx_j of H (n, n), shaped x_i's shape + x_j's."""
        b = H[self._span(i), self._span(j)].astype(
            np.result_type(self.dtypes[i], self.dtypes[j]), copy=False)
        return _scalar_out(b.reshape(self.shape(i) + self.shape(j)))


def _run(transform, inputs, kind):
    """One compiled transform at one point: the user's dispatcher is called from
    Python on seeded duals (its own compiled, disk-cacheable specialisation), once
    per pass of the plan. ``kind`` "hessian": (value, H over the n inputs);
    "jacobian": ((values, treedef), [per output leaf: its Jacobian over the n])."""
    who, f, n = transform.kind, transform.f, inputs.n
    dtype = inputs.dtype
    if n == 0:
        # nothing to differentiate: f runs once on the plain (empty) inputs, for
        # the value and the shape of the output, as the Python path does
        y = inputs.call(f, lambda x, scalar, off, base: x)
        if kind == "hessian":
            return np.asarray(read_pass(y, kind, who)[0]), np.zeros((0, 0), dtype)
        leaves, treedef = flatten(y)
        values = [np.asarray(read_pass(v, kind, who)[0]) for v in leaves]
        return (values, treedef), [np.zeros(v.shape + (0,), dtype) for v in values]

    def run(plan):
        C, nbtype = plan.C, plan.number_type
        if plan.algorithm == "jacobian":
            def evaluate(start, c):
                return inputs.call(f, lambda x, scalar, off, base: _seeded_chunk(
                    x, scalar, nbtype(base), start, c, C, off))
        elif plan.algorithm == "hessian":
            def evaluate(row, start, c):
                return inputs.call(f, lambda x, scalar, off, base: _seeded_row(
                    x, scalar, nbtype(base), row, start, c, C, off))
        else:
            def evaluate(slots):
                return inputs.call(f, lambda x, scalar, off, base: _seeded_dual2(
                    x, nbtype(base), slots, off))
        return _DRIVERS[plan.algorithm](plan, evaluate, dtype, who)

    # a scalar among the inputs takes the nested passes (Dual2 seeds arrays only)
    return with_dual2_fallback(
        f, lambda: plan_point(kind, n, inputs.any_scalar, transform.chunk, f), run)


_DRIVERS = {"jacobian": _jacobian, "hessian": _hessian, "hessian2": _hessian2}


def _scalar_out(a):
    return a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a


def compiled_transform(transform, args):
    """jacobian / grad / value_and_grad / hessian (``transform``: a TransformSpec) of a
    dispatcher, compiled. Several argnums are seeded together (``CompiledInputs``) and
    the result cut into their blocks."""
    who = transform.kind
    single, nums = normalize_argnums(transform.argnums, len(args), who)
    check_chunk(transform.chunk, who)
    tag = enclosing_tag(args)
    if tag is not None:  # inside a Python transform: lift its perturbation
        return lifted_transform(transform, args, tag)
    inputs = CompiledInputs(args, nums, who)
    k = range(len(nums))
    if who == "hessian":
        _, H = _run(transform, inputs, "hessian")
        if single:
            return inputs.hessian_block(H, 0, 0)
        return tuple(tuple(inputs.hessian_block(H, i, j) for j in k) for i in k)
    (values, treedef), J = _run(transform, inputs, "jacobian")
    values = [v.astype(inputs.dtypes[0], copy=False) for v in values]
    per_arg = [[inputs.column_block(d, i, v.shape) for i in k] for v, d in zip(values, J)]
    if who == "jacobian":   # per output leaf: its block of each argument
        outs = [b[0] if single else tuple(b) for b in per_arg]
        return unflatten(treedef, outs)
    if treedef is not None:
        raise ValueError(f"{who}: f must return a scalar, got a tuple; use da.jacobian "
                         "for functions with several outputs")
    value = unflatten(treedef, values)
    if value.shape != ():
        raise ValueError(f"{who}: f must return a scalar, got shape {value.shape}; "
                         "use da.jacobian for vector-valued functions")
    grads = per_arg[0][0] if single else tuple(per_arg[0])
    return _scalar_out(value), grads  # grad takes [1], like the Python path


def compiled_jvp(f, primals, tangents):
    """jvp of a dispatcher: one call of f on Dual[float, 1] numbers seeded with the tangents."""
    tag = enclosing_tag(tuple(primals) + tuple(tangents))
    if tag is not None:  # inside a Python transform: lift its perturbation
        return lifted_jvp(f, primals, tangents, tag)
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
            args.append(tangent_buffer(xv, tv, _numba_float(dtype)))
    return jvp_result(f, args)


def tangent_buffer(xv, tv, base):
    """The array xv as Dual[base, 1] numbers whose partials are the tangent tv."""
    buf = dual_buffer(DualType(base, 1), xv.shape)
    buf["value"] = xv
    buf["partials"] = tv
    return buf


def jvp_result(f, args):
    """(f(*args), its tangent) of one call of f on Dual[., 1] numbers."""
    value, partials = read_pass(f(*args), "jacobian", "jvp")
    value = np.asarray(value)
    tangent = np.zeros_like(value) if partials is None else partials[..., 0]
    return _scalar_out(value), _scalar_out(np.asarray(tangent))


def compiled_compressed(f, args, nums, seed, who):
    """One compiled call of f with the inputs ``nums`` seeded by the rows of ``seed``
    (n x p, the inputs numbered in argnums order): (value, partials (size, p)) of f's
    one output. The compressed pass of a sparse Jacobian (``seed`` from a coloring)."""
    p = seed.shape[1]
    cplx = seed.dtype.kind == "c"   # holomorphic f, complex inputs: the colors along 1 or 1j
    prepare = _complex_or_real if cplx else _prepare_arg
    call = [None] * len(args)
    for i, x in enumerate(args):
        if i not in nums:
            call[i] = prepare(x, who, i)[0]
    off = 0
    for i in nums:
        xv, scalar = prepare(args[i], who, i)
        dtype = np.asarray(xv).dtype
        if cplx:
            dtype = np.dtype(_COMPLEX[dtype])
        size = 1 if scalar else xv.size
        rows = seed[off:off + size].astype(dtype)
        off += size
        if scalar:
            part = rows[0] if p > 1 else (rows[0, 0] if dtype in (np.float32, np.complex64)
                                          else rows[0, 0].item())
            call[i] = make_dual(xv, part, 0)
        else:
            buf = dual_buffer(DualType(_numba_float_or_complex(dtype), p), xv.shape)
            buf["value"] = xv
            buf["partials"] = rows.reshape(xv.shape + ((p,) if p > 1 else ()))
            call[i] = buf
    value, partials = read_pass(f(*call), "jacobian", who)
    value = np.asarray(value)
    if partials is None:
        partials = np.zeros(value.shape + (p,), value.dtype)
    return value, np.asarray(partials).reshape(value.size, p)


# ------------------------------------- inputs at complex points (complex_point) ---

_COMPLEX = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128,
            np.dtype(np.complex64): np.complex64, np.dtype(np.complex128): np.complex128}


def _complex_or_real(x, who, i):
    """(value, is_scalar) of an input: complex ones as they are, real ones as ``point``."""
    if type(x) is complex or isinstance(x, np.complexfloating):
        return x, True
    if isinstance(x, (np.ndarray, list, tuple)) and np.iscomplexobj(x):
        a = np.ascontiguousarray(x)
        return (a if a.dtype in (np.complex64, np.complex128) else a.astype(complex)), False
    return _prepare_arg(x, who, i)


def _numba_float_or_complex(dtype):
    from numba.core import types
    if dtype == np.complex64:
        return types.complex64
    if dtype == np.complex128:
        return types.complex128
    return _numba_float(dtype)
