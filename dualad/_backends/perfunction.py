"""Compiled kernels built per user function, so that numba can cache them on disk.

A kernel that takes the user's dispatcher as an argument has that dispatcher's
type in its signature, a different one in every process: numba's cache could
never hit. So the batch loops are written as templates and rebuilt per user
function f. A template is a factory ``template(STAMP_)`` whose inner function
(the kernel's Python code) names f as the global ``F`` and its helpers as other
globals; ``per_function`` gives that same code object its own globals (``F =
f`` and the helpers) and a closure cell holding a stamp.

numba keys a cached function by its source file (the template's, a dualad
module: the index is dropped when that file changes), qualified name and first
line, bytecode, the pickled closure cells and the signature, never by its
globals. The stamp in the closure is everything else the machine code depends
on: ``_jit.types.STAMP`` (dualad's version and the hash of every module that
shapes dual code), the names of the helpers given as other globals (the batch
loops of a Jacobian and of a Hessian are one template: compiled for the same
signature, they would otherwise read each other's cache entries), and f's
module, qualified name, first line and the hash of its source file's contents, which is what numba checks for f itself (a
function that f calls from another file is not checked, by numba either).

A kernel is cached only when f is (``njit(cache=True)``): dualad never writes
cache files for the user's code that the user did not ask for (dualad's own
overloads are cached in its own folders, ``_jit.registry.OVERLOAD``). They go
where numba puts the template module's own (``NUMBA_CACHE_DIR`` when set). Each kernel and its entry point per
signature are kept per function (``FunctionStore``).
"""
import hashlib
import inspect
from concurrent.futures import ThreadPoolExecutor
from types import FunctionType

import numba
import numpy as np
from numba import njit
from numba._dispatcher import compute_fingerprint

from .._core.memo import FunctionStore
from .._jit.types import STAMP

_KERNELS = FunctionStore(size=256)
COMPILED = [0]   # entry points compiled (or loaded) so far, in this process


def disk_cached(f):
    """True for a dispatcher compiled with ``cache=True``: its kernels are too."""
    cache = getattr(f, "_cache", None)
    return cache is not None and type(cache).__name__ != "NullCache"


def user_stamp(f):
    """The stamp of dispatcher f: dualad's STAMP, f's name and the hash of its source
    file; None when f is not disk-cached or its file cannot be read."""
    if not disk_cached(f):
        return None
    py = f.py_func
    try:
        with open(inspect.getfile(py), "rb") as fh:
            source = hashlib.sha256(fh.read()).hexdigest()
    except (OSError, TypeError):
        return None
    return (f"{STAMP}|{py.__module__}.{py.__qualname__}:"
            f"{py.__code__.co_firstlineno}|{source}")


def per_function(template, f, **names):
    """The kernel of ``template`` around dispatcher f (see the module docstring): an
    ``njit(nogil=True)`` dispatcher, disk-cached when f is."""
    stamp = user_stamp(f)
    if stamp is not None and names:
        # one template around the same f with other helpers (the batch loop of a
        # Jacobian and of a Hessian) must not share cache entries of one signature
        stamp += "|" + ",".join(f"{k}={getattr(getattr(v, 'py_func', v), '__qualname__', v)}"
                                for k, v in sorted(names.items()))
    inner = template(stamp)
    scope = dict(inner.__globals__, F=f, **names)
    fn = FunctionType(inner.__code__, scope, inner.__name__, inner.__defaults__,
                      inner.__closure__)
    # no C-callable wrapper: the kernel is only called through its entry point
    options = dict(nogil=True, no_cfunc_wrapper=True)
    if stamp is not None:
        try:
            return njit(cache=True, **options)(fn)
        except RuntimeError:   # numba found no writable cache folder: compile only
            pass
    return njit(**options)(fn)


def entry_point(f, key, build, sig):
    """The compiled entry point for the signature ``sig`` of the kernel ``build()``
    around f, both kept per (f, key).

    Calling the dispatcher would re-run numba's literal dispatch (tens of ms) on
    every call; the entry point of the exact signature is called directly.
    """
    entry = _KERNELS.get(f, (key, sig))
    if entry is None:
        kernel = _KERNELS.get(f, key)
        if kernel is None:
            kernel = _KERNELS.put(f, key, build())
        entry = _KERNELS.put(f, (key, sig), kernel.compile(sig))
        COMPILED[0] += 1
    return entry


def fast_entry_point(f, key, build, literals, args, signature, compile=True):
    """``entry_point`` found by numba's own fingerprint of the arguments (what its
    dispatchers key their type cache by: dtype, ndim, layout, writability; a fraction
    of a microsecond) instead of their numba types (microseconds each, what a call at
    one point would spend most of its time on), and the values of the literal
    arguments; ``signature()`` is built on a miss. ``compile=False``: None where the
    entry is not compiled yet."""
    try:
        fingerprint = compute_fingerprint(args)
    except (ValueError, TypeError, NotImplementedError):   # an argument it does not know
        return entry_point(f, key, build, signature()) if compile else None
    entry = _KERNELS.get(f, (key, literals, fingerprint))
    if entry is None and compile:
        entry = _KERNELS.put(f, (key, literals, fingerprint),
                             entry_point(f, key, build, signature()))
    return entry


def kernel(f, key):
    """The kernel kept for (f, key), or None (its ``stats`` tell cache hits and misses)."""
    return _KERNELS.get(f, key)


def run_blocks(entry, n, *head):
    """``entry(*head, lo, hi)`` over the n points [0, n), one block per core, from
    Python threads (the kernels release the GIL)."""
    workers = max(1, min(numba.config.NUMBA_NUM_THREADS, n // 64 or 1))
    if workers == 1:
        entry(*head, 0, n)
        return
    bounds = np.linspace(0, n, workers + 1).astype(np.int64)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda i: entry(*head, bounds[i], bounds[i + 1]), range(workers)))
