"""Taylor numbers inside numba: arithmetic and the rule table's recurrences.

The same O(K²) recurrences as the Python path (``dualad._numbers.taylor.series``),
written once as plain loops over coefficient sequences (``_mul_p`` & co.) and
lowered by ``taylor_unroll`` (unrolled straight-line code for small K, a
compiled loop above): Cauchy products, quotients, exp, log, pow, sqrt,
sin/cos, sinh/cosh, tan, tanh, the integration of y' = g x', and the linear
operations; the rule table's functions built of them are in
``taylor_elementary`` (registered by ``taylor_functions``).
"""
import math
import operator

from numba.core.errors import NumbaTypeError
from numba.extending import overload

from .registry import OVERLOAD, jitable
from .taylor_types import is_taylor
from .taylor_unroll import recurrence
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


def _add_p(pa, pb, out, n):
    for k in range(n):
        out[k] = pa[k] + pb[k]


def _sub_p(pa, pb, out, n):
    for k in range(n):
        out[k] = pa[k] - pb[k]


def _scale_p(pa, c, out, n):
    for k in range(n):
        out[k] = pa[k] * c


def _shift_p(pa, c, out, n):
    out[0] = pa[0] + c
    for k in range(1, n):
        out[k] = pa[k]


def _with_value_p(pa, v, out, n):
    out[0] = v
    for k in range(1, n):
        out[k] = pa[k]


def _constant_p(like, c, out, n):
    out[0] = c
    for k in range(1, n):
        out[k] = 0.0


def _integrate_p(px, pg, y0, out, n):
    # y' = g x', y(0) = y0 (g to degree K - 1 is used)
    out[0] = y0
    for k in range(1, n):
        s = 0.0
        for j in range(1, k + 1):
            s += j * px[j] * pg[k - j]
        out[k] = s / k


_RECURRENCES = (_mul_p, _div_p, _exp_p, _log_p, _power_p, _sqrt_p, _sincos_p, _tanlike_p,
                _integrate_p)
_LINEAR = (_add_p, _sub_p, _scale_p, _shift_p, _with_value_p, _constant_p)
for _fn in _RECURRENCES + _LINEAR:
    jitable(_fn)

# ------------------------------------------------------------ arithmetic ---
# Each is one intrinsic (taylor_unroll): r(*inputs) -> the Taylor number(s) it fills.

t_mul = recurrence(_mul_p)
t_div = recurrence(_div_p)
t_exp = recurrence(_exp_p)            # (x, y0, scale)
t_log = recurrence(_log_p)            # (x, y0, scale)
t_power = recurrence(_power_p)        # (x, y0, r)
t_sqrt = recurrence(_sqrt_p)          # (x, y0)
t_sincos = recurrence(_sincos_p, 2)   # (x, s0, c0, sign) -> (s, c)
t_tanlike = recurrence(_tanlike_p, 2)  # (x, y0, w0, sign) -> (y, 1 + sign y^2)
t_integrate = recurrence(_integrate_p)  # (x, g, y0)
t_add = recurrence(_add_p, unroll=True)
t_sub = recurrence(_sub_p, unroll=True)
t_scale = recurrence(_scale_p, unroll=True)   # (a, c)
t_shift = recurrence(_shift_p, unroll=True)   # (a, c): a + c
t_with_value = recurrence(_with_value_p, unroll=True)  # (a, v): a with coefficient 0 v
t_constant = recurrence(_constant_p, unroll=True)
"""t_constant(like, c): the constant c as a Taylor number of like's type."""


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
