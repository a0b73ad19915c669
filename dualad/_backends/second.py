"""Compositions of two compiled transforms at one point: ``jacobian(jacobian(f))`` and
``jacobian(grad(f))`` of a dispatcher, on nested duals (outer direction e_j,
inner chunk of k), driven from Python as ``point`` drives one transform.
"""
import numpy as np

from .._core.spec import TransformSpec, compiled_chunk, normalize_argnums
from .._core.trees import flatten, unflatten
from .._jit.arrays import dual_buffer
from .._jit.types import DualType
from .._numbers import Dual
from .plan import nested_plan
from .point import (_numba_float, _prepare_arg, _scalar_out, _scalar_seed, _seed_fields,
                    _seeded_row, compiled_transform)


def _second_leaf(y, who):
    """(value, d/d row, d2/d row d chunk) of one output leaf on nested Dual[Dual[., C], 1]."""
    if isinstance(y, np.ndarray) and y.dtype.names == ("value", "partials"):
        inner_p = y["partials"]["partials"]
        C_axis = inner_p if inner_p.ndim > y.ndim else inner_p[..., None]
        return y["value"]["value"], C_axis
    if isinstance(y, Dual):
        p = y._p
        second = p._p if isinstance(p, Dual) else np.zeros(1)
        value = y.value.value if isinstance(y.value, Dual) else y.value
        return np.asarray(value), np.atleast_1d(np.asarray(second))
    v = np.asarray(_real_scalar_or_array(y, who))
    return v, None


def _real_scalar_or_array(y, who):
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{who}: f must return real numbers or an array of them, "
                        f"got {y.dtype}")
    return y


def _seeded_outer(x, scalar, nbtype, row, C):
    """x as nested duals carrying only the outer direction e_row (inner partials 0)."""
    if scalar:
        z = 0.0 if C == 1 else np.zeros(C)
        return Dual(Dual(x, z), Dual(1.0, z))
    buf = dual_buffer(nbtype, x.shape)
    flat = buf.reshape(-1)
    flat["value"]["value"] = x.reshape(-1)
    flat["partials"]["value"][row] = 1
    return buf


def _seeded_inner(x, scalar, nbtype, start, c, C):
    """x as nested duals carrying only the inner directions [start, start + c)."""
    if scalar:
        return Dual(Dual(x, _scalar_seed(x, C)), Dual(0.0, 0.0 if C == 1 else np.zeros(C)))
    buf = dual_buffer(nbtype, x.shape)
    _seed_fields(buf.reshape(-1)["value"], x, start, c, C)
    return buf


def second_passes(symmetric, no, ni, chunk):
    """(C, [(row, start), ...]): the passes of a second-derivative block on nested
    duals, outer direction e_row and an inner chunk of C from ``start``. A
    symmetric block (one argument twice) takes its upper triangle only
    (``nested_plan``); any other takes every row and chunk."""
    if symmetric:
        plan = nested_plan(ni, chunk)
        return plan.C, plan.passes
    C = compiled_chunk(ni, chunk)
    return C, [(row, start) for row in range(no) for start in range(0, ni, C)]


def compiled_second(outer, inner, args):
    """jacobian(jacobian(f)) / jacobian(grad(f)) of a dispatcher f, compiled: the
    second derivatives of every output, ``[..., k, j] = d/dx_j (d f / dy_k)`` for x
    the outer transform's argument and y the inner one's, by nested duals (outer
    direction e_j, inner chunk of k). One argument differentiated twice takes the
    upper triangle only (the block is symmetric)."""
    who = f"{outer.kind}({inner.kind})"
    single_o, nums_o = normalize_argnums(outer.argnums, len(args), outer.kind)
    single_i, nums_i = normalize_argnums(inner.argnums, len(args), inner.kind)
    if not (single_o and single_i):
        raise NotImplementedError(
            f"{who} of a numba function is compiled for one argnum in each transform; "
            "pack the arguments into one array, or use a plain NumPy version of f")
    Ko, Ki = nums_o[0], nums_i[0]
    if inner.kind == "grad" and Ko == Ki:
        return compiled_transform(TransformSpec("hessian", inner.f, inner.argnums,
                                                inner.chunk or outer.chunk), args)
    f = inner.f
    args = list(args)
    xo, so = _prepare_arg(args[Ko], who, Ko)
    xi, si = _prepare_arg(args[Ki], who, Ki)
    no, ni = (1 if so else xo.size), (1 if si else xi.size)
    shape_o, shape_i = (() if so else xo.shape), (() if si else xi.shape)
    dtype = np.result_type(np.asarray(xo).dtype, np.asarray(xi).dtype)
    chunk = inner.chunk or outer.chunk
    C, passes = second_passes(Ko == Ki, no, ni, chunk)
    nbtype = DualType(DualType(_numba_float(dtype), C), 1)
    T, treedef = None, None
    for row, start in passes:
        c = min(C, ni - start)
        if Ko == Ki:
            args[Ki] = _seeded_row(xi, si, nbtype, row, start, c, C)
        else:
            args[Ki] = _seeded_inner(xi, si, nbtype, start, c, C)
            args[Ko] = _seeded_outer(xo, so, nbtype, row, C)
        leaves, treedef = flatten(f(*args))
        read = [_second_leaf(y, who) for y in leaves]
        if T is None:
            T = [np.zeros(np.shape(v) + (ni, no), dtype) for v, _ in read]
        for t, (v, block) in zip(T, read):
            if block is not None:
                b = np.broadcast_to(block, np.shape(v) + (C,))[..., :c]
                t[..., start:start + c, row] = b
                if Ko == Ki:
                    t[..., row, start:start + c] = b
    if inner.kind == "grad" and any(t.ndim != 2 for t in T):
        raise ValueError(f"{who}: f must return a scalar")
    outs = [_scalar_out(t.reshape(t.shape[:-2] + shape_i + shape_o)) for t in T]
    return unflatten(treedef, outs)
