"""``vmap`` of a compiled transform at complex points, as one real batch loop.

A complex input z = x + iy of f is two real inputs: f is wrapped, per user
function, into the real-to-real numba function

    F(v, ...) = (Re f(v[:n] + 1j v[n:], ...), Im f(...))     (v = (x, y))

whose Jacobian the real batch loop (``batch.compiled_vmap``: compiled, one
block of points per core) computes at every point. The conventions of
``_transforms.holomorphic`` then read off it:

* ``holomorphic=True``: f'(z) = dRe/dx + 1j dIm/dx, with the Cauchy-Riemann
  check d/dy == 1j d/dx on every entry of every point;
* ``grad`` of a real-valued f (JAX's): dRe/dx - 1j dRe/dy;
* ``hessian(holomorphic=True)``: the real Hessians of Re f and Im f over v
  (``complex_hessian_parts_vmap``), d2f/dx2 and the check d2f/dy dx == 1j d2f/dx2.

(``_transforms.holomorphic.batched`` applies them to the blocks returned here.)

Points that are complex scalars or 1-D complex arrays and f returning a
scalar or a 1-D array, one argnum; anything else is left to the point loop
(NotImplemented). Twice the partials of a complex-seeded pass, but compiled:
the point loop costs ~100 us of Python per point.
"""
import numpy as np
from numba import njit

from .._core.memo import FunctionStore
from .._core.spec import TransformSpec
from .._jit.complex_arrays import parts_of
from .batch import compiled_vmap
from .plan import no_dual2

_WRAPPED = FunctionStore(size=64)

_SOURCE = """
def wrapped({params}):
    n = v.shape[0] // 2
    z = {point}
    return parts_of(F({call})){part}
"""


def _wrapped(f, K, nargs, scalar, part=None):
    """The njit function F of the module docstring for argnum K of nargs (cached);
    with ``part`` 0 or 1, only Re f or Im f of a scalar f (a real scalar, for Hessians)."""
    key = (K, nargs, scalar, part)
    w = _WRAPPED.get(f, key)
    if w is None:
        params = [f"a{i}" if i != K else "v" for i in range(nargs)]
        call = ["z" if i == K else f"a{i}" for i in range(nargs)]
        point = "v[0] + 1j * v[1]" if scalar else "v[:n] + 1j * v[n:]"
        scope = {"F": f, "parts_of": parts_of}
        exec(_SOURCE.format(params=", ".join(params), point=point, call=", ".join(call),
                            part="" if part is None else f"[{part}]"), scope)
        w = _WRAPPED.put(f, key, njit(scope["wrapped"]))
    return w


def _real_points(X, batch):
    real = np.float32 if X.dtype == np.complex64 else np.float64
    return np.concatenate([X.real.reshape(batch, -1), X.imag.reshape(batch, -1)],
                          axis=1).astype(real)


def complex_parts_vmap(f, K, args, mapped, batch, chunk):
    """(dRe/dx, dIm/dx, dRe/dy, dIm/dy), each (batch, m, n), of the dispatcher f at the
    complex points args[K] (complex scalars or 1-D arrays, a leading batch axis), m
    the size of f's output and n of a point: one real batch loop (module docstring);
    NotImplemented where the real batch loop does not apply."""
    X = np.asarray(args[K])
    if X.dtype not in (np.complex64, np.complex128) or X.ndim not in (1, 2) or batch == 0:
        return NotImplemented
    scalar = X.ndim == 1
    wargs = list(args)
    wargs[K] = _real_points(X, batch)
    spec = TransformSpec("jacobian", _wrapped(f, K, len(args), scalar), K, chunk)
    J = compiled_vmap(spec, wargs, mapped, batch)
    if J is NotImplemented:
        return NotImplemented
    n = 1 if scalar else X.shape[1]
    m = J.shape[1] // 2
    return J[:, :m, :n], J[:, m:, :n], J[:, :m, n:], J[:, m:, n:]


def complex_hessian_parts_vmap(f, K, args, mapped, batch, chunk):
    """(Hessian of Re f, Hessian of Im f) over v = (x, y), each (batch, 2n, 2n), of a
    scalar f at the complex points args[K] (as ``complex_parts_vmap``); NotImplemented
    where the real batch loop does not apply."""
    X = np.asarray(args[K])
    if X.dtype not in (np.complex64, np.complex128) or X.ndim not in (1, 2) or batch == 0:
        return NotImplemented
    wargs = list(args)
    wargs[K] = _real_points(X, batch)
    out = []
    for part in (0, 1):
        w = _wrapped(f, K, len(args), X.ndim == 1, part)
        no_dual2(w, "complex values: the compiled Dual2 numbers are real")   # nested passes
        spec = TransformSpec("hessian", w, K, chunk)
        H = compiled_vmap(spec, wargs, mapped, batch)
        if H is NotImplemented:
            return NotImplemented
        out.append(H.reshape(batch, H.shape[-1], H.shape[-1]))
    return tuple(out)
