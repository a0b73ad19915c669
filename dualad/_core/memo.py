"""Values kept per callable: transforms, sparsity patterns and colorings.

``da.derivative(f)(x)`` written inside a loop builds the transform on every
call; keeping it per function turns that into one dictionary lookup
(measured: 1.0 us of a 4.4 us scalar derivative).

The key is the callable's identity, never its equality, and each entry holds
its callable: an id cannot be reused while its entry lives, so a redefined
function (a new object) never meets the table of the old one. Entries hold
the callable strongly because a cached transform calls it, and a weak key
whose value refers to the key is never freed; so a store keeps the ``size``
callables added last and drops the oldest first. Whatever else a value
depends on (shapes, dtypes, argnums, order) belongs in its key.
"""


class FunctionStore:
    """Per-callable tables of cached values (see the module docstring).

    >>> store = FunctionStore(size=2)
    >>> f = lambda x: x
    >>> store.get(f, "k") is None
    True
    >>> store.put(f, "k", 1)
    1
    >>> store.get(f, "k"), store.get(lambda x: x, "k")
    (1, None)
    """

    def __init__(self, size):
        self._tables = {}   # id(f) -> (f, {key: value})
        self._size = size

    def get(self, f, key):
        """The value cached for (f, key), or None."""
        entry = self._tables.get(id(f))
        if entry is None or entry[0] is not f:
            return None
        return entry[1].get(key)

    def put(self, f, key, value):
        """Cache ``value`` for (f, key) and return it."""
        entry = self._tables.get(id(f))
        if entry is None or entry[0] is not f:
            while len(self._tables) >= self._size:
                del self._tables[next(iter(self._tables))]
            entry = self._tables[id(f)] = (f, {})
        entry[1][key] = value
        return value

    def clear(self):
        self._tables.clear()
