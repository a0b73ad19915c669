"""Taylor numbers inside numba: arithmetic and the rule table's recurrences.

The same O(K²) recurrences as the Python path (``dualad._numbers.taylor.series``),
written as loops over stack buffers (``taylor_types``): Cauchy products,
quotients, exp, log, pow, sqrt, sin/cos, sinh/cosh, tan, tanh, and the
rules that follow from them (exp2, expm1, log2, log10, log1p, cbrt, degrees,
radians), fabs and the step functions (their conventions: sign(0) = 0, every
derivative of a step 0); the rule table's functions are in ``taylor_functions``.
"""
import math
import operator

from numba.core.errors import NumbaTypeError
from numba.extending import overload

from .registry import OVERLOAD, jitable
from .taylor_types import buffer_of, from_buffer, is_taylor
from .types import is_real

LN2 = math.log(2.0)
LN10 = math.log(10.0)


# ------------------------------------------------ recurrences on buffers ---
# p*: input coefficients, out: output buffer, n: number of coefficients.

def _mul_p(pa, pb, out, n):
    for k in range(n):
        s = pa[0] * pb[k]
        for j in range(1, k + 1):
            s += pa[j] * pb[k - j]
        out[k] = s


def _div_p(pa, pb, out, n):
    b0 = pb[0]
    out[0] = pa[0] / b0
    inv = 1.0 / b0  # one division: a product per coefficient after the first
    for k in range(1, n):
        s = pa[k]
        for j in range(k):
            s -= out[j] * pb[k - j]
        out[k] = s * inv


def _exp_p(px, y0, scale, out, n):
    out[0] = y0
    for k in range(1, n):
        s = 0.0
        for j in range(1, k + 1):
            s += j * px[j] * out[k - j]
        out[k] = s * (scale / k)


def _log_p(px, y0, scale, out, n):
    out[0] = y0
    for k in range(1, n):
        s = 0.0
        for j in range(1, k):
            s += j * out[j] * px[k - j]
        out[k] = (scale * px[k] - s / k) / px[0]


def _power_p(px, y0, r, out, n):
    out[0] = y0
    for k in range(1, n):
        s = 0.0
        for j in range(k):
            s += (r * (k - j) - j) * px[k - j] * out[j]
        out[k] = s / (k * px[0])


def _sqrt_p(px, y0, out, n):
    out[0] = y0
    for k in range(1, n):
        s = 0.0
        for j in range(1, k):
            s += out[j] * out[k - j]
        out[k] = (px[k] - s) / (2.0 * y0)


def _sincos_p(px, s0, c0, sign, ps, pc, n):
    ps[0] = s0
    pc[0] = c0
    for k in range(1, n):
        a = 0.0
        b = 0.0
        for j in range(1, k + 1):
            a += j * px[j] * pc[k - j]
            b += j * px[j] * ps[k - j]
        inv = 1.0 / k
        ps[k] = a * inv
        pc[k] = sign * b * inv


def _tanlike_p(px, y0, w0, sign, out, pw, n):
    out[0] = y0
    pw[0] = w0
    for k in range(1, n):
        s = 0.0
        for j in range(1, k + 1):
            s += j * px[j] * pw[k - j]
        out[k] = s * (1.0 / k)
        q = 0.0
        for j in range(k + 1):
            q += out[j] * out[k - j]
        pw[k] = sign * q


for _fn in (_mul_p, _div_p, _exp_p, _log_p, _power_p, _sqrt_p, _sincos_p, _tanlike_p):
    jitable(_fn)


# ------------------------------------------------------------ arithmetic ---

def t_mul(a, b):
    out = buffer_of(a)
    _mul_p(buffer_of(a), buffer_of(b), out, len(a.c))
    return from_buffer(out, a)


def t_div(a, b):
    out = buffer_of(a)
    _div_p(buffer_of(a), buffer_of(b), out, len(a.c))
    return from_buffer(out, a)


def t_add(a, b):
    out = buffer_of(a)
    pb = buffer_of(b)
    for k in range(len(a.c)):
        out[k] += pb[k]
    return from_buffer(out, a)


def t_sub(a, b):
    out = buffer_of(a)
    pb = buffer_of(b)
    for k in range(len(a.c)):
        out[k] -= pb[k]
    return from_buffer(out, a)


def t_scale(a, c):
    out = buffer_of(a)
    for k in range(len(a.c)):
        out[k] *= c
    return from_buffer(out, a)


def t_shift(a, c):
    out = buffer_of(a)
    out[0] += c
    return from_buffer(out, a)


def t_constant(like, c):
    """The constant c as a Taylor number of like's type."""
    out = buffer_of(like)
    out[0] = c
    for k in range(1, len(like.c)):
        out[k] = 0.0
    return from_buffer(out, like)


for _fn in (t_mul, t_div, t_add, t_sub, t_scale, t_shift, t_constant):
    jitable(_fn)


def _same_or_const(a, b):
    """'same' (two Taylor numbers of one type), 'left'/'right' (which is Taylor), or None."""
    if is_taylor(a) and is_taylor(b):
        if a != b:
            raise NumbaTypeError(f"cannot combine {a} and {b} (Taylor numbers of "
                                 "different orders or float widths)")
        return "same"
    if is_taylor(a) and is_real(b):
        return "left"
    if is_real(a) and is_taylor(b):
        return "right"
    return None


def _binary_op(same, left, right):
    def typer(a, b):
        kind = _same_or_const(a, b)
        return None if kind is None else {"same": same, "left": left, "right": right}[kind]
    return typer


def _add_same(a, b):
    return t_add(a, b)


def _add_left(a, b):
    return t_shift(a, b)


def _add_right(a, b):
    return t_shift(b, a)


def _sub_left(a, b):
    return t_shift(a, -b)


def _sub_right(a, b):
    return t_shift(t_scale(b, -1.0), a)


def _mul_left(a, b):
    return t_scale(a, b)


def _mul_right(a, b):
    return t_scale(b, a)


def _div_left(a, b):
    return t_scale(a, 1.0 / b)


def _div_right(a, b):
    return t_div(t_constant(b, a), b)


_OPS = {
    "add": _binary_op(_add_same, _add_left, _add_right),
    "sub": _binary_op(lambda a, b: t_sub(a, b), _sub_left, _sub_right),
    "mul": _binary_op(lambda a, b: t_mul(a, b), _mul_left, _mul_right),
    "truediv": _binary_op(lambda a, b: t_div(a, b), _div_left, _div_right),
}
for _name, _typer in _OPS.items():
    overload(getattr(operator, _name), strict=False, **OVERLOAD)(_typer)
    overload(getattr(operator, "i" + _name), strict=False, **OVERLOAD)(_typer)


@overload(operator.neg, strict=False, **OVERLOAD)
def _neg(a):
    if is_taylor(a):
        return lambda a: t_scale(a, -1.0)


@overload(operator.pos, strict=False, **OVERLOAD)
def _pos(a):
    if is_taylor(a):
        return lambda a: a


def _value(a):
    return a


@overload(_value, strict=False, **OVERLOAD)
def _value_ov(a):
    if is_taylor(a):
        return lambda a: a.c[0]
    if is_real(a):
        return lambda a: a


def _compare(op):
    def typer(a, b):
        if (is_taylor(a) or is_taylor(b)) and (is_taylor(a) or is_real(a)) and (
                is_taylor(b) or is_real(b)):
            return lambda a, b: op(_value(a), _value(b))
    return typer


for _op in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne):
    overload(_op, strict=False, **OVERLOAD)(_compare(_op))
