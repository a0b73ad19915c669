"""Products and small linear algebra with arrays of duals inside nopython code.

``np.dot``, ``@`` / ``np.matmul`` (1-D and 2-D operands), ``np.vdot``,
``np.outer``, ``np.trace``, ``np.linalg.solve``, ``np.linalg.inv`` and
``np.linalg.det``, where one operand at least holds duals and the others may
be float arrays. Products are the plain sums of products (each a chain of
dual multiply-adds). ``solve``, ``inv`` and ``det`` run one LU factorisation
with partial pivoting chosen by value, written once for any element types: a
float matrix stays float through the elimination (only the right-hand side
carries duals), a dual matrix carries its derivatives through every step,
which is forward-mode differentiation of the factorisation itself.
An exactly singular matrix raises ``np.linalg.LinAlgError``, as NumPy does.
"""
import operator

import numpy as np
from numba.core import types
from numba.core.errors import TypingError
from numba.extending import overload

from .arrays import empty_array_of
from .elementwise import dual_array, element, flat, is_number, result_type
from .intrinsics import convert, innermost
from .registry import OVERLOAD, jitable
from .types import is_real


def _arrays(*ts):
    return (all(isinstance(t, types.Array) and (is_number(t.dtype) or is_real(t.dtype))
                for t in ts) and any(dual_array(t) for t in ts))


# ---------------------------------------------------------------- products ---

def _product_impl(a, b, what):
    T = result_type(a, b)
    tref = types.TypeRef(T)
    if a.ndim == 1 and b.ndim == 1:
        def impl(a, b):
            if a.shape[0] != b.shape[0]:
                raise ValueError("shapes not aligned")
            acc = convert(0.0, tref)
            for i in range(a.shape[0]):
                acc = acc + a[i] * b[i]
            return acc
    elif a.ndim == 2 and b.ndim == 1:
        def impl(a, b):
            m, n = a.shape
            if n != b.shape[0]:
                raise ValueError("shapes not aligned")
            out = empty_array_of(m, tref)
            for i in range(m):
                acc = convert(0.0, tref)
                for k in range(n):
                    acc = acc + a[i, k] * b[k]
                out[i] = acc
            return out
    elif a.ndim == 1 and b.ndim == 2:
        def impl(a, b):
            n, p = b.shape
            if n != a.shape[0]:
                raise ValueError("shapes not aligned")
            out = empty_array_of(p, tref)
            for j in range(p):
                acc = convert(0.0, tref)
                for k in range(n):
                    acc = acc + a[k] * b[k, j]
                out[j] = acc
            return out
    elif a.ndim == 2 and b.ndim == 2:
        def impl(a, b):
            m, n = a.shape
            if n != b.shape[0]:
                raise ValueError("shapes not aligned")
            p = b.shape[1]
            out = empty_array_of((m, p), tref)
            for i in range(m):
                for j in range(p):
                    acc = convert(0.0, tref)
                    for k in range(n):
                        acc = acc + a[i, k] * b[k, j]
                    out[i, j] = acc
            return out
    else:
        raise TypingError(f"dualad: {what} of arrays of duals is compiled for 1-D and 2-D "
                          f"operands; got {a.ndim}-D and {b.ndim}-D")
    return impl


def _product_typer(what):
    def typer(a, b):
        if _arrays(a, b):
            return _product_impl(a, b, what)
    return typer


overload(np.dot, strict=False, **OVERLOAD)(_product_typer("np.dot"))
overload(np.matmul, strict=False, **OVERLOAD)(_product_typer("np.matmul"))
overload(operator.matmul, **OVERLOAD)(_product_typer("a @ b"))


@overload(np.vdot, strict=False, **OVERLOAD)
def _vdot(a, b):
    if _arrays(a, b):
        def impl(a, b):
            return np.dot(flat(a), flat(b))
        return impl


@overload(np.outer, strict=False, **OVERLOAD)
def _outer(a, b):
    if _arrays(a, b):
        tref = types.TypeRef(result_type(a, b))

        def impl(a, b):
            af = a.ravel()
            bf = b.ravel()
            out = empty_array_of((af.size, bf.size), tref)
            for i in range(af.size):
                for j in range(bf.size):
                    out[i, j] = af[i] * bf[j]
            return out
        return impl


@overload(np.trace, strict=False, **OVERLOAD)
def _trace(a):
    if dual_array(a) and a.ndim == 2:
        tref = types.TypeRef(a.dtype)

        def impl(a):
            acc = convert(0.0, tref)
            for i in range(min(a.shape[0], a.shape[1])):
                acc = acc + a[i, i]
            return acc
        return impl


# ------------------------------------------------------------------- LU ---

def _lu_solve_impl(TA, T, rhs_ndim):
    """impl(a, b): the solution of a x = b (b 1-D or 2-D) by LU with partial pivoting."""
    aref = types.TypeRef(TA)
    tref = types.TypeRef(T)

    def impl(a, b):
        n = a.shape[0]
        if a.ndim != 2 or a.shape[1] != n:
            raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
        if b.shape[0] != n:
            raise ValueError("solve: incompatible dimensions")
        u = empty_array_of((n, n), aref)
        for i in range(n):
            for j in range(n):
                u[i, j] = convert(a[i, j], aref)
        m = 1 if rhs_ndim == 1 else b.shape[1]
        y = empty_array_of((n, m), tref)
        for i in range(n):
            for j in range(m):
                y[i, j] = convert(b[i] if rhs_ndim == 1 else b[i, j], tref)
        _factor_and_eliminate(u, y)
        return y[:, 0].copy() if rhs_ndim == 1 else y
    return impl


def _factor_and_eliminate(u, y, solving=True):
    """Gaussian elimination with partial pivoting (by value) on u, applied to y,
    then back substitution into y; returns the sign of the row permutation.

    An exactly singular u raises: in a solve, as NumPy does; in a determinant
    too (NumPy returns 0), since the derivative of det there is the adjugate,
    which the elimination cannot give: 0 would be a silently wrong derivative.
    """
    n = u.shape[0]
    m = y.shape[1]
    sign = 1.0
    for k in range(n):
        p = k
        best = abs(innermost(u[k, k]))
        for i in range(k + 1, n):
            v = abs(innermost(u[i, k]))
            if v > best:
                best, p = v, i
        if best == 0.0:
            if solving:
                raise np.linalg.LinAlgError("Matrix is singular.")
            raise np.linalg.LinAlgError(
                "dualad: det of an exactly singular matrix of duals: its derivative "
                "(the adjugate) is not computed by the LU elimination")
        if p != k:
            sign = -sign
            for j in range(n):
                u[k, j], u[p, j] = u[p, j], u[k, j]
            for j in range(m):
                y[k, j], y[p, j] = y[p, j], y[k, j]
        for i in range(k + 1, n):
            f = u[i, k] / u[k, k]
            for j in range(k + 1, n):
                u[i, j] = u[i, j] - f * u[k, j]
            for j in range(m):
                y[i, j] = y[i, j] - f * y[k, j]
    for k in range(n - 1, -1, -1):
        for j in range(m):
            s = y[k, j]
            for i in range(k + 1, n):
                s = s - u[k, i] * y[i, j]
            y[k, j] = s / u[k, k]
    return sign


jitable(_factor_and_eliminate)


@overload(np.linalg.solve, strict=False, **OVERLOAD)
def _solve(a, b):
    if _arrays(a, b) and a.ndim == 2 and b.ndim in (1, 2):
        return _lu_solve_impl(element(a), result_type(a, b), b.ndim)


@overload(np.linalg.inv, strict=False, **OVERLOAD)
def _inv(a):
    if dual_array(a) and a.ndim == 2:
        def impl(a):
            return np.linalg.solve(a, np.eye(a.shape[0]))
        return impl


@overload(np.linalg.det, strict=False, **OVERLOAD)
def _det(a):
    if dual_array(a) and a.ndim == 2:
        tref = types.TypeRef(a.dtype)

        def impl(a):
            n = a.shape[0]
            if a.shape[1] != n:
                raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
            u = a.copy()
            sign = _factor_and_eliminate(u, empty_array_of((n, 0), tref), False)
            d = convert(sign, tref)
            for i in range(n):
                d = d * u[i, i]
            return d
        return impl
