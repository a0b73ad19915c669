"""Compressed second-order passes of a compiled f: the sparse Hessian's H @ S.

A star coloring of the Hessian's pattern gives a seed matrix S (n x colors);
every nonzero of H is read back from H @ S (``_core.coloring.Compression``).
Numba's nested duals carry one outer direction (``Dual[Dual[float, C], 1]``),
so a pass seeds the outer level with one color's column of S and the inner
level with a chunk of C unit directions: the output's second partials are
rows [start, start + C) of H @ S[:, color]. ``colors x ceil(n / C)`` calls of
the user's dispatcher instead of the dense Hessian's ``~n^2 / (2 C)``; each
call is f's own compiled specialisation on these numbers, as in ``point``.
"""
import numpy as np

from .._jit.arrays import dual_buffer
from .._jit.types import DualType
from .._core.spec import TransformSpec, compiled_chunk
from .plan import plan_point
from .point import (_COMPLEX, _complex_or_real, _numba_float_or_complex, _prepare_arg,
                    compiled_transform)
from .read import read_pass

COMPRESSED_CHUNK = 64
"""Inner directions per compressed pass when the user gives no chunk."""


def compiled_compressed_hessian(f, args, nums, seed, chunk, who):
    """(value, H @ seed (n x p)) of a dispatcher f returning a scalar, the inputs
    ``nums`` (arrays, numbered one after the other in argnums order) differentiated.
    A complex ``seed`` (holomorphic f at complex inputs): the passes run on complex
    nested duals, the colors' directions as given (1 or 1j)."""
    cplx = seed.dtype.kind == "c"
    call = list(args)
    inputs = []
    for i, x in enumerate(args):
        xv, scalar = (_complex_or_real if cplx else _prepare_arg)(x, who, i)
        if i in nums and scalar:
            raise ValueError(f"{who}: a sparse Hessian of a numba function takes array "
                             "arguments (make scalars 1-element arrays)")
        call[i] = xv
    off = 0
    for i in nums:
        x = call[i]
        inputs.append((i, x, off))
        off += x.size
    n, p = off, seed.shape[1]
    dtype = np.result_type(*[x.dtype for _, x, _ in inputs]) if inputs else np.float64
    C, dense = hessian_passes(f, n, p, chunk)
    if len(nums) == 1 and dense and not cplx:
        H = compiled_transform(TransformSpec("hessian", f, nums[0], chunk), args)
        return None, np.asarray(H).reshape(n, n) @ seed.astype(H.dtype)
    if cplx:   # (the differentiated inputs are seeded into complex buffers below)
        dtype = np.dtype(_COMPLEX[dtype])
    nbtype = DualType(DualType(_numba_float_or_complex(dtype), C), 1)
    out = np.zeros((n, p), dtype)
    value = None
    for color in range(p):
        direction = seed[:, color]
        for start in range(0, n, C):
            c = min(C, n - start)
            for i, x, o in inputs:
                call[i] = _seeded(x, nbtype, direction[o:o + x.size], start - o, c, C)
            v, block = read_pass(f(*call), "hessian", who)
            value = v if value is None else value
            if block is not None:
                out[start:start + c, color] = np.broadcast_to(block, (C,))[:c]
    return value, out


def hessian_passes(f, n, p, chunk):
    """(inner directions per compressed pass, whether the dense compiled Hessian needs
    no more calls of f than the p x ceil(n / C) compressed passes)."""
    C = compiled_chunk(n, chunk or COMPRESSED_CHUNK)
    calls = p * -(-n // C) if n else 1
    return C, len(plan_point("hessian", n, False, chunk, f).passes) <= calls


def _seeded(x, nbtype, direction, start, c, C):
    """x as Dual[Dual[., C], 1]: outer partials ``direction``, inner unit directions
    for x's elements [start, start + c) (a local range, clipped to x)."""
    buf = dual_buffer(nbtype, x.shape)
    flat = buf.reshape(-1)
    flat["value"]["value"] = x.reshape(-1)
    flat["partials"]["value"] = direction
    idx = np.arange(max(start, 0), min(start + c, x.size))
    if idx.size:
        if C == 1:
            flat["value"]["partials"][idx] = 1
        else:
            flat["value"]["partials"][idx, idx - start] = 1
    return buf
