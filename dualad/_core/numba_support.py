"""Recognising numba dispatchers without importing numba eagerly."""
import sys


def is_dispatcher(f):
    """True if f is a numba ``@njit``/``@jit`` dispatcher."""
    numba = sys.modules.get("numba")
    if numba is None:
        return False
    from numba.core.dispatcher import Dispatcher
    return isinstance(f, Dispatcher)
