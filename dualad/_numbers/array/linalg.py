"""Linear algebra on DualArray: products (``@``, dot, tensordot, einsum) and np.linalg.

Products follow the product rule with the N partials handled as one more
matrix dimension (a reshape, never a Python loop over N): for ``A @ B`` the
partials are ``dA @ B + A @ dB``, computed as a single ``matmul`` each.

Matrix functions use their exact rules, with solves rather than inverses:

* ``solve``: x = A^-1 b, dx = A^-1 (db - dA x)
* ``inv``:   d(A^-1) = -A^-1 dA A^-1
* ``det``:   d det A = det A * tr(A^-1 dA)   (the adjugate when A is singular)
* ``slogdet``: d log|det A| = tr(A^-1 dA)
* ``norm``:  d|x| = <x, dx> / |x| for the 2-norm and Frobenius norm; at x = 0
  the derivative is taken as 0 (the centre of the subdifferential, as for abs).
"""
import string

import numpy as np

from .arguments import _as_dual, _reject, normalize_axes, normalize_axis
from .core import (DualArray, _col, _lead_of, _new, _operand, _operands, _split,
                   is_complex_array, method)
from .reductions import max_, min_, sum_
from .manipulation import einsum_sublist
from .registry import implements, no_rule


# ------------------------------------------------------------- products ---

def _split_matmul(a, b):
    """a @ b for one real and one complex operand, as two real products (NumPy would
    cast the real one and run the complex product: twice the flops)."""
    if b.dtype.kind == "c":
        return np.matmul(a, b.real) + 1j * np.matmul(a, b.imag)
    return np.matmul(a.real, b) + 1j * np.matmul(a.imag, b)


def _mm_left(pa, b, result_shape, mm=np.matmul):
    """The partials of A @ b from those of A: dA_k @ b for each k, on a trailing axis."""
    n = pa.shape[-1]
    if pa.ndim == 2:  # A is a vector (k,): (N, k) @ b is a stack of N rows
        r = mm(np.swapaxes(pa, 0, 1), b)
        return np.moveaxis(r, -2, -1) if np.ndim(b) > 1 else r
    sa = pa.shape[:-1]
    rows, k = sa[-2], sa[-1]
    t = np.swapaxes(pa, -1, -2).reshape(sa[:-2] + (rows * n, k))
    r = mm(t, b)
    if np.ndim(b) == 1:
        return r.reshape(result_shape + (n,))
    m = r.shape[-1]
    return np.swapaxes(r.reshape(r.shape[:-2] + (rows, n, m)), -1, -2)


def _mm_right(a, pb, result_shape, mm=np.matmul):
    """The partials of a @ B from those of B: a @ dB_k for each k, on a trailing axis."""
    n = pb.shape[-1]
    if pb.ndim == 2:  # B is a vector (k,): a @ (k, N) stacks the N products
        return mm(a, pb)
    sb = pb.shape[:-1]
    r = mm(a, pb.reshape(sb[:-1] + (sb[-1] * n,)))
    return r.reshape(result_shape + (n,))


def matmul(a, b):
    """a @ b with the product rule (operands already converted by ``_operand``)."""
    top = _lead_of((a, b))
    av, pa = _split(top, a)
    bv, pb = _split(top, b)
    mm = np.matmul
    if type(av) is np.ndarray and type(bv) is np.ndarray and av.dtype.kind != bv.dtype.kind \
            and "c" in (av.dtype.kind, bv.dtype.kind):
        mm = _split_matmul  # (the partials share their values' dtypes)
    v = mm(av, bv)
    shape = v.shape
    p = None
    if pa is not None:
        p = _mm_left(pa, bv, shape, mm)
    if pb is not None:
        q = _mm_right(av, pb, shape, mm)
        p = q if p is None else p + q
    return _new(v, p, top.tag)


@method
def __matmul__(self, other):
    other = _operand(other)
    if other is None:
        return NotImplemented
    return matmul(self, other)


@method
def __rmatmul__(self, other):
    other = _operand(other)
    if other is None:
        return NotImplemented
    return matmul(other, self)


@implements(np.dot)
def dot(a, b, out=None):
    if out is not None:
        raise TypeError("dualad: numpy.dot with a positional out is not supported")
    a, b = _operands("dot", (a, b))
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return np.multiply(a, b)
    if na >= 2 and nb >= 3:
        return tensordot(a, b, axes=([na - 1], [nb - 2]))
    return matmul(a, b)


@implements(np.vdot)
def vdot(a, b):
    """sum(conj(a) * b) over the flattened arrays (NumPy conjugates the first)."""
    a, b = _operands("vdot", (a, b))
    return matmul(np.conjugate(np.ravel(a)), np.ravel(b))


@implements(np.inner)
def inner(a, b):
    a, b = _operands("inner", (a, b))
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return np.multiply(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


@implements(np.outer)
def outer(a, b, out=None):
    if out is not None:
        raise TypeError("dualad: numpy.outer with a positional out is not supported")
    a, b = _operands("outer", (a, b))
    return np.multiply(np.ravel(a)[:, None], np.ravel(b)[None, :])


def _tensordot_axes(axes, na, nb):
    try:
        axes_a, axes_b = axes
    except TypeError:
        k = int(axes)
        return list(range(na - k, na)), list(range(k))
    axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
    axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    return ([normalize_axis(i, na) for i in axes_a], [normalize_axis(i, nb) for i in axes_b])


@implements(np.tensordot)
def tensordot(a, b, axes=2):
    a, b = _operands("tensordot", (a, b))
    na, nb = np.ndim(a), np.ndim(b)
    axes_a, axes_b = _tensordot_axes(axes, na, nb)
    top = _lead_of((a, b))
    av, pa = _split(top, a)
    bv, pb = _split(top, b)
    v = np.tensordot(av, bv, axes=(axes_a, axes_b))
    p = None
    if pa is not None:
        # tensordot puts the free axes of pa (its partials axis last) first.
        t = np.tensordot(pa, bv, axes=(axes_a, axes_b))
        p = np.moveaxis(t, na - len(axes_a), -1)
    if pb is not None:
        t = np.tensordot(av, pb, axes=(axes_a, axes_b))
        p = t if p is None else p + t
    return _new(v, p, top.tag)


def _implicit_output(inputs):
    letters = [c for c in inputs if c.isalpha()]
    once = sorted(c for c in set(letters) if letters.count(c) == 1)
    return ("..." if "..." in inputs else "") + "".join(once)


@implements(np.einsum)
def einsum(*operands, out=None, optimize=False, **kwargs):
    """einsum by the product rule: one einsum per dual operand, the partials index appended."""
    _reject("einsum", out=out)
    if not operands:
        raise TypeError("einsum(): needs its subscripts and operands")
    if not isinstance(operands[0], str):
        operands = einsum_sublist(operands)
    subs = operands[0].replace(" ", "")
    ops = _operands("einsum", operands[1:])
    if "->" in subs:
        ins, outs = subs.split("->")
    else:
        ins, outs = subs, _implicit_output(subs)
    terms = ins.split(",")
    if len(terms) != len(ops):
        raise ValueError("einsum: more operands than subscripts" if len(ops) > len(terms)
                         else "einsum: fewer operands than subscripts")
    top = _lead_of(ops)
    spare = next(c for c in string.ascii_letters if c not in subs)
    split = [_split(top, o) for o in ops]
    vals = [s[0] for s in split]
    v = np.einsum(f"{ins}->{outs}", *vals, optimize=optimize, **kwargs)
    p = None
    for i, (_, pi) in enumerate(split):
        if pi is None:
            continue
        sub = terms[:i] + [terms[i] + spare] + terms[i + 1:]
        t = np.einsum(",".join(sub) + "->" + outs + spare, *vals[:i], pi, *vals[i + 1:],
                      optimize=optimize, **kwargs)
        p = t if p is None else p + t
    return _new(v, p, top.tag)


# ---------------------------------------------------------------- linalg ---

def _as_matrix_dual(a, name):
    a = _as_dual(a, f"linalg.{name}")
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
    return a


def _solve_partials(av, p):
    """A^-1 P_k for every partial k of p (shape batch + (rows, cols, N)), in one solve.

    The N partials stand side by side as N * cols right-hand sides; the batch
    shape of the result is that of A and p broadcast together, as in NumPy.
    """
    shape = p.shape
    y = np.linalg.solve(av, p.reshape(shape[:-2] + (shape[-2] * shape[-1],)))
    return y.reshape(y.shape[:-1] + shape[-2:])


def _solve_matrix_partials(av, x, pa, pb):
    """dx = A^-1 (db - dA x) for x = A^-1 b with b a stack of matrices."""
    rhs = pb
    if pa is not None:
        t = _mm_left(pa, x, x.shape)
        rhs = -t if rhs is None else rhs - t
    return _solve_partials(av, rhs)


@implements(np.linalg.solve)
def solve(a, b):
    a, b = _operands("numpy.linalg.solve", (a, b))
    if np.ndim(b) == 1:  # a vector right-hand side (NumPy >= 2 semantics)
        r = solve(a, np.reshape(b, (-1, 1)))
        return r[..., 0]
    top = _lead_of((a, b))
    av, pa = _split(top, a)
    bv, pb = _split(top, b)
    x = np.linalg.solve(av, bv)
    return _new(x, _solve_matrix_partials(av, x, pa, pb), top.tag)


@implements(np.linalg.inv)
def inv(a):
    a = _as_matrix_dual(a, "inv")
    ai = np.linalg.inv(a.values)
    t = _mm_right(ai, a.partials, ai.shape)   # A^-1 dA
    return _new(ai, -_mm_left(t, ai, ai.shape), a.tag)


def _trace_solve(av, pa):
    """tr(A^-1 dA_k) for each partial k: shape batch + (N,)."""
    return np.trace(_solve_partials(av, pa), axis1=-3, axis2=-2)


def _adjugate(av):
    """adj(A) of plain matrices from the SVD (valid for singular A)."""
    u, s, vh = np.linalg.svd(av)
    m = s.shape[-1]
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(m)], -1)
    scale = np.linalg.det(u) * np.linalg.det(vh)  # A = U S Vh: adj(A) = det(U Vh) V adj(S) U^H
    adj = np.swapaxes(vh, -1, -2).conj() @ (others[..., :, None] * np.swapaxes(u, -1, -2).conj())
    return adj * scale[..., None, None]


@implements(np.linalg.det)
def det(a):
    a = _as_matrix_dual(a, "det")
    av, pa = a.values, a.partials
    d = np.linalg.det(av)
    try:
        dp = _trace_solve(av, pa) * _col(d)
    except np.linalg.LinAlgError:
        if type(av) is not np.ndarray:
            raise
        # Singular A: d det = tr(adj(A) dA), adj(A) from the SVD.
        dp = np.einsum("...ji,...ijk->...k", _adjugate(av), pa)
    return _new(d, dp, a.tag)


@implements(np.linalg.slogdet)
def slogdet(a):
    """d log|det A| = Re tr(A^-1 dA); the sign of a real A is a step (no derivative), that
    of a complex A is det/|det|, d sign = sign * 1j Im tr(A^-1 dA)."""
    a = _as_matrix_dual(a, "slogdet")
    res = np.linalg.slogdet(a.values)
    sign, logdet = res
    t = _trace_solve(a.values, a.partials)
    if not is_complex_array(a.values):
        return type(res)(sign, _new(logdet, t, a.tag))
    return type(res)(_new(sign, _col(sign) * (1j * t.imag), a.tag), _new(logdet, t.real, a.tag))


def _two_norm(x, axes, keepdims):
    """sqrt(sum |x|^2) over axes: values as NumPy computes them, d|x| = Re<x, dx> / |x|."""
    v, p = x.values, x.partials
    nv = np.linalg.norm(v, axis=None if len(axes) == x.ndim else axes, keepdims=True)
    safe = np.where(nv == 0, 1.0, nv)
    if is_complex_array(v):
        dp = np.sum((np.conjugate(v)[..., None] * p).real, axis=axes, keepdims=True)
        dp = dp / safe[..., None]
    else:
        dp = np.sum(v[..., None] * p, axis=axes, keepdims=True) / safe[..., None]
    r = _new(nv, dp, x.tag)
    return r if keepdims else np.squeeze(r, axes)


@implements(np.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector p-norms and the Frobenius, 1, -1, inf, -inf matrix norms.

    The matrix 2-norm, -2 norm and nuclear norm go through the SVD's rule
    (distinct singular values).
    """
    x = _operand(x)
    if not isinstance(x, DualArray):
        return np.linalg.norm(x, ord, axis, keepdims)
    nd = x.ndim
    if axis is None:
        if ord is None or (ord in ("fro", "f") and nd == 2) or (ord == 2 and nd == 1):
            return _two_norm(x, tuple(range(nd)), keepdims)
        if nd == 1:
            axis = 0
        elif nd == 2:
            axis = (0, 1)
        else:
            raise ValueError("Improper number of dimensions to norm.")
    axes = normalize_axes(axis, nd)
    if len(axes) == 1:
        if ord is None or ord == 2:
            return _two_norm(x, axes, keepdims)
        a = abs(x)
        if ord == np.inf:
            return max_(a, axis=axes[0], keepdims=keepdims)
        if ord == -np.inf:
            return min_(a, axis=axes[0], keepdims=keepdims)
        if ord == 0:
            return np.sum(x.values != 0, axis=axes, keepdims=keepdims).astype(x.dtype)
        if ord == 1:
            return sum_(a, axis=axes, keepdims=keepdims)
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        return sum_(a ** ord, axis=axes, keepdims=keepdims) ** (1.0 / ord)
    if len(axes) != 2:
        raise ValueError("Improper number of dimensions to norm.")
    if ord is None or ord in ("fro", "f"):
        return _two_norm(x, axes, keepdims)
    r_ax, c_ax = axes
    a = abs(x)
    if ord in (1, -1):
        s = sum_(a, axis=r_ax, keepdims=True)
        pick = max_ if ord == 1 else min_
        r = pick(s, axis=c_ax, keepdims=True)
    elif ord in (np.inf, -np.inf):
        s = sum_(a, axis=c_ax, keepdims=True)
        pick = max_ if ord == np.inf else min_
        r = pick(s, axis=r_ax, keepdims=True)
    elif ord in (2, -2, "nuc"):
        x = np.moveaxis(x, axes, (-2, -1))
        s = np.linalg.svd(x, compute_uv=False)  # decompositions' rule
        r = (max_(s, axis=-1) if ord == 2 else min_(s, axis=-1) if ord == -2
             else sum_(s, axis=-1))
        if keepdims:
            r = np.expand_dims(r, axes)
        return r
    else:
        raise ValueError(f"Invalid norm order {ord!r} for matrices")
    return r if keepdims else np.squeeze(r, axes)
