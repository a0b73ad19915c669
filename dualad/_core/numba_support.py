"""Recognising numba dispatchers without importing numba eagerly."""
import sys

_DISPATCHER = []   # numba's Dispatcher class, once numba is loaded

BEFORE_COMPILE = []
"""Callables run whenever a transform meets a dispatcher, before it compiles: the
numba layer registers late overloads there (scipy.special, once it is imported)."""


def is_dispatcher(f):
    """True if f is a numba ``@njit``/``@jit`` dispatcher (the transforms' test, so the
    ``BEFORE_COMPILE`` hooks run then)."""
    if not _DISPATCHER:
        if "numba" not in sys.modules:
            return False
        from numba.core.dispatcher import Dispatcher
        _DISPATCHER.append(Dispatcher)
    if isinstance(f, _DISPATCHER[0]):
        for hook in tuple(BEFORE_COMPILE):  # a hook may remove itself
            hook()
        return True
    return False
