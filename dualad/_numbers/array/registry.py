"""The registry of NumPy functions with a DualArray rule, and how a handler is called.

``implements`` fills ``_HANDLED`` (NumPy function -> handler) when the handler
modules are imported (the package ``__init__`` imports them all);
``DualArray.__array_function__`` looks the handler up here at call time, so
the class never imports its handlers. ``_call_handler`` calls one the way
NumPy's protocol wants (``like=`` first, ``out=`` stored), and ``no_rule`` is
the one error for a NumPy function that has no rule.
"""
import numpy as np

from ..._core.base import DualNumber

# NumPy functions with a rule: func -> handler (filled by ``implements``).
_HANDLED = {}
# Creation functions reached through ``like=``: the handler gets the DualArray first.
_LIKE = set()


def implements(*funcs, like=False):
    """Register a handler of ``__array_function__`` for the NumPy functions ``funcs``."""
    def register(handler):
        for f in funcs:
            if f is not None:
                _HANDLED[f] = handler
                if like:
                    _LIKE.add(f)
        return handler
    return register


def no_rule(name, detail=""):
    """The TypeError for a NumPy function without a dual rule."""
    return TypeError(
        f"dualad has no rule for {name}{detail}; it would drop the derivatives of a "
        "DualArray. Write the computation with supported NumPy functions and "
        "operators (see docs/rules.md and the array functions listed there), or give it a rule with "
        "da.register(func, derivs)")


def _foreign(types):
    """True if a type other than the duals and ndarrays takes part (NumPy then tries it)."""
    for t in types:
        if not issubclass(t, (DualNumber, np.ndarray)):
            return True
    return False


def _store(out, result):
    """Write ``result`` into the ``out=`` argument of a ufunc or array function."""
    if isinstance(out, tuple):
        if len(out) != 1:
            if not isinstance(result, tuple) or len(result) != len(out):
                raise TypeError("out= has the wrong number of arrays")
            return tuple(_store(o, r) for o, r in zip(out, result))
        out = out[0]
    if out is None:
        return result
    out[...] = result
    return out


def _call_handler(handler, like, func, args, kwargs):
    """``handler`` for NumPy's ``func``: creation functions get ``like`` first; ``out=``
    is filled from the result of the call without it."""
    if func in _LIKE:
        return handler(like, *args, **kwargs)
    out = kwargs.get("out")
    if out is not None:
        kwargs = dict(kwargs)
        del kwargs["out"]
        return _store(out, func(*args, **kwargs))
    return handler(*args, **kwargs)
