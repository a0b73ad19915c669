"""``vmap`` of a compiled transform at complex points, as one real batch loop.

A complex input z = x + iy of f is two real inputs: f is wrapped, per user
function, into the real-to-real numba function

    F(v, ...) = (Re f(v[:n] + 1j v[n:], ...), Im f(...))     (v = (x, y))

whose Jacobian the real batch loop (``batch.compiled_vmap``: compiled, one
block of points per core) computes at every point. The conventions of
``_transforms.holomorphic`` then read off it:

* ``holomorphic=True``: f'(z) = dRe/dx + 1j dIm/dx, with the Cauchy-Riemann
  check d/dy == 1j d/dx on every entry of every point;
* ``grad`` of a real-valued f (JAX's): dRe/dx - 1j dRe/dy.

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

_WRAPPED = FunctionStore(size=64)

_SOURCE = """
def wrapped({params}):
    n = v.shape[0] // 2
    z = {point}
    return parts_of(F({call}))
"""


def _wrapped(f, K, nargs, scalar):
    """The njit function F of the module docstring for argnum K of nargs (cached)."""
    key = (K, nargs, scalar)
    w = _WRAPPED.get(f, key)
    if w is None:
        params = [f"a{i}" if i != K else "v" for i in range(nargs)]
        call = ["z" if i == K else f"a{i}" for i in range(nargs)]
        point = "v[0] + 1j * v[1]" if scalar else "v[:n] + 1j * v[n:]"
        scope = {"F": f, "parts_of": parts_of}
        exec(_SOURCE.format(params=", ".join(params), point=point, call=", ".join(call)),
             scope)
        w = _WRAPPED.put(f, key, njit(scope["wrapped"]))
    return w


def complex_parts_vmap(f, K, args, mapped, batch, chunk):
    """(dRe/dx, dIm/dx, dRe/dy, dIm/dy), each (batch, m, n), of the dispatcher f at the
    complex points args[K] (complex scalars or 1-D arrays, a leading batch axis), m
    the size of f's output and n of a point: one real batch loop (module docstring);
    NotImplemented where the real batch loop does not apply."""
    X = np.asarray(args[K])
    if X.dtype not in (np.complex64, np.complex128) or X.ndim not in (1, 2) or batch == 0:
        return NotImplemented
    scalar = X.ndim == 1
    real = np.float32 if X.dtype == np.complex64 else np.float64
    V = np.concatenate([X.real.reshape(batch, -1), X.imag.reshape(batch, -1)],
                       axis=1).astype(real)
    wargs = list(args)
    wargs[K] = V
    spec = TransformSpec("jacobian", _wrapped(f, K, len(args), scalar), K, chunk)
    J = compiled_vmap(spec, wargs, mapped, batch)
    if J is NotImplemented:
        return NotImplemented
    n = 1 if scalar else X.shape[1]
    m = J.shape[1] // 2
    return J[:, :m, :n], J[:, m:, :n], J[:, :m, n:], J[:, m:, n:]
