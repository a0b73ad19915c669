"""Arrays of duals built from sequences inside nopython code.

``np.array([e0, e1, e2])`` and ``np.asarray`` of a list or tuple of duals (a
right-hand side assembled from its components), reals mixed in (a tuple may
mix them; numba's lists hold one type), and one level of nesting
(``np.array([[a, b], [c, d]])``) for matrices. The element type is the one
the components unify to (the deepest dual; float32 widens to float64 when
mixed). ``np.stack``, ``np.concatenate``, ``np.hstack``, ``np.zeros(n,
dtype=x.dtype)``, ``np.empty_like(x)``, ``np.full``, ``.copy()``,
``.reshape``, ``.ravel``, ``.T`` and slicing are numba's own, and work on
arrays of duals as they are. Compiled Taylor numbers (of one type, reals
mixed in) build arrays the same way.
"""
import numpy as np
from numba.core import inline_closurecall as _icc, types
from numba import literal_unroll
from numba.extending import overload

from .arrays import empty_array_of
from .elementwise import is_number
from .functions import no_argument
from .intrinsics import convert
from .registry import OVERLOAD
from .taylor_types import is_taylor
from .types import is_real, unify_types


def _items(seq):
    """The element types of a list or tuple type, or None."""
    if isinstance(seq, types.List):
        return [seq.dtype]
    if isinstance(seq, types.BaseTuple):
        return list(seq.types) if isinstance(seq, types.Tuple) else [seq.dtype]
    return None


def _unify(a, b):
    """unify_types, and a compiled Taylor type meeting itself or reals."""
    if is_taylor(a) or is_taylor(b):
        if a == b or (is_taylor(a) and is_real(b)):
            return a
        return b if (is_taylor(b) and is_real(a)) else None
    return unify_types(a, b)


def _unified(ts):
    T = None
    for t in ts:
        if not (is_number(t) or is_real(t)):
            return None
        T = t if T is None else _unify(T, t)
        if T is None:
            return None
    return T


def _array_typer(obj, dtype=None):
    items = _items(obj)
    if not items or not no_argument(dtype):
        return None
    rows = [_items(t) for t in items]
    if all(r is None for r in rows):          # 1-D
        T = _unified(items)
        if T is None or not is_number(T):
            return None
        tref = types.TypeRef(T)
        n = len(obj) if isinstance(obj, types.BaseTuple) else -1

        def impl(obj, dtype=None):
            out = empty_array_of(len(obj), tref)
            i = 0
            for v in literal_unroll(obj):  # heterogeneous tuples too
                out[i] = convert(v, tref)
                i += 1
            return out
        if n < 0:                           # a list: one element type
            def impl(obj, dtype=None):  # noqa: F811
                out = empty_array_of(len(obj), tref)
                for i in range(len(obj)):
                    out[i] = convert(obj[i], tref)
                return out
        return impl
    if any(r is None for r in rows) or isinstance(obj, types.Tuple) or any(
            isinstance(t, types.Tuple) for t in items):
        return None                             # ragged, or nested heterogeneous tuples
    T = _unified([t for r in rows for t in r])
    if T is None or not is_number(T):
        return None
    tref = types.TypeRef(T)

    def impl(obj, dtype=None):                 # 2-D: rows of equal length
        m = len(obj)
        n = len(obj[0]) if m else 0
        out = empty_array_of((m, n), tref)
        for i in range(m):
            row = obj[i]
            if len(row) != n:
                raise ValueError("np.array: rows of different lengths")
            for j in range(n):
                out[i, j] = convert(row[j], tref)
        return out
    return impl


overload(np.array, strict=False, **OVERLOAD)(_array_typer)
overload(np.asarray, strict=False, **OVERLOAD)(_array_typer)


# numba rewrites ``np.array([a, b, c])`` of a list literal, after typing, into
# ``np.empty(3, dtype=np.<name of the element type>)`` filled element by
# element (numba/core/inline_closurecall.py, RewriteArrayOfConsts and
# _inline_const_arraycall, numba 0.68): the name of a dual type is no NumPy
# attribute, so lowering fails with an AttributeError. The rewrite is skipped
# in functions that build arrays of duals (dualad's overload above then builds
# them); every other function is rewritten as before.
_original_inline = getattr(_icc._inline_const_arraycall, "__wrapped__",
                           _icc._inline_const_arraycall)


def _inline_const_arraycall(block, func_ir, context, typemap, calltypes):
    for sig in calltypes.values():
        if sig is not None and isinstance(sig.return_type, types.Array) and \
                is_number(sig.return_type.dtype):
            return None
    return _original_inline(block, func_ir, context, typemap, calltypes)


_inline_const_arraycall.__wrapped__ = _original_inline
_icc._inline_const_arraycall = _inline_const_arraycall
