"""A compiled transform at one point, after its first call, as the batch loop of
``vmap`` on one row.

The general compiled path of ``da.jacobian(njit_f)(x)`` (``point``) reads its
arguments, plans, seeds, calls f and reads the outputs back in Python: tens of
microseconds, fifty times the cost of a 3 x 3 Jacobian itself (a solver calls it
thousands of times). Its first call at arguments of some kinds also settles
everything the batch loop needs: the output's structure, shapes and dtype. So
that call is remembered (``remember``), and later calls at arguments of the same
kinds (numba's fingerprint: dtypes, dimensions, layouts; with the shapes of the
arrays and the values of integer and bool arguments and of small integer arrays,
which can shape f's output; a larger integer array takes the general path) run the loop of ``kernels.batch_kernel`` or ``sparse_batch`` on one row
(``call``): one compiled call, its entry point found by that fingerprint.

The loop is compiled for f apart from the first call's code (f's dual code
linked in and optimized again: about a second, measured, for a small f), which
pays off only after tens of thousands of calls. So it runs where that cost is
paid already or paid once: where the loop is compiled in this process (by a
``vmap`` of the same transform, or an earlier call), or where f has
``cache=True`` (the loop is disk-cached with it: compiled on the second call,
once per machine, and loaded in milliseconds by later processes).

Only where the loop computes what the general path does: a real transform
(jacobian, grad, value_and_grad, hessian, and the sparse Jacobian of
``sparsity=``) of a dispatcher w.r.t. one 1-D float array, f's outputs of that
array's dtype; each partial is computed by the same arithmetic whatever the
lanes around it, and a Hessian by the first call's passes (``plan_point`` of one
point), so the numbers are the first call's, bit for bit. An output whose size
changed with the values (``x[:k]``) is caught by the loop (``store.fits``) and
the call goes the general way again.
"""
import numpy as np
from numba._dispatcher import compute_fingerprint

from .._core.trees import flatten, unflatten
from .batch import batch_entry
from .perfunction import COMPILED, disk_cached
from .plan import plan_point
from .sparse_batch import compressed_point

KINDS = ("jacobian", "grad", "value_and_grad", "hessian")
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_SCALARS = (float, np.float32, np.float64)
_KEPT = 64   # records per transform (an integer argument that counts calls: the newest)
_SMALL = 16  # integer arrays up to this size are part of the key; larger: the general path


class Record:
    """What the first call at arguments of one kind fixed: the differentiated argument
    K, the output leaves' shapes and tree, the value's type, and the loop's plan (a
    ``plan.PointPlan``, or the sparse transform's ``coloring.Compression``)."""

    def __init__(self, K, shapes, treedef, value_type, plan, sparse):
        self.K, self.shapes, self.treedef = K, shapes, treedef
        self.value_type, self.plan, self.sparse = value_type, plan, sparse
        self.m = sum(int(np.prod(s)) for s in shapes)
        self.checked = None   # perfunction.COMPILED when the loop was last found missing
        self.entry = None     # the dense loop's compiled entry point, once found


def _key(transform, args):
    """(K, key) of a call the batch loop can take, or None."""
    argnums = transform.argnums
    if type(argnums) is not int or getattr(transform, "holomorphic", False):
        return None
    K = argnums + len(args) if argnums < 0 else argnums
    if not 0 <= K < len(args):
        return None
    x = args[K]
    if not (type(x) is np.ndarray and x.ndim == 1 and x.size and x.dtype in _FLOATS
            and x.flags.c_contiguous):
        return None
    shaping = []
    for a in args:
        if type(a) is np.ndarray and a.dtype.kind in "biu":   # (sizes, indices: values)
            if a.size > _SMALL:
                return None
            shaping.append((a.shape, a.tobytes()))
        elif type(a) is np.ndarray:
            shaping.append(a.shape)
        elif type(a) in (int, bool) or isinstance(a, (np.integer, np.bool_)):
            shaping.append(int(a))
        elif type(a) in _SCALARS or isinstance(a, np.floating):
            shaping.append(None)
        else:   # tuples, lists, complex and other objects: the general path
            return None
    try:
        return K, (compute_fingerprint(args), tuple(shaping))
    except (ValueError, TypeError, NotImplementedError):
        return None


def call(transform, args):
    """(the transform at args by the batch loop, or None: the general path's turn, and
    the key to ``remember`` its result by)."""
    key = _key(transform, args)
    records = transform.__dict__.get("_one_point")
    rec = key and records and records.get(key[1])
    if rec is None or rec.checked == COMPILED[0]:
        return None, key
    try:
        found = (_sparse if rec.sparse else _dense)(transform, args, rec)
    except ValueError:   # (f's size changed with the values: the general path says so)
        return None, key
    if found is None:   # the loop not compiled: not again until an entry point is
        rec.checked = COMPILED[0]
    return found, key


def remember(transform, args, key, result, sparse=None, shape=None):
    """Keep what the first call at args (its ``result``; ``key`` from ``call``) fixed,
    where the batch loop gives the same; return ``result``. ``sparse``: the plan of a
    sparse Jacobian, ``shape`` its output's."""
    if key is None:
        return result
    K, key = key
    records = transform.__dict__.setdefault("_one_point", {})
    if key in records:   # (recorded, the loop not compiled yet)
        return result
    x = args[K]
    value_type = treedef = None
    if sparse is not None:
        shapes, plan = [shape], sparse
    else:
        kind = transform.spec.kind
        if kind in ("grad", "value_and_grad"):   # (value, gradient): Grad keeps the second
            value, grad = result
            value_type = type(value)
            if value_type not in _SCALARS or np.dtype(value_type) != x.dtype:
                return result
            leaves = [grad]
        else:
            leaves, treedef = flatten(result)
        if not all(type(a) is np.ndarray and a.dtype == x.dtype and a.shape[-1:] == x.shape
                   for a in leaves) or (kind != "jacobian" and leaves[0].shape[:1] != x.shape):
            return result
        shapes = [a.shape[:-1] for a in leaves]
        # (a Hessian: the first call's plan, so the loop runs its passes)
        plan = plan_point("hessian" if kind == "hessian" else "jacobian", x.size, False,
                          transform.chunk, transform.f)
    while len(records) >= _KEPT:
        del records[next(iter(records))]
    records[key] = Record(K, shapes, treedef, value_type, plan, sparse is not None)
    return result


def _dense(transform, args, rec):
    K = rec.K
    X = args[K].reshape(1, -1)
    n = X.shape[1]
    hessian = rec.plan.algorithm != "jacobian"
    out = np.empty((1, rec.m, n), X.dtype)
    vals = np.empty((1, 1 if hessian else rec.m), X.dtype)
    args = args[:K] + (X,) + args[K + 1:]
    if rec.entry is None:   # (the same for every call of this record's kinds)
        rec.entry = batch_entry(rec.plan, transform.f, args, K, 1 << K, X, out, vals,
                                compile=disk_cached(transform.f))
        if rec.entry is None:
            return None
    rec.entry(args, K, rec.plan.C, 1 << K, X, out, vals, 0, 1)
    if rec.value_type is not None:
        return rec.value_type(vals[0, 0]), out[0, 0]
    if rec.treedef is None:
        return out[0].reshape(rec.shapes[0] + (n,))
    offs = np.cumsum([0] + [int(np.prod(s)) for s in rec.shapes])
    return unflatten(rec.treedef, [out[0, a:b].reshape(s + (n,))
                                   for a, b, s in zip(offs[:-1], offs[1:], rec.shapes)])


def _sparse(transform, args, rec):
    plan, fmt = rec.plan, transform.format
    data = compressed_point(transform.f, args, rec.K, plan, fmt != "dense",
                            compile=disk_cached(transform.f))
    if data is None:
        return None
    if fmt == "dense":
        return data.reshape(rec.shapes[0] + args[rec.K].shape)
    import scipy.sparse as sp
    P = plan.pattern
    matrix = sp.csr_array((data, P.indices, P.indptr), shape=plan.shape)
    return matrix if fmt == "csr" else matrix.tocsc()
