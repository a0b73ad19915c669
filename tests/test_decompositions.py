"""Matrix decompositions on DualArray (dualad/_numbers/array/decompositions.py).

Each: the Jacobian of a function of the decomposition against central
differences, and its Hessian (nested duals through the same rule) against
central differences of the gradient. Functions of eigenvectors and singular
vectors are sign-invariant ones (q q^T, u v^T), as the vectors' signs are
LAPACK's convention.
"""
import numpy as np
import pytest

import dualad as da
from reference import central_jacobian

RNG = np.random.default_rng(91)
M = RNG.normal(size=(4, 4))
SYM = M + M.T + np.diag([0.0, 3.0, 6.0, 9.0])     # distinct eigenvalues
SPD = M @ M.T + 4 * np.eye(4)
TALL = RNG.normal(size=(5, 3))
WIDE = RNG.normal(size=(3, 5))
_S = RNG.normal(size=(3, 3)) + 2 * np.eye(3)
EIGR = _S @ np.diag([1.0, 2.5, 4.0]) @ np.linalg.inv(_S)  # real, distinct eigenvalues
B5 = RNG.normal(size=5)




def check(f, x, rtol=1e-6, second=True):
    J = da.jacobian(lambda x: np.ravel(f(x)))(x)
    np.testing.assert_allclose(J.reshape(J.shape[0], -1), central_jacobian(f, x),
                               rtol=rtol, atol=1e-6)
    if second:
        def s(x):
            return np.sum(np.sin(np.ravel(f(x))))
        H = da.hessian(s)(x)
        Hn = central_jacobian(lambda x: da.grad(s)(x), x)
        np.testing.assert_allclose(H.reshape(Hn.shape), Hn, rtol=1e-5, atol=1e-5)


def sym(x):
    return np.tril(x) + np.tril(x, -1).T


CASES = {
    "eigh values": (lambda x: np.linalg.eigh(x)[0], SYM),
    "eigh vectors": (lambda x: (lambda q: q[:, :2] @ q[:, :2].T)(np.linalg.eigh(x)[1]), SYM),
    "eigh upper": (lambda x: np.linalg.eigh(x, UPLO="U").eigenvalues, SYM),
    "eigvalsh": (lambda x: np.linalg.eigvalsh(x), SYM),
    "eig values": (lambda x: np.sort(np.linalg.eig(x)[0]), EIGR),
    "eig vectors": (lambda x: (lambda w, v: v[:, np.argsort(w)] * np.sign(
        v[0, np.argsort(w)]))(*np.linalg.eig(x)), EIGR),
    "svd values": (lambda x: np.linalg.svd(x, compute_uv=False), TALL),
    "svd square": (lambda x: (lambda u, s, vh: u @ vh + u[:, :1] * vh[:1])(
        *np.linalg.svd(x)), M),
    "svd tall": (lambda x: (lambda u, s, vh: (u * s) @ vh + u[:, :2] @ vh[:2])(
        *np.linalg.svd(x, full_matrices=False)), TALL),
    "svd wide": (lambda x: (lambda u, s, vh: u[:, :2] @ vh[:2] + s[0] * s[2])(
        *np.linalg.svd(x, full_matrices=False)), WIDE),
    "cholesky": (lambda x: np.linalg.cholesky(x @ x.T + 4 * np.eye(4)), M),
    "cholesky upper": (lambda x: np.linalg.cholesky(sym(x), upper=True), SPD),
    "qr square Q": (lambda x: np.linalg.qr(x)[0], M),
    "qr square R": (lambda x: np.linalg.qr(x).R, M),
    "qr tall": (lambda x: (lambda q, r: np.concatenate([np.ravel(q), np.ravel(r)]))(
        *np.linalg.qr(x)), TALL),
    "qr mode r": (lambda x: np.linalg.qr(x, mode="r"), TALL),
    "qr complete square": (lambda x: np.linalg.qr(x, mode="complete")[0], M),
    "pinv tall": (lambda x: np.linalg.pinv(x), TALL),
    "pinv wide": (lambda x: np.linalg.pinv(x), WIDE),
    "lstsq": (lambda x: np.linalg.lstsq(x, B5)[0], TALL),
    "lstsq residual": (lambda x: np.linalg.lstsq(x, B5)[1], TALL),
    "matrix_power 3": (lambda x: np.linalg.matrix_power(x, 3), M),
    "matrix_power -2": (lambda x: np.linalg.matrix_power(x, -2), SPD),
    "norm 2": (lambda x: np.linalg.norm(x, 2), TALL),
    "norm -2": (lambda x: np.linalg.norm(x, -2), TALL),
    "norm nuc": (lambda x: np.linalg.norm(x, "nuc"), WIDE),
}


@pytest.mark.parametrize("name", list(CASES))
def test_decomposition(name):
    f, x = CASES[name]
    check(f, x)


def test_values_match_numpy():
    r = da.DualArray(SYM, np.ones(SYM.shape + (1,)))
    w, q = np.linalg.eigh(r)
    ref_w, ref_q = np.linalg.eigh(SYM)
    np.testing.assert_array_equal(w.values, ref_w)
    np.testing.assert_array_equal(q.values, ref_q)


def test_float32():
    x = SYM.astype(np.float32)
    J = da.jacobian(lambda x: np.linalg.eigvalsh(x))(x)
    assert J.dtype == np.float32
    np.testing.assert_allclose(J, da.jacobian(lambda x: np.linalg.eigvalsh(x))(SYM), atol=1e-4)


def test_eig_with_complex_eigenvalues():
    # a real matrix with complex eigenvalues: complex Jacobians (more: test_complex_arrays.py)
    rot = np.array([[0.1, -2.0], [1.0, 0.3]])
    for k in (0, 1):
        f = lambda x: np.linalg.eig(x)[k]  # noqa: E731
        J = da.jacobian(f)(rot)
        assert J.dtype == np.complex128
        want = central_jacobian(f, rot)
        np.testing.assert_allclose(J.reshape(want.shape), want, rtol=1e-6, atol=1e-8)


def test_full_matrices_svd_of_a_rectangle_is_refused():
    with pytest.raises(TypeError, match="full_matrices=False"):
        da.jacobian(lambda x: np.linalg.svd(x)[0])(TALL)


def test_qr_values_float32_and_refusals():
    x = TALL.astype(np.float32)
    q, r = np.linalg.qr(da.DualArray(x, np.ones(x.shape + (1,), np.float32)))
    ref_q, ref_r = np.linalg.qr(x)
    np.testing.assert_array_equal(q.values, ref_q)
    np.testing.assert_array_equal(r.values, ref_r)
    assert q.partials.dtype == np.float32 and r.partials.dtype == np.float32
    J32 = da.jacobian(lambda x: np.linalg.qr(x)[1])(x)
    assert J32.dtype == np.float32
    np.testing.assert_allclose(J32, da.jacobian(lambda x: np.linalg.qr(x)[1])(TALL), atol=1e-4)
    # the derivative keeps Q orthonormal and R upper triangular
    dq, dr = q.partials[..., 0], r.partials[..., 0]
    np.testing.assert_allclose(ref_q.T @ dq + dq.T @ ref_q, 0.0, atol=1e-5)
    np.testing.assert_array_equal(np.tril(dr, -1), 0.0)
    with pytest.raises(TypeError, match="wide"):
        da.jacobian(lambda x: np.linalg.qr(x)[0])(WIDE)
    with pytest.raises(TypeError, match="mode='reduced'"):
        da.jacobian(lambda x: np.linalg.qr(x, mode="complete")[0])(TALL)
    with pytest.raises(TypeError, match="mode='reduced'"):
        da.jacobian(lambda x: np.linalg.qr(x, mode="raw")[0])(TALL)
