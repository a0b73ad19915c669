"""Calculus identities on random compositions of the table's functions (hypothesis).

Compositions are drawn from the smooth rules; between two functions a
squashing map ``lo + (hi - lo) * (1 + tanh(u)) / 2`` (itself made of table
functions) carries any real into the next function's domain, so every
composition is smooth and finite on the whole real line.

Identities checked: the chain rule (first and second order), linearity,
the product and quotient rules, agreement of Dual, HyperDual and nested Duals
on second derivatives, and the compositions against mpmath. Example counts are
set per test so the file runs in a few seconds.
"""
import math
import os

import mpmath
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import dualad as da
from dualad._rules import RULES, SMOOTH
from reference import MP_FUNCTIONS, public_function

D = da.Dual
H = da.HyperDual
d = da.derivative

SMOOTH_UNARY = [r for r in RULES if r.kind == SMOOTH and r.arity == 1]
SMOOTH_BINARY = [r for r in RULES if r.kind == SMOOTH and r.arity == 2]
# per test; DUALAD_EXAMPLES=2000 for a longer hunt
EXAMPLES = int(os.environ.get("DUALAD_EXAMPLES", "60"))


def _box(rule, i=0):
    lo, hi = rule.domain[i]
    pad = 0.05 * (hi - lo)
    return lo + pad, hi - pad


class Composition:
    """g_k(S_k(... g_1(S_1(x)))) with S_i squashing into g_i's domain; also in mpmath."""

    def __init__(self, rules, binary=None, other=None):
        self.rules = rules
        self.binary = binary   # optional binary rule applied to (self chain, other chain)
        self.other = other

    def _chain(self, x, tanh, fns):
        u = x
        for rule, fn in zip(self.rules, fns):
            lo, hi = _box(rule)
            u = fn(lo + (hi - lo) * (0.5 + 0.5 * tanh(u)))
        return u

    def __call__(self, x):
        u = self._chain(x, da.tanh, [public_function(r) for r in self.rules])
        if self.binary is None:
            return u
        v = self.other(x)
        (lo, hi), (lo2, hi2) = _box(self.binary, 0), _box(self.binary, 1)
        return public_function(self.binary)(lo + (hi - lo) * (0.5 + 0.5 * da.tanh(u)),
                                            lo2 + (hi2 - lo2) * (0.5 + 0.5 * da.tanh(v)))

    def mp(self, x):
        u = self._chain(x, mpmath.tanh, [MP_FUNCTIONS[r.name] for r in self.rules])
        if self.binary is None:
            return u
        v = self.other.mp(x)
        (lo, hi), (lo2, hi2) = _box(self.binary, 0), _box(self.binary, 1)
        return MP_FUNCTIONS[self.binary.name](
            lo + (hi - lo) * (0.5 + 0.5 * mpmath.tanh(u)),
            lo2 + (hi2 - lo2) * (0.5 + 0.5 * mpmath.tanh(v)))

    def __repr__(self):
        s = " o ".join(r.name for r in reversed(self.rules))
        if self.binary is not None:
            s = f"{self.binary.name}({s}, {self.other!r})"
        return s


chains = st.lists(st.sampled_from(SMOOTH_UNARY), min_size=1, max_size=3).map(Composition)
compositions = st.one_of(
    chains,
    st.builds(lambda b, c1, c2: Composition(c1.rules, b, c2),
              st.sampled_from(SMOOTH_BINARY), chains, chains),
)
points = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)
coefficients = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False)


def close(a, b, *terms, rtol=1e-11):
    """a == b up to rtol times the size of the terms they were computed from."""
    scale = 1.0 + abs(a) + abs(b) + sum(abs(t) for t in terms)
    return abs(a - b) <= rtol * scale


def derivatives(f, x):
    """f, f', f'' at x from one HyperDual pass."""
    h = f(H(x, 1.0, 1.0, 0.0))
    return h.re, h.eps1, h.eps1eps2


# ------------------------------------------------------------- the chain rule ---

@settings(max_examples=EXAMPLES)
@given(compositions, compositions, points)
def test_chain_rule(f, g, x):
    g0, g1, g2 = derivatives(g, x)
    _, f1, f2 = derivatives(f, g0)
    fg1 = d(lambda t: f(g(t)))(x)
    assert close(fg1, f1 * g1, f1, g1), (f, g, x, fg1, f1 * g1)
    fg2 = d(lambda t: f(g(t)), 2)(x)
    want = f2 * g1 * g1 + f1 * g2  # Faa di Bruno, order 2
    assert close(fg2, want, f2 * g1 * g1, f1 * g2), (f, g, x, fg2, want)
    # HyperDual through the composition gives the same
    _, h1, h2 = derivatives(lambda t: f(g(t)), x)
    assert close(h1, fg1) and close(h2, fg2, f2 * g1 * g1, f1 * g2)


# ------------------------------------------------------------------ linearity ---

@settings(max_examples=EXAMPLES)
@given(compositions, compositions, coefficients, coefficients, points)
def test_linearity(f, g, a, b, x):
    _, f1, f2 = derivatives(f, x)
    _, g1, g2 = derivatives(g, x)
    lin = lambda t: a * f(t) + b * g(t)  # noqa: E731
    assert close(d(lin)(x), a * f1 + b * g1, a * f1, b * g1)
    assert close(d(lin, 2)(x), a * f2 + b * g2, a * f2, b * g2)
    _, l1, l2 = derivatives(lin, x)
    assert close(l1, a * f1 + b * g1, a * f1, b * g1)
    assert close(l2, a * f2 + b * g2, a * f2, b * g2)
    # subtraction and negation are linear too
    assert close(d(lambda t: f(t) - g(t))(x), f1 - g1, f1, g1)
    assert close(d(lambda t: -f(t))(x), -f1)


# ------------------------------------------------ product and quotient rules ---

@settings(max_examples=EXAMPLES)
@given(compositions, compositions, points)
def test_product_rule(f, g, x):
    f0, f1, f2 = derivatives(f, x)
    g0, g1, g2 = derivatives(g, x)
    prod = lambda t: f(t) * g(t)  # noqa: E731
    assert close(d(prod)(x), f1 * g0 + f0 * g1, f1 * g0, f0 * g1)
    want2 = f2 * g0 + 2 * f1 * g1 + f0 * g2
    assert close(d(prod, 2)(x), want2, f2 * g0, 2 * f1 * g1, f0 * g2)
    _, _, p2 = derivatives(prod, x)
    assert close(p2, want2, f2 * g0, 2 * f1 * g1, f0 * g2)


@settings(max_examples=EXAMPLES)
@given(compositions, compositions, points)
def test_quotient_rule(f, g, x):
    f0, f1, _ = derivatives(f, x)
    g0, g1, _ = derivatives(g, x)
    den = lambda t: 2.5 + da.tanh(g(t))  # noqa: E731  in [1.5, 3.5]: away from 0
    _, k1, _ = derivatives(den, x)
    k0 = 2.5 + math.tanh(g0)
    got = d(lambda t: f(t) / den(t))(x)
    want = (f1 * k0 - f0 * k1) / (k0 * k0)
    assert close(got, want, f1 / k0, f0 * k1 / (k0 * k0))


# ------------------------------------- Dual, HyperDual, nested Dual agree ---

@settings(max_examples=EXAMPLES)
@given(compositions, points)
def test_second_derivative_representations_agree(f, x):
    nested = d(f, 2)(x)
    _, h1, hyper = derivatives(f, x)
    inner = D(x, 1.0, tag=1)
    by_hand = f(D(inner, D(1.0, 0.0, tag=1), tag=2))
    first = d(f)(x)
    assert close(first, h1) and close(by_hand.eps.value, first) and close(by_hand.value.eps, first)
    assert close(nested, hyper), (f, x, nested, hyper)
    assert close(by_hand.eps.eps, hyper), (f, x, by_hand, hyper)
    # mixed seeding: eps1 and eps2 along 2 and -3 give -6 f''
    h = f(H(x, 2.0, -3.0, 0.0))
    assert close(h.eps1eps2, -6.0 * hyper) and close(h.eps1, 2.0 * h1)
    # a Dual with N = 3 partials carries three scaled copies of f'
    v = f(D(x, (1.0, -2.0, 0.5)))
    assert all(close(p, s * first) for p, s in zip(v.partials, (1.0, -2.0, 0.5)))


@settings(max_examples=EXAMPLES)
@given(compositions, points)
def test_compositions_against_mpmath(f, x):
    with mpmath.workdps(40):
        ref = [float(mpmath.diff(f.mp, x, k)) for k in range(4)]
    value, first, second = derivatives(f, x)
    # tolerance: float64 rounding through up to 7 nested functions, each
    # conditioned by its argument's size (the |x f^(k+1)| term, see reference.py)
    for k, got in ((0, value), (1, first), (2, second)):
        tol = 1e-11 * (abs(ref[k]) + (1.0 + abs(x)) * abs(ref[k + 1]) + 1e-3 * max(map(abs, ref)))
        assert abs(got - ref[k]) <= tol, (f, x, k, got, ref[k])


# ------------------------------------------------------------------ float32 ---

@settings(max_examples=EXAMPLES // 2)
@given(chains, st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, width=32))
def test_float32_stays_float32_through_compositions(f, x):
    x32 = np.float32(x)
    h = f(H(x32, np.float32(1.0), np.float32(1.0), np.float32(0.0)))
    for part in (h.re, h.eps1, h.eps1eps2):
        assert isinstance(part, np.float32), (f, type(part))
    got = d(f, 2)(x32)
    assert isinstance(got, np.float32)
    h64 = f(H(float(x32), 1.0, 1.0, 0.0))
    assert abs(float(got) - h64.eps1eps2) <= 1e-3 * (1.0 + abs(h64.eps1eps2) + abs(h64.eps1))
