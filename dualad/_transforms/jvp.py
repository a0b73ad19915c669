"""``jvp``: f and its directional derivative along given tangents, one forward pass.

The tangents seed the primals directly (a fresh tag, one partial), nested
tuples included; a tangent may itself be a dual of an enclosing transform
(nested ``jvp``, a ``jacobian`` of a function calling ``jvp``).
"""
import numpy as np

from .._core.base import (COMPILED_TAGS, DualNumber, check_not_compiled, next_tag,
                          translate_scipy_error)
from .._core.numba_support import is_dispatcher
from .._core.trees import as_float_input, flatten, unflatten
from .._numbers import DualArray, make_dual, value_and_partials
from .._numbers.extract import leaf_dtype
from .multivariate import _complex_leaf
from .traceable import python_callable


def jvp(f, primals, tangents):
    """Return ``(f(*primals), J @ tangents)``: one forward pass along ``tangents``.

    >>> import dualad as da
    >>> value, tangent = da.jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))
    >>> float(value), float(tangent)
    (6.0, 3.0)
    """
    if not callable(f):
        raise TypeError(f"jvp() needs a callable f, got {type(f).__name__}")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(): primals and tangents must be tuples (one entry per argument)")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp(): {len(primals)} primals but {len(tangents)} tangents")
    if is_dispatcher(f):
        from .._backends.complex_point import compiled_complex_jvp, is_complex_input
        if any(is_complex_input(a) for a in tuple(primals) + tuple(tangents)):
            return compiled_complex_jvp(f, primals, tangents)
        from .._backends.point import compiled_jvp
        return compiled_jvp(f, primals, tangents)
    tag = next_tag()
    args = []
    dtypes = []
    for i, (x, t) in enumerate(zip(primals, tangents)):
        x_leaves, x_def = flatten(x)
        t_leaves, t_def = flatten(t)
        if x_def != t_def or len(x_leaves) != len(t_leaves):
            raise ValueError(f"jvp(): tangent {i} does not have the structure of primal {i}")
        seeded = []
        for xl, tl in zip(x_leaves, t_leaves):
            xv, scalar = as_float_input(xl, f"jvp(): primal {i}", True)
            tv, _ = as_float_input(tl, f"jvp(): tangent {i}", True)
            if np.shape(xv) != np.shape(tv):
                raise ValueError(f"jvp(): tangent {i} has shape {np.shape(tv)}, "
                                 f"primal {i} has shape {np.shape(xv)}")
            seeded.append(_seed_tangent(xv, tv, scalar, tag))
            dtypes.append(leaf_dtype(xv))
        args.append(unflatten(x_def, seeded))
    try:
        out = python_callable(f)(*args)
    except TypeError as e:  # NumPy's message from SciPy code: dualad's instead
        translate_scipy_error(e)
        raise
    if COMPILED_TAGS:
        check_not_compiled(tag, "jvp")
    leaves, treedef = flatten(out)
    vals, tans = [], []
    dtype = np.result_type(*dtypes) if dtypes else np.float64
    for leaf in leaves:
        v, p = value_and_partials(leaf, tag, 1, dtype, "jvp")
        vals.append(v)
        tans.append(p[..., 0] if np.ndim(p) > 1 else p[0])
    return unflatten(treedef, vals), unflatten(treedef, tans)


def _seed_tangent(xv, tv, scalar, tag):
    """The primal leaf xv seeded along the tangent tv (either may be a dual of an
    enclosing transform: nested jvp, or a jacobian of a function calling jvp)."""
    if scalar:
        if not (type(tv) in (float, complex) or isinstance(tv, DualNumber)):
            # complex tangents (a complex scalar input, or a complex direction) stay complex
            tv = np.asarray(tv, np.result_type(leaf_dtype(xv), leaf_dtype(tv)))[()]
        return make_dual(xv, tv, tag)
    if isinstance(tv, DualNumber):
        return DualArray(xv, DualArray.from_any(tv)[..., None], tag)
    if np.iscomplexobj(tv) and not _complex_leaf(xv):
        raise TypeError("jvp(): a complex tangent of a real primal (JAX refuses it too: "
                        "the tangent has the primal's dtype); pass the primal as complex "
                        "(x.astype(complex)) to differentiate along complex directions")
    return DualArray(xv, np.asarray(tv, leaf_dtype(xv))[..., None], tag)
