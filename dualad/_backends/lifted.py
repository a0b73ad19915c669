"""Compiled transforms whose inputs are duals of an enclosing Python transform.

``da.jvp(lambda y: da.jvp(njit_f, (y,), (v,))[1], (x,), (u,))`` and
``da.jacobian(lambda y: da.grad(njit_f)(y) @ y)(x)`` hand the compiled inner
transform a ``DualArray`` (or a ``Dual``): the enclosing transform's
perturbation, ``x + sum_k eps_k P_k``. The inner transform cannot run on it
(the dispatcher takes numba duals, and a conversion to floats would drop the
eps_k), so it runs here on nested numba duals ``Dual[Dual[float, C], 1]``: the
inner level carries the inner transform's seeds (its chunk of directions, or
the jvp tangent), the outer level carries one enclosing direction P_k. One
call per (P_k, chunk) gives the inner result and its derivative along P_k,
and the result goes back as a dual of the enclosing tag, which that
transform then reads. All calls have the same types: one compilation.

Only first-order enclosing duals with float components are lifted (two
transforms in all); a third level, or a Hessian inside, is refused with what
to write instead.
"""
import numpy as np
from numba.core import types

from .._core.base import DualNumber
from .._core.spec import compiled_chunk, normalize_argnums
from .._core.trees import as_float_input, flatten, unflatten
from .._jit.arrays import dual_buffer
from .._jit.types import DualType
from .._numbers import Dual, DualArray, make_dual
from .._numbers.array.core import _new as _new_array


class _Outer:
    """The enclosing perturbation of one argument: its float value and the
    directions P_k (``dirs``: shape + (N,)), or, for a plain float argument, none."""

    def __init__(self, value, dirs, scalar):
        self.value = value
        self.dirs = dirs
        self.scalar = scalar


def _float_component(c):
    return type(c) is float or isinstance(c, (np.floating, np.ndarray)) and \
        np.asarray(c).dtype.kind == "f"


def enclosing_tag(args):
    """The tag of the enclosing transform's duals among ``args`` (leaves of tuples
    included), or None when every argument is a plain number or array."""
    tags = set()
    for a in args:
        for leaf in flatten(a)[0]:
            if isinstance(leaf, DualNumber):
                tags.add(leaf.tag)
    if not tags:
        return None
    if len(tags) > 1:
        raise NotImplementedError(_THREE)
    return tags.pop()


_THREE = ("a compiled transform of a numba function is lifted through one enclosing "
          "first-order transform (jvp, jacobian, grad, derivative); here it sits inside "
          "a second-order one (hessian, derivative(order=2)) or inside two. Compose the "
          "transforms directly on the numba function instead (da.jacobian(da.grad(f)), "
          "da.hessian(f) and da.derivative(f, order=k) are compiled whole), or write f in "
          "plain NumPy")


def _outer_of(x, who, i):
    """x split into its value and enclosing directions (N of them), as floats."""
    if isinstance(x, Dual):
        v, p = x.value, x._p
        if not (_float_component(v) and _float_component(p)):
            raise NotImplementedError(_THREE)
        dtype = np.float32 if isinstance(v, np.float32) else np.float64
        return _Outer(np.asarray(v, dtype), np.atleast_1d(np.asarray(p, dtype)), True)
    if isinstance(x, DualArray):
        if not (_float_component(x.values) and _float_component(x.partials)):
            raise NotImplementedError(_THREE)
        return _Outer(np.ascontiguousarray(x.values), x.partials, False)
    if isinstance(x, DualNumber):
        raise TypeError(f"{who}: argument {i} is a {type(x).__name__}; a compiled "
                        "transform inside another transform takes Dual or DualArray "
                        "inputs (first-order enclosing transforms: jvp, jacobian, grad)")
    v, scalar = as_float_input(x, f"{who}: argument {i}")
    return _Outer(np.asarray(v), None, scalar)


def _nested(o, inner, d_inner, k, C, dtype):
    """One argument as Dual[Dual[float, C], 1]: value o.value, inner partials
    ``inner`` (shape + (C,)), outer direction P_k with inner partials ``d_inner``."""
    shape = o.value.shape
    P = np.zeros(shape, dtype) if o.dirs is None else o.dirs[..., k]
    if o.scalar:
        def lanes(a):
            a = np.asarray(a, dtype).reshape(C)
            return a if C > 1 else (float(a[0]) if dtype == np.float64 else a[0])
        val = o.value[()] if dtype == np.float32 else float(o.value)
        p = P[()] if dtype == np.float32 else float(P)
        return Dual(Dual(val, lanes(inner)), Dual(p, lanes(d_inner)))
    base = types.float32 if dtype == np.float32 else types.float64
    buf = dual_buffer(DualType(DualType(base, C), 1), shape)
    buf["value"]["value"] = o.value
    buf["partials"]["value"] = P
    ip = inner if C > 1 else inner[..., 0]
    dp = d_inner if C > 1 else d_inner[..., 0]
    buf["value"]["partials"] = ip
    buf["partials"]["partials"] = dp
    return buf


def _four(y, C, who):
    """(f, inner partials (.., C), d f along P_k, d inner partials along P_k) of one output."""
    if isinstance(y, np.ndarray) and y.dtype.names == ("value", "partials"):
        v, p = y["value"], y["partials"]
        if v.dtype.names is None:
            raise NotImplementedError(f"{who}: f's output carries one level of duals where "
                                      "two were expected; " + _THREE)

        def lanes(a):
            return a if a.ndim > y.ndim else a[..., None]
        return v["value"], lanes(v["partials"]), p["value"], lanes(p["partials"])
    if isinstance(y, Dual) and isinstance(y.value, Dual) and isinstance(y._p, Dual):
        return (np.asarray(y.value.value), np.asarray(y.value._p).reshape(C),
                np.asarray(y._p.value), np.asarray(y._p._p).reshape(C))
    if isinstance(y, DualNumber):
        raise NotImplementedError(f"{who}: f's output carries one level of duals where two "
                                  "were expected; " + _THREE)
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{who}: f must return real numbers or an array of them, got {y.dtype}")
    z = np.zeros(y.shape + (C,), y.dtype)
    return y, z, np.zeros_like(y), z


def _enclosed(value, d, tag):
    """A dual of the enclosing ``tag``: ``value`` with derivatives ``d`` (shape + (N,))
    along the enclosing directions; a ``Dual`` for a 0-d value."""
    value = np.asarray(value)
    d = np.asarray(d, value.dtype)
    if value.ndim:
        return _new_array(value, d, tag)
    f64 = value.dtype == np.float64
    p = d if d.shape[-1] > 1 else (float(d[0]) if f64 else d[0])
    return make_dual(float(value) if f64 else value[()], p, tag)


def _direction_count(outers):
    counts = {o.dirs.shape[-1] for o in outers if o.dirs is not None}
    return counts.pop()  # one enclosing transform: the same N everywhere


def lifted_jvp(f, primals, tangents, tag):
    """jvp of dispatcher f where primals/tangents hold duals of the enclosing ``tag``."""
    outs = [_outer_of(x, "jvp", i) for i, x in enumerate(primals)]
    tans = [_outer_of(t, "jvp", i) for i, t in enumerate(tangents)]
    for i, (o, t) in enumerate(zip(outs, tans)):
        if t.value.shape != o.value.shape:
            raise ValueError(f"jvp: tangent {i} has shape {t.value.shape}, primal {i} "
                             f"has shape {o.value.shape}")
    N = _direction_count(outs + tans)
    dtype = np.result_type(*[o.value.dtype for o in outs])
    f_k, df_k, base, treedef = [], [], None, None
    for k in range(N):  # one enclosing direction per call
        args = []
        for o, t in zip(outs, tans):
            dt = np.zeros(t.value.shape, dtype) if t.dirs is None else t.dirs[..., k]
            args.append(_nested(o, np.asarray(t.value, dtype)[..., None], dt[..., None],
                                k, 1, dtype))
        leaves, treedef = flatten(f(*args))
        read = [_four(y, 1, "jvp") for y in leaves]
        if base is None:
            base = read
        f_k.append([r[2] for r in read])
        df_k.append([r[3][..., 0] for r in read])
    values = [_enclosed(b[0], np.stack([fk[j] for fk in f_k], -1), tag)
              for j, b in enumerate(base)]
    tangents_out = [_enclosed(b[1][..., 0], np.stack([dk[j] for dk in df_k], -1), tag)
                    for j, b in enumerate(base)]
    return unflatten(treedef, values), unflatten(treedef, tangents_out)


def lifted_transform(spec, args, tag):
    """jacobian / grad / value_and_grad of dispatcher ``spec.f`` at args holding duals
    of the enclosing ``tag``: the inner derivative and its enclosing derivatives."""
    who = spec.kind
    if who == "hessian":
        raise NotImplementedError(
            "a hessian of a numba function inside another transform would be a third "
            "derivative, which is not compiled; use da.derivative(f, order=3) or "
            "da.taylor for higher orders, or write f in plain NumPy")
    single, nums = normalize_argnums(spec.argnums, len(args), who)
    outers = [_outer_of(x, who, i) for i, x in enumerate(args)]
    N = _direction_count(outers)
    # the float type of the differentiated arguments, as in the unlifted path
    dtype = np.result_type(*[outers[K].value.dtype for K in nums])
    per_arg, base_vals, f_k, treedef = [], None, None, None
    for K in nums:
        xK = outers[K]
        n = xK.value.size
        C = compiled_chunk(n, spec.chunk)
        J, dJ = None, None
        for k in range(N):
            for start in range(0, max(n, 1), C):
                c = min(C, n - start)
                seeds = np.zeros((n, C), dtype)
                seeds[np.arange(start, start + c), np.arange(c)] = 1
                zero = np.zeros(xK.value.shape + (C,), dtype)
                call = []
                for i, o in enumerate(outers):
                    if i == K:
                        call.append(_nested(o, seeds.reshape(o.value.shape + (C,)), zero,
                                            k, C, dtype))
                    elif o.dirs is None:
                        call.append(o.value[()] if o.scalar else o.value)
                    else:
                        z = np.zeros(o.value.shape + (C,), o.value.dtype)
                        call.append(_nested(o, z, z, k, C, o.value.dtype))
                leaves, treedef = flatten(spec.f(*call))
                read = [_four(y, C, who) for y in leaves]
                if J is None:
                    J = [np.zeros(np.shape(r[0]) + (n,), dtype) for r in read]
                    dJ = [np.zeros(np.shape(r[0]) + (n, N), dtype) for r in read]
                    if base_vals is None:
                        base_vals = [np.asarray(r[0]).astype(dtype, copy=False) for r in read]
                        f_k = [[None] * N for _ in read]
                for j, r in enumerate(read):
                    J[j][..., start:start + c] = r[1][..., :c]
                    dJ[j][..., start:start + c, k] = r[3][..., :c]
                    f_k[j][k] = r[2]
        in_shape = xK.value.shape
        per_arg.append([_enclosed(Jj.reshape(Jj.shape[:-1] + in_shape),
                                  dJj.reshape(dJj.shape[:-2] + in_shape + (N,)), tag)
                        for Jj, dJj in zip(J, dJ)])
    values = [_enclosed(v, np.stack(f_k[j], -1), tag) for j, v in enumerate(base_vals)]
    if who == "jacobian":
        outs = [per_arg[0][j] if single else tuple(p[j] for p in per_arg)
                for j in range(len(values))]
        return unflatten(treedef, outs)
    if treedef is not None or np.shape(base_vals[0]) != ():
        raise ValueError(f"{who}: f must return a scalar; use da.jacobian for vector-valued "
                         "functions")
    grads = per_arg[0][0] if single else tuple(p[0] for p in per_arg)
    return values[0], grads
