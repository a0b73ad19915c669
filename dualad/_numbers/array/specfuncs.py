"""scipy.special's Python wrappers on duals: ``logsumexp`` (``softmax``, ``log_softmax``),
``spherical_jn`` & co., ``multigammaln``.

These SciPy functions are Python code that converts its inputs with
``np.asarray`` before any ufunc runs, so no NumPy dispatch reaches a dual.
They are dualad's functions of the same names and signatures, public as
``dualad.scipy.special``; on plain inputs they call SciPy. Each is built from
rules of the table, so it works on scalar duals, DualArrays and nested duals
(every order):

* ``logsumexp(a, axis, b, keepdims, return_sign)``: ``m + log(sum(b exp(a - m)))``
  with the shift ``m`` the largest value of ``a`` (where ``b != 0``) taken as a
  constant. The identity holds for every constant m, so the derivative is exact:
  the softmax weights ``b exp(a - m) / sum(...)``, each at most 1 (no overflow
  at a = 1e3, where ``exp(a)`` is inf). ``softmax`` and ``log_softmax`` are written
  with it.
* ``spherical_jn/yn/in/kn(n, z, derivative=False)``: the ufuncs SciPy's wrappers
  call (``scipy.special._ufuncs._spherical_jn``, ``..._d`` for derivative=True),
  whose rules (``dualad._rules.scipy_ladders._spherical``) differentiate in z; the
  integer order n is a constant.
* ``multigammaln(a, d)``: ``d(d-1)/4 log(pi) + sum_j gammaln(a - j/2)``, j < d,
  by the ``lgamma`` rule.
"""
import math

import numpy as np

from ..._core.base import DualNumber
from ..._rules import elementary as E
from ..._rules.scipy_spherical import SPHERICAL_REFLECTION
from .core import DualArray, _operand, _primal


def _sp():
    import scipy.special
    return scipy.special


def _dual(x):
    return isinstance(x, DualNumber)


def _as_array(x, name, arg):
    """x as a DualArray or a float array (a scalar dual becomes 0-d)."""
    o = _operand(x)
    if o is None:
        raise TypeError(f"dualad.scipy.special.{name}: argument {arg!r} must be real numbers "
                        f"or duals, got {type(x).__name__}")
    return o if isinstance(o, DualArray) else np.asarray(o, dtype=float)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """scipy.special.logsumexp, differentiable in a and b.

    >>> import numpy as np, dualad as da, dualad.scipy.special as dss
    >>> da.grad(dss.logsumexp)(np.array([1000.0, 1000.0]))  # softmax weights, no overflow
    array([0.5, 0.5])
    """
    if not (_dual(a) or _dual(b) or _holds_dual(a) or _holds_dual(b)):
        return _sp().logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)
    scalars_only = not any(isinstance(v, DualArray) for v in (a, b))
    a = _as_array(a, "logsumexp", "a")
    if np.ndim(a) == 0:
        a = a[None]  # SciPy: at least 1-d
    if b is not None:
        b = _as_array(b, "logsumexp", "b")
        if np.ndim(b) == 0:
            b = b[None]
        shape = np.broadcast_shapes(np.shape(a), np.shape(b))
        a, b = np.broadcast_to(a, shape), np.broadcast_to(b, shape)
    av = np.asarray(_primal(a))
    if av.dtype.kind != "f":
        av = av.astype(np.float64)
    if b is not None:
        av = np.where(np.asarray(_primal(b)) != 0, av, -np.inf)
    if av.size == 0:  # empty sums: -inf, with derivative 0 (not log(0)'s 0/0)
        m = np.full(np.shape(np.sum(av, axis=axis, keepdims=True)), -np.inf, av.dtype)
        out = np.sum(a * 0.0, axis=axis, keepdims=True) + m
        if not keepdims:
            out = np.squeeze(out, axis=tuple(range(np.ndim(out))) if axis is None else axis)
        if not return_sign:
            return out
        return out, _sp().logsumexp(av, axis=axis, keepdims=keepdims, return_sign=True)[1]
    else:
        m = np.max(av, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)  # all -inf (or an inf): the plain formula
    m = m.astype(av.dtype)
    e = np.exp(a - m)
    if b is not None:
        e = b * e
    s = np.sum(e, axis=axis, keepdims=True)
    sign = None
    if return_sign:
        sign = np.sign(np.asarray(_primal(s)))
        s = s * np.where(sign == 0, 1.0, sign).astype(m.dtype)  # |s|, its derivative sign(s) ds
    out = np.log(s) + m
    if not keepdims:
        axes = tuple(range(np.ndim(out))) if axis is None else axis
        out = np.squeeze(out, axis=axes)
        sign = None if sign is None else np.squeeze(sign, axis=axes)
        if np.ndim(out) == 0 and scalars_only:  # as np.sum of scalar duals: a scalar
            out, sign = out[()], (None if sign is None else sign[()])
    return (out, sign) if return_sign else out


def softmax(x, axis=None):
    """scipy.special.softmax, differentiable: ``exp(x - logsumexp(x, axis, keepdims=True))``.

    >>> import numpy as np, dualad as da, dualad.scipy.special as dss
    >>> J = da.jacobian(dss.softmax)(np.array([0.0, 1000.0]))  # p_i (delta_ij - p_j)
    >>> bool(np.all(np.isfinite(J)))
    True
    """
    if not (_dual(x) or _holds_dual(x)):
        return _sp().softmax(x, axis=axis)
    return np.exp(log_softmax(x, axis=axis))


def log_softmax(x, axis=None):
    """scipy.special.log_softmax, differentiable: ``x - logsumexp(x, axis, keepdims=True)``."""
    if not (_dual(x) or _holds_dual(x)):
        return _sp().log_softmax(x, axis=axis)
    x = _as_array(x, "log_softmax", "x")
    return x - logsumexp(x, axis=axis, keepdims=True)


def _holds_dual(x):
    if isinstance(x, (list, tuple)):
        return any(_dual(i) or _holds_dual(i) for i in x)
    return isinstance(x, np.ndarray) and x.dtype.kind == "O" and any(
        _dual(i) for i in x.ravel().tolist())


def _spherical(name, n, z, derivative):
    if _dual(n):
        raise TypeError(f"dualad.scipy.special.{name}: the order n is an integer constant; "
                        "dualad differentiates in z only")
    n = np.asarray(n, dtype=np.dtype("long"))
    if not (_dual(z) or _holds_dual(z)):
        return getattr(_sp(), name)(n, z, derivative)
    u = getattr(_sp()._ufuncs, f"_{name}_d" if derivative else f"_{name}")
    n = n[()] if n.ndim == 0 else n
    if _holds_dual(z):
        z = _operand(z)
    z0 = np.asarray(_primal(z))
    negative = z0 < 0
    if not np.any(negative):
        return u(n, z)
    if name not in SPHERICAL_REFLECTION:
        raise ValueError(f"dualad.scipy.special.{name}: z < 0 is not supported on duals "
                         "(SciPy evaluates it in complex arithmetic)")
    # DLMF 10.47(v), as SciPy's wrapper: f_n(-z) = (+-1)^n f_n(z); s z = |z|, and the
    # chain rule of s z gives the derivative=True sign
    even = SPHERICAL_REFLECTION[name]
    s = np.where(negative, -1.0, 1.0).astype(z0.dtype)
    c = np.where(negative & (n % 2 == 1), -even, even)
    c = (np.where(negative, c, 1.0) * (s if derivative else 1.0)).astype(z0.dtype)
    if np.ndim(z) == 0 and not isinstance(z, DualArray):  # a scalar dual stays scalar
        s, c = float(s), float(c)
    return u(n, z * s) * c


def spherical_jn(n, z, derivative=False):
    """scipy.special.spherical_jn, differentiable in z (n an integer constant).

    >>> import dualad as da, dualad.scipy.special as dss, scipy.special as sc
    >>> d = da.derivative(lambda z: dss.spherical_jn(1, z))(2.0)
    >>> bool(abs(d - sc.spherical_jn(1, 2.0, derivative=True)) < 1e-15)
    True
    """
    return _spherical("spherical_jn", n, z, derivative)


def spherical_yn(n, z, derivative=False):
    """scipy.special.spherical_yn, differentiable in z (n an integer constant)."""
    return _spherical("spherical_yn", n, z, derivative)


def spherical_in(n, z, derivative=False):
    """scipy.special.spherical_in, differentiable in z (n an integer constant)."""
    return _spherical("spherical_in", n, z, derivative)


def spherical_kn(n, z, derivative=False):
    """scipy.special.spherical_kn, differentiable in z (n an integer constant)."""
    return _spherical("spherical_kn", n, z, derivative)


def multigammaln(a, d):
    """scipy.special.multigammaln, differentiable in a (d a positive integer).

    >>> import dualad as da, dualad.scipy.special as dss, scipy.special as sc
    >>> g = da.derivative(lambda a: dss.multigammaln(a, 2))(3.3)
    >>> bool(abs(g - (sc.digamma(3.3) + sc.digamma(2.8))) < 1e-14)
    True
    """
    if _dual(d):
        raise TypeError("dualad.scipy.special.multigammaln: the dimension d is an integer "
                        "constant; dualad differentiates in a only")
    if not (_dual(a) or _holds_dual(a)):
        return _sp().multigammaln(a, d)
    d = np.asarray(d)[()]
    if not np.isscalar(d) or (np.floor(d) != d) or d < 1:
        raise ValueError("d should be a positive integer (dimension)")
    d = int(d)
    a = _operand(a) if _holds_dual(a) else a
    av = np.asarray(_primal(a))
    if np.any(av <= 0.5 * (d - 1)):
        raise ValueError(f"condition a ({av}) > 0.5 * (d-1) ({0.5 * (d - 1)}) not met")
    res = (d * (d - 1) * 0.25) * math.log(math.pi)  # a Python float: float32 stays
    for j in range(d):
        res = res + E.lgamma(a - 0.5 * j)
    return res


__all__ = ["logsumexp", "softmax", "log_softmax", "spherical_jn", "spherical_yn",
           "spherical_in", "spherical_kn", "multigammaln"]
