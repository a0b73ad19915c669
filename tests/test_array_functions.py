"""NumPy array functions on DualArray, first and second order, against finite differences.

Each case is a plain NumPy function of one or more arrays. For every subset of
its arguments made dual (each alone, and all jointly) the Jacobian from
DualArray must match central differences of the plain NumPy code, and the
Hessian from nested DualArrays must match central differences of that
Jacobian. Then the same in float32 (float32 results, close to float64).
"""
import numpy as np
import pytest

import dualad as da
from dualad import DualArray
from array_support import assert_matches, fd_derivative, hessian, jacobian, seed

rng = np.random.default_rng(7)


def normal(*shape):
    return lambda: rng.standard_normal(shape)


def positive(*shape):
    return lambda: rng.uniform(0.5, 1.5, shape)


def with_nan(*shape):
    """Normal samples with one nan."""
    def make():
        a = rng.standard_normal(shape)
        a.flat[1] = np.nan
        return a
    return make


def increasing(n):
    """Sample points for interpolation: n increasing values in about [0, 5]."""
    return lambda: np.cumsum(rng.uniform(0.5, 1.5, n)) - 0.5


def wellcond(*shape):
    """Matrices far from singular: random + n * identity."""
    def make():
        a = rng.standard_normal(shape)
        return a + shape[-1] * np.eye(shape[-1])
    return make


MASK = np.array([[True, False, True], [False, True, True]])

# (id, function, argument samplers)
CASES = [
    # reductions
    ("sum", lambda a: np.sum(a), [normal(3, 4)]),
    ("sum-axis", lambda a: np.sum(a, axis=1), [normal(3, 4)]),
    ("sum-axes-keepdims", lambda a: np.sum(a, axis=(0, 2), keepdims=True), [normal(2, 3, 2)]),
    ("sum-method-neg-axis", lambda a: a.sum(-2), [normal(2, 3, 2)]),
    ("add.reduce", lambda a: np.add.reduce(a, axis=1), [normal(3, 4)]),
    ("prod", lambda a: np.prod(a), [positive(5)]),
    ("prod-axis", lambda a: np.prod(a, axis=0), [positive(3, 4)]),
    ("prod-odd-keepdims", lambda a: np.prod(a, axis=1, keepdims=True), [positive(2, 7)]),
    ("prod-axes", lambda a: np.prod(a, axis=(0, 2)), [positive(2, 2, 3)]),
    ("multiply.reduce", lambda a: np.multiply.reduce(a), [positive(4)]),
    ("mean", lambda a: np.mean(a, axis=-1), [normal(3, 4)]),
    ("mean-all", lambda a: a.mean(), [normal(3, 4)]),
    ("var", lambda a: np.var(a, axis=0), [normal(4, 3)]),
    ("std-ddof", lambda a: np.std(a, ddof=1), [normal(5)]),
    ("cumsum", lambda a: np.cumsum(a), [normal(2, 3)]),
    ("cumsum-axis", lambda a: np.cumsum(a, axis=0), [normal(3, 2)]),
    ("add.accumulate", lambda a: np.add.accumulate(a), [normal(4)]),
    ("diff", lambda a: np.diff(a), [normal(5)]),
    ("diff-n2-axis0", lambda a: np.diff(a, n=2, axis=0), [normal(4, 3)]),
    ("diff-prepend", lambda a, b: np.diff(a, prepend=b[0], append=b), [normal(4), normal(2)]),
    ("trace", lambda a: np.trace(a), [normal(3, 3)]),
    ("trace-offset-axes", lambda a: np.trace(a, 1, axis1=2, axis2=0), [normal(3, 2, 4)]),
    ("max", lambda a: np.max(a), [normal(6)]),
    ("max-axis", lambda a: np.max(a, axis=1), [normal(3, 4)]),
    ("min-axes-keepdims", lambda a: np.min(a, axis=(0, 2), keepdims=True), [normal(2, 3, 2)]),
    ("amax-method", lambda a: a.max(0) - a.min(1).sum(), [normal(3, 3)]),
    ("sort", lambda a: np.sort(a, axis=0), [normal(4, 2)]),
    # products
    ("dot-vv", lambda a, b: np.dot(a, b), [normal(4), normal(4)]),
    ("dot-mv", lambda a, b: np.dot(a, b), [normal(3, 4), normal(4)]),
    ("dot-mm", lambda a, b: np.dot(a, b), [normal(3, 4), normal(4, 2)]),
    ("dot-method", lambda a: a.dot(np.ones((4, 2), a.dtype)), [normal(3, 4)]),
    ("dot-nd", lambda a, b: np.dot(a, b), [normal(2, 3), normal(2, 3, 2)]),
    ("dot-scalar", lambda a, b: np.dot(a, b[0]), [normal(3), normal(1)]),
    ("matmul-mm", lambda a, b: a @ b, [normal(3, 4), normal(4, 2)]),
    ("matmul-vm", lambda a, b: a @ b, [normal(4), normal(4, 2)]),
    ("matmul-mv", lambda a, b: np.matmul(a, b), [normal(3, 4), normal(4)]),
    ("matmul-vv", lambda a, b: a @ b, [normal(4), normal(4)]),
    ("matmul-batched", lambda a, b: a @ b, [normal(2, 3, 4), normal(4, 2)]),
    ("matmul-broadcast", lambda a, b: a @ b, [normal(3, 2), normal(2, 2, 3)]),
    ("matmul-batch-both", lambda a, b: a @ b, [normal(2, 1, 2, 3), normal(3, 3, 2)]),
    ("matmul-v-batched", lambda a, b: a @ b, [normal(3), normal(2, 3, 2)]),
    ("matmul-batched-v", lambda a, b: a @ b, [normal(2, 2, 3), normal(3)]),
    ("xxy", lambda x, y: x @ x @ y, [normal(2, 2), normal(2, 2)]),
    ("einsum-ij,jk", lambda a, b: np.einsum("ij,jk->ik", a, b), [normal(2, 3), normal(3, 2)]),
    ("einsum-implicit", lambda a, b: np.einsum("ij,jk", a, b), [normal(2, 3), normal(3, 2)]),
    ("einsum-trace", lambda a: np.einsum("ii", a), [normal(3, 3)]),
    ("einsum-diag-outer", lambda a, b: np.einsum("ii,j->ij", a, b), [normal(2, 2), normal(3)]),
    ("einsum-ellipsis", lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
     [normal(2, 2, 3), normal(3, 2)]),
    ("einsum-three", lambda a, b, c: np.einsum("ij,jk,k->i", a, b, c),
     [normal(2, 3), normal(3, 2), normal(2)]),
    ("einsum-repeated", lambda a: np.einsum("i,i,i->", a, a, a), [normal(3)]),
    ("tensordot-2", lambda a, b: np.tensordot(a, b), [normal(2, 3, 2), normal(3, 2, 2)]),
    ("tensordot-1", lambda a, b: np.tensordot(a, b, axes=1), [normal(2, 3), normal(3, 2)]),
    ("tensordot-lists", lambda a, b: np.tensordot(a, b, axes=([0, 2], [1, 0])),
     [normal(2, 3, 2), normal(2, 2, 3)]),
    ("outer", lambda a, b: np.outer(a, b), [normal(3), normal(2, 2)]),
    ("multiply.outer", lambda a, b: np.multiply.outer(a, b), [normal(3), normal(2)]),
    ("inner", lambda a, b: np.inner(a, b), [normal(2, 3), normal(4, 3)]),
    ("vdot", lambda a, b: np.vdot(a, b), [normal(2, 3), normal(6)]),
    ("vecdot", lambda a, b: np.vecdot(a, b), [normal(2, 3), normal(3)]),
    # combination and shape
    ("stack", lambda a, b: np.stack([a, b]), [normal(2, 3), normal(2, 3)]),
    ("stack-axis1", lambda a, b: np.stack((a, b, a), axis=1), [normal(2, 3), normal(2, 3)]),
    ("stack-axis-neg", lambda a, b: np.stack([a, b], axis=-1), [normal(3), normal(3)]),
    ("concatenate", lambda a, b: np.concatenate([a, b]), [normal(2, 3), normal(1, 3)]),
    ("concatenate-axis1", lambda a, b: np.concatenate((a, b, a), axis=1),
     [normal(2, 2), normal(2, 1)]),
    ("concatenate-none", lambda a, b: np.concatenate([a, b], axis=None), [normal(2, 2), normal(3)]),
    ("vstack-hstack", lambda a, b: np.hstack([np.vstack([a, b]).ravel(), b]),
     [normal(3), normal(3)]),
    ("column_stack", lambda a, b: np.column_stack([a, b]), [normal(3), normal(3, 2)]),
    ("reshape", lambda a: np.reshape(a, (3, 2)), [normal(2, 3)]),
    ("reshape-F", lambda a: np.reshape(a, (3, -1), order="F"), [normal(2, 3)]),
    ("reshape-method", lambda a: a.reshape(6) * a.reshape(2, 3).ravel(), [normal(3, 2)]),
    ("ravel-flatten", lambda a: a.ravel() + a.flatten(), [normal(2, 2)]),
    ("transpose", lambda a: np.transpose(a), [normal(2, 3, 2)]),
    ("transpose-axes", lambda a: np.transpose(a, (1, 2, 0)), [normal(2, 3, 2)]),
    ("T", lambda a: a.T @ a, [normal(3, 2)]),
    ("swapaxes", lambda a: np.swapaxes(a, 0, -1), [normal(2, 3, 2)]),
    ("moveaxis", lambda a: np.moveaxis(a, 0, -1), [normal(2, 3, 2)]),
    ("squeeze", lambda a: np.squeeze(a), [normal(1, 3, 1)]),
    ("squeeze-axis", lambda a: np.squeeze(a, axis=-1), [normal(1, 3, 1)]),
    ("expand_dims", lambda a: np.expand_dims(a, (0, -1)), [normal(2, 3)]),
    ("broadcast_to", lambda a: np.broadcast_to(a, (2, 3, 3)), [normal(3, 1)]),
    ("broadcast_arrays", lambda a, b: np.broadcast_arrays(a, b)[0] * 2, [normal(3, 1), normal(2)]),
    ("atleast_2d", lambda a: np.atleast_2d(a), [normal(3)]),
    ("flip", lambda a: np.flip(a, axis=1), [normal(2, 3)]),
    ("roll", lambda a: np.roll(a, 1) + np.roll(a, -1, axis=0), [normal(3, 2)]),
    ("roll-1d", lambda a: np.roll(a, 2) * np.roll(a, -7) + np.roll(a, 5), [normal(5)]),
    ("roll-axis-tuple", lambda a: np.roll(a, (1, -2), axis=(0, 2)) + np.roll(a, 4, axis=2),
     [normal(2, 3, 3)]),
    ("take", lambda a: np.take(a, [2, 0, 2], axis=1), [normal(2, 3)]),
    ("take_along_axis", lambda a: np.take_along_axis(a, np.array([[0, 2], [1, 1]]), axis=1),
     [normal(2, 3)]),
    ("repeat", lambda a: np.repeat(a, 2, axis=0), [normal(2, 2)]),
    ("diag-1d", lambda a: np.diag(a), [normal(3)]),
    ("diag-1d-k", lambda a: np.diag(a, k=-1), [normal(3)]),
    ("diag-2d-k", lambda a: np.diag(a, 1), [normal(3, 4)]),
    ("diagonal", lambda a: np.diagonal(a, axis1=1, axis2=2), [normal(2, 3, 3)]),
    # selection
    ("where", lambda a, b: np.where(MASK, a, b), [normal(2, 3), normal(3)]),
    ("where-scalar", lambda a: np.where(MASK, a, 0.0), [normal(2, 3)]),
    ("where-by-value", lambda a: np.where(a > 0, a ** 2, -a), [normal(5)]),
    ("clip", lambda a: np.clip(a, -0.5, 0.5), [normal(6)]),
    ("clip-arrays", lambda a, lo: np.clip(a, lo, 1.0), [normal(4), normal(4)]),
    ("clip-method", lambda a: a.clip(max=0.2), [normal(5)]),
    ("abs-sign", lambda a: np.abs(a) * np.sign(a), [normal(4)]),
    # linear algebra
    ("norm-vector", lambda a: np.linalg.norm(a), [normal(4)]),
    ("norm-fro", lambda a: np.linalg.norm(a, "fro"), [normal(2, 3)]),
    ("norm-nd", lambda a: np.linalg.norm(a), [normal(2, 2, 2)]),
    ("norm-axis", lambda a: np.linalg.norm(a, axis=1), [normal(3, 2)]),
    ("norm-axes-keepdims", lambda a: np.linalg.norm(a, axis=(0, 2), keepdims=True),
     [normal(2, 2, 3)]),
    ("norm-ord1", lambda a: np.linalg.norm(a, 1), [normal(4)]),
    ("norm-ord3", lambda a: np.linalg.norm(a, 3), [normal(4)]),
    ("norm-inf", lambda a: np.linalg.norm(a, np.inf), [normal(4)]),
    ("norm-matrix-1", lambda a: np.linalg.norm(a, 1), [normal(3, 3)]),
    ("norm-matrix-inf", lambda a: np.linalg.norm(a, -np.inf), [normal(3, 3)]),
    ("solve-vector", lambda a, b: np.linalg.solve(a, b), [wellcond(3, 3), normal(3)]),
    ("solve-matrix", lambda a, b: np.linalg.solve(a, b), [wellcond(3, 3), normal(3, 2)]),
    ("solve-batched", lambda a, b: np.linalg.solve(a, b), [wellcond(2, 2, 2), normal(2, 2)]),
    ("inv", lambda a: np.linalg.inv(a), [wellcond(3, 3)]),
    ("inv-batched", lambda a: np.linalg.inv(a), [wellcond(2, 2, 2)]),
    ("det", lambda a: np.linalg.det(a), [wellcond(3, 3)]),
    ("det-batched", lambda a: np.linalg.det(a), [wellcond(2, 2, 2)]),
    ("slogdet", lambda a: np.linalg.slogdet(a)[1], [wellcond(3, 3)]),
    # composition: the example
    ("tanh(A@x)", lambda a, x: np.tanh(a @ x), [normal(4, 3), normal(3)]),
    # numerical helpers (numerical.py)
    ("cumprod", lambda a: np.cumprod(a), [positive(2, 3)]),
    ("cumprod-axis", lambda a: np.cumprod(a, axis=1), [normal(2, 4)]),
    ("average", lambda a: np.average(a), [normal(3, 4)]),
    ("average-weights", lambda a, w: np.average(a, axis=1, weights=w), [normal(3, 4),
                                                                         positive(4)]),
    ("median-odd-axis", lambda a: np.median(a, axis=0), [normal(5, 3)]),
    ("median-even", lambda a: np.median(a), [normal(6)]),
    ("polyval", lambda p, x: np.polyval(p, x), [normal(4), normal(5)]),
    ("vander", lambda x: np.vander(x, 4), [normal(3)]),
    ("trapezoid-x", lambda y, x: np.trapezoid(y, x, axis=0), [normal(5, 2), normal(5)]),
    ("trapezoid-dx", lambda y: np.trapezoid(y, dx=0.5), [normal(3, 4)]),
    ("interp", lambda x, xp, fp: np.interp(x, xp, fp),
     [lambda: rng.uniform(-1.0, 6.0, 7), increasing(5), normal(5)]),
    # statistics (statistics.py): nan-reductions skip the nan (derivative 0 there)
    ("nansum", lambda a: np.nansum(a, axis=0), [with_nan(3, 2)]),
    ("nanmean", lambda a: np.nanmean(a, axis=1), [with_nan(2, 3)]),
    ("nanvar-ddof", lambda a: np.nanvar(a, ddof=1), [with_nan(5)]),
    ("nanstd", lambda a: np.nanstd(a, axis=0), [with_nan(4, 2)]),
    ("nanmax", lambda a: np.nanmax(a, axis=1), [with_nan(2, 3)]),
    ("nanmin", lambda a: np.nanmin(a), [with_nan(5)]),
    ("ptp", lambda a: np.ptp(a, axis=0), [normal(3, 2)]),
    ("quantile", lambda a: np.quantile(a, [0.2, 0.75], axis=0), [normal(5, 2)]),
    ("percentile", lambda a: np.percentile(a, 40.0), [normal(6)]),
    ("cov", lambda a: np.cov(a), [normal(3, 5)]),
    ("cov-xy", lambda a, b: np.cov(a, b), [normal(4), normal(4)]),
    ("corrcoef", lambda a: np.corrcoef(a), [normal(2, 5)]),
    ("cumulative_sum", lambda a: np.cumulative_sum(a, include_initial=True), [normal(4)]),
    ("cumulative_prod", lambda a: np.cumulative_prod(a, axis=1), [positive(2, 3)]),
    ("vector_norm", lambda a: np.linalg.vector_norm(a, axis=1), [normal(3, 2)]),
    ("matrix_norm", lambda a: np.linalg.matrix_norm(a), [normal(3, 3)]),
    ("nancumsum", lambda a: np.nancumsum(a), [with_nan(4)]),
    ("nancumprod", lambda a: np.nancumprod(a, axis=0), [with_nan(3, 2)]),
    ("nanmedian", lambda a: np.nanmedian(a, axis=1), [with_nan(2, 4)]),
    ("ediff1d", lambda a, b: np.ediff1d(a, to_begin=b), [normal(2, 2), normal(2)]),
    ("meshgrid", lambda a, b: np.stack(np.meshgrid(a, b)), [normal(3), normal(2)]),
    ("polyfit", lambda x, y: np.polyfit(x, y, 2), [normal(6), normal(6)]),
    ("piecewise", lambda x: np.piecewise(x, [x > 0.5, x < -0.5], [np.sin, 2.0, lambda v: v ** 3]),
     [normal(7)]),
    # steps and scalings with a derivative (manipulation.py, numerical.py)
    ("unwrap", lambda p: np.unwrap(p * 3.0, axis=0), [normal(6, 2)]),
    # (a dual period needs a dual p: np.unwrap dispatches on p alone)
    ("unwrap-period", lambda a: np.unwrap(a[1:] * 3.0, period=a[0] + 5.0), [normal(7)]),
    ("modf", lambda a: np.modf(a * 3.0)[0] * 2.0 + np.modf(a * 3.0)[1], [normal(5)]),
    ("frexp", lambda a: np.frexp(a * 5.0)[0], [normal(2, 3)]),
    ("heaviside", lambda a, h: np.heaviside(a, h) * a, [normal(5), normal(5)]),
    ("i0", lambda a: np.i0(a), [normal(2, 2)]),
    ("geomspace", lambda a: np.geomspace(a[0], a[1] + 2.0, 5), [positive(2)]),
    ("geomspace-open-negative", lambda a, b: np.geomspace(-a, -b, 4, endpoint=False),
     [positive(3), positive(3)]),
]


def _subsets(nargs):
    if nargs == 1:
        return [(0,)]
    return [(i,) for i in range(nargs)] + [tuple(range(nargs))]


def _params():
    out = []
    for name, f, samplers in CASES:
        for wrt in _subsets(len(samplers)):
            out.append(pytest.param(f, samplers, wrt, id=f"{name}-wrt{''.join(map(str, wrt))}"))
    return out


@pytest.mark.parametrize("f,samplers,wrt", _params())
def test_first_and_second_order(f, samplers, wrt):
    args = [s() for s in samplers]
    v, jac = jacobian(f, args, wrt)
    np.testing.assert_allclose(v, f(*args), rtol=1e-13, atol=1e-14)
    assert_matches(jac, fd_derivative(f, args, wrt), what="Jacobian")
    hess = hessian(f, args, wrt)
    fd = fd_derivative(lambda *a: jacobian(f, list(a), wrt)[1], args, wrt)
    assert_matches(hess, fd, rtol=2e-6, what="Hessian")


# NumPy's own result is float64 for float32 arguments here (np.geomspace computes
# in float64): dualad's values follow NumPy's, checked in test_float64_like_numpy
FLOAT64_LIKE_NUMPY = ("geomspace",)


@pytest.mark.parametrize("f,samplers,wrt", [p for p in _params() if p.id.endswith(
    ("-wrt0", "-wrt01", "-wrt012")) and not p.id.startswith(FLOAT64_LIKE_NUMPY)])
def test_float32(f, samplers, wrt):
    args64 = [s() for s in samplers]
    args32 = [a.astype(np.float32) for a in args64]
    v32, jac32 = jacobian(f, args32, wrt)
    assert v32.dtype == np.float32 and jac32.dtype == np.float32
    _, jac64 = jacobian(f, args64, wrt)
    assert_matches(jac32, jac64, rtol=2e-4, what="float32 Jacobian")
    hess32 = hessian(f, args32, wrt)
    assert hess32.dtype == np.float32
    assert_matches(hess32, hessian(f, args64, wrt), rtol=2e-3, what="float32 Hessian")


@pytest.mark.parametrize("f,samplers,wrt", [p for p in _params() if p.id.endswith(
    ("-wrt0", "-wrt01")) and p.id.startswith(FLOAT64_LIKE_NUMPY)])
def test_float64_like_numpy(f, samplers, wrt):
    args32 = [s().astype(np.float32) for s in samplers]
    v32, jac32 = jacobian(f, args32, wrt)
    assert v32.dtype == f(*args32).dtype == np.float64 and jac32.dtype == np.float64
    np.testing.assert_array_equal(v32, f(*args32))
    assert_matches(jac32, fd_derivative(f, [a.astype(np.float64) for a in args32], wrt),
                   what="Jacobian")


# ------------------------------------------------------ closed forms, conventions ---

def test_steps_at_their_jumps():
    # heaviside is h0 at x == 0 (its derivative there is h0's), 0/1 elsewhere; modf,
    # frexp and unwrap keep NumPy's values, inf and nan included
    x = np.array([-1.5, 0.0, 2.5, -0.0, np.nan])
    h = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    v, jac = jacobian(np.heaviside, [x, h], (0, 1))
    np.testing.assert_array_equal(v, np.heaviside(x, h))
    np.testing.assert_array_equal(jac[:, :5], np.zeros((5, 5)))
    np.testing.assert_array_equal(jac[:, 5:], np.diag([0.0, 1.0, 0.0, 1.0, 0.0]))
    a = np.array([2.75, -0.5, np.inf, -np.inf, np.nan, 1e-310, 0.0])
    v, jac = jacobian(lambda a: np.stack(np.modf(a)), [a])
    np.testing.assert_array_equal(v, np.stack(np.modf(a)))
    np.testing.assert_array_equal(jac[0], np.eye(7))
    np.testing.assert_array_equal(jac[1], np.zeros((7, 7)))
    v, jac = jacobian(lambda a: np.frexp(a)[0], [a[:2]])
    np.testing.assert_array_equal(v, np.frexp(a[:2])[0])
    np.testing.assert_array_equal(jac, np.diag([0.25, 1.0]))
    for s in (2.75, np.float32(-0.375)):
        assert da.derivative(lambda t: np.modf(t)[0])(s) == 1.0
        m = da.derivative(lambda t: np.frexp(t)[0])(s)
        assert m == np.ldexp(1.0, -int(np.frexp(s)[1])) and np.asarray(m).dtype == np.asarray(s).dtype
    assert da.derivative(lambda t: np.heaviside(0.0, t))(0.3) == 1.0
    p = np.array([0.0, 3.0, 6.5, 0.2, 7.0])
    v, jac = jacobian(np.unwrap, [p])
    np.testing.assert_array_equal(v, np.unwrap(p))
    np.testing.assert_array_equal(jac, np.eye(5))
    jac = da.jacobian(lambda t: np.unwrap(p * t[0], period=t[1]))(np.array([1.0, 6.0]))
    np.testing.assert_array_equal(jac, np.stack([p, [0.0, 0.0, -1.0, 0.0, -1.0]], axis=1))
    with pytest.raises(TypeError, match="drop its derivatives"):
        da.jacobian(lambda t: np.unwrap(p, period=t))(6.0)  # np.unwrap dispatches on p only


def test_prod_with_zeros_is_exact():
    x = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    _, jac = jacobian(np.prod, [x])
    np.testing.assert_array_equal(jac, [0.0, 0.0, 0.0, 0.0, 0.0])
    x[3] = 4.0
    _, jac = jacobian(np.prod, [x])
    np.testing.assert_array_equal(jac, [0.0, 120.0, 0.0, 0.0, 0.0])
    hess = hessian(np.prod, [x])
    assert hess[1, 0] == 60.0 and hess[1, 1] == 0.0 and hess[0, 2] == 0.0


def test_norm_at_zero_has_zero_derivative():
    _, jac = jacobian(np.linalg.norm, [np.zeros(3)])
    np.testing.assert_array_equal(jac, np.zeros(3))
    _, jac = jacobian(lambda a: np.linalg.norm(a, axis=0), [np.array([[0.0, 3.0], [0.0, 4.0]])])
    np.testing.assert_array_equal(jac.reshape(2, 4), [[0, 0, 0, 0], [0, 0.6, 0, 0.8]])


def test_det_of_singular_matrix_uses_the_adjugate():
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    _, jac = jacobian(np.linalg.det, [a])
    np.testing.assert_allclose(jac.reshape(2, 2), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)


def test_linalg_closed_forms():
    a = wellcond(3, 3)()
    b = rng.standard_normal(3)
    ai = np.linalg.inv(a)
    _, jac = jacobian(np.linalg.det, [a])
    np.testing.assert_allclose(jac.reshape(3, 3), np.linalg.det(a) * ai.T, rtol=1e-12)
    _, jac = jacobian(np.linalg.inv, [a])
    np.testing.assert_allclose(jac.reshape(3, 3, 3, 3), -np.einsum("ik,lj->ijkl", ai, ai),
                               rtol=1e-12, atol=1e-15)
    _, jac = jacobian(np.linalg.solve, [a, b], (1,))
    np.testing.assert_allclose(jac, ai, rtol=1e-12)


def test_mixed_second_derivative_tensor():
    """jacobian(jacobian(lambda X, Y: X @ X @ Y, 0), 1): the (n,)*6 tensor, exactly."""
    n = 4
    x, y = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    yd = seed([y])[0]                 # outer transform: w.r.t. Y (older tag)
    xd = seed([x])[0]                 # inner transform: w.r.t. X (newer tag)
    out = xd @ xd @ yd
    inner_jac = out.partials          # d/dX, a DualArray of Y's perturbation
    tensor = inner_jac.partials.reshape((n,) * 6)
    eye = np.eye(n)
    # d(XXY)_ij/dX_ab = d_ia (XY)_bj + X_ia Y_bj;  d/dY_cd of that:
    want = np.einsum("ia,bc,jd->ijabcd", eye, x, eye) + np.einsum("ia,bc,jd->ijabcd", x, eye, eye)
    np.testing.assert_allclose(tensor, want, atol=1e-13)


def test_jacobian_of_tanh_of_affine():
    a = rng.standard_normal((20, 5))
    x = rng.standard_normal(5)
    _, jac = jacobian(lambda v: np.tanh(a @ v), [x])
    np.testing.assert_allclose(jac, (1.0 / np.cosh(a @ x) ** 2)[:, None] * a, rtol=1e-13)


def test_value_only_functions():
    x = seed([np.array([3.0, 1.0, 2.0])])[0]
    assert np.argmax(x) == 0 and np.argmin(x) == 1 and list(np.argsort(x)) == [1, 2, 0]
    assert np.shape(x) == (3,) and np.ndim(x) == 1 and np.size(x) == 3
    assert np.allclose(x, [3.0, 1.0, 2.0]) and np.count_nonzero(x > 1.5) == 2
    assert np.nonzero(x > 1.5)[0].tolist() == [0, 2] and np.where(x > 1.5)[0].tolist() == [0, 2]
    assert np.result_type(x) == np.float64 and x.argmax() == 0


def test_out_arguments():
    x = seed([np.arange(1.0, 4.0)])[0]
    out = np.zeros_like(x)
    r = np.multiply(x, x, out=out)
    assert r is out and out.partials[2, 2] == 6.0
    s = np.zeros_like(x[0:1].reshape(()))
    np.sum(x, out=s)
    assert s.values == 6.0 and s.partials.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(TypeError, match="zeros_like"):
        np.sin(x, out=np.zeros(3))
    x += 1.0
    assert isinstance(x, DualArray) and x.values.tolist() == [2.0, 3.0, 4.0]


def test_round_and_fix_have_zero_derivative():
    x = seed([np.array([0.4, 1.6, -2.7])])[0]
    for f in (np.round, np.fix, np.rint, np.floor, np.ceil, np.trunc, lambda a: np.round(a, 1)):
        r = f(x)
        assert isinstance(r, DualArray) and not r.partials.any()
    assert np.round(x, 1).values.tolist() == [0.4, 1.6, -2.7]


def test_matrix_2_norm_goes_through_the_svd():
    # (its derivatives: tests/test_decompositions.py); a bad order is NumPy's ValueError
    x = seed([np.diag([1.0, 3.0])])[0]
    assert np.linalg.norm(x, 2).values == 3.0
    with pytest.raises(ValueError, match="Invalid norm order"):
        np.linalg.norm(x, 7)


def test_numerical_helpers_edges():
    import dualad as da
    xp, fp = np.array([0.0, 1.0, 3.0]), np.array([1.0, 3.0, 2.0])
    x = np.array([-1.0, 0.5, 1.0, 3.0, 4.0])
    got = da.jacobian(lambda v: np.interp(v, xp, fp, left=-5.0))(x)
    # outside the samples: constant (left=-5, right=fp[-1]); at a knot: the right segment
    np.testing.assert_array_equal(np.diag(got), [0.0, 2.0, -0.5, 0.0, 0.0])
    np.testing.assert_array_equal(np.interp(DualArray(x, np.ones((5, 1))), xp, fp).values,
                                  np.interp(x, xp, fp))
    with pytest.raises(TypeError, match="period"):
        np.interp(DualArray(x, np.ones((5, 1))), xp, fp, period=2.0)
    a = DualArray(np.array([1.0, np.nan, 2.0]), np.eye(3))
    assert np.isnan(np.median(a).values)
    with pytest.raises(ZeroDivisionError):
        np.average(DualArray(np.ones(2), np.eye(2)), weights=[1.0, -1.0])
    v, scl = np.average(DualArray(np.arange(4.0), np.eye(4)), returned=True)
    assert v.values == 1.5 and scl == 4.0
