"""Matrix decompositions of DualArray: eigh, eig, svd, cholesky, qr, pinv, lstsq, matrix_power.

Forward-mode rules from the standard perturbation formulas. Each handler
decomposes the values (``np.linalg.<f>(a.values)``: a DualArray again when
nested, so the same code gives second derivatives) and pushes every
direction's partials ``dA`` (the trailing axis moved to the front, so the
directions broadcast as a stack of matrices) through the formula:

* ``eigh``: ``dw_i = q_i^H dA q_i``, ``dQ = Q (F * (Q^H dA Q))`` with
  ``F_ij = 1/(w_j - w_i)`` off the diagonal (for a complex Hermitian A each
  column's phase is LAPACK's choice: dQ is JAX's, with ``q_i^H dq_i = 0``).
  The eigenvalues must be distinct: at a degenerate eigenvalue the eigenvectors are not differentiable (F is
  infinite, the result nan) and the eigenvalue derivatives are those of
  LAPACK's arbitrary basis. Only the triangle NumPy reads (``UPLO``) is used.
* ``eig`` (real or complex matrices, distinct eigenvalues): ``dw = diag(V^-1 dA V)``,
  ``dV = V (F * (V^-1 dA V)) + V diag(c)``, c fixing NumPy's (LAPACK's)
  normalisation: unit 2-norm columns, and for complex eigenvectors the entry of
  largest modulus real (that entry held fixed), so the derivative is that of
  what ``np.linalg.eig`` returns. A degenerate eigenvalue gives nan
  eigenvector derivatives (as ``eigh``).
* ``svd`` (reduced, distinct nonzero singular values), Townsend's formulas:
  ``ds = diag(U^T dA V)``; U and V follow the sign convention of LAPACK at
  the point, and are differentiated with it held fixed. Of a complex matrix:
  ``ds = Re diag(U^H dA V)``, and the vectors in JAX's gauge (the phase of each
  pair u_i, v_i is LAPACK's choice: ``i Im(U^H dA V)_ii / s_i`` goes to dU).
* Complex matrices elsewhere: the same rules with conjugate transposes (``_H``):
  ``cholesky`` A = L L^H, ``qr`` with R's real diagonal (``Q^H dQ``'s diagonal
  is ``i Im(C_ii)``), ``pinv``, ``eigh`` (Hermitian).
* ``cholesky``: ``dL = L Phi(L^-1 dA L^-T)``, Phi = lower triangle, half diagonal.
* ``qr`` (reduced, m >= n, R invertible): with C = Q^T dA R^-1 and
  W = tril(C, -1) - tril(C, -1)^T, ``dR = (C - W) R`` and
  ``dQ = Q W + (dA - Q Q^T dA) R^-1``; LAPACK's signs held fixed.
* ``pinv`` (constant rank): Golub and Pereyra's formula; ``lstsq`` = pinv(a) @ b.
"""
from collections import namedtuple

import numpy as np

from ..._core.base import DualNumber
from .arguments import _as_dual
from .core import DualArray, _new, _operand, is_complex_array
from .registry import implements

EighResult = namedtuple("EighResult", "eigenvalues eigenvectors")
EigResult = namedtuple("EigResult", "eigenvalues eigenvectors")
SVDResult = namedtuple("SVDResult", "U S Vh")
QRResult = namedtuple("QRResult", "Q R")


def _dirs(a):
    """The partials of a as a stack of directions: shape (N,) + a.shape."""
    return np.moveaxis(a.partials, -1, 0)


def _dual(values, dirs, tag):
    return _new(values, np.moveaxis(dirs, 0, -1), tag)


def _T(m):
    return np.swapaxes(m, -1, -2)


def _H(m):
    """The conjugate transpose (the transpose of a real matrix)."""
    t = np.swapaxes(m, -1, -2)
    return np.conjugate(t) if is_complex_array(t) else t


def _innermost(x):
    while isinstance(x, DualNumber):
        x = x._primal()
    return x


def _gaps(w):
    """F_ij = 1/(w_j - w_i) off the diagonal, 0 on it."""
    n = np.shape(w)[-1]
    eye = np.eye(n, dtype=bool)
    d = w[..., None, :] - w[..., :, None]
    return np.where(eye, 0.0, 1.0 / (d + eye))


def _diag(m):
    return np.diagonal(m, axis1=-2, axis2=-1)


@implements(np.linalg.eigh)
def eigh(a, UPLO="L"):
    a = _as_dual(a, "linalg.eigh")
    w, q = np.linalg.eigh(a.values, UPLO)
    d = _dirs(a)
    tri = np.tril if UPLO.upper() == "L" else np.triu
    strict = tri(d, -1 if UPLO.upper() == "L" else 1)
    if is_complex_array(d):  # LAPACK reads the triangle and the real part of the diagonal
        d = strict + _H(strict) + _diag(d).real[..., None] * np.eye(d.shape[-1])
    else:
        d = tri(d) + _T(strict)  # the triangle NumPy reads
    p = _H(q) @ d @ q
    dw = _diag(p).real if is_complex_array(p) else _diag(p)
    return EighResult(_dual(w, dw, a.tag), _dual(q, q @ (_gaps(w) * p), a.tag))


@implements(np.linalg.eigvalsh)
def eigvalsh(a, UPLO="L"):
    return eigh(a, UPLO)[0]


@implements(np.linalg.eig)
def eig(a):
    a = _as_dual(a, "linalg.eig")
    w, v = np.linalg.eig(a.values)
    p = np.linalg.solve(v, _dirs(a) @ v)
    dv = v @ (_gaps(w) * p)
    if np.iscomplexobj(_innermost(v)):
        dv = dv + v * _eig_gauge(v, dv)[..., None, :]
    else:
        dv = dv - v * np.sum(v * dv, axis=-2)[..., None, :]  # columns keep unit norm
    return EigResult(_dual(w, _diag(p), a.tag), _dual(v, dv, a.tag))


def _eig_gauge(v, dv):
    """c_j such that dv_j + c_j v_j follows LAPACK's normalisation of the eigenvectors
    NumPy returns (unit 2-norm, the entry of largest modulus real), the entry that
    is largest at the point held fixed: Re(v_j^H dv_j) = 0 and Im(dv_kj) = 0."""
    n = np.shape(v)[-1]
    k = np.argmax(np.abs(_innermost(v)), axis=-2)           # batch + (n,)
    pick = np.arange(n)[:, None] == k[..., None, :]         # batch + (n, n): row k_j of column j
    vk = np.sum(v * pick, axis=-2)                           # real at the point
    alpha = -np.sum(np.conjugate(v) * dv, axis=-2).real
    beta = -np.sum(dv * pick, axis=-2).imag / vk.real
    return alpha + 1j * beta


@implements(np.linalg.eigvals)
def eigvals(a):
    return eig(a)[0]


@implements(np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    a = _as_dual(a, "linalg.svd")
    m, n = a.shape[-2:]
    if compute_uv and full_matrices and m != n:
        raise TypeError("dualad: numpy.linalg.svd of a non-square DualArray needs "
                        "full_matrices=False (the extra columns are not unique)")
    u, s, vh = np.linalg.svd(a.values, full_matrices=False)
    d = _dirs(a)
    cplx = is_complex_array(a.values)
    v = _H(vh)
    p = _H(u) @ d @ v
    ds = _diag(p).real if cplx else _diag(p)
    if not compute_uv:
        return _dual(s, ds, a.tag)
    f = _gaps(s * s)
    si, sj = s[..., :, None], s[..., None, :]
    du = f * (p * sj + si * _H(p))
    if cplx:  # the pair's common phase: JAX's gauge, i Im(P_ii) / s_i on U's side
        du = du + 1j * (_diag(p).imag / s)[..., None, :] * np.eye(s.shape[-1])
    du = u @ du
    dv = v @ (f * (si * p + _H(p) * sj))
    if m > n:
        du = du + (d @ v - u @ (_H(u) @ d @ v)) / sj
    if n > m:
        dv = dv + (_H(d) @ u - v @ (_H(v) @ _H(d) @ u)) / sj
    return SVDResult(_dual(u, du, a.tag), _dual(s, ds, a.tag), _dual(vh, _H(dv), a.tag))


@implements(getattr(np.linalg, "svdvals", None))
def svdvals(x):
    return svd(x, compute_uv=False)


@implements(np.linalg.cholesky)
def cholesky(a, *, upper=False):
    a = _as_dual(a, "linalg.cholesky")
    low = np.linalg.cholesky(a.values)
    li = np.linalg.inv(low)
    x = li @ _dirs(a) @ _H(li)    # A = L L^H (L^T for real A)
    n = a.shape[-1]
    dl = low @ (np.tril(x, -1) + 0.5 * x * np.eye(n, dtype=a.dtype))
    r = _dual(low, dl, a.tag)
    return _H(r) if upper else r


@implements(np.linalg.qr)
def qr(a, mode="reduced"):
    a = _as_dual(a, "linalg.qr")
    m, n = a.shape[-2:]
    if mode not in ("reduced", "complete", "r") or (mode == "complete" and m != n):
        raise TypeError(f"dualad: numpy.linalg.qr(mode={mode!r}) of a DualArray is not "
                        "supported; use mode='reduced' (the extra columns of a complete Q "
                        "are not unique) or mode='r'")
    if m < n:
        raise TypeError("dualad: numpy.linalg.qr of a wide DualArray (more columns than "
                        "rows) is not supported: its R is not invertible; factor the "
                        "transpose, or the leading square block")
    q, r = np.linalg.qr(a.values)
    d = _dirs(a)
    ri = np.linalg.inv(r)
    dri = d @ ri
    c = _H(q) @ dri
    low = np.tril(c, -1)
    w = low - _H(low)   # Q^H dQ: skew-Hermitian
    if is_complex_array(c):  # R's diagonal is real (LAPACK): Q^H dQ's is i Im(C_ii)
        w = w + 1j * _diag(c).imag[..., None] * np.eye(n)
    dr = (c - w) @ r
    if mode == "r":
        return _dual(r, dr, a.tag)
    dq = q @ w + dri - q @ (_H(q) @ dri)
    return QRResult(_dual(q, dq, a.tag), _dual(r, dr, a.tag))


@implements(np.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=None):
    a = _as_dual(a, "linalg.pinv")
    kw = {} if rcond is None else {"rcond": rcond}
    if rtol is not None:
        kw["rtol"] = rtol
    ap = np.linalg.pinv(a.values, **kw)
    d = _dirs(a)
    dt = _H(d)
    m, n = a.shape[-2:]
    im, in_ = np.eye(m, dtype=a.dtype), np.eye(n, dtype=a.dtype)
    apt = _H(ap)
    dp = (-(ap @ d @ ap) + ap @ apt @ dt @ (im - a.values @ ap)
          + (in_ - ap @ a.values) @ dt @ apt @ ap)
    return _dual(ap, dp, a.tag)


@implements(np.linalg.lstsq)
def lstsq(a, b, rcond=None):
    a, b = _operand(a), _operand(b)
    x = np.linalg.pinv(a) if rcond is None else np.linalg.pinv(a, rcond)
    x = x @ b
    m, n = np.shape(a)[-2:]
    sv = np.linalg.svd(a, compute_uv=False)  # the rule above when a is dual
    s0 = _innermost(sv)
    cut = rcond if rcond is not None else np.finfo(s0.dtype).eps * max(m, n)
    rank = int(np.sum(s0 > cut * s0.max())) if s0.size else 0
    r = a @ x - b
    r2 = (np.conjugate(r) * r).real if is_complex_array(r) else r * r   # |r|^2
    res = np.sum(r2, axis=0) if (rank == n and m > n) else np.zeros(0, np.result_type(s0))
    if np.ndim(b) == 1 and isinstance(res, DualArray):
        res = np.reshape(res, (1,))
    return x, res, rank, sv


@implements(np.linalg.matrix_power)
def matrix_power(a, n):
    if not isinstance(n, (int, np.integer)):
        raise TypeError("exponent must be an integer")
    a = _as_dual(a, "linalg.matrix_power")
    if n < 0:
        a, n = np.linalg.inv(a), -n
    result = None
    base = a
    while True:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if not n:
            break
        base = base @ base
    if result is None:
        m = a.shape[-1]
        return DualArray.from_any(np.broadcast_to(np.eye(m, dtype=a.dtype), a.shape).copy())
    return result
