"""Dual numbers inside @numba.njit: types, operators, unification, errors, caching.

The rule table itself is covered by test_jit_rules.py; here each behaviour is
checked once, with as few compiled kernels as possible.
"""
import math
import os
import subprocess
import sys
import textwrap

import numba
import numpy as np
import pytest
from numba.core.errors import TypingError

import dualad as da
import dualad._jit as jit
from dualad import Dual, HyperDual
from dualad._jit import lift, partial, partial_at, seed

# ------------------------------------------------------------- operators ---


@numba.njit
def arithmetic(x, y):
    """Every operator, mixing the dual x with the dual y, floats and ints."""
    return (x + y, x - y, x * y, x / y, x + 2.0, 2.0 + x, x - 3, 3 - x, x * 2.5, 2 * x,
            x / 4.0, 4.0 / x, -x, +x, abs(-x), x ** 3, x ** 2.5, 2.0 ** x, x ** y,
            x // 0.7, x % 0.7, 7.5 // x, 7.5 % x, x ** -2, np.sin(x) * y)


def _components(d):
    if isinstance(d, Dual):
        out = []
        for c in (d.value,) + tuple(d.partials):
            out.extend(_components(c))
        return out
    if isinstance(d, HyperDual):
        out = []
        for c in (d.re, d.eps1, d.eps2, d.eps1eps2):
            out.extend(_components(c))
        return out
    return [float(d)]


@pytest.mark.parametrize("make", [
    lambda v, p: Dual(v, p),
    lambda v, p: HyperDual(v, p, 0.5 * p, 0.25),
    lambda v, p: Dual(Dual(v, p), Dual(0.5, 0.125)),
    lambda v, p: Dual(v, (p, -1.0, 0.5)),
], ids=["dual", "hyperdual", "nested", "dual3"])
def test_operators_match_python(make):
    x, y = make(1.3, 1.0), make(0.7, -0.4)
    got = arithmetic(x, y)
    want = arithmetic.py_func(x, y)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert type(g) is type(w), i
        np.testing.assert_allclose(_components(g), _components(w), rtol=1e-14, atol=1e-300,
                                   err_msg=f"result {i}")


@numba.njit
def compare(x, y):
    return (x < y, x <= y, x > y, x >= y, x == y, x != y, x < 2.0, 1 < x, x == 1.3)


def test_comparisons_by_value():
    assert compare(Dual(1.3, 1.0), Dual(1.3, -5.0)) == (False, True, False, True, True,
                                                         False, True, True, True)
    assert compare(HyperDual(1.0, 1.0), 2.0) == (True, True, False, False, False, True,
                                                 True, False, False)
    assert compare(Dual(Dual(1.3, 1.0), Dual(0.0, 0.0)), Dual(Dual(2.0, 0.0),
                   Dual(1.0, 0.0)))[0] is True


@numba.njit
def inplace(x):
    s = x
    s += 1.0
    s -= x
    s *= x
    s /= 2.0
    s += x
    s **= 2
    return s


def test_inplace_operators():
    x = Dual(1.5, 1.0)
    assert inplace(x).eps == pytest.approx(inplace.py_func(x).eps, rel=1e-15)
    h = HyperDual(1.5, 1.0, 1.0, 0.0)
    assert inplace(h).eps1eps2 == pytest.approx(inplace.py_func(h).eps1eps2, rel=1e-15)


# ------------------------------------------------------------ unification ---

@numba.njit
def accumulate(x, n):
    s = 0.0
    for i in range(n):
        s += x * (i + 1)
    return s


@numba.njit
def branches(x):
    if x > 0.0:
        return x * x
    return 0


@numba.njit
def relu_sum(xs_scale, x):
    total = 0
    for k in range(3):
        t = x * xs_scale[k] if x > k else 0.0
        total = total + t
    return total


def test_unification():
    assert accumulate(Dual(2.0, 1.0), 4).eps == 10.0
    assert accumulate(HyperDual(2.0, 1.0, 1.0, 0.0), 4).eps1 == 10.0
    assert accumulate(Dual(Dual(2.0, 1.0), Dual(1.0, 0.0)), 3).eps.value == 6.0
    assert branches(Dual(2.0, 1.0)).eps == 4.0
    zero = branches(Dual(-2.0, 1.0))
    assert isinstance(zero, Dual) and zero.value == 0.0 and zero.eps == 0.0
    assert relu_sum(np.array([1.0, 2.0, 3.0]), Dual(1.5, 1.0)).eps == 3.0


# ------------------------------------------------------ user code, types ---

@numba.njit
def user_float_code(x):
    """Written for floats: math, NumPy scalars, loops, builtins."""
    acc = 0.0
    for k in range(1, 4):
        acc += math.exp(-k * x) * math.cos(k * x) / k
    return max(acc, x / 10) + np.tanh(x) + round(x * 0.0) + min(x, 5.0) ** 2


def test_user_float_function_takes_duals():
    x = 0.4
    d = user_float_code(Dual(x, 1.0))
    assert isinstance(d, Dual)
    assert d.value == pytest.approx(user_float_code(x), rel=1e-15)
    h = 1e-6
    fd = (user_float_code(x + h) - user_float_code(x - h)) / (2 * h)
    assert d.eps == pytest.approx(fd, rel=1e-8)
    assert user_float_code.nopython_signatures  # compiled, nopython (njit never falls back)


def test_float32_stays_float32():
    d = user_float_code(Dual(np.float32(0.4), np.float32(1.0)))
    assert isinstance(d.value, np.float32) and isinstance(d.eps, np.float32)
    assert numba.typeof(Dual(np.float32(1), 1.0)) == jit.DualType(numba.float32, 1)
    assert numba.typeof(HyperDual(1.0, 1.0)) == jit.HyperDualType(numba.float64)


def test_typeof_and_boxing_roundtrip():
    ident = numba.njit(lambda v: v)
    for v in (Dual(1.0, 2.0), Dual(1.0, (2.0, 3.0, 4.0)), HyperDual(1.0, 2.0, 3.0, 4.0),
              Dual(Dual(1.0, 2.0), Dual(3.0, 4.0))):
        back = ident(v)
        assert type(back) is type(v) and _components(back) == _components(v)
    # Real components of a nested number are constants of the inner type.
    back = ident(HyperDual(Dual(1.0, 2.0), 1.0))
    assert _components(back) == [1.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert numba.typeof(Dual(Dual(1.0, 2.0), 1.0)) == jit.DualType(
        jit.DualType(numba.float64, 1), 1)


def test_type_names_carry_version_and_hash():
    name = str(numba.typeof(Dual(1.0, 1.0)))
    assert da.__version__ in name and jit.STAMP in name
    assert len(jit.STAMP.rsplit("-", 1)[1]) == 10


# ------------------------------------------------------ vector partials ---

@numba.njit
def gradient3(x, y, z):
    a = seed(x, 0, 3)
    b = seed(y, 1, 3)
    c = Dual(z, (0.0, 0.0, 1.0))
    f = a * b * math.sin(c) + a / b - c ** 2
    return f.value, partial(f, 0), f.partial(1), f.partials[2], len(f.partials), f.n


def test_vector_partials_gradient():
    x, y, z = 1.2, 0.7, -0.3
    v, gx, gy, gz, n, n2 = gradient3(x, y, z)
    assert v == pytest.approx(x * y * math.sin(z) + x / y - z * z, rel=1e-15)
    assert gx == pytest.approx(y * math.sin(z) + 1 / y, rel=1e-15)
    assert gy == pytest.approx(x * math.sin(z) - x / y ** 2, rel=1e-15)
    assert gz == pytest.approx(x * y * math.cos(z) - 2 * z, rel=1e-15)
    assert n == n2 == 3
    # Python Duals with N partials go in and come out.
    d = numba.njit(lambda u: u * u)(Dual(2.0, (1.0, 0.5)))
    assert isinstance(d, Dual) and tuple(d.partials) == (4.0, 2.0)


def test_nested_with_several_partials_is_a_clear_error():
    with pytest.raises(Exception, match="one partial per level|not supported"):
        jit.DualType(jit.DualType(numba.float64, 1), 3)


# ------------------------------------------- nesting, perturbation confusion --

@numba.njit
def _inner_derivative_x_plus_y(x):
    # d/dy (x + y) at y = 1, seeded one level deeper than x.
    y = lift(x * 0.0 + 1.0)
    return partial_at(x + y, 2)


@numba.njit
def confusion(a):
    x = Dual(a, 1.0)
    return (x * _inner_derivative_x_plus_y(x)).partials


@numba.njit
def lower_is_constant(a):
    outer = lift(Dual(a, 1.0))      # depth 2, both levels seeded
    other = Dual(10.0, 5.0)         # depth 1: a constant for the outer level
    r = outer * other
    return r.value.value, r.value.partials, r.partials.value, r.partials.partials


def test_perturbation_confusion_inside_numba():
    assert confusion(1.0) == 1.0
    v, inner, outer, both = lower_is_constant(2.0)
    # (a + e1 + e2 + e1e2*0) * (10 + 5 e1): e1 terms mix, e2 only scales by 10.
    assert (v, inner, outer, both) == (20.0, 10.0 + 5.0 * 2.0, 10.0, 5.0)


def test_mixed_kinds_at_same_depth_refused():
    add = numba.njit(lambda a, b: a + b)
    with pytest.raises(TypingError, match="cannot combine"):
        add(Dual(1.0, 1.0), HyperDual(1.0, 1.0))
    with pytest.raises(TypingError, match="cannot combine"):
        add(Dual(1.0, 1.0), Dual(1.0, (1.0, 2.0)))


# ------------------------------------------------------------------ errors ---

def test_function_without_rule_is_a_compile_time_error():
    for fn in (lambda d: math.factorial(d), lambda d: math.isqrt(d),
               lambda d: np.nextafter(d, d)):
        with pytest.raises(TypingError, match=r"no derivative rule.*da\.register"):
            numba.njit(fn)(Dual(3.0, 1.0))
    with pytest.raises(TypingError, match=r"numpy\.nextafter"):
        numba.njit(lambda d: np.nextafter(d, 1.0))(Dual(3.0, 1.0))


def test_storing_a_dual_into_a_float_array_is_refused():
    @numba.njit
    def store(x, out):
        out[0] = x * 2.0

    with pytest.raises(TypeError, match="would drop its derivative"):
        store(Dual(1.0, 1.0), np.zeros(1))


def test_float_of_dual_is_refused():
    with pytest.raises(TypeError, match=r"float\(\) of a Dual"):
        numba.njit(lambda d: float(d))(Dual(1.0, 1.0))


# ------------------------------------------------------- compiled derivative --

@numba.njit
def poly_sin(x):
    return x * x * math.sin(x) + 2.0 * x ** 3 - math.exp(-x)


def _py_poly_sin(x):
    return x * x * da.sin(x) + 2.0 * x ** 3 - da.exp(-x)


@pytest.mark.parametrize("order", [0, 1, 2, 3, 4])
def test_compiled_derivative_scalar(order):
    got = da.derivative(poly_sin, order)(0.8)
    want = da.derivative(_py_poly_sin, order)(0.8)
    assert isinstance(got, float)
    assert got == pytest.approx(want, rel=1e-13)
    assert da.derivative(poly_sin, order)(1) == pytest.approx(
        da.derivative(_py_poly_sin, order)(1.0), rel=1e-13)


def test_compiled_derivative_arrays():
    x = np.linspace(-1.0, 2.0, 12).reshape(3, 4)
    for order in (0, 1, 2):
        got = da.derivative(poly_sin, order)(x)
        assert got.shape == x.shape and got.dtype == np.float64
        want = [da.derivative(_py_poly_sin, order)(float(v)) for v in x.ravel()] if order \
            else [_py_poly_sin(float(v)) for v in x.ravel()]
        np.testing.assert_allclose(got.ravel(), want, rtol=1e-13)
    x32 = x.astype(np.float32)
    got32 = da.derivative(poly_sin)(x32)
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, da.derivative(poly_sin)(x), rtol=1e-5)
    ints = np.arange(4)
    assert da.derivative(poly_sin)(ints).dtype == np.float64
    # Non-contiguous input, and the kernels are kept per (f, order).
    np.testing.assert_allclose(da.derivative(poly_sin)(x[:, ::2]),
                               da.derivative(poly_sin)(x)[:, ::2], rtol=0)
    from dualad._backends import derivative as _compiled
    assert (poly_sin, 1) in _compiled._KERNELS
    k1 = _compiled._KERNELS[(poly_sin, 1)]
    da.derivative(poly_sin)(x)
    assert _compiled._KERNELS[(poly_sin, 1)] is k1
    big = np.linspace(0.0, 1.0, _compiled.PARALLEL_MIN_SIZE)
    np.testing.assert_allclose(da.derivative(poly_sin)(big)[::9999],
                               da.derivative(poly_sin)(big[::9999]), rtol=1e-15)
    for kernel in k1:  # nopython only: no object-mode fallback
        assert kernel.signatures == [s.args for s in kernel.nopython_signatures]


def test_compiled_derivative_of_constant_and_nesting_safe():
    const = numba.njit(lambda x: 3.0)
    assert da.derivative(const)(1.0) == 0.0
    assert da.derivative(const, 3)(1.0) == 0.0
    assert (da.derivative(const, 2)(np.ones(3)) == 0.0).all()


def test_compiled_derivative_of_array_and_tuple_valued_functions():
    # f of a scalar returning an array or a tuple: every output differentiated (these
    # once read back as a silent 0.0), a constant array as zeros
    vec = numba.njit(lambda t: np.array([t * t, math.exp(t), 3.0 + 0.0 * t]))
    tup = numba.njit(lambda t: (t * t, math.exp(t)))
    want = {1: [1.0, math.exp(0.5), 0.0], 2: [2.0, math.exp(0.5), 0.0],
            3: [0.0, math.exp(0.5), 0.0]}
    for order, w in want.items():
        np.testing.assert_allclose(da.derivative(vec, order)(0.5), w, rtol=1e-14)
        got = da.derivative(tup, order)(0.5)
        assert isinstance(got, tuple) and len(got) == 2
        np.testing.assert_allclose(got, w[:2], rtol=1e-14)
    np.testing.assert_array_equal(da.derivative(numba.njit(lambda t: np.ones(2)))(0.5), 0.0)
    np.testing.assert_array_equal(da.derivative(numba.njit(lambda t: np.ones(2)), 2)(0.5), 0.0)
    # vmap of it: the rows stacked, point by point
    np.testing.assert_allclose(da.vmap(da.derivative(vec))(np.array([0.5, 1.0])),
                               [[1.0, math.exp(0.5), 0.0], [2.0, math.e, 0.0]], rtol=1e-14)


# ------------------------------------------------------------ extension ---

def _softplus(x):
    return np.log1p(np.exp(-abs(x))) + max(x, 0.0)


softplus = da.register(_softplus, lambda x: 1.0 / (1.0 + da.exp(-x)))


@da.custom_derivative([lambda x, y: y * da.cos(x * y), lambda x, y: x * da.cos(x * y)])
def sinxy(x, y):
    return da.sin(x * y)


@numba.njit
def uses_custom(x):
    return 2.0 * softplus(x) + sinxy(x, 0.5) + sinxy(1.5, x) + sinxy(x, x)


def _uses_custom_exact(x):
    s = 1.0 / (1.0 + math.exp(-x))
    f1 = 2 * s + 0.5 * math.cos(0.5 * x) + 1.5 * math.cos(1.5 * x) + 2 * x * math.cos(x * x)
    f2 = (2 * s * (1 - s) - 0.25 * math.sin(0.5 * x) - 2.25 * math.sin(1.5 * x)
          + 2 * math.cos(x * x) - 4 * x * x * math.sin(x * x))
    return f1, f2


def test_register_python_and_numba():
    x = 0.3
    f1, f2 = _uses_custom_exact(x)
    py = uses_custom.py_func
    assert da.derivative(py)(x) == pytest.approx(f1, rel=1e-14)
    assert da.derivative(py, 2)(x) == pytest.approx(f2, rel=1e-13)
    assert py(HyperDual(x, 1.0, 1.0, 0.0)).eps1eps2 == pytest.approx(f2, rel=1e-13)
    assert uses_custom(Dual(x, 1.0)).eps == pytest.approx(f1, rel=1e-14)
    assert uses_custom(HyperDual(x, 1.0, 1.0, 0.0)).eps1eps2 == pytest.approx(f2, rel=1e-13)
    assert da.derivative(uses_custom, 2)(x) == pytest.approx(f2, rel=1e-13)
    assert da.derivative(uses_custom, 3)(x) == pytest.approx(
        da.derivative(py, 3)(x), rel=1e-12)
    assert softplus(0.3) == _softplus(0.3) and softplus.__name__ == "_softplus"


def test_register_gives_rule_to_function_without_one():
    def softplus0(x):
        return np.logaddexp(x, 0.0)  # its own rule replaces logaddexp's chain rule

    g = da.register(softplus0, lambda x: 7.0)
    assert da.derivative(g)(3.0) == 7.0
    k = numba.njit(lambda x: g(x) * x)
    d = k(Dual(3.0, 1.0))
    assert d.value == pytest.approx(3.0 * np.logaddexp(3.0, 0.0))
    assert d.eps == pytest.approx(np.logaddexp(3.0, 0.0) + 3.0 * 7.0)


# ----------------------------------------------------------------- caching ---

CACHED_MODULE = """
import math, numba
import dualad as da

@numba.njit(cache=True)
def f(x):
    return x * math.sin(x) + x ** 2

if __name__ == "__main__":
    d = f(da.Dual(0.5, 1.0))
    assert abs(d.eps - (math.sin(0.5) + 0.5 * math.cos(0.5) + 1.0)) < 1e-15
    print(sum(f.stats.cache_hits.values()), sum(f.stats.cache_misses.values()))
"""


def test_cache_true_across_processes(tmp_path):
    mod = tmp_path / "cached_user_code.py"
    mod.write_text(textwrap.dedent(CACHED_MODULE))
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"))

    def run():
        out = subprocess.run([sys.executable, str(mod)], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=300)
        assert out.returncode == 0, out.stderr
        return tuple(int(v) for v in out.stdout.split())

    hits, misses = run()
    assert (hits, misses) == (0, 1)
    hits, misses = run()
    assert (hits, misses) == (1, 0)


OWN_CACHE_SCRIPT = """
import math, sys, numba, numpy as np
import numba.core.compiler as C
compiled = []
_compile = C.compile_extra
def counting(typingctx, targetctx, func, *args, **kws):
    compiled.append(f"{func.__module__}.{func.__qualname__}")
    return _compile(typingctx, targetctx, func, *args, **kws)
C.compile_extra = counting
import numba.core.dispatcher as D
D.compiler.compile_extra = counting
import dualad as da
from dualad._jit.registry import CACHE, inline_body
f = numba.njit(lambda x: 3.0 - x * math.sin(x) / (1.0 + x) ** 2)   # a new user function
d = da.derivative(f)(0.7)
want = -(math.sin(0.7) + 0.7 * math.cos(0.7)) / 1.7 ** 2 + 2 * 0.7 * math.sin(0.7) / 1.7 ** 3
assert abs(d - want) < 1e-14, d
def body(x):
    return x * 2.0 + 1.0
print(CACHE, sum(m.startswith("dualad.") for m in compiled), inline_body(body)._uuid)
"""


def test_dualads_own_overloads_are_cached_across_processes(tmp_path):
    """dualad's overload impls are disk-cached (registry.OVERLOAD): a second process
    compiles only the user's function; an inline body's UUID is the same in both
    (what lets impls closing over one be found); DUALAD_CACHE=0 turns it off."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"))

    def run(**extra):
        out = subprocess.run([sys.executable, "-c", OWN_CACHE_SCRIPT], capture_output=True,
                             text=True, env=dict(env, **extra), cwd=tmp_path, timeout=300)
        assert out.returncode == 0, out.stderr
        cache, n, uuid = out.stdout.split()
        return cache, int(n), uuid

    cache, first, uuid = run()
    assert cache == "True" and first > 0       # the impls of -, *, /, sin, ** compiled
    cache, second, uuid2 = run()
    assert (second, uuid2) == (0, uuid)         # all of them from the disk cache
    cache, off, _ = run(DUALAD_CACHE="0")
    assert cache == "False" and off == first    # compiled again


LINKED_FIRST = """
import math, numba, dualad as da
print(da.derivative(numba.njit(lambda x: math.cbrt(x)))(2.0))
"""
LINKED_SECOND = """
import math, numba, dualad as da
d = da.derivative(numba.njit(lambda x: math.acosh(x) + math.cbrt(x)))(2.0)
print(d - (1 / math.sqrt(3.0) + 2.0 ** (-2 / 3) / 3))
"""


def test_cached_and_fresh_closures_never_share_a_name(tmp_path):
    """cbrt's impl cached by one process, acosh's (a closure of the same factory)
    compiled fresh by the next, both linked into one function: with numba's ids
    counted from 1 in every process the two shared a symbol name and the second
    process computed acosh' twice (registry._ids_distinct_across_processes)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"))

    def run(script):
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=300)
        assert out.returncode == 0, out.stderr
        return float(out.stdout)

    run(LINKED_FIRST)
    for _ in range(2):   # the second run met the collision (the first fills the cache more)
        assert abs(run(LINKED_SECOND)) < 1e-12


# ------------------------------------------------ dualad's own functions ---

def _library(log2, floor):
    def library_functions(x, y):
        return (da.where(x > 1.0, x * 2.0, 0.0), da.polygamma(1, x), da.digamma(x),
                da.log(x, 2.0), log2(x, y), da.log(x), np.arctan2(x, y), da.hypot(x, 3.0),
                round(x * 10.0, 1), max(x, y), min(x, y), max(x, 1.5), np.maximum(x, y),
                da.sign(x), floor(x), da.pow(x, y), np.power(x, 2))
    return library_functions


# math.* works on duals in numba only; the Python twin uses dualad's functions.
library_functions = numba.njit(_library(math.log, math.floor))
library_python = _library(da.log, da.floor)


def test_library_functions_inside_numba():
    x, y = Dual(1.5, 1.0), Dual(1.5, -2.0)      # a tie for max/min
    got = library_functions(x, y)
    want = library_python(x, y)
    for i, (g, w) in enumerate(zip(got, want)):
        assert isinstance(g, Dual), i
        np.testing.assert_allclose(_components(g), _components(w), rtol=1e-14,
                                   err_msg=f"result {i}")
    # Ties: the first argument's derivative.
    assert got[9].eps == 1.0 and got[10].eps == 1.0 and got[11].eps == 1.0
    # Reals go to the float implementations.
    floats = library_functions(1.5, 0.5)
    assert floats[1] == pytest.approx(da.polygamma(1, 1.5), rel=1e-15)
    assert floats[4] == pytest.approx(math.log(1.5, 0.5), rel=1e-15)


# Step and kink functions on floats lower without NumPy's scalar ufuncs (which
# numba-cuda lacks): LLVM intrinsics and comparisons, NumPy's values.
STEP_POINTS = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 3.7, -3.7, 27.0, -8.0, 1e-310,
               -1e-310, 2.0 ** 52 + 1, 1e300, -1e300, math.inf, -math.inf, math.nan]


@numba.njit
def step_functions(xs, two, out):
    for i in range(xs.size):
        x = xs[i]
        d = Dual(x, 1.0)
        out[0, i] = math.floor(d).value
        out[1, i] = math.ceil(d).value
        out[2, i] = math.trunc(d).value
        out[3, i] = round(d).value
        out[4, i] = np.sign(d).value
        out[5, i] = abs(d).partials    # sign(x)  (cbrt(d) divides by zero at 0)
        out[6, i] = math.fmod(d, two).value
        out[7, i] = da.floor(x)
        out[8, i] = da.ceil(x)
        out[9, i] = da.trunc(x)
        out[10, i] = da.round(x)
        out[11, i] = da.sign(x)
        out[12, i] = da.cbrt(x)
        out[13, i] = da.fmod(x, two)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_step_functions_match_numpy(dtype):
    two = dtype(2.0)
    with np.errstate(over="ignore", invalid="ignore"):
        xs = np.array(STEP_POINTS, dtype=dtype)
        steps = [np.floor(xs), np.ceil(xs), np.trunc(xs), np.rint(xs), np.sign(xs)]
        want = steps + [np.sign(xs), np.fmod(xs, two)] + steps + [np.cbrt(xs), np.fmod(xs, two)]
    out = np.empty((14, xs.size), dtype=dtype)
    step_functions(xs, two, out)
    for i, (got, w) in enumerate(zip(out, want)):
        if i == 12:      # cbrt: numba's float cbrt, within a few ulp of libm's
            np.testing.assert_allclose(got, w, rtol=4 * np.finfo(dtype).eps, err_msg=str(i))
        else:            # exact; sign(nan) is nan, sign(+-0) is 0
            np.testing.assert_array_equal(got, w, err_msg=str(i))


@numba.njit
def seeded_helpers(x):
    z = jit.partials_zero(numba.float64, 4)
    d = Dual(x, z) + seed(x, 2, 4)
    return jit.value_of(d * d), d.partials[2], d.partials[0], jit.value_of(3.0)


def test_seed_and_partials_helpers():
    assert seeded_helpers(1.5) == (9.0, 1.0, 0.0, 3.0)


def test_refusals_in_compiled_code_come_first_in_the_message():
    # dualad's message is the error itself, not one of numba's candidate notes
    with pytest.raises(TypeError) as e:
        da.derivative(numba.njit(lambda x: float(x) * x))(1.0)
    assert str(e.value).startswith("dualad: float() of a Dual[float64, 1] would drop")
    assert "d.value" in str(e.value)


def test_compile_units_of_a_small_function():
    # Cold-compile latency is paid per compiled unit: the calculus' arithmetic on
    # vector partials is inline (no operator unit per partials type), a swapped
    # constant operand is one unit (not a wrapper around the other form), a float
    # ladder is inlined into its function's impl.
    from numba.core import event

    @numba.njit
    def f(x):
        return 2.0 * math.exp(x[0]) + x[1] * x[2] - x[3] / 3.0

    units = []

    class Units(event.Listener):
        def on_start(self, e):
            units.append(e.data["dispatcher"].py_func.__qualname__)

        def on_end(self, e):
            pass

    x = np.array([0.7, 1.1, -0.4, 2.0])
    with event.install_listener("numba:compile", Units()):
        g = da.grad(f)(x)       # f on Dual[float64, 4]: vector partials
    np.testing.assert_allclose(g, [2.0 * math.exp(0.7), -0.4, 1.1, -1.0 / 3.0], rtol=1e-15)
    assert not [u for u in units if u.startswith(("_partials_typer", "_neg", "_exp"))], units
    # f, 2.0 * e, exp (its impl and the type's chain rule), x * x, +, x / 3.0, -
    assert len(units) <= 8, units
