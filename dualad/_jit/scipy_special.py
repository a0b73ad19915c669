"""scipy.special inside nopython code: SciPy's own Cython kernels, and their rules on duals.

``scipy.special.j0(x)``, ``scipy.special.jv(v, z)`` (every function of one or
two arguments of the scipy rule table whose kernel SciPy exports in
``scipy.special.cython_special`` on doubles) becomes callable in
``@numba.njit`` code:

* on floats, it calls SciPy's compiled kernel through its C address
  (``get_cython_function_address``; the kernels take a trailing
  ``int __pyx_skip_dispatch``, passed 0), so the value is SciPy's to the bit;
* on duals, it applies the rule's ladder (``dualad._rules.scipy_ladders``),
  the same code as the Python path, with its calls of scipy functions bound to
  these overloads (so nested duals get every order).

scipy is optional and costs 0.3 s to import, so nothing is registered at
import time unless scipy.special is already loaded; otherwise the compiled
transforms call ``register_if_imported()`` before they compile (the hook in
``_core.numba_support``). A user whose @njit code calls scipy.special has
imported it by then.

float32 arguments are computed in double and rounded back. Where the Python
path refuses a dual argument (the order v of ``jv``, the shape a of
``gammainc``), compilation refuses it. ``betainc(a, b, x)`` compiles in x (a
dual a or b, differentiated in Python by the continued fraction, is refused
while compiling); ``sici(x)`` returns both outputs (SciPy's kernel writes them
through two pointers, here into a 2-element array). ``zeta(x, q)``: SciPy
exports no Hurwitz kernel, so on floats and duals alike it is the
Euler-Maclaurin expansion of ``dualad._rules.scipy_zeta`` (within a few ulps of
SciPy's value; every derivative from the expansion); ``spherical_jn/yn/in/kn(n, z,
derivative)`` call SciPy's kernels (reflected at z < 0 as SciPy's wrappers; z < 0
raises for ``spherical_kn``), and on duals the ladder of the Python path
(``dualad.scipy.special``); ``zeta(x)`` on floats is
``1 + zetac(x)`` with SciPy's ``zetac`` (SciPy's value for x >= 0, a few ulps
from it for x < 0), and keeps that value on duals.
"""
import ctypes
import sys
from types import FunctionType

import numpy as np
from numba.core import types
from numba.extending import get_cython_function_address, overload

from .._core import numba_support
from .._rules import ladders as _ladders
from .calculus import calculus_of
from .compiled_ladders import _compiled_partial_ladders, binary_impl, unary_impl
from .intrinsics import const_like, innermost
from .registry import OVERLOAD_UNCACHED, jitable
from .types import is_dual, is_real

_CAPSULE_NAME = ctypes.pythonapi.PyCapsule_GetName
_CAPSULE_NAME.restype = ctypes.c_char_p
_CAPSULE_NAME.argtypes = [ctypes.py_object]
_D = ctypes.c_double
_PROTOTYPES = {1: ctypes.CFUNCTYPE(_D, _D, ctypes.c_int),
               "spherical": ctypes.CFUNCTYPE(_D, ctypes.c_ssize_t, _D, ctypes.c_int,
                                             ctypes.c_void_p),
               2: ctypes.CFUNCTYPE(_D, _D, _D, ctypes.c_int),
               3: ctypes.CFUNCTYPE(_D, _D, _D, _D, ctypes.c_int),
               "sici": ctypes.CFUNCTYPE(None, _D, ctypes.c_void_p, ctypes.c_void_p)}
_SIGNATURES = {1: b"double (double, int __pyx_skip_dispatch)",
               "spherical": b"double (Py_ssize_t, double, int __pyx_skip_dispatch, struct ",
               2: b"double (double, double, int __pyx_skip_dispatch)",
               3: b"double (double, double, double, int __pyx_skip_dispatch)",
               "sici": b"void (double, double *, double *)"}

_registered = []
COMPILED = {}
"""scipy rule name -> the float kernel it calls inside nopython code."""


def _kernel(capi, name, arity):
    """SciPy's all-double kernel of ``name`` (``arity`` arguments) as a ctypes
    function, or None."""
    for cname in [name] + [f"__pyx_fuse_{i}{name}" for i in range(4)]:
        capsule = capi.get(cname)
        sig = None if capsule is None else _CAPSULE_NAME(capsule)
        # the spherical kernels end with their optional-argument struct's own name
        if sig is not None and (sig == _SIGNATURES[arity] or (
                arity == "spherical" and sig.startswith(_SIGNATURES[arity]))):
            addr = get_cython_function_address("scipy.special.cython_special", cname)
            return _PROTOTYPES[arity](addr)
    return None


def _float_impl(kernel):
    def impl(x):
        return kernel(x, 0)
    jitable(impl, cached=False)

    def typer(x):
        if isinstance(x, types.Float) and x.bitwidth == 32:
            return lambda x: np.float32(impl(np.float64(x)))
        return lambda x: impl(np.float64(x))
    return typer


def _float_impl2(kernel):
    def impl(x, y):
        return kernel(x, y, 0)
    jitable(impl, cached=False)

    def typer(x, y):
        if all(isinstance(t, types.Float) and t.bitwidth == 32 for t in (x, y)):
            return lambda x, y: np.float32(impl(np.float64(x), np.float64(y)))
        return lambda x, y: impl(np.float64(x), np.float64(y))
    return typer


def _refuses_first(rule):
    """True for a rule whose first argument must be a constant (an order, a shape)."""
    return rule.ladder.__qualname__.split(".")[0] in ("_order_is_constant",
                                                       "_constant_argument")


def _binary_typer(rule, ufunc, kernel, rebind):
    real = _float_impl2(kernel)
    if _refuses_first(rule):
        # only the second argument differentiates: a dual first one is refused
        # while typing, as the Python path refuses it when it runs
        ladders = (None, None, jitable(rebind(rule.ladder_y), cached=False))
    else:
        lad = rebind(rule.ladder)
        ladders = (jitable(lad, cached=False),) + _compiled_partial_ladders(
            rule, lad, rebind(rule.ladder_x) if rule.ladder_x else None,
            rebind(rule.ladder_y) if rule.ladder_y else None)
    first = rule.argnames[0]

    def typer(x, y):
        if is_real(x) and is_real(y):
            return real(x, y)
        if ladders[0] is None and is_dual(x):
            # a TypeError, not numba's: it reaches the user as it is (see attributes)
            raise TypeError(
                f"dualad: scipy.special.{rule.name}: dualad differentiates in its last "
                f"argument only; {first!r} must be a constant (a float), here it is a "
                f"{getattr(x, 'short', x)}")
        return binary_impl(ladders, ladders, x, y, ufunc)
    return typer


def _register():
    import scipy.special as sp
    import scipy.special.cython_special as cs
    from .._rules import scipy_ladders, scipy_spherical
    from .._rules.scipy_special import scipy_rules

    rules = [r for r in scipy_rules() if hasattr(sp, r.name)]
    kernels = {r.name: _kernel(cs.__pyx_capi__, r.name, r.arity) for r in rules}
    rules = [r for r in rules if kernels[r.name] is not None]
    # The ladders' calls of scipy functions (``_function`` objects in scipy_ladders)
    # bound to the ufuncs overloaded here; dualad's elementary functions stay.
    # Helpers defined there (trigamma, ...) are rebound to the same globals.
    g = dict(vars(scipy_ladders))
    for name, value in vars(scipy_ladders).items():
        if not (isinstance(value, FunctionType) and value.__module__ == scipy_ladders.__name__):
            continue
        if value.__qualname__.startswith("_function."):
            if kernels.get(value.__name__) is not None:
                g[name] = getattr(sp, value.__name__)
        elif not name.startswith("_function"):
            g[name] = jitable(_ladders._rebind(value, g), cached=False)
    def rebind(fn):
        return _ladders._rebind(fn, g)
    _register_zeta(sp, _kernel(cs.__pyx_capi__, "zetac", 1))
    _register_spherical(sp, cs.__pyx_capi__, scipy_spherical, g)
    _register_betainc_sici(sp, scipy_ladders, _kernel(cs.__pyx_capi__, "betainc", 3),
                           _kernel(cs.__pyx_capi__, "sici", "sici"), g, rebind)
    for r in rules:
        if r.arity == 2:
            overload(getattr(sp, r.name), strict=False, **OVERLOAD_UNCACHED)(
                _binary_typer(r, getattr(sp, r.name), kernels[r.name], rebind))
            COMPILED[r.name] = kernels[r.name]
            continue
        ladder = jitable(rebind(r.ladder), cached=False)
        real = _float_impl(kernels[r.name])

        def typer(x, ladder=ladder, real=real):
            if is_real(x):
                return real(x)
            if is_dual(x):
                return unary_impl(ladder, x)
        overload(getattr(sp, r.name), strict=False, **OVERLOAD_UNCACHED)(typer)
        COMPILED[r.name] = kernels[r.name]


def _float_impl3(fn):
    # float32 when x is: the parameters a, b are mostly literals (float64 to numba;
    # NumPy's weak Python floats keep a float32 x float32 too)
    def typer(a, b, x):
        if isinstance(x, types.Float) and x.bitwidth == 32:
            return lambda a, b, x: np.float32(fn(np.float64(a), np.float64(b), np.float64(x)))
        return lambda a, b, x: fn(np.float64(a), np.float64(b), np.float64(x))
    return typer


def _register_betainc_sici(sp, lad, betainc_kernel, sici_kernel, g, rebind):
    """betainc(a, b, x) (in x; a dual a or b is refused while compiling) and sici(x)
    (two outputs, SciPy's kernel writing through two pointers)."""
    if betainc_kernel is not None:
        def betainc_floats(a, b, x):
            return betainc_kernel(a, b, x, 0)
        jitable(betainc_floats, cached=False)
        real = _float_impl3(betainc_floats)
        g["betainc"] = sp.betainc
        ladder = jitable(rebind(lad._betainc_x3), cached=False)

        def typer(a, b, x):
            if is_real(a) and is_real(b) and is_real(x):
                return real(a, b, x)
            for name, t in (("a", a), ("b", b)):
                if is_dual(t):
                    raise TypeError(
                        f"dualad: scipy.special.betainc(a, b, x) inside @numba.njit code "
                        f"differentiates in x only; {name!r} is a {getattr(t, 'short', t)}. "
                        "Derivatives in a and b work in Python code (call the function "
                        "without @njit)")
            calc = calculus_of(x) if is_real(a) and is_real(b) else None
            if calc is None:
                return None
            chain = calc.chain

            def impl(a, b, x):
                ca, cb = const_like(a, x), const_like(b, x)
                f0, f1, f2 = ladder(ca, cb, x.value, sp.betaln(ca, cb))
                return chain(x, f0, f1, f2)
            return impl
        overload(sp.betainc, strict=False, **OVERLOAD_UNCACHED)(typer)
        COMPILED["betainc"] = betainc_kernel
    if sici_kernel is None:
        return

    def sici_floats(x):
        out = np.empty(2)
        sici_kernel(x, out[0:].ctypes, out[1:].ctypes)
        return out[0], out[1]
    jitable(sici_floats, cached=False)

    def si_of(x):
        return sp.sici(x)[0]

    def ci_of(x):
        return sp.sici(x)[1]
    g["si"], g["ci"] = jitable(si_of, cached=False), jitable(ci_of, cached=False)
    si_ladder = jitable(rebind(lad._si), cached=False)
    ci_ladder = jitable(rebind(lad._ci), cached=False)

    def sici_typer(x):
        if isinstance(x, types.Float) and x.bitwidth == 32:
            def impl32(x):
                s, c = sici_floats(np.float64(x))
                return np.float32(s), np.float32(c)
            return impl32
        if is_real(x):
            return lambda x: sici_floats(np.float64(x))
        calc = calculus_of(x)
        if calc is None:
            return None
        chain = calc.chain

        def impl(x):
            s0, s1, s2 = si_ladder(x.value)
            c0, c1, c2 = ci_ladder(x.value)
            return chain(x, s0, s1, s2), chain(x, c0, c1, c2)
        return impl
    overload(sp.sici, strict=False, **OVERLOAD_UNCACHED)(sici_typer)
    COMPILED["sici"] = sici_kernel


def _register_spherical(sp, capi, lad, g):
    """spherical_jn/yn/in/kn(n, z, derivative=False): SciPy's kernels (their optional
    argument passed in SciPy's struct {count, derivative}), reflected at z < 0 as SciPy's
    wrappers do; on duals the Python path's ladder (``spherical_core``), in z."""
    for name in lad.SPHERICAL_SIGNS:
        kernel = _kernel(capi, name, "spherical")
        if kernel is not None:
            _register_one_spherical(sp, name, kernel, lad, g)


def _register_one_spherical(sp, name, kernel, lad, g):
    fn = getattr(sp, name)
    even = lad.SPHERICAL_REFLECTION.get(name, 0.0)  # 0: no reflection (spherical_kn)
    where = f"dualad: scipy.special.{name} inside @numba.njit code: z < 0 is not supported"

    def on_floats(n, z, derivative):
        opt = np.empty(2, np.int32)  # SciPy's optional-argument struct
        opt[0] = 1
        opt[1] = 1 if derivative else 0
        if z < 0.0:
            if even == 0.0:
                raise ValueError(where)
            s = even if n % 2 == 0 else -even
            return kernel(n, -z, 0, opt.ctypes) * (-s if derivative else s)
        return kernel(n, z, 0, opt.ctypes)
    jitable(on_floats, cached=False)

    def of(order, z):
        return fn(order, z)
    core = jitable(lad.spherical_core(name, jitable(of, cached=False), g), cached=False)

    def typer(n, z, derivative=False):
        if not isinstance(n, types.Integer):
            return None
        if isinstance(z, types.Float) and z.bitwidth == 32:
            return lambda n, z, derivative=False: np.float32(
                on_floats(np.int64(n), np.float64(z), derivative))
        if is_real(z):
            return lambda n, z, derivative=False: on_floats(np.int64(n), np.float64(z),
                                                            derivative)
        calc = calculus_of(z)
        if calc is None:
            return None
        chain = calc.chain

        def impl(n, z, derivative=False):
            # at z < 0: f(z) = c f(-z), so f^(k)(z) = c (-1)^k f^(k)(-z)
            zv = z.value
            c, s, u = 1.0, 1.0, zv
            if innermost(z) < 0.0:
                if even == 0.0:
                    raise ValueError(where)
                c = even if n % 2 == 0 else -even
                s, u = -1.0, -zv
            g0, g1, g2, g3 = core(n, const_like(float(n), zv), u)
            if derivative:
                return chain(z, c * s * g1, c * g2, c * s * g3)
            return chain(z, c * g0, c * s * g1, c * g2)
        return impl
    overload(fn, strict=False, **OVERLOAD_UNCACHED)(typer)
    COMPILED[name] = kernel


def _register_zeta(sp, zetac_kernel):
    """zeta(x) and zeta(x, q): the Euler-Maclaurin expansion of ``_rules.scipy_zeta`` (SciPy
    exports no Hurwitz kernel), on floats and on duals alike; the Riemann zeta of a float
    is SciPy's ``1 + zetac(x)``, and of a dual keeps that value."""
    from .._rules import elementary as E
    from .._rules import scipy_zeta as Z
    if zetac_kernel is None:
        return
    expansion = jitable(Z.hurwitz_expansion, cached=False)
    terms_for = jitable(Z.terms_for, cached=False)
    log_2pi = Z._LOG_2PI

    def zeta_floats(x):
        return 1.0 + zetac_kernel(x, 0)
    jitable(zeta_floats, cached=False)

    def riemann_dual(x):
        x0 = innermost(x)
        if x0 < 0.0:  # the functional equation, as in Python
            r = expansion(1.0 - x, 1.0, terms_for(1.0 - x0))
            r = r * (E.exp(x * log_2pi) / np.pi * E.sin(0.5 * np.pi * x)
                     * E.exp(E.lgamma(1.0 - x)))
        else:
            r = expansion(x, 1.0, terms_for(x0))
        return r + (zeta_floats(np.float64(x0)) - innermost(r))
    jitable(riemann_dual, cached=False)

    def typer(x, q=None, out=None):
        if not (out is None or isinstance(out, (types.NoneType, types.Omitted))):
            return None
        if q is None or isinstance(q, (types.NoneType, types.Omitted)):
            if isinstance(x, types.Float) and x.bitwidth == 32:
                return lambda x, q=None, out=None: np.float32(zeta_floats(np.float64(x)))
            if is_real(x):
                return lambda x, q=None, out=None: zeta_floats(np.float64(x))
            if is_dual(x):
                return lambda x, q=None, out=None: riemann_dual(x)
            return None
        if is_real(x) and is_real(q):
            if all(isinstance(t, types.Float) and t.bitwidth == 32 for t in (x, q)):
                return lambda x, q=None, out=None: np.float32(expansion(
                    np.float64(x), np.float64(q), terms_for(np.float64(x))))
            return lambda x, q=None, out=None: expansion(np.float64(x), np.float64(q),
                                                         terms_for(np.float64(x)))
        if is_dual(x) or is_dual(q):
            return lambda x, q=None, out=None: expansion(x, q, terms_for(innermost(x)))
        return None
    overload(sp.zeta, strict=False, **OVERLOAD_UNCACHED)(typer)
    COMPILED["zeta"] = zetac_kernel


def register_if_imported():
    """Register the overloads once, if scipy.special is loaded (cheap otherwise)."""
    if _registered or "scipy.special" not in sys.modules:
        return
    _registered.append(True)
    numba_support.BEFORE_COMPILE.remove(register_if_imported)  # once is enough
    _register()


numba_support.BEFORE_COMPILE.append(register_if_imported)
register_if_imported()
