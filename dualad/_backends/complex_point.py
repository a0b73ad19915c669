"""Compiled transforms at complex points: the seeded evaluations, for the conventions.

The convention code (``_transforms.holomorphic``: JAX's ``holomorphic=True``,
the Cauchy-Riemann check, grad = d/dx - 1j d/dy) combines two evaluations
of f, seeded along 1 and along 1j. Here each evaluation is the user's
dispatcher called from Python on seeded numbers, as ``point`` does for real
inputs: a complex scalar as a ``Dual`` over complex, a complex array as a
``DualBuffer`` of ``Dual[complex, C]``; real inputs are seeded only along 1
(their 1j columns are never read, and a real input stays real, so its
comparisons keep working). Values and partials are read back in NumPy.
"""
import itertools

import numpy as np

from .._core.spec import chunk_passes, compiled_chunk
from .._core.trees import flatten
from .._jit.arrays import dual_buffer
from .._jit.types import DualType
from .._numbers import Dual, HyperDual, make_dual
from .point import _COMPLEX, _complex_or_real, _numba_float_or_complex, jvp_result, \
    tangent_buffer
from .second import second_passes
from .read import outer_partials, read_pass

def is_complex_input(x):
    """A complex scalar or a complex array (the compiled path's inputs)."""
    return type(x) is complex or isinstance(x, np.complexfloating) or (
        isinstance(x, (np.ndarray, list, tuple)) and np.iscomplexobj(x))


def _seeded(value, scalar, off, size, start, c, C, unit):
    """One input seeded with directions [start, start + c) of C, each ``unit``."""
    real_dtype = np.asarray(value).dtype
    cplx = np.iscomplexobj(value) or type(unit) is not float
    dtype = np.dtype(_COMPLEX[real_dtype]) if cplx else real_dtype
    if scalar:
        j = off - start
        if C == 1:
            p = unit if j == 0 else 0.0
            p = dtype.type(p) if isinstance(value, np.generic) else (complex(p) if cplx else p)
        else:
            p = np.zeros(C, dtype)
            if 0 <= j < c:
                p[j] = unit
        return Dual(value, p)
    buf = dual_buffer(DualType(_numba_float_or_complex(dtype), C), value.shape)
    flat = buf.reshape(-1)
    flat["value"] = value.reshape(-1)
    lo, hi = max(start, off), min(start + c, off + size)
    if lo < hi:
        idx = np.arange(lo, hi)
        if C == 1:
            flat["partials"][idx - off] = unit
        else:
            flat["partials"][idx - off, idx - start] = unit
    return buf


def compiled_evaluate(f, args, nums, chunk, who, inputs, unit=1.0):
    """(inputs, treedef, values, Jacobians) of the dispatcher f at args, the inputs
    seeded along ``unit`` (1.0 or 1j), per output leaf shape + (n,): the
    ``evaluate`` of ``complex_evaluate``."""
    n = inputs.n
    C = compiled_chunk(n, chunk)
    values = blocks = treedef = None
    for start, c in chunk_passes(n, C, C):
        call = list(inputs.args)
        for a, (value, scalar, off, size) in zip(inputs.argnums, inputs.leaves):
            if type(unit) is not float and not np.iscomplexobj(value):
                call[a] = value  # a real input is not seeded along 1j (never read)
            else:
                call[a] = _seeded(value, scalar, off, size, start, c, C, unit)
        leaves, treedef = flatten(f(*call))
        read = [read_pass(y, "jacobian", who) for y in leaves]
        if values is None:
            values = [np.asarray(v) for v, _ in read]
            blocks = [[] for _ in read]
        for b, (v, p) in zip(blocks, read):
            dt = np.result_type(np.asarray(v).dtype, inputs.dtype)
            b.append(np.zeros(np.shape(v) + (c,), dt) if p is None else p[..., :c])
    jac = [b[0] if len(b) == 1 else np.concatenate(b, axis=-1) for b in blocks]
    return inputs, treedef, values, jac


def _unit_like(z, unit):
    return z.dtype.type(unit) if isinstance(z, np.complexfloating) else complex(unit)


def dual_along(f, z, unit):
    """d/dt f(z + t unit) at t = 0, for a dispatcher f at a complex scalar z."""
    u = _unit_like(z, unit)
    return outer_partials(f(make_dual(z, u, 0)), 1, 0 * u)


def hyper_along(f, z, u, w):
    """(f_u, f_w, f_uw): the derivatives of f(z + s u + t w) at 0 from one
    HyperDual(z, u, w, 0), for a dispatcher f at a complex scalar z."""
    u, w = _unit_like(z, u), _unit_like(z, w)
    y = f(HyperDual(z, u, w, 0 * u))
    if not isinstance(y, HyperDual):
        return 0 * u, 0 * u, 0 * u
    return y.eps1, y.eps2, y.eps1eps2


def compiled_complex_jvp(f, primals, tangents):
    """jvp of a dispatcher where a primal or a tangent is complex: one call of f on
    Dual[., 1] numbers (complex where either is) seeded with the tangents."""
    args = []
    for i, (x, t) in enumerate(zip(primals, tangents)):
        xv, scalar = _complex_or_real(x, "jvp", i)
        dtype = np.asarray(xv).dtype
        if is_complex_input(x) or is_complex_input(t):
            dtype = np.dtype(_COMPLEX[dtype])
        tv = np.asarray(t)
        if tv.dtype.kind not in "biufc":
            raise TypeError(f"jvp: tangent {i} must hold real or complex numbers")
        tv = tv.astype(dtype)
        if tv.shape != np.shape(xv):
            raise ValueError(f"jvp: tangent {i} has shape {tv.shape}, primal {i} has shape "
                             f"{np.shape(xv)}")
        if scalar:
            py = dtype in (np.float64, np.complex128) and not isinstance(xv, np.generic)
            v = dtype.type(xv)
            args.append(Dual(v.item() if py else v, tv[()].item() if py else tv[()]))
        else:
            args.append(tangent_buffer(xv, tv, _numba_float_or_complex(dtype)))
    return jvp_result(f, args)


# ---------------------------------------- derivative over complex arrays ---

_ALONG = {}


def _along_kernel(f):
    """The compiled loop taking d/dx and d/dy of f at every x[i] in one pass
    (Dual[complex, 2] seeded (1, 1j)), kept per f."""
    k = _ALONG.get(f)
    if k is None:
        import numba
        from .._jit.api import partial
        from .._jit.intrinsics import make_dual as nb_dual

        def along(x, d_re, d_im):
            for i in range(x.size):
                y = f(nb_dual(x[i], (1.0, 1j)))
                d_re[i] = partial(y, 0)
                d_im[i] = partial(y, 1)
        k = _ALONG[f] = numba.njit(along)
    return k


def elementwise_partials(f, x):
    """(d/dx, d/dy) of f at every element of the complex array x (f a dispatcher
    of one complex scalar): one compiled loop."""
    flat = np.ascontiguousarray(x).reshape(-1)
    d_re, d_im = np.empty(flat.shape, flat.dtype), np.empty(flat.shape, flat.dtype)
    _along_kernel(f)(flat, d_re, d_im)
    return d_re.reshape(np.shape(x)), d_im.reshape(np.shape(x))


# ------------------------------------------ second order over complex inputs ---

def _nested_seeded(leaf, C, row, start, c, w):
    """One input (a ``CompiledInputs`` leaf) as Dual[Dual[complex, C], 1]: the inner
    directions [start, start + c) of the inputs' n along 1, the outer direction
    e_row along ``w`` (1 or 1j); zero where they fall in another input."""
    x, scalar, off, size = leaf
    one = _unit_like(x, 1.0) if scalar else x.dtype.type(1)
    zero = 0 * one
    if scalar:
        j = off - start
        if C == 1:
            inner = one if j == 0 else zero
            pad = zero
        else:
            inner = np.zeros(C, np.asarray(one).dtype)
            pad = np.zeros(C, inner.dtype)
            if 0 <= j < c:
                inner[j] = one
        return Dual(Dual(x, inner), Dual(_unit_like(x, w) if row == off else zero, pad))
    buf = dual_buffer(DualType(DualType(_numba_float_or_complex(x.dtype), C), 1), x.shape)
    flat = buf.reshape(-1)
    flat["value"]["value"] = x.reshape(-1)
    lo, hi = max(start, off), min(start + c, off + size)
    if lo < hi:
        idx = np.arange(lo, hi)
        if C == 1:
            flat["value"]["partials"][idx - off] = 1
        else:
            flat["value"]["partials"][idx - off, idx - start] = 1
    if off <= row < off + size:
        flat["partials"]["value"][row - off] = w
    return buf


def _nested_read(y, C, who):
    """(value, d2/d row d chunk (shape + (C,))) of one output leaf on nested duals."""
    if isinstance(y, np.ndarray) and y.dtype.names == ("value", "partials"):
        second = y["partials"]["partials"]
        return y["value"]["value"], (second if second.ndim > y.ndim else second[..., None])
    if isinstance(y, Dual):
        p = y._p
        value = y.value.value if isinstance(y.value, Dual) else y.value
        second = p._p if isinstance(p, Dual) else 0
        return np.asarray(value), np.broadcast_to(np.asarray(second), (C,))
    y = np.asarray(y)   # f constant in the differentiated argument
    if y.dtype.kind not in "biufc":
        raise TypeError(f"{who}: f must return numbers or arrays of them, got {y.dtype}")
    return y, np.zeros(y.shape + (C,), y.dtype)


def complex_second(f, inputs, chunk, w, who):
    """(treedef, [T per output leaf]) with T[..., k, j] = d/d(w e_j) d/d(e_k) f of a
    dispatcher f over its complex ``inputs`` (``CompiledInputs``: the differentiated
    arguments, scalars or arrays, as one vector of n), on nested
    ``Dual[Dual[complex, C], 1]`` (outer e_j along w, inner chunks of k along 1).
    Along w = 1 the x-x block is symmetric for any f: its upper triangle is taken
    and mirrored; along w = 1j every entry is taken (the Cauchy-Riemann check
    compares each one). T is shaped leaf shape + (n, n)."""
    n = inputs.n
    dtype = np.dtype(_COMPLEX[inputs.dtype])
    symmetric = type(w) is float
    C, passes = second_passes(symmetric, n, n, chunk)
    T = treedef = None
    for row, start in passes:
        c = min(C, n - start)
        call = list(inputs.args)
        for a, leaf in zip(inputs.argnums, inputs.leaves):
            call[a] = _nested_seeded(leaf, C, row, start, c, w)
        leaves, treedef = flatten(f(*call))
        read = [_nested_read(y, C, who) for y in leaves]
        if T is None:
            T = [np.zeros(np.shape(v) + (n, n), np.result_type(v, dtype)) for v, _ in read]
        for t, (_, block) in zip(T, read):
            b = block[..., :c]
            t[..., start:start + c, row] = b
            if symmetric:
                t[..., row, start:start + c] = b
    return treedef, T


# ------------------------------------------- higher orders at a complex scalar ---

def _constant(depth, v):
    """v as a nested Dual of ``depth`` levels, every partial zero."""
    return v if depth == 0 else Dual(_constant(depth - 1, v), _constant(depth - 1, 0 * v))


def _component(y, picks):
    """The component of a nested output y: ``picks`` from the outermost level in,
    True for the partial, False for the value; 0 where f did not depend on a level."""
    for take_partial in picks:
        if isinstance(y, Dual):
            y = y._p if take_partial else y.value
        elif take_partial:
            return 0 * y
    return y


def nested_along(f, z, order, top):
    """(f(z), [D_1 ... D_(m-1) D_order f for m = 1..order]): f(z + t_1 + ... +
    t_order) of a dispatcher f at a complex scalar z on ``order`` nested complex
    duals, every direction 1 but the outermost one, ``top``. With top = 1 these
    are f', ..., f^(order); with top = 1j they are 1j times them for a
    holomorphic f (the Cauchy-Riemann check at every order, from one evaluation)."""
    one = _unit_like(z, 1.0)
    x = z
    for level in range(1, order + 1):
        u = _unit_like(z, top) if level == order else one
        x = Dual(x, _constant(level - 1, u))
    y = f(x)
    value = _component(y, [False] * order)
    if isinstance(value, Dual) or np.ndim(value):
        raise TypeError(f"derivative of order {order} at a complex point: f must return "
                        "a complex scalar")
    return value, [_component(y, [True] + [False] * (order - m) + [True] * (m - 1))
                   for m in range(1, order + 1)]


def nested_direction(f, x, direction, order, who):
    """d^order/dt^order f(x + t direction) at t = 0 (t real) of a dispatcher f at a
    complex scalar or array x (or along a complex direction): ``nested_series``
    of the line x + t direction."""
    zero = np.zeros_like(np.asarray(direction))
    return nested_series(f, [[x, direction] + [zero] * (order - 1)], order, who)[-1]


def nested_series(f, series, order, who):
    """[y_0, ..., y_order], y_m = d^m/dt^m f(x_1(t), x_2(t), ...) at t = 0 (t real),
    of a dispatcher f on complex values, each argument a curve given by its
    derivatives ``series[i] = [x_i(0), x_i'(0), ..., x_i^(order)(0)]``.

    f runs once on ``order`` nested Dual[., 1] levels e_1 .. e_order: with
    s = e_1 + ... + e_order, x_i(s) has the component x_i^(m)(0) at every product
    of m distinct levels (s**m = m! times their sum, over the m! of the Taylor
    term), so f(x(s)) has y_m there: one evaluation of 2**order components per
    number gives every order, for any f (no holomorphy needed: t is real)."""
    terms = [[np.asarray(t) for t in ts] for ts in series]
    dtype = np.dtype(_COMPLEX[np.result_type(*(t.dtype for ts in terms for t in ts))])
    args = [_curve(ts, order, dtype) for ts in terms]
    y = f(*args)
    picks = [[True] * m + [False] * (order - m) for m in range(order + 1)]
    if isinstance(y, np.ndarray) and y.dtype.names == ("value", "partials"):
        return [np.array(_field(y, p)) for p in picks]
    if isinstance(y, Dual):
        return [_component(y, p) for p in picks]
    y = np.asarray(y)   # f does not depend on its arguments
    if y.dtype.kind not in "biufc":
        raise TypeError(f"{who}: f must return numbers or arrays of them, got {y.dtype}")
    return [y] + [np.zeros_like(y)] * order


def _curve(ts, order, dtype):
    """One argument of ``nested_series``: its terms on ``order`` nested levels."""
    ts = [t.astype(dtype) for t in ts]
    if ts[0].ndim == 0:
        scalars = [complex(t) if dtype == np.complex128 else t[()] for t in ts]

        def level(depth, m):  # the levels below ``depth``, m of those above picked
            if depth == order:
                return scalars[m]
            return Dual(level(depth + 1, m), level(depth + 1, m + 1))
        return level(0, 0)
    nbtype = _numba_float_or_complex(dtype)
    for _ in range(order):
        nbtype = DualType(nbtype, 1)
    buf = dual_buffer(nbtype, ts[0].shape)
    flat = buf.reshape(-1)
    for picks in itertools.product((False, True), repeat=order):
        _field(flat, picks)[...] = ts[sum(picks)].reshape(-1)
    return buf


def _field(a, picks):
    """The view of a structured nested-dual array at ``picks`` (outermost first)."""
    for take_partial in picks:
        a = a["partials" if take_partial else "value"]
    return a
