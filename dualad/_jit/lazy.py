"""Functions typed at once and compiled only when they are lowered.

An ``@overload`` compiles its implementation while the caller is being typed
(numba needs the return type, and keeps the machine code for lowering). For
the array maps of ``elementwise`` that is mostly wasted: numba's array
expression rewrite then replaces ``x * y``, ``np.exp(-d * d)``, ... by one
fused loop of the scalar operations, and the compiled map is never called
(measured: 1.2 s of the 2.8 s first call of ``vmap(grad)`` of an energy written
with array expressions).

``register_lazy(fn, typer)`` types a call of fn with the implementation that
``typer(*argtypes)`` returns (None: not dualad's case) from the result type
that implementation declares (its ``element`` attribute: the result is a
C-contiguous array of that type, of the operands' broadcast rank) and compiles it only
in lowering (``context.compile_internal``), for the calls that are still
there.
"""
from numba.core import types
from numba.core.imputils import lower_builtin
from numba.core.typing.templates import AbstractTemplate, infer_global, signature


def register_lazy(fn, typer, prefer_literal=False):
    """Type calls of fn by ``typer`` (see the module docstring), compiled when lowered."""
    impls = {}

    def impl_key(*args):   # this registration's key for numba's lowering lookup
        raise NotImplementedError

    class LazyTemplate(AbstractTemplate):
        key = fn

        def generic(self, args, kws):
            if kws or not any(isinstance(t, types.Array) for t in args):
                return None   # (maps have an array operand; scalars are typed elsewhere)
            impl = typer(*args)
            if impl is None:
                return None
            impls[args] = impl
            ndim = max(t.ndim if isinstance(t, types.Array) else 0 for t in args)
            return signature(types.Array(impl.element, ndim, "C"), *args)

        def get_impl_key(self, sig):
            return impl_key

    LazyTemplate.prefer_literal = prefer_literal
    infer_global(fn)(LazyTemplate)

    @lower_builtin(impl_key, types.VarArg(types.Any))
    def lower(context, builder, sig, args):
        impl = impls.get(sig.args) or typer(*sig.args)
        return context.compile_internal(builder, impl, sig, args)
