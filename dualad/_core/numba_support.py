"""Recognising numba dispatchers without importing numba eagerly."""
import sys

_DISPATCHER = []   # numba's Dispatcher class, once numba is loaded


def is_dispatcher(f):
    """True if f is a numba ``@njit``/``@jit`` dispatcher."""
    if _DISPATCHER:
        return isinstance(f, _DISPATCHER[0])
    if "numba" not in sys.modules:
        return False
    from numba.core.dispatcher import Dispatcher
    _DISPATCHER.append(Dispatcher)
    return isinstance(f, Dispatcher)
