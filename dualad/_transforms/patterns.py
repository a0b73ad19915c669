"""Sparsity patterns: detection by dependency sets, their cache, and the check of a
pattern the user gives.

``da.sparsity(f)(*args)`` runs f once on numbers whose partials are
dependency sets (``_numbers.depset``) and returns the Jacobian's pattern;
``da.hessian_sparsity`` does the same for the gradient (the nonlinear
interactions). Patterns are cached per function, kind, argnums and the shapes
and dtypes of the arguments (``_PLANS``, shared with the colorings of
``sparse``). ``_check_covers`` compares a given pattern with the traced one
(see ``sparse``'s docstring for what the check promises and when it is
skipped).
"""
import warnings

import numpy as np

from .._core import coloring as col
from .._core.memo import FunctionStore
from .._core.base import next_tag
from .._core.numba_support import is_dispatcher
from .._core.spec import normalize_argnums
from .._core.trees import flatten
from .._numbers.tracer import (MIN_SETS, dependency_leaf, hessian_leaf, read_dependencies,
                               read_hessian_dependencies)
from .multivariate import _Inputs
from .traceable import traceable

HESSIAN_SETS = 2 ** 24
"""Hessian detection carries k x n sets per input element, k chosen so that the
n x (k x n) sets of one array stay under this many bools (16 MiB)."""

# Per function: {(kind, argnums, shapes and dtypes): coloring.Compression}.
_PLANS = FunctionStore(size=128)
"""Patterns and colorings per function, keyed by kind, argnums, shapes and dtypes."""


def _python_f(f):
    """The function to trace: a dispatcher's Python function, its math.* and the numba
    functions it calls seen as dualad's (``traceable``)."""
    if is_dispatcher(f) and getattr(f, "py_func", None) is None:
        raise TypeError(f"sparsity='auto' traces a numba function by running its Python "
                        f"code, and {f!r} has none (no py_func): pass the pattern with "
                        "sparsity=<scipy.sparse matrix or bool array>")
    return traceable(f)


def _traced(g, f, seeded, who):
    """g(*seeded), a failure of a numba function's Python code explained."""
    try:
        return g(*seeded)
    except TypeError as e:
        if g is f:
            raise
        raise TypeError(f"{who}: sparsity='auto' traces a numba function by running its "
                        f"Python code (f.py_func) on dependency sets, which failed: {e}. "
                        "Pass the pattern with sparsity=<scipy.sparse matrix or bool "
                        "array>") from e


def _pattern(f, args, nums, who):
    """The (m, n) bool csr pattern of f's Jacobian at args (one output array, or a
    tuple whose leaves' rows are stacked)."""
    import scipy.sparse as sp
    g = _python_f(f)
    inputs = _Inputs(args, nums, who)
    n = inputs.n
    sets = max(n, MIN_SETS)
    tag = next_tag()
    seeded = inputs.seeded_with(lambda v, s, off: dependency_leaf(v, s, off, sets, tag))
    leaves, _ = flatten(_traced(g, f, seeded, who))
    rows = [read_dependencies(y, tag, sets, who)[:, :n] for y in leaves]
    return sp.csr_array(np.concatenate(rows) if rows else np.zeros((0, n), bool))


def _hessian_pattern(f, args, nums, who):
    """The symmetric pattern of f's Hessian: f run once on numbers seeded twice with
    dependency sets (``tracer.hessian_leaf``), k rows of the pattern per run, k such
    that an intermediate array holds at most ``HESSIAN_SETS`` sets per element block."""
    g = _python_f(f)
    inputs = _Inputs(args, nums, who)
    n = inputs.n
    sets = max(n, MIN_SETS)
    k = max(MIN_SETS, min(sets, HESSIAN_SETS // (sets * max(1, n))))
    blocks = []
    for start in range(0, n, k):
        t1 = next_tag()
        t2 = next_tag()
        seeded = inputs.seeded_with(
            lambda v, s, off: hessian_leaf(v, s, off, sets, t1, t2, start, k))
        leaves, _ = flatten(_traced(g, f, seeded, who))
        if len(leaves) != 1:
            raise ValueError(f"{who}: f must return a scalar")
        blocks.append(read_hessian_dependencies(leaves[0], t1, t2, sets, who, k))
    P = np.concatenate(blocks)[:n, :n] if blocks else np.zeros((0, 0), bool)
    return col.symmetric_pattern(P)


def sparsity(f, argnums=0):
    """Return a function giving the sparsity pattern of ``f``'s Jacobian at its arguments.

    A ``scipy.sparse.csr_array`` of bools, rows the flattened output, columns
    the flattened inputs selected by ``argnums`` (in order): SciPy's
    ``jac_sparsity=`` takes it as it is. Found by one run of f on dependency
    sets, conservative (it never misses a nonzero; see ``dualad._transforms.sparse``).

    >>> import numpy as np, dualad as da
    >>> da.sparsity(lambda x: x[1:] * np.sin(x[:-1]))(np.ones(4)).toarray().astype(int)
    array([[1, 1, 0, 0],
           [0, 1, 1, 0],
           [0, 0, 1, 1]])
    """
    return _pattern_of(f, argnums, "sparsity", _pattern)


def hessian_sparsity(f, argnums=0):
    """Return a function giving the (symmetric) sparsity pattern of ``f``'s Hessian.

    Entry (i, j) is True when the gradient's component i may depend on input
    j: the nonlinear interactions of f (a linear term contributes nothing).

    >>> import numpy as np, dualad as da
    >>> rosen = lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> da.hessian_sparsity(rosen)(np.zeros(4)).toarray().astype(int)
    array([[1, 1, 0, 0],
           [1, 1, 1, 0],
           [0, 1, 1, 1],
           [0, 0, 1, 1]])
    """
    return _pattern_of(f, argnums, "hessian_sparsity", _hessian_pattern)


def _pattern_of(f, argnums, who, trace):
    """The public pattern function ``who``: ``trace(f, args, nums, who)`` at the
    arguments it is called with."""
    _check_callable(f, who)

    def pattern(*args):
        _, nums = normalize_argnums(argnums, len(args), who)
        return trace(f, args, nums, who)
    return pattern


def _check_callable(f, who):
    if not callable(f):
        raise TypeError(f"{who}() needs a callable f, got {type(f).__name__}")


def _key(kind, nums, args):
    shapes = tuple((np.shape(a), np.asarray(a).dtype.str) if not isinstance(a, tuple)
                   else tuple((np.shape(x), np.asarray(x).dtype.str) for x in flatten(a)[0])
                   for a in args)
    return (kind, nums, shapes)


def _cached(f, key, build):
    hit = _PLANS.get(f, key)
    return hit if hit is not None else _PLANS.put(f, key, build())


def _detected(kind, f, args, nums):
    """f's traced pattern (``_pattern``, or ``_hessian_pattern`` for kind "hessian"),
    cached per function, argnums, shapes and dtypes."""
    trace = _hessian_pattern if kind == "hessian" else _pattern
    return _cached(f, ("pattern",) + _key(kind, nums, args),
                   lambda: trace(f, args, nums, kind))


def _check_covers(given, kind, f, args, nums):
    """Raise a ValueError if the given (m, n) csr pattern misses an entry of f's
    traced pattern; warn and return where the tracer cannot run f."""
    untraced = ("untraced",) + _key(kind, nums, args)
    why = _PLANS.get(f, untraced)
    if why is None:
        try:
            traced = _detected(kind, f, args, nums)
        except (TypeError, NotImplementedError) as e:   # the tracer's refusals
            e = e.__cause__ if isinstance(e.__cause__, Exception) else e
            why = _PLANS.put(f, untraced, f"{type(e).__name__}: {e}")   # not tried again
    if why is not None:
        warnings.warn(f"{kind}: the sparsity pattern given is used unchecked: f's pattern "
                      f"could not be traced to check it ({why}). A pattern that misses a "
                      "nonzero gives a wrong derivative; pass check=False to say that it "
                      "is known to be right", UserWarning, stacklevel=2)
        return
    missing = (traced.astype(np.int8) - given.astype(np.int8)).tocsr()
    missing.data = missing.data > 0
    missing.eliminate_zeros()
    if missing.nnz:
        rows, cols = missing.nonzero()
        first = np.lexsort((cols, rows))[0]
        r, c = int(rows[first]), int(cols[first])
        what = "the Hessian entry" if kind == "hessian" else "the Jacobian entry"
        raise ValueError(
            f"{kind}: the sparsity pattern given misses {what} (row {r}, column {c}), "
            f"and {missing.nnz} in all, where f's traced pattern may be nonzero (rows and "
            "columns of the flattened output and inputs): the derivative would be wrong "
            "there. Add them (da.sparsity / da.hessian_sparsity give the traced pattern), "
            "or pass check=False if you know they are zero everywhere")
