"""A numba function's Python code, made runnable on dualad's Python numbers (the
dependency sets of sparsity detection).

numba code is written with ``math.*`` (``math.exp(x[i])``), which converts its
argument to a float: on a Python dual that raises. ``traceable(f)`` is a copy
of ``f.py_func`` whose globals (and closure cells) see ``math`` and ``cmath``
through a namespace that gives dualad's elementary function of the same name
(``math.exp`` -> ``dualad.exp``; a name dualad has no function for stays the
module's own, and refuses a dual as before), the names imported from them
(``from math import exp``) alike, and the numba functions it calls as their own
traceable copies. The user's module is never modified: the copy has its own
globals dict.
"""
import cmath
import math
import types

from .._core.numba_support import is_dispatcher
from .._rules import elementary as _elementary


def _dual_test(test):
    """``math.isnan`` & co. on a dual: the test of its value (a branch by value,
    as the compiled code takes it)."""
    def on_value(x):
        while hasattr(x, "_primal"):
            x = x._primal()
        return test(x)
    on_value.__name__ = test.__name__
    return on_value


_TESTS = ("isnan", "isinf", "isfinite")


def _dualad_function(module, name):
    """dualad's function for ``module.name`` (math or cmath), or None."""
    if name in _TESTS:
        return _dual_test(getattr(module, name))
    fn = getattr(_elementary, name, None)
    return fn if callable(fn) and callable(getattr(module, name, None)) else None


class _Namespace:
    """``math`` or ``cmath`` as seen by a traced function."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        fn = _dualad_function(self._module, name)
        return fn if fn is not None else getattr(self._module, name)

    def __repr__(self):
        return f"<{self._module.__name__} for dualad's tracing>"


_NAMESPACES = {math: _Namespace(math), cmath: _Namespace(cmath)}


def _replaced(value):
    """True for a value a traced function sees otherwise (``_replacement``)."""
    if isinstance(value, types.ModuleType):
        return value in _NAMESPACES
    return is_dispatcher(value) or isinstance(value, types.BuiltinFunctionType) and any(
        getattr(m, value.__name__, None) is value for m in (math, cmath))


def _replacement(value, memo):
    """What a traced function sees instead of ``value`` (``value`` itself if nothing)."""
    if isinstance(value, types.ModuleType):
        return _NAMESPACES.get(value, value)
    if is_dispatcher(value):
        return traceable(value, memo)
    if isinstance(value, types.BuiltinFunctionType):
        for module in (math, cmath):
            if getattr(module, value.__name__, None) is value:
                fn = _dualad_function(module, value.__name__)
                return value if fn is None else fn
    return value


def traceable(f, memo=None):
    """The Python function to trace for f (a dispatcher's py_func, rewritten as the
    module docstring says; a plain function as it is)."""
    memo = {} if memo is None else memo
    if id(f) in memo:
        return memo[id(f)]
    g = getattr(f, "py_func", f) if is_dispatcher(f) else f
    if not isinstance(g, types.FunctionType):
        return g
    swapped = [k for k in _names(g.__code__) if k in g.__globals__
               and _replaced(g.__globals__[k])]
    cells = g.__closure__ or ()
    if not swapped and not any(_replaced(c.cell_contents) for c in cells if _is_filled(c)):
        memo[id(f)] = g
        return g
    scope = dict(g.__globals__)
    closure = tuple(types.CellType() for _ in cells) or None
    h = types.FunctionType(g.__code__, scope, g.__name__, g.__defaults__, closure)
    h.__kwdefaults__ = g.__kwdefaults__
    memo[id(f)] = h   # before the callees: a recursive numba function finds itself
    for k in swapped:
        scope[k] = _replacement(g.__globals__[k], memo)
    for new, old in zip(closure or (), cells):
        if _is_filled(old):
            new.cell_contents = _replacement(old.cell_contents, memo)
    return h


def _names(code):
    """The global names a code object and the functions defined in it use."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _is_filled(cell):
    try:
        cell.cell_contents
    except ValueError:   # a cell not yet assigned
        return False
    return True

