"""How dualad registers code with numba: the options of every overload and ``jitable``.

Everything is registered for ``target="generic"`` from this package (whose
name does not start with ``numba.``): the same registrations then compile for
the CPU and for numba-cuda (``target="cpu"`` is invisible to CUDA,
``target="cuda"`` breaks the CPU build).
"""
from numba import njit
from numba.extending import intrinsic, overload

# Options of every dualad overload: registered for all targets (CPU and
# numba-cuda alike), without the C-callable wrapper numba otherwise builds
# for each compiled overload (they are only ever called from compiled code;
# the wrappers were ~20 % of compile time), and disk-cached: an impl is
# compiled once per machine, not once per process (a new user function's
# first jacobian 0.49 -> 0.26 s, vmap(jacobian) 1.5 -> 0.8 s; bench_latency).
# A cached impl is found again only under the same signature, whose dual types
# carry the hash of all of dualad's sources (``types.STAMP``), and the same
# closure cells (``inline_body`` below keeps those stable); numba's function ids
# are made distinct across processes first (``_ids_distinct_across_processes``).
# ``DUALAD_CACHE=0`` turns it off; so does a machine where numba finds no folder to
# write to (a read-only install without a writable user cache folder).


def _ids_distinct_across_processes():
    """Start numba's function ids of this process at a random point (True if done).

    numba names a compiled function by its module, qualified name, argument types
    and an id from a counter that starts at 1 in every process: its way to tell
    apart closures of one factory (every rule's ``unary_impl.<locals>.impl``).
    A function loaded from the disk cache keeps the id it got in the process that
    compiled it, so it can share its name with a different closure compiled here,
    and where both are linked into one module the linker keeps one of them (a
    derivative of cbrt(x) + acosh(x) ran acosh's code twice; test_jit). Ids drawn
    from a random 2**40-wide start keep the names of different processes apart.
    This changes only the ids numba writes into symbol names, for every numba
    function of the process (the user's cached closures gain the same safety)."""
    import itertools
    import secrets
    try:
        from numba.core.bytecode import FunctionIdentity
        ids = FunctionIdentity._unique_ids
        if not isinstance(ids, itertools.count):
            return False
        start = max(next(ids), (1 + secrets.randbits(40)) << 16)
        FunctionIdentity._unique_ids = itertools.count(start)
    except Exception:   # noqa: BLE001  (numba changed: no cache, as below)
        return False
    return True


def _can_cache():
    import os
    if os.environ.get("DUALAD_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if not _ids_distinct_across_processes():
        return False
    try:
        from numba.core.caching import FunctionCache
        FunctionCache(_can_cache)   # numba's locators: the same folder as every impl's
    except Exception:   # noqa: BLE001  (RuntimeError: no locator; anything else: no cache)
        return False
    return True


CACHE = _can_cache()
"""Whether dualad's compiled overloads are cached on disk (see ``OVERLOAD``)."""

OVERLOAD = dict(target="generic", jit_options={"no_cfunc_wrapper": True, "cache": CACHE})

OVERLOAD_UNCACHED = dict(target="generic", jit_options={"no_cfunc_wrapper": True})
"""For impls closing over the user's code (``da.register``: never from the disk cache,
where an edited rule of the same name could be found) or over what numba cannot
pickle into a cache key (the ctypes pointers of ``scipy_special``)."""

generic_intrinsic = intrinsic(target="generic")
"""``@intrinsic`` for every target: lowered inline into the caller, no compile of its own."""

_jitable_ids = set()


def jitable(fn, cached=True):
    """Make a plain Python function callable from nopython code (every target).

    (numba's register_jitable, with dualad's overload options; ``cached=False``
    for one that reaches what numba cannot pickle into a cache key, as ctypes
    pointers.) Inlining at the numba IR level was measured: 40 % slower to
    compile, same speed.
    """
    if id(fn) not in _jitable_ids:
        _jitable_ids.add(id(fn))
        overload(fn, strict=False, **(OVERLOAD if cached else OVERLOAD_UNCACHED))(
            lambda *args, **kws: fn)
    return fn


def inline_body(fn):
    """fn as an ``njit(inline="always")`` function: its body is inlined into each
    caller's numba IR before typing, so it is never a compile unit of its own
    (numba's untyped inlining; an overload's ``inline="always"`` compiles the
    callee first, then inlines it). For thin wrappers only: the caller's typing
    then includes fn's. Every target (numba-cuda inlines it too)."""
    body = _inline_bodies.get(fn)
    if body is None:
        body = _inline_bodies[fn] = njit(inline="always")(fn)
        _stable_uuid(body)
    return body


def _stable_uuid(dispatcher):
    """Give an inline body a UUID that is the same in every process.

    An overload impl closing over an inline body is disk-cached (``OVERLOAD``'s
    ``cache``) under a key hashing its closure cells, pickled; a dispatcher
    pickles with its UUID, random per process, so the impl would never be found
    again. The UUID is taken from the pickled Python function (itself part of
    the key, so two bodies share one only where their code and cells are the
    same). Where numba's private hook or the pickling is missing, the UUID stays
    random: that impl is compiled again in each process, nothing else changes."""
    import hashlib
    import uuid
    try:
        from numba.core.serialize import dumps
        digest = hashlib.sha256(dumps((dispatcher.py_func, dispatcher.targetoptions)))
        dispatcher._set_uuid(str(uuid.UUID(bytes=digest.digest()[:16])))
    except Exception:   # noqa: BLE001  (an optimisation only)
        pass


_inline_bodies = {}
