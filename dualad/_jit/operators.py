"""The operators of the compiled number types: ``+ - * /`` (and in place), ``-x``,
``+x`` and the comparisons.

Each overload picks, at typing time, the case of its operands
(``operands.classify``: 'same' | 'left' | 'right') and the number type's
``Calculus`` (``calculus.calculus_of``), and returns that calculus' impl for
the case: no compiled dispatch. Operators on vector partials (inside the
Dual calculus) map to the vector intrinsics of ``partials``. Everything else
(``**``, ``//``, ``%``, ``abs``, ``round``, ``min``/``max``, elementary
functions) goes through the rule table (``functions``, ``builtins``).
"""
import operator

from numba.extending import overload

from .calculus import calculus_of
from .intrinsics import innermost
from .operands import SAME, classify, converting  # noqa: F401  (classify: re-exported)
from .complex_partials import cvadd, cvdivide_real, cvneg, cvscale, cvsub
from .partials import vadd, vdivide, vneg, vscale, vsub
from .registry import OVERLOAD, jitable  # noqa: F401  (jitable: re-exported)
from .types import ComplexPartialsType, PartialsType, is_complex_dual, is_constant, is_dual, \
    is_real

GENERIC = OVERLOAD
"""The options of every dualad overload (``types.OVERLOAD``), under its older name."""

_PARTIALS_IMPLS = {"add": vadd, "sub": vsub}
_COMPLEX_PARTIALS_IMPLS = {"add": cvadd, "sub": cvsub}
_VECTORS = (PartialsType, ComplexPartialsType)


def _complex_partials_typer(name, a, b):
    """Complex vector partials: sums, and scaling by a real or complex scalar."""
    if name in _COMPLEX_PARTIALS_IMPLS and a == b:
        fn = _COMPLEX_PARTIALS_IMPLS[name]
        return lambda a, b: fn(a, b)
    if name == "mul" and isinstance(a, ComplexPartialsType) and is_constant(b):
        return lambda a, b: cvscale(a, b)
    if name == "mul" and isinstance(b, ComplexPartialsType) and is_constant(a):
        return lambda a, b: cvscale(b, a)
    if name == "truediv" and isinstance(a, ComplexPartialsType) and is_real(b):
        return lambda a, b: cvdivide_real(a, b)
    if name == "truediv" and isinstance(a, ComplexPartialsType) and is_constant(b):
        return lambda a, b: cvscale(a, 1.0 / b)
    return None


def _partials_typer(name, a, b):
    """Vector partials (inside the Dual calculus): sums, and scaling by a real."""
    if isinstance(a, ComplexPartialsType) or isinstance(b, ComplexPartialsType):
        return _complex_partials_typer(name, a, b)
    if name in _PARTIALS_IMPLS and a == b:
        fn = _PARTIALS_IMPLS[name]
        return lambda a, b: fn(a, b)
    if name == "mul" and isinstance(a, PartialsType) and is_real(b):
        return lambda a, b: vscale(a, b)
    if name == "mul" and isinstance(b, PartialsType) and is_real(a):
        return lambda a, b: vscale(b, a)
    if name == "truediv" and isinstance(a, PartialsType) and is_real(b):
        return lambda a, b: vdivide(a, b)
    return None


def _arith_overload(name, op):
    def typer(a, b):
        if isinstance(a, _VECTORS) or isinstance(b, _VECTORS):
            return _partials_typer(name, a, b)
        k = classify(a, b)
        if k is None:
            return None
        kind, T = k
        return converting(op, a, b, T, kind) or calculus_of(T).arith[name][kind]
    return typer


_ARITH = {"add": (operator.add, operator.iadd), "sub": (operator.sub, operator.isub),
          "mul": (operator.mul, operator.imul),
          "truediv": (operator.truediv, operator.itruediv)}

for _name, (_op, _iop) in _ARITH.items():
    # numba does not fall back from x += y to x = x + y for extension types.
    overload(_op, **OVERLOAD)(_arith_overload(_name, _op))
    overload(_iop, **OVERLOAD)(_arith_overload(_name, _op))


@overload(operator.neg, **OVERLOAD)
def _neg(x):
    if isinstance(x, PartialsType):
        return lambda x: vneg(x)
    if isinstance(x, ComplexPartialsType):
        return lambda x: cvneg(x)
    calc = calculus_of(x)
    if calc is not None:
        return calc.neg


@overload(operator.pos, **OVERLOAD)
def _pos(x):
    if is_dual(x) or isinstance(x, _VECTORS):
        return lambda x: x


# ------------------------------------------------ comparisons, by value ---

_ORDERING = {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">="}


def _compare_overload(op):
    def typer(a, b):
        if (is_dual(a) and (is_dual(b) or is_constant(b))) or (is_dual(b) and is_constant(a)):
            if op in _ORDERING and (is_complex_dual(a) or is_complex_dual(b) or
                                    not (is_dual(a) or is_real(a)) or
                                    not (is_dual(b) or is_real(b))):
                # a TypeError, not numba's TypingError: it reaches the user as it is
                raise TypeError(f"dualad: '{_ORDERING[op]}' is not supported for complex "
                                "dual numbers (complex numbers have no order); compare "
                                "abs(z), z.real or z.imag")
            return lambda a, b: op(innermost(a), innermost(b))
    return typer


for _op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge):
    overload(_op, **OVERLOAD)(_compare_overload(_op))
