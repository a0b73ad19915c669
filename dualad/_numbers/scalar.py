"""The operator protocol shared by the scalar dual types ``Dual`` and ``HyperDual``.

``_TaggedScalar`` classifies the other operand of every operation by the
perturbation tags (``same``: the same perturbation; ``const``: a constant
with respect to it; ``outer``: the other number leads) and implements the
operators and the application of ladders once. Each type supplies only its
calculus: ``_chain`` (unary ladder), ``_chain2`` (binary ladder),
``_mul_same``, ``_div_same``, and ``_components``/``_build``.
"""
import numpy as np

from .._core.base import CONST, LEFT, OUTER, RIGHT, SAME, ArithmeticByName, DualNumber, lead
from .._rules import FUNCTIONS, RULES_BY_NAME, STEP
from .components import is_complex_value, part_of, scalar_constant, _divide, _scale, _value_of
from .depset import is_dependencies
from .scalar_numpy import _not_scalar_operands, scalar_array_function, scalar_array_ufunc

_REFLECTED = {"add": "add", "mul": "mul", "sub": "rsub", "rsub": "sub",
              "div": "rdiv", "rdiv": "div"}


def _step(d):
    """The result of a rule whose derivative is identically zero (kind STEP): for
    sparsity detection, it depends on nothing (float partials are already zero)."""
    p = getattr(d, "_p", None)
    if is_dependencies(p):
        d._p = p.cleared()
    return d


def _ordered(a, b, op):
    """Refuse ordering complex values, as Python does (NumPy's complex scalars would not)."""
    if (isinstance(a, np.complexfloating) or isinstance(b, np.complexfloating)
            or type(a) is complex or type(b) is complex):
        raise TypeError(f"'{op}' is not supported for complex dual numbers (complex numbers "
                        "are not ordered); compare their .real or abs() instead")


def _complex_ladder(rule, *vals):
    """True if the rule is applied to a complex argument (and may be: else TypeError)."""
    for v in vals:
        if type(v) is not float and is_complex_value(v):
            rule.complex_ladders()  # raises if the rule is not holomorphic
            return True
    return False


class _TaggedScalar(ArithmeticByName, DualNumber):
    """Operator protocol shared by the scalar dual types.

    Subclasses implement ``_components``/``_build`` and the type's calculus:
    ``_chain`` (unary ladder), ``_chain2`` (binary ladder), ``_chain_n``
    (n-ary, for registered functions), ``_mul_same``, ``_div_same``, and say
    whether that calculus is first order (``_first_order``: it uses no second
    derivatives, so rules may skip computing them).
    """

    __slots__ = ()
    _first_order = True

    # ---- classification of the other operand -------------------------------
    def _classify(self, other):
        """(SAME, other) | (CONST, c) | (OUTER, None) | (None, None) (see _core.base)."""
        if type(other) is type(self) and other.tag == self.tag:
            self._check_compatible(other)
            return SAME, other
        if isinstance(other, DualNumber):
            # An array of duals (higher _rank) always leads: a scalar dual never
            # holds arrays as components (the array type promotes the scalar).
            if other._rank > self._rank or lead(self, other) is not self:
                return OUTER, None
            if other.tag == self.tag:
                return None, None
            return CONST, other
        c = scalar_constant(other)
        if c is None:
            return None, None
        return CONST, c

    def _primal(self):
        return self._components()[0]

    # ---- NumPy scalar attributes: a scalar dual is 0-d ----------------------
    # No ``dtype``: NumPy's mean/var/std of a list of scalar duals end with
    # ``ret.dtype.type(ret / n)`` when the result has a dtype, which would
    # convert the dual to a float; without one they return the dual. The float
    # type of a dual is that of its innermost value.
    shape = ()
    ndim = 0
    size = 1

    # ---- complex parts: the non-holomorphic maps they are ------------------
    # Each maps every component (value and partials) alike; the result of
    # real/imag/abs is a real-valued dual (guides/complex.md).
    def _part(self, part):
        return self._build(tuple(part_of(c, part) for c in self._components()))

    def conjugate(self):
        """The complex conjugate (a real dual is its own; NumPy's object loops call this)."""
        return self._part("conjugate") if is_complex_value(self) else self

    conj = conjugate

    @property
    def real(self):
        """The real part: a real-valued dual whose partials are the partials' real parts."""
        return self._part("real") if is_complex_value(self) else self

    @property
    def imag(self):
        """The imaginary part: a real-valued dual whose partials are the partials' imag parts."""
        return self._part("imag") if is_complex_value(self) else self._scaled(0.0)

    def _check_compatible(self, other):
        pass

    def _scaled(self, c):
        v, *ps = self._components()
        return self._build((v * c,) + tuple(_scale(p, c) for p in ps))

    def _shifted(self, c):
        parts = self._components()
        return self._build((parts[0] + c,) + parts[1:])

    def _negated(self):
        return self._build(tuple(-p for p in self._components()))

    # ---- arithmetic --------------------------------------------------------
    def _arith(self, other, op):
        kind, o = self._classify(other)
        if kind is OUTER:
            # Python tries the reflected method only for operands of different
            # types, so hand the operation to the outer number ourselves.
            if isinstance(other, _TaggedScalar):
                return other._arith(self, _REFLECTED[op])
            return NotImplemented
        if kind is None:
            return NotImplemented
        if kind is SAME:
            if op == "add":
                return self._build(tuple(a + b for a, b in zip(self._components(), o._components())))
            if op == "sub":
                return self._build(tuple(a - b for a, b in zip(self._components(), o._components())))
            if op == "mul":
                return self._mul_same(o)
            if op == "div":
                return self._div_same(o)
            if op == "rdiv":
                return o._div_same(self)
            if op == "rsub":
                return o._arith(self, "sub")
        if op == "add":
            return self._shifted(o)
        if op == "sub":
            return self._shifted(-o)
        if op == "rsub":
            return self._negated()._shifted(o)
        if op == "mul":
            return self._scaled(o)
        if op == "div":
            return self._build(tuple(_divide(p, o) for p in self._components()))
        if op == "rdiv":
            v = self._primal()
            q = o / v
            d1 = -(q / v)
            return self._chain(q, d1, -2.0 * d1 / v)
        raise AssertionError(op)

    def __neg__(self):
        return self._negated()

    def __pos__(self):
        return self

    def __abs__(self):
        if is_complex_value(self):  # |z| = hypot(re, im): d|z| = Re(conj(z) dz)/|z|, 0 at 0
            return FUNCTIONS["hypot"](self.real, self.imag)
        return self._apply1(RULES_BY_NAME["fabs"])

    def _binary_rule(self, name, other, reflected):
        kind, _ = self._classify(other)
        if kind is None or (kind is OUTER and not isinstance(other, _TaggedScalar)):
            return NotImplemented
        f = FUNCTIONS[name]
        return f(other, self) if reflected else f(self, other)

    def __pow__(self, other, modulo=None):
        if modulo is not None:
            return NotImplemented
        return self._binary_rule("pow", other, False)

    def __rpow__(self, other):
        return self._binary_rule("pow", other, True)

    def __floordiv__(self, other):
        return self._binary_rule("floordiv", other, False)

    def __rfloordiv__(self, other):
        return self._binary_rule("floordiv", other, True)

    def __mod__(self, other):
        return self._binary_rule("mod", other, False)

    def __rmod__(self, other):
        return self._binary_rule("mod", other, True)

    def __divmod__(self, other):
        return self // other, self % other

    def __rdivmod__(self, other):
        return other // self, other % self

    def __floor__(self):
        return self._apply1(RULES_BY_NAME["floor"])

    def __ceil__(self):
        return self._apply1(RULES_BY_NAME["ceil"])

    def __trunc__(self):
        return self._apply1(RULES_BY_NAME["trunc"])

    def __round__(self, ndigits=None):
        if ndigits is None:
            return self._apply1(RULES_BY_NAME["round"])
        scale = 10.0 ** ndigits
        return (self * scale)._apply1(RULES_BY_NAME["round"]) / scale

    def round(self, decimals=0, out=None):
        """``np.round(d, decimals)``, which calls this method: derivative 0."""
        if out is not None:
            raise TypeError("round() of a dual number takes no out= argument")
        return self.__round__(decimals or None)

    # ---- comparisons: by value ----------------------------------------------
    def __eq__(self, other):
        return _value_of(self) == _value_of(other)

    def __ne__(self, other):
        return _value_of(self) != _value_of(other)

    def __lt__(self, other):
        a, b = _value_of(self), _value_of(other)
        if type(a) is not float or type(b) is not float:
            _ordered(a, b, "<")
        return a < b

    def __le__(self, other):
        a, b = _value_of(self), _value_of(other)
        if type(a) is not float or type(b) is not float:
            _ordered(a, b, "<=")
        return a <= b

    def __gt__(self, other):
        a, b = _value_of(self), _value_of(other)
        if type(a) is not float or type(b) is not float:
            _ordered(a, b, ">")
        return a > b

    def __ge__(self, other):
        a, b = _value_of(self), _value_of(other)
        if type(a) is not float or type(b) is not float:
            _ordered(a, b, ">=")
        return a >= b

    def __hash__(self):
        return hash(_value_of(self))

    # ---- elementary functions ---------------------------------------------
    # A rule (built-in or registered with da.register) is applied here, for
    # every scalar type, through the type's own chain rules.
    def _apply1(self, rule):
        # (Rule.unary_ladder, inlined: this is every elementary call of a HyperDual)
        v = self._primal()
        if _complex_ladder(rule, v):
            return self._chain(*rule.complex_ladder(v))
        first = rule.first if self._first_order else None
        ladder = rule.ladder if first is None else first[0]
        out = self._chain(*ladder(v))
        return _step(out) if rule.kind == STEP else out

    def _apply2(self, rule, x, y):
        kx, cx = self._classify(x)
        ky, cy = self._classify(y)
        if kx is None or ky is None or OUTER in (kx, ky):
            return _not_scalar_operands(rule, x, y)
        case = SAME if kx == ky else (LEFT if kx == SAME else RIGHT)
        px = x._primal() if kx is SAME else cx
        py = y._primal() if ky is SAME else cy
        if _complex_ladder(rule, px, py):
            ladder, ladder_x, ladder_y = rule.complex_ladders()
        else:
            ladder, ladder_x, ladder_y = rule.binary_ladders(self._first_order)
        if case is SAME:
            out = x._chain2(y, *ladder(x._primal(), y._primal()))
        elif case is LEFT:
            out = x._chain(*ladder_x(x._primal(), cy))
        else:
            out = y._chain(*ladder_y(cx, y._primal()))
        return _step(out) if rule.kind == STEP else out

    def _apply_n(self, args, ladder_n, who):
        """A function of n arguments at ``args`` (self the leading dual among them).

        ``ladder_n(vals, wrt, second)`` gives (f, grads, hess): the value at the
        primals ``vals``, the partials along the arguments ``wrt`` (those carrying
        self's perturbation) and, if ``second``, their second partials
        (``hess[a][b]``), else None.
        """
        vals, wrt = [], []
        for i, a in enumerate(args):
            kind, c = self._classify(a)
            if kind == SAME:
                wrt.append(i)
                vals.append(a._primal())
            elif kind == CONST:
                vals.append(c)
            else:
                raise TypeError(f"{who}(): cannot combine {type(self).__name__} and "
                                f"{type(a).__name__}")
        f, grads, hess = ladder_n(vals, wrt, not self._first_order)
        return self._chain_n([args[i] for i in wrt], f, grads, hess)


    # ---- NumPy (the handlers themselves: no extra call per ufunc) ---------
    __array_ufunc__ = scalar_array_ufunc
    __array_function__ = scalar_array_function
