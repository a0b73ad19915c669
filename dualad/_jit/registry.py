"""How dualad registers code with numba: the options of every overload and ``jitable``.

Everything is registered for ``target="generic"`` from this package (whose
name does not start with ``numba.``): the same registrations then compile for
the CPU and for numba-cuda (``target="cpu"`` is invisible to CUDA,
``target="cuda"`` breaks the CPU build).
"""
from numba import njit
from numba.extending import intrinsic, overload

# Options of every dualad overload: registered for all targets (CPU and
# numba-cuda alike), and without the C-callable wrapper numba otherwise
# builds for each compiled overload (they are only ever called from
# compiled code; the wrappers were ~20 % of compile time).
OVERLOAD = dict(target="generic", jit_options={"no_cfunc_wrapper": True})

generic_intrinsic = intrinsic(target="generic")
"""``@intrinsic`` for every target: lowered inline into the caller, no compile of its own."""

_jitable_ids = set()


def jitable(fn):
    """Make a plain Python function callable from nopython code (every target).

    (numba's register_jitable, with dualad's overload options.) Inlining at
    the numba IR level was measured: 40 % slower to compile, same speed.
    """
    if id(fn) not in _jitable_ids:
        _jitable_ids.add(id(fn))
        overload(fn, strict=False, **OVERLOAD)(lambda *args, **kws: fn)
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
    return body


_inline_bodies = {}
