"""The Hessian of a scalar-valued f: ``da.hessian`` (dense; ``sparse`` has the
sparse one and the public function).

A dispatcher runs compiled (``_backends.point``; at complex inputs
``holomorphic``). A plain function with real inputs is forward over forward on
one triangle (``_triangle_hessian``: the lower one, mirrored, so the result is
symmetric to the bit), in passes of at most ``HESSIAN_LANES`` second-order
lanes; other inputs (pytrees, complex, duals of an enclosing transform) take the
Jacobian of the gradient, mirrored (``_symmetric``).
"""
import numpy as np

from .._core.spec import PYTHON_CHUNK, normalize_argnums
from .multivariate import Grad, Jacobian, _evaluate, _Inputs, _scalar_gradient, _Transform


class Hessian(_Transform):
    kind = "hessian"

    def __call__(self, *args):
        if self._compiled():
            res = self._run_compiled(args)
            if res is not NotImplemented:
                return res
        if self._complex_compiled(args):
            if not self.holomorphic:   # as the Python path and jax.hessian (jacfwd) refuse
                raise TypeError(
                    "hessian requires real-valued inputs, got a complex one (so does "
                    "jax.hessian). For holomorphic differentiation, pass holomorphic=True; "
                    "for a real-valued function of complex inputs write it over "
                    "(z.real, z.imag)")
            from .holomorphic import compiled_holomorphic_hessian
            return compiled_holomorphic_hessian(
                Grad(self.f, self.argnums, self.chunk, True), args)
        single, nums = normalize_argnums(self.argnums, len(args), self.kind)
        inputs = _Inputs(args, nums, self.kind)
        if not self.holomorphic and _plain_real(inputs):
            return _triangle_hessian(self.f, args, nums, self.chunk, inputs, single)
        inner = Grad(self.f, self.argnums, self.chunk, self.holomorphic)
        return _symmetric(Jacobian(inner, self.argnums, self.chunk, self.holomorphic)(*args))


HESSIAN_LANES = 1024
"""Most second-order partials (row directions x column directions) per pass of the
Python Hessian: one pass up to n = 32; beyond, memory stays bounded (a pairwise
intermediate of n^2 elements carries HESSIAN_LANES partials, not n^2)."""


def _plain_real(inputs):
    """True where every differentiated input is a real float array or scalar (no
    pytrees, no complex, no duals of an enclosing transform)."""
    return inputs.n > 0 and not inputs.complex_columns and \
        all(t is None for t in inputs.trees) and \
        all(type(v) in (float, np.ndarray) or isinstance(v, np.floating)
            for _, _, v, _ in inputs.leaves)


def _row_blocks(n, chunk):
    """The blocks ``(r0, r1)`` of the one-triangle Hessian: the gradient's components
    r0..n-1 are differentiated along the directions r0..r1-1 in one pass of at most
    HESSIAN_LANES lanes (``chunk``: at most that many directions at each level)."""
    blocks, r0 = [], 0
    while r0 < n:
        cols = min(n - r0, chunk or PYTHON_CHUNK)
        rows = max(1, min(HESSIAN_LANES // cols, n - r0, chunk or n))
        blocks.append((r0, r0 + rows))
        r0 += rows
    return blocks


def _triangle_hessian(f, args, nums, chunk, inputs, single):
    """The Hessian as forward over forward restricted to one triangle: per block of
    directions r0..r1-1 (outer duals), the gradient's components r0..n-1 (inner
    duals), so d/dx_j (df/dx_i) for i >= j; the upper triangle is its mirror, and
    the result symmetric to the bit. Half the lanes of the full nested pass at
    large n, and at most HESSIAN_LANES of them at a time."""
    n, who = inputs.n, "hessian"

    def gradient_from(r0):
        def gradient_part(*a):  # df/dx_r0 .. df/dx_{n-1}, duals along the row block
            _, treedef, values, jac = _evaluate(f, a, nums, chunk, who, columns=(r0, n))
            return _scalar_gradient(treedef, values, jac, who)
        return gradient_part

    h = None
    for r0, r1 in _row_blocks(n, chunk):
        _, _, _, jac = _evaluate(gradient_from(r0), args, nums, chunk, who, inputs,
                                 columns=(r0, r1))
        block = jac[0]                   # d/dx_j (df/dx_i): i in r0..n-1, j in the block
        if h is None:
            h = np.zeros((n, n), dtype=block.dtype)
        h[r0:, r0:r1] = block
    upper = np.triu_indices(n, 1)
    h[upper] = h.T[upper]
    shapes = [() if scalar else np.shape(v) for _, _, v, scalar in inputs.leaves]
    sizes = [1 if scalar else np.size(v) for _, _, v, scalar in inputs.leaves]

    def part(i, j):
        oi, oj = inputs.offsets[i], inputs.offsets[j]
        b = h[oi:oi + sizes[i], oj:oj + sizes[j]].reshape(shapes[i] + shapes[j])
        return b[()] if b.ndim == 0 else b
    if single:
        return part(0, 0)
    return tuple(tuple(part(i, j) for j in range(len(nums))) for i in range(len(nums)))


def _mirrored(h, shape):
    """The square block h (shape + shape) with its lower triangle copied from the upper."""
    n = int(np.prod(shape))
    m = np.array(h).reshape(n, n)
    lower = np.tril_indices(n, -1)
    m[lower] = m.T[lower]
    return m.reshape(np.shape(h))


def _symmetric(H):
    """A Hessian symmetric to the bit: the Jacobian of the gradient gives d/dx_j (df/dx_i)
    and d/dx_i (df/dx_j) by different roundings, so the upper triangle (and, for several
    argnums, the blocks H[i][j], i <= j) is kept and mirrored. Entries that are duals of
    an enclosing transform are left as they are (symmetric to rounding)."""
    if isinstance(H, np.ndarray):
        return _mirrored(H, H.shape[:H.ndim // 2]) if H.ndim and H.dtype.kind in "fc" else H
    if not (isinstance(H, tuple) and all(isinstance(r, tuple) and len(r) == len(H)
                                         for r in H)):
        return H
    if not all(isinstance(b, (np.ndarray, np.generic)) and b.dtype.kind in "fc"
               for r in H for b in r):
        return H
    rows = [list(r) for r in H]
    for i in range(len(H)):
        rows[i][i] = _symmetric(rows[i][i])
        di = np.ndim(H[i][i]) // 2           # argument i's dimensions
        for j in range(i):   # H[i][j] = H[j][i] with the two arguments' axes swapped
            up = H[j][i]
            if np.ndim(up):
                dj = np.ndim(up) - di
                axes = tuple(range(dj, np.ndim(up))) + tuple(range(dj))
                rows[i][j] = np.ascontiguousarray(np.transpose(up, axes))
            else:
                rows[i][j] = up
    return tuple(tuple(r) for r in rows)


def hessian(f, argnums=0, *, chunk=None, holomorphic=False):
    """Return a function computing the Hessian of a scalar-valued ``f``.

    Shape ``arg.shape + arg.shape``; mixed blocks when ``argnums`` is a tuple.
    ``holomorphic=True``: complex inputs, f holomorphic, the complex Hessian
    (``jax.hessian(holomorphic=True)``; Cauchy-Riemann checked at both levels).

    >>> import numpy as np, dualad as da
    >>> da.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    """
    return Hessian(f, argnums, chunk, holomorphic)
