"""scipy.linalg's matrix functions and triangular solves on DualArray.

SciPy's linalg functions convert their inputs with ``np.asarray`` (no NumPy
dispatch reaches a DualArray), so these are dualad's functions of the same
names and signatures, public as ``dualad.scipy.linalg``. On plain arrays
they call SciPy. Each derivative is exact:

* ``expm``: the Fréchet derivative ``L(A, dA)`` is the upper-right block of
  ``expm([[A, dA], [0, A]])`` (Higham, *Functions of Matrices*, 3.2), one
  batched expm for all N directions; nested duals (second derivatives)
  go through the same function.
* ``sqrtm`` (principal root): ``X dX + dX X = dA``, a Sylvester
  equation solved as the n**2 x n**2 system ``(X (x) I + I (x) X^T) vec dX = vec dA``
  by ``np.linalg.solve`` (its DualArray rule when nested); complex for a complex
  A or a real one with a negative eigenvalue (complex duals, as SciPy's result).
* ``solve_triangular``, ``cho_factor``/``cho_solve``, ``lu_factor``/``lu_solve``:
  linear solves with the triangle(s) as matrices, by ``np.linalg.solve``'s
  rule ``dx = A^-1 (db - dA x)``; ``cho_factor`` returns the factor with a
  zero other triangle; ``lu_factor``'s derivative: with P A = L U and
  C = L^-1 P dA U^-1, ``dL = L tril(C, -1)``, ``dU = triu(C) U``.
"""
import numpy as np

from .core import DualArray, _operand
from .decompositions import _H, _dirs, _dual, _T


def _sl():
    import scipy.linalg
    return scipy.linalg


def _is_dual(*xs):
    return any(isinstance(_operand(x), DualArray) for x in xs)


def _square(a, name):
    a = _operand(a)
    if np.ndim(a) < 2 or np.shape(a)[-1] != np.shape(a)[-2]:
        raise ValueError(f"dualad.scipy.linalg.{name}: expected a square matrix, got shape "
                         f"{np.shape(a)}")
    return a


def expm(A):
    """scipy.linalg.expm, differentiable (batches of matrices too)."""
    if not _is_dual(A):
        return _sl().expm(A)
    a = _square(A, "expm")
    n = a.shape[-1]
    v, d = a.values, _dirs(a)          # d: (N,) + a.shape
    e = expm(v)
    z = d * 0.0
    vb = v + z                          # v broadcast to the N directions
    big = np.concatenate([np.concatenate([vb, d], axis=-1),
                          np.concatenate([z, vb], axis=-1)], axis=-2)
    frechet = expm(big)[..., :n, n:]
    return _dual(e, frechet, a.tag)


def sqrtm(A):
    """scipy.linalg.sqrtm (real principal square root), differentiable."""
    if not _is_dual(A):
        return _sl().sqrtm(A)
    a = _square(A, "sqrtm")
    if a.ndim != 2:
        raise TypeError("dualad.scipy.linalg.sqrtm: a single matrix (2-D) is supported; "
                        "map over a batch with a loop or da.vmap")
    x = sqrtm(a.values)  # complex for a complex A, or a real one with a negative eigenvalue
    n = a.shape[-1]
    eye = np.eye(n, dtype=a.dtype)
    k = np.kron(x, eye) + np.kron(eye, _T(x))
    d = _dirs(a)                        # (N, n, n)
    rhs = np.reshape(d, (d.shape[0], n * n))
    dx = np.reshape(_T(np.linalg.solve(k, _T(rhs))), d.shape)
    return _dual(x, dx, a.tag)


def _triangle(a, lower, unit_diagonal=False):
    t = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        n = np.shape(a)[-1]
        eye = np.eye(n, dtype=bool)
        t = np.where(eye, 1.0, t)
    return t


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """scipy.linalg.solve_triangular, differentiable in a and b (only the triangle is read)."""
    if not _is_dual(a, b):
        return _sl().solve_triangular(a, b, trans=trans, lower=lower,
                                      unit_diagonal=unit_diagonal, check_finite=check_finite)
    if trans not in (0, 1, 2, "N", "T", "C"):
        raise ValueError(f"dualad.scipy.linalg.solve_triangular: invalid trans {trans!r}")
    t = _triangle(_square(a, "solve_triangular"), lower, unit_diagonal)
    if trans in (1, "T"):
        t = _T(t)
    elif trans in (2, "C"):
        t = _H(t)
    return np.linalg.solve(t, _operand(b))


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """scipy.linalg.cho_factor, differentiable; the other triangle is zero (SciPy leaves
    it unspecified)."""
    if not _is_dual(a):
        return _sl().cho_factor(a, lower=lower, check_finite=check_finite)
    low = np.linalg.cholesky(_square(a, "cho_factor"))
    return (low if lower else _H(low)), lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """scipy.linalg.cho_solve: A x = b from A's Cholesky factor, differentiable."""
    c, lower = c_and_lower
    if not _is_dual(c, b):
        return _sl().cho_solve((c, lower), b, check_finite=check_finite)
    t = _triangle(_square(c, "cho_solve"), lower)
    first, second = (t, _H(t)) if lower else (_H(t), t)  # A = L L^H or U^H U
    return np.linalg.solve(second, np.linalg.solve(first, _operand(b)))


def _permutation(piv):
    """LAPACK's row interchanges (row i swapped with piv[i], in order) as a permutation."""
    perm = np.arange(len(piv))
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    return perm


def lu_factor(a, overwrite_a=False, check_finite=True):
    """scipy.linalg.lu_factor, differentiable: (lu, piv) as SciPy returns them."""
    if not _is_dual(a):
        return _sl().lu_factor(a, check_finite=check_finite)
    a = _square(a, "lu_factor")
    if a.ndim != 2:
        raise TypeError("dualad.scipy.linalg.lu_factor: a single matrix (2-D) is supported")
    lu, piv = lu_factor(a.values)
    n = a.shape[-1]
    eye = np.eye(n, dtype=a.dtype)
    low = np.tril(lu, -1) + eye
    up = np.triu(lu)
    d = _dirs(a)[:, _permutation(piv), :]           # P dA
    c = np.linalg.solve(low, d)                      # L^-1 P dA
    c = _T(np.linalg.solve(_T(up), _T(c)))           # ... U^-1
    dl = low @ np.tril(c, -1)
    du = np.triu(c) @ up
    return _dual(lu, np.tril(dl, -1) + du, a.tag), piv


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """scipy.linalg.lu_solve, differentiable in the factors and b."""
    lu, piv = lu_and_piv
    if not _is_dual(lu, b):
        return _sl().lu_solve((lu, piv), b, trans=trans, check_finite=check_finite)
    lu = _square(lu, "lu_solve")
    n = np.shape(lu)[-1]
    low = np.tril(lu, -1) + np.eye(n, dtype=lu.dtype)
    up = np.triu(lu)
    perm = _permutation(piv)
    b = _operand(b)
    if trans in (0, "N"):
        return np.linalg.solve(up, np.linalg.solve(low, b[perm]))
    if trans in (1, 2, "T", "C"):  # A^T x = b: A^T = U^T L^T P (A^H: conjugated)
        tr = _T if trans in (1, "T") else _H
        y = np.linalg.solve(tr(low), np.linalg.solve(tr(up), b))
        inv = np.empty_like(perm)
        inv[perm] = np.arange(n)
        return y[inv]
    raise ValueError(f"dualad.scipy.linalg.lu_solve: invalid trans {trans!r}")


__all__ = ["expm", "sqrtm", "solve_triangular", "cho_factor", "cho_solve", "lu_factor",
           "lu_solve"]
