"""Helpers of the DualArray tests: seeding, Jacobians and Hessians, finite differences.

The transforms (``da.jacobian`` & co.) are tested elsewhere; these helpers seed
``DualArray`` directly, so that the array type is tested on its own.
"""
import numpy as np

from dualad import DualArray
from dualad._core.base import next_tag


def seed(args, tag=None):
    """DualArrays of ``args`` seeded jointly: N = total size, identity partials.

    ``args`` may hold DualArrays (then the new, outer perturbation wraps them).
    """
    tag = next_tag() if tag is None else tag
    shapes = [np.shape(a) for a in args]
    sizes = [int(np.prod(s)) for s in shapes]
    n = sum(sizes)
    dtype = np.result_type(*(a.dtype for a in args))
    eye = np.eye(n, dtype=dtype)
    out, off = [], 0
    for a, s, k in zip(args, shapes, sizes):
        out.append(DualArray(a, eye[off:off + k].reshape(s + (n,)), tag))
        off += k
    return out


def _with(args, wrt, duals):
    full = list(args)
    for i, d in zip(wrt, duals):
        full[i] = d
    return full


def jacobian(f, args, wrt=(0,)):
    """(f(*args), its Jacobian w.r.t. args[wrt] jointly: shape out + (N,))."""
    duals = seed([args[i] for i in wrt])
    y = f(*_with(args, wrt, duals))
    if not isinstance(y, DualArray):  # f does not depend on these arguments
        return y, np.zeros(np.shape(y) + (duals[0].n,), np.asarray(y).dtype)
    return y.values, y.partials


def hessian(f, args, wrt=(0,)):
    """The Hessian of f w.r.t. args[wrt] jointly by nested seeding: out + (N, N)."""
    inner = seed([args[i] for i in wrt])
    outer = seed(inner)
    y = f(*_with(args, wrt, outer))
    n = inner[0].n
    if not isinstance(y, DualArray):
        return np.zeros(np.shape(y) + (n, n))
    grad = y.partials  # a DualArray of the inner perturbation, or constant (linear f)
    if isinstance(grad, DualArray):
        return grad.partials
    return np.zeros(grad.shape + (n,), grad.dtype)


def _flat(args, wrt):
    return np.concatenate([np.ravel(np.asarray(args[i], dtype=np.float64)) for i in wrt])


def _unflat(args, wrt, z):
    full = list(args)
    off = 0
    for i in wrt:
        a = np.asarray(args[i])
        full[i] = z[off:off + a.size].reshape(a.shape).astype(a.dtype)
        off += a.size
    return full


def fd_derivative(g, args, wrt=(0,), h=1e-6):
    """Central finite differences of the array function g: shape g(...).shape + (N,)."""
    z = _flat(args, wrt)
    cols = []
    for k in range(z.size):
        step = h * max(1.0, abs(z[k]))
        e = np.zeros_like(z)
        e[k] = step
        plus = np.asarray(g(*_unflat(args, wrt, z + e)), dtype=np.float64)
        minus = np.asarray(g(*_unflat(args, wrt, z - e)), dtype=np.float64)
        cols.append((plus - minus) / (2.0 * step))
    return np.stack(cols, axis=-1)


def assert_matches(got, want, rtol=1e-6, what=""):
    """Compare with a tolerance relative to the largest entry (FD noise is absolute)."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale, err_msg=what)
