"""Python code written with ``math.*``, run on dualad's Python numbers.

``math.exp(x)`` converts x to a float, which a Python dual refuses (it would
drop the derivative). Scientific Python is full of it, and numba code more so
(``math.*`` is numba's own spelling). The Python-path transforms therefore call
f through ``python_callable(f)``: a copy of f whose globals see ``math`` and
``cmath`` through a namespace giving dualad's elementary function of the same
name (``math.exp`` -> ``dualad.exp``; a name dualad has no function for stays
the module's own and refuses a dual as before), the names imported from them
(``from math import exp``), a local ``import math`` and a default argument
``m=math`` alike, and the plain functions of f's own module that f calls as
their copies in turn.

The copy's globals are *live*: a dict holding only those replacements, every
other name looked up in f's module at each access (``_Globals``), so
redefining a helper in a notebook is seen at once. A function that assigns
module globals (``global n; n += 1``) is not copied (its assignments would go
to the copy), nor is anything that is not a plain Python function; those keep
the clear error of ``math.*`` on a dual. A bound method and a
``functools.partial`` are rewritten through the function they hold (a method's
calls of other methods through ``self`` are not: those keep the error).

For sparsity detection (``traceable(f)``, ``patterns``) a numba dispatcher
becomes its Python code, rewritten alike, and so do the dispatchers it calls.
In the transforms a dispatcher called from plain Python stays one (and
refuses the duals with its own message: njit the wrapper, or use argnums).
"""
import builtins
import cmath
import dis
import functools
import math
import types
import weakref

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
    """``math`` or ``cmath`` as seen by a rewritten function."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):   # once per name: then an attribute of the namespace
        fn = _dualad_function(self._module, name)
        value = fn if fn is not None else getattr(self._module, name)
        setattr(self, name, value)
        return value

    def __repr__(self):
        return f"<{self._module.__name__} for dualad's numbers>"


_NAMESPACES = {math: _Namespace(math), cmath: _Namespace(cmath)}


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    """``__import__`` of a rewritten function: ``import math`` gives the namespace."""
    module = builtins.__import__(name, globals, locals, fromlist, level)
    return _NAMESPACES.get(module, module) if level == 0 and "." not in name else module


_BUILTINS = dict(vars(builtins), __import__=_import)


def _math_builtin(value):
    """dualad's function for a function of math or cmath (None for anything else)."""
    if isinstance(value, types.BuiltinFunctionType):
        for module in (math, cmath):
            if getattr(module, value.__name__, None) is value:
                return _dualad_function(module, value.__name__) or value
    return None


class _Globals(dict):
    """The live globals of a rewritten function: its own items are ``__builtins__``
    and the names bound to math, cmath or their functions when it was made (those
    bindings do not change); any other name is f's module's at the time of the
    access, replaced as ``_seen`` says."""

    def __init__(self, module_globals, names, tracing):
        super().__init__(__builtins__=_BUILTINS)
        for name in names:
            value = module_globals.get(name)
            if isinstance(value, types.ModuleType) and value in _NAMESPACES or \
                    _math_builtin(value) is not None:
                self[name] = _seen(value, module_globals, tracing)
        self._module = module_globals
        self._tracing = tracing

    def __missing__(self, name):
        module = self._module
        if name in module:
            return _seen(module[name], module, self._tracing)
        return _BUILTINS[name]   # a builtin (no KeyError raised and caught per lookup)


def _seen(value, module_globals, tracing):
    """What a rewritten function of the module ``module_globals`` sees for ``value``."""
    if isinstance(value, types.ModuleType):
        return _NAMESPACES.get(value, value)
    fn = _math_builtin(value)
    if fn is not None:
        return fn
    if tracing and is_dispatcher(value):
        return _rewritten(value, True)
    if isinstance(value, types.FunctionType) and value.__globals__ is module_globals:
        return _rewritten(value, tracing)
    return value


_CACHE = (weakref.WeakKeyDictionary(), weakref.WeakKeyDictionary())  # calling, tracing


def python_callable(f):
    """f, or its copy that runs ``math.*`` on dualad's numbers (module docstring)."""
    return _rewritten(f, False)


def traceable(f):
    """The Python function to trace for f: a dispatcher's py_func (and the numba
    functions it calls) rewritten as ``python_callable`` rewrites plain functions."""
    return _rewritten(f, True)


def _rewritten(f, tracing):
    if isinstance(f, types.MethodType):        # obj.method: its function, bound again
        inner = _rewritten(f.__func__, tracing)
        return f if inner is f.__func__ else types.MethodType(inner, f.__self__)
    if isinstance(f, functools.partial):       # partial(f, ...): its function
        inner = _rewritten(f.func, tracing)
        return f if inner is f.func else functools.partial(inner, *f.args, **f.keywords)
    cache = _CACHE[tracing]
    try:
        hit = cache.get(f)
    except TypeError:   # not weakly referenceable
        return f
    if hit is not None:
        return hit
    g = f.py_func if tracing and is_dispatcher(f) else f
    out = g
    cache[f] = g   # meanwhile: a function reaching itself is not copied for that
    if isinstance(g, types.FunctionType) and _rewritable(g, tracing):
        scope = _Globals(g.__globals__, _code_facts(g.__code__)[2], tracing)
        cells = g.__closure__ or ()
        closure = tuple(types.CellType() for _ in cells) or None
        defaults = g.__defaults__ and tuple(_seen(d, g.__globals__, tracing)
                                            for d in g.__defaults__)
        out = types.FunctionType(g.__code__, scope, g.__name__, defaults, closure)
        out.__kwdefaults__ = g.__kwdefaults__
        out.__qualname__ = g.__qualname__
        cache[f] = out   # before the cells: a function reaching itself finds the copy
        for new, old in zip(closure or (), cells):
            if _is_filled(old):
                new.cell_contents = _seen(old.cell_contents, g.__globals__, tracing)
    return out


@functools.lru_cache(maxsize=4096)
def _code_facts(code):
    """(assigns a global, imports math or cmath, the global names used) of a code
    object and the functions defined in it; once per code object (a lambda made
    in a loop has one)."""
    ops = [i for c in _codes(code) for i in dis.get_instructions(c)]
    return (any(i.opname in ("STORE_GLOBAL", "DELETE_GLOBAL") for i in ops),
            any(i.opname == "IMPORT_NAME" and i.argval in ("math", "cmath") for i in ops),
            frozenset(n for c in _codes(code) for n in c.co_names))


def _rewritable(g, tracing):
    """True where g's code uses a name the copy would see otherwise and assigns no
    module global (its assignments would go to the copy)."""
    assigns, imports, names = _code_facts(g.__code__)
    if assigns:
        return False
    if imports:
        return True
    scope = g.__globals__
    values = [scope[n] for n in names if n in scope]
    values += [c.cell_contents for c in g.__closure__ or () if _is_filled(c)]
    values += list(g.__defaults__ or ())   # def f(x, m=math)
    return any(_seen(v, scope, tracing) is not v for v in values)


def _codes(code):
    """A code object and those of the functions defined in it."""
    out = [code]
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out += _codes(const)
    return out


def _is_filled(cell):
    try:
        cell.cell_contents
    except ValueError:   # a cell not yet assigned
        return False
    return True
