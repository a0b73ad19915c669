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
import numpy as np

from .._core.base import DualNumber
from . import elementary as E
from .scipy_ladders import (  # the ladders, and the functions on any operand
    _beta, _betainc_x, _betaln, _ci, _constant_argument, _dawson, _ellipe, _ellipk,
    _entr, _erfcinv, _erfcx, _erfi, _erfinv, _exp1, _exp10, _expi, _expit, _function,
    _gammainc_x, _gammaincc_x, _gammasgn, _i0, _i0e, _i1, _i1e, _iv_z, _ive_z, _j0, _j1,
    _jv_z, _kv_z, _kve_z, _log_expit, _log_ndtr, _logit, _ndtr, _ndtri,
    _order_is_constant, _rgamma, _si, _sp, _state, _xlog1py, _xlogy, _y0, _y1, _yv_z, _zeta_q,
    ci, si)
from .scipy_spherical import (
    _spherical_in, _spherical_in_d, _spherical_jn, _spherical_jn_d, _spherical_kn,
    _spherical_kn_d, _spherical_yn, _spherical_yn_d)
from .scipy_betainc import betainc_parameters
from .scipy_zeta import zeta_exponent
from .table import FUNCTIONS, RULES_BY_NAME, RULES_BY_UFUNC, STEP, Rule, polygamma_rule

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
             note="Hurwitz zeta(x, q), q > 0: in q exact (-x zeta(x+1, q)); in the exponent "
                  "x (no closed form) Euler-Maclaurin run on the duals, SciPy's value kept "
                  "(every order, mixed too; the Riemann zeta(x) likewise, x != 1)"),
    )
    spherical = {"spherical_jn": (_spherical_jn, _spherical_jn_d),
                 "spherical_yn": (_spherical_yn, _spherical_yn_d),
                 "spherical_in": (_spherical_in, _spherical_in_d),
                 "spherical_kn": (_spherical_kn, _spherical_kn_d)}
    for name, (lz, lz_d) in spherical.items():
        for suffix, ladder, what in (("", lz, ""), ("_d", lz_d, " (derivative=True)")):
            order_rules += (Rule(
                name + suffix, 2, _in_float_type_of_z(getattr(u, "_" + name + suffix)),
                _order_is_constant(name), ((0.0, 3.0), (0.3, 8.0)), argnames=("n", "z"),
                ladder_x=_order_is_constant(name), ladder_y=ladder,
                note=f"{name}(n, z{', derivative=True' if suffix else ''}){what}: "
                     "derivative in z; the integer order n is a constant. SciPy's wrapper "
                     f"converts z to floats: call dualad.scipy.special.{name}"),)
    rules = rules + order_rules
    ufunc_of = {}
    ufunc_of.update({r.name: getattr(u, "_" + r.name) for r in order_rules
                     if r.name.startswith("spherical_")})
    by_ufunc = {ufunc_of.get(r.name) or getattr(sp, r.name): r for r in rules
                if not r.name.startswith("sici.") and r.name != "zeta"}  # zeta: _zeta
    for alias, name in (("erf", "erf"), ("erfc", "erfc"), ("gamma", "gamma"),
                        ("gammaln", "lgamma"), ("expm1", "expm1"), ("log1p", "log1p"),
                        ("cbrt", "cbrt"), ("exp2", "exp2")):
        by_ufunc[getattr(sp, alias)] = RULES_BY_NAME[name]
    for alias in ("psi", "digamma"):
        by_ufunc[getattr(sp, alias)] = polygamma_rule(0)
    return rules, by_ufunc


def _in_float_type_of_z(ufunc):
    """A spherical Bessel ufunc (double loops only) giving float32 for a float32 z."""
    def primal(n, z):
        out = ufunc(n, z)
        if np.result_type(z) == np.float32:
            return np.asarray(out).astype(np.float32)[()]
        return out
    primal.__name__ = ufunc.__name__
    return primal


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
            special = {u.sici: _sici, u.betainc: _betainc, u._riemann_zeta: zeta_exponent,
                       u._zeta: _zeta}
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


def _zeta(x, q):
    """Hurwitz zeta(x, q) on duals: exact in q (the rule); a dual x by Euler-Maclaurin."""
    if isinstance(x, DualNumber):
        return zeta_exponent(x, q)
    if isinstance(q, DualNumber):
        return q._apply2(_state["by_name"]["zeta"], x, q)
    return _sp().zeta(x, q)


def _betainc_in_x(a, b, x):
    """betainc(a, b, x) for constant a, b and a dual x: the exact rule in x."""
    shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(x))
    if shape != np.shape(x):
        x = np.broadcast_to(x, shape)
    rule = Rule("betainc", 1, lambda t: _sp().betainc(a, b, t), _betainc_x(a, b), ((0.05, 0.95),))
    return x._apply1(rule)


def _betainc(a, b, x):
    if isinstance(a, DualNumber) or isinstance(b, DualNumber):
        # derivatives in the parameters: the continued fraction run on the duals
        return betainc_parameters(a, b, x, _betainc_in_x)
    if not isinstance(x, DualNumber):
        return _sp().betainc(a, b, x)
    return _betainc_in_x(a, b, x)


def special_call(ufunc):
    """The dual implementation of a scipy ufunc that is not one rule (None otherwise):
    sici (two outputs), betainc (three arguments; in a and b by scipy_betainc), and
    zeta (in x by scipy_zeta, in q by its rule)."""
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
    rule = RULES_BY_UFUNC.get(ufunc)
    return rule if rule is not None else scipy_rule(ufunc)
