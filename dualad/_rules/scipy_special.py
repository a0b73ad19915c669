"""Rules for ``scipy.special`` functions: Python and NumPy paths only.

scipy is optional: this table is built on first use (``scipy_rule(ufunc)``,
called when a ufunc without a NumPy rule reaches a dual), and only when
``scipy.special`` is importable. These rules are not in ``RULES``: their
float primals (scipy's ufuncs) have no nopython implementation, so the
numba layer never registers them, and inside ``@numba.njit`` code a scipy
function on a dual is refused by numba's own typing error.

Aliases: scipy's ``erf``, ``erfc``, ``gamma``, ``gammaln``, ``psi``/``digamma``,
``expm1``, ``log1p``, ``cbrt``, ``exp2`` map to the rules of the main table.

Ladders follow the conventions of ``ladders`` (f, f', f'' as code on any
number type); each calls the function itself through ``_function`` so that
nested duals (higher derivatives) work. Numerical care: ``log_ndtr'`` is
``exp(log_phi - log_ndtr)`` (no 0/0 for very negative x), ``expit'`` is
``expit(x) expit(-x)`` (no cancellation in 1 - expit).
"""
import math

import numpy as np

from .._core.base import DualNumber, lead
from . import elementary as E
from .table import FUNCTIONS, RULES_BY_NAME, STEP, Rule, polygamma_rule

SQRT_PI = math.sqrt(math.pi)
TWO_OVER_SQRT_PI = 2.0 / SQRT_PI
LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
SQRT_2PI = math.sqrt(2.0 * math.pi)
LN10 = math.log(10.0)

_state = {}


def _sp():
    import scipy.special
    return scipy.special


def _function(name):
    """The function ``name`` on any operand: its rule on duals, scipy's ufunc otherwise."""
    def fn(*args):
        top = None
        for a in args:
            if isinstance(a, DualNumber):
                top = a if top is None else lead(top, a)
        if top is None:
            rule = _state.get("by_name", {}).get(name)
            return (rule.primal if rule is not None else getattr(_sp(), name))(*args)
        rule = _state["by_name"][name]
        if rule.arity == 1:
            return top._apply1(rule)
        return top._apply2(rule, *args)
    fn.__name__ = name
    return fn


erfcx, erfi, dawson, erfinv, erfcinv = (_function(n) for n in
                                        ("erfcx", "erfi", "dawsn", "erfinv", "erfcinv"))
expit, logit, log_expit, ndtr, log_ndtr, ndtri = (_function(n) for n in (
    "expit", "logit", "log_expit", "ndtr", "log_ndtr", "ndtri"))
rgamma, exp10, entr, expi, exp1 = (_function(n) for n in
                                   ("rgamma", "exp10", "entr", "expi", "exp1"))
j0, j1, y0, y1, i0, i1, i0e, i1e = (_function(n) for n in
                                    ("j0", "j1", "y0", "y1", "i0", "i1", "i0e", "i1e"))
ellipk, ellipe, betaln = (_function(n) for n in ("ellipk", "ellipe", "betaln"))
jv, yv, iv, kv, ive, kve = (_function(n) for n in ("jv", "yv", "iv", "kv", "ive", "kve"))
gammainc, gammaincc = _function("gammainc"), _function("gammaincc")
zeta, gammasgn = _function("zeta"), _function("gammasgn")
si, ci = _function("sici.si"), _function("sici.ci")
sin, cos = E.sin, E.cos
exp, log, log1p, sign, psi = E.exp, E.log, E.log1p, E.sign, E.digamma


def trigamma(x):
    return E.polygamma(1, x)


# ------------------------------------------------------------- ladders ---

def _erfcx(x):
    f = erfcx(x)
    d = 2.0 * x * f - TWO_OVER_SQRT_PI
    return f, d, 2.0 * f + 2.0 * x * d


def _erfi(x):
    d = TWO_OVER_SQRT_PI * exp(x * x)
    return erfi(x), d, 2.0 * x * d


def _dawson(x):
    f = dawson(x)
    d = 1.0 - 2.0 * x * f
    return f, d, -2.0 * f - 2.0 * x * d


def _erfinv(x):
    y = erfinv(x)
    d = 0.5 * SQRT_PI * exp(y * y)
    return y, d, 2.0 * y * d * d


def _erfcinv(x):
    y = erfcinv(x)
    d = -0.5 * SQRT_PI * exp(y * y)
    return y, d, 2.0 * y * d * d


def _expit(x):
    s = expit(x)
    d = s * expit(-x)
    return s, d, d * (1.0 - 2.0 * s)


def _logit(x):
    d = 1.0 / (x * (1.0 - x))
    return logit(x), d, (2.0 * x - 1.0) * d * d


def _log_expit(x):
    d = expit(-x)
    return log_expit(x), d, -d * expit(x)


def _ndtr(x):
    phi = exp(-0.5 * x * x) / SQRT_2PI
    return ndtr(x), phi, -x * phi


def _log_ndtr(x):
    f = log_ndtr(x)
    d = exp(-0.5 * x * x - LOG_SQRT_2PI - f)
    return f, d, -d * (x + d)


def _ndtri(x):
    y = ndtri(x)
    d = SQRT_2PI * exp(0.5 * y * y)
    return y, d, y * d * d


def _rgamma(x):
    f = rgamma(x)
    p = psi(x)
    return f, -f * p, f * (p * p - trigamma(x))


def _exp10(x):
    f = exp10(x)
    return f, LN10 * f, LN10 * LN10 * f


def _entr(x):
    return entr(x), -log(x) - 1.0, -1.0 / x


def _expi(x):
    e = exp(x) / x
    return expi(x), e, e - e / x


def _exp1(x):
    e = exp(-x) / x
    return exp1(x), -e, e + e / x


def _j0(x):
    a, b = j0(x), j1(x)
    return a, -b, -a + b / x


def _j1(x):
    a, b = j0(x), j1(x)
    d = a - b / x
    return b, d, -b - d / x + b / (x * x)


def _y0(x):
    a, b = y0(x), y1(x)
    return a, -b, -a + b / x


def _y1(x):
    a, b = y0(x), y1(x)
    d = a - b / x
    return b, d, -b - d / x + b / (x * x)


def _i0(x):
    a, b = i0(x), i1(x)
    return a, b, a - b / x


def _i1(x):
    a, b = i0(x), i1(x)
    d = a - b / x
    return b, d, b - d / x + b / (x * x)


def _i0e(x):
    # i0e = exp(-|x|) i0; s = sign(x) (x != 0 in the domain of the tests)
    a, b = i0e(x), i1e(x)
    s = sign(x)
    return a, b - s * a, 2.0 * a - b / x - 2.0 * s * b


def _i1e(x):
    a, b = i0e(x), i1e(x)
    s = sign(x)
    d = a - b / x - s * b
    return b, d, (b - s * a) - d / x + b / (x * x) - s * d


def _ellipk(m):
    k, e = ellipk(m), ellipe(m)
    den = 2.0 * m * (1.0 - m)
    dk = (e - (1.0 - m) * k) / den
    de = (e - k) / (2.0 * m)
    return k, dk, (de + k - (1.0 - m) * dk) / den - dk * (2.0 - 4.0 * m) / den


def _ellipe(m):
    k, e = ellipk(m), ellipe(m)
    den = 2.0 * m * (1.0 - m)
    dk = (e - (1.0 - m) * k) / den
    de = (e - k) / (2.0 * m)
    return e, de, (de - dk) / (2.0 * m) - de / m


# binary: (f, f_x, f_y, f_xx, f_xy, f_yy)

def _xlogy(x, y):
    ly = log(y)
    return x * ly, ly, x / y, 0.0 * x, 1.0 / y, -x / y / y


def _xlog1py(x, y):
    ly = log1p(y)
    r = 1.0 / (1.0 + y)
    return x * ly, ly, x * r, 0.0 * x, r, -x * r * r


def _betaln(a, b):
    pab = psi(a + b)
    tab = trigamma(a + b)
    return (betaln(a, b), psi(a) - pab, psi(b) - pab,
            trigamma(a) - tab, -tab, trigamma(b) - tab)


def _beta(a, b):
    f = exp(betaln(a, b))
    _, fa, fb, faa, fab, fbb = _betaln(a, b)
    return f, f * fa, f * fb, f * (fa * fa + faa), f * (fa * fb + fab), f * (fb * fb + fbb)


# Bessel functions of a constant order v: derivatives in z only (the order is
# a parameter, as polygamma's n). A dual order raises: no derivative is invented.

def _order_is_constant(name):
    def ladder(v, z):
        raise TypeError(f"scipy.special.{name}: dualad differentiates in its last argument "
                        "only; the order v (or shape a) must be a constant (a float or an "
                        "array)")
    return ladder


def _constant_argument(name, arg):
    def ladder(*args):
        raise TypeError(f"scipy.special.{name}: dualad has no derivative in its argument "
                        f"{arg!r}, which must be a constant (a float or an array); it "
                        "differentiates in q only (zeta(x, q))")
    return ladder


def _jv_z(v, z):
    a, b = jv(v - 1.0, z), jv(v + 1.0, z)
    return jv(v, z), 0.5 * (a - b), 0.25 * (jv(v - 2.0, z) - 2.0 * jv(v, z) + jv(v + 2.0, z))


def _yv_z(v, z):
    a, b = yv(v - 1.0, z), yv(v + 1.0, z)
    return yv(v, z), 0.5 * (a - b), 0.25 * (yv(v - 2.0, z) - 2.0 * yv(v, z) + yv(v + 2.0, z))


def _iv_z(v, z):
    a, b = iv(v - 1.0, z), iv(v + 1.0, z)
    return iv(v, z), 0.5 * (a + b), 0.25 * (iv(v - 2.0, z) + 2.0 * iv(v, z) + iv(v + 2.0, z))


def _kv_z(v, z):
    a, b = kv(v - 1.0, z), kv(v + 1.0, z)
    return kv(v, z), -0.5 * (a + b), 0.25 * (kv(v - 2.0, z) + 2.0 * kv(v, z) + kv(v + 2.0, z))


def _ive_z(v, z):
    # ive = iv exp(-|z|)
    f, s = ive(v, z), sign(z)
    m = 0.5 * (ive(v - 1.0, z) + ive(v + 1.0, z))
    d = m - s * f
    dm = 0.25 * (ive(v - 2.0, z) + 2.0 * f + ive(v + 2.0, z)) - s * m
    return f, d, dm - s * d


def _kve_z(v, z):
    # kve = kv exp(z)
    f = kve(v, z)
    m = -0.5 * (kve(v - 1.0, z) + kve(v + 1.0, z))
    d = m + f
    dm = 0.25 * (kve(v - 2.0, z) + 2.0 * f + kve(v + 2.0, z)) + m
    return f, d, dm + d


def _gammainc_x(a, x):
    # d/dx P(a, x) = x**(a-1) exp(-x) / gamma(a)
    d = exp((a - 1.0) * log(x) - x - E.lgamma(a))
    return gammainc(a, x), d, d * ((a - 1.0) / x - 1.0)


def _gammaincc_x(a, x):
    d = -exp((a - 1.0) * log(x) - x - E.lgamma(a))
    return gammaincc(a, x), d, d * ((a - 1.0) / x - 1.0)


def _gammasgn(x):
    return gammasgn(x), 0.0, 0.0


def _si(x):
    s = sin(x) / x
    return si(x), s, (cos(x) - s) / x


def _ci(x):
    c = cos(x) / x
    return ci(x), c, (-sin(x) - c) / x


def _zeta_q(x, q):
    # Hurwitz zeta(x, q): d/dq = -x zeta(x + 1, q); the exponent x is a constant
    return zeta(x, q), -x * zeta(x + 1.0, q), x * (x + 1.0) * zeta(x + 2.0, q)


def _betainc_x(a, b):
    """The ladder of betainc(a, b, .) for constant a, b (floats or arrays)."""
    lb = _sp().betaln(a, b)
    lb = float(lb) if np.ndim(lb) == 0 else lb

    def ladder(x):
        d = exp((a - 1.0) * log(x) + (b - 1.0) * log1p(-x) - lb)
        return _sp().betainc(a, b, x), d, d * ((a - 1.0) / x - (b - 1.0) / (1.0 - x))
    return ladder


_U = ((-3.0, 3.0),)
_POS = ((0.3, 8.0),)
_UNIT = ((-0.95, 0.95),)
_PROB = ((0.02, 0.98),)


def _table():
    sp = _sp()

    def R(name, ladder, domain, *extra, **kw):
        return Rule(name, 2 if extra else 1, getattr(sp, name), ladder, domain,
                    argnames=extra[0] if extra else ("x",), **kw)
    rules = (
        R("erfcx", _erfcx, ((-2.0, 3.0),), note="f' = 2x f - 2/sqrt(pi) cancels: about 2x**2 ulps lost for large x (known limitation)"), R("erfi", _erfi, _U),
        R("dawsn", _dawson, ((-5.0, 5.0),)), R("erfinv", _erfinv, _UNIT),
        R("erfcinv", _erfcinv, ((0.05, 1.95),)), R("expit", _expit, ((-8.0, 8.0),)),
        R("logit", _logit, _PROB), R("log_expit", _log_expit, ((-8.0, 8.0),)),
        R("ndtr", _ndtr, _U), R("log_ndtr", _log_ndtr, ((-3.0, 3.0),),
          note="f'' = -f'(x + f') cancels for x << 0: about x**2 ulps lost (known limitation)"),
        R("ndtri", _ndtri, _PROB), R("rgamma", _rgamma, ((0.2, 6.0),)),
        R("exp10", _exp10, _U), R("entr", _entr, _POS),
        R("expi", _expi, _POS), R("exp1", _exp1, _POS),
        R("j0", _j0, _POS), R("j1", _j1, _POS), R("y0", _y0, _POS), R("y1", _y1, _POS),
        R("i0", _i0, _POS), R("i1", _i1, _POS), R("i0e", _i0e, _POS), R("i1e", _i1e, _POS),
        R("ellipk", _ellipk, ((0.05, 0.95),)), R("ellipe", _ellipe, ((0.05, 0.95),)),
        R("xlogy", _xlogy, ((-3.0, 3.0), (0.2, 5.0)), ("x", "y")),
        R("xlog1py", _xlog1py, ((-3.0, 3.0), (-0.8, 5.0)), ("x", "y")),
        R("betaln", _betaln, ((0.3, 6.0), (0.3, 6.0)), ("a", "b")),
        R("beta", _beta, ((0.3, 6.0), (0.3, 6.0)), ("a", "b")),
    )
    order_rules = tuple(
        Rule(name, 2, getattr(sp, name), _order_is_constant(name), ((0.5, 2.5), (0.3, 8.0)),
             argnames=("v", "z"), ladder_x=_order_is_constant(name), ladder_y=lz,
             note="derivative in z; the order v is a constant (a dual v raises)")
        for name, lz in (("jv", _jv_z), ("yv", _yv_z), ("iv", _iv_z), ("kv", _kv_z),
                         ("ive", _ive_z), ("kve", _kve_z)))
    order_rules += tuple(
        Rule(name, 2, getattr(sp, name), _order_is_constant(name), ((0.5, 4.0), (0.3, 8.0)),
             argnames=("a", "x"), ladder_x=_order_is_constant(name), ladder_y=lx,
             note="derivative in x; the shape a is a constant (a dual a raises)")
        for name, lx in (("gammainc", _gammainc_x), ("gammaincc", _gammaincc_x)))
    u = sp._ufuncs
    rules += (
        R("gammasgn", _gammasgn, ((-3.7, 5.0),), kind=STEP,
          note="the sign of gamma(x): derivative 0 (undefined at the poles 0, -1, -2, ...)"),
        Rule("sici.si", 1, lambda x: sp.sici(x)[0], _si, _POS,
             note="sici(x) returns (si, ci): each element differentiates (si' = sin(x)/x)"),
        Rule("sici.ci", 1, lambda x: sp.sici(x)[1], _ci, _POS,
             note="ci' = cos(x)/x (x > 0)"),
    )
    order_rules += (
        Rule("zeta", 2, sp.zeta, _constant_argument("zeta", "x"), ((1.5, 5.0), (0.3, 4.0)),
             argnames=("x", "q"), ladder_x=_constant_argument("zeta", "x"), ladder_y=_zeta_q,
             note="Hurwitz zeta(x, q): derivative in q; the exponent x is a constant "
                  "(a dual x, or the Riemann zeta(x) of a dual, raises)"),
    )
    rules = rules + order_rules
    ufunc_of = {"zeta": u._zeta}
    by_ufunc = {ufunc_of.get(r.name) or getattr(sp, r.name): r for r in rules
                if not r.name.startswith("sici.")}
    for alias, name in (("erf", "erf"), ("erfc", "erfc"), ("gamma", "gamma"),
                        ("gammaln", "lgamma"), ("expm1", "expm1"), ("log1p", "log1p"),
                        ("cbrt", "cbrt"), ("exp2", "exp2")):
        by_ufunc[getattr(sp, alias)] = RULES_BY_NAME[name]
    for alias in ("psi", "digamma"):
        by_ufunc[getattr(sp, alias)] = polygamma_rule(0)
    return rules, by_ufunc


def scipy_rules():
    """The scipy.special rules (a tuple; empty when scipy is not installed)."""
    if "rules" not in _state:
        try:
            rules, by_ufunc = _table()
        except ImportError:
            rules, by_ufunc = (), {}
        _state.update(rules=rules, by_ufunc=by_ufunc, by_name={r.name: r for r in rules})
        special = {}
        if rules:
            u = _sp()._ufuncs
            special = {u.sici: _sici, u.betainc: _betainc, u._riemann_zeta: _riemann_zeta}
        _state["special"] = special
    return _state["rules"]


def scipy_rule(ufunc):
    """The rule of a scipy.special ufunc (None if it has none, or scipy is absent)."""
    import sys
    if "scipy.special" not in sys.modules:  # a scipy ufunc exists only once imported
        return None
    scipy_rules()
    return _state["by_ufunc"].get(ufunc)


def _sici(x):
    return si(x), ci(x)


def _riemann_zeta(x):
    raise TypeError("scipy.special.zeta(x) of a dual x: dualad has no derivative of the "
                    "Riemann zeta function in x. For the Hurwitz zeta(x, q) it differentiates "
                    "in q (x a constant)")


def _betainc(a, b, x):
    for name, v in (("a", a), ("b", b)):
        if isinstance(v, DualNumber):
            raise TypeError(f"scipy.special.betainc(a, b, x): dualad differentiates in x "
                            f"only; the parameter {name!r} must be a constant (a float or "
                            "an array). Derivatives in a and b have no closed form")
    if not isinstance(x, DualNumber):
        return _sp().betainc(a, b, x)
    shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(x))
    if shape != np.shape(x):
        x = np.broadcast_to(x, shape)
    rule = Rule("betainc", 1, lambda t: _sp().betainc(a, b, t), _betainc_x(a, b), ((0.05, 0.95),))
    return x._apply1(rule)


def special_call(ufunc):
    """The dual implementation of a scipy ufunc that is not one rule (None otherwise):
    sici (two outputs), betainc (three arguments, a and b constant), and the
    refusal of the Riemann zeta of a dual."""
    import sys
    if "scipy.special" not in sys.modules:
        return None
    scipy_rules()
    return _state["special"].get(ufunc)


def scipy_function(rule):
    """dualad's function of a rule found by ``scipy_rule`` (dispatching on duals)."""
    if rule.name in FUNCTIONS:
        return FUNCTIONS[rule.name]
    if rule.name.startswith("polygamma_"):
        return E.digamma
    return _function(rule.name)


def ufunc_rule(ufunc):
    """The rule of any ufunc: NumPy's from the main table, else scipy.special's."""
    from .table import RULES_BY_UFUNC
    rule = RULES_BY_UFUNC.get(ufunc)
    return rule if rule is not None else scipy_rule(ufunc)
