"""dualad.scipy.linalg (dualad/_numbers/array/matfuncs.py): scipy.linalg's matrix
functions and solves on DualArray, first and second order against central
differences, values against SciPy, float32, and what is refused.

scipy.linalg itself converts its inputs with np.asarray, so it refuses a
DualArray (with a hint naming these functions): checked last.
"""
import numpy as np
import pytest

import dualad as da
from reference import central_jacobian

sl = pytest.importorskip("scipy.linalg", reason="scipy is optional")
import dualad.scipy.linalg as dsl  # noqa: E402

RNG = np.random.default_rng(19)
M = RNG.normal(size=(3, 3)) + 3 * np.eye(3)
SPD = M @ M.T + 3 * np.eye(3)
B = RNG.normal(size=(3, 2))
b = RNG.normal(size=3)


def spd(x):
    return x @ x.T + 3 * np.eye(3)


CASES = {
    "expm": (lambda x: dsl.expm(x), 0.4 * M),
    "expm batch": (lambda x: dsl.expm(np.stack([x, -x.T])), 0.4 * M),
    "sqrtm": (lambda x: dsl.sqrtm(x), SPD),
    "sqrtm nonsymmetric": (lambda x: dsl.sqrtm(x), M),
    "solve_triangular lower": (lambda x: dsl.solve_triangular(x, b, lower=True), M),
    "solve_triangular upper T unit": (
        lambda x: dsl.solve_triangular(x, B, trans="T", unit_diagonal=True), M),
    "solve_triangular in b": (lambda y: dsl.solve_triangular(M, y), b),
    "cho_solve upper": (lambda x: dsl.cho_solve(dsl.cho_factor(spd(x)), b), M),
    "cho_solve lower": (lambda x: dsl.cho_solve(dsl.cho_factor(spd(x), lower=True), B), M),
    "cho_solve in b": (lambda y: dsl.cho_solve(sl.cho_factor(SPD), y), b),
    "lu_factor": (lambda x: dsl.lu_factor(x)[0], M),
    "lu_solve": (lambda x: dsl.lu_solve(dsl.lu_factor(x), b), M),
    "lu_solve trans": (lambda x: dsl.lu_solve(dsl.lu_factor(x), B, trans=1), M),
    "lu_solve in b": (lambda y: dsl.lu_solve(sl.lu_factor(M), y), b),
}


@pytest.mark.parametrize("name", list(CASES))
def test_against_central_differences(name):
    f, x = CASES[name]
    J = da.jacobian(lambda x: np.ravel(f(x)))(x)
    np.testing.assert_allclose(J.reshape(J.shape[0], -1), central_jacobian(f, x),
                               rtol=1e-6, atol=1e-6)

    def s(x):
        return np.sum(np.sin(np.ravel(f(x))))
    H = da.hessian(s)(x)
    Hn = central_jacobian(lambda x: da.grad(s)(x), x)
    np.testing.assert_allclose(H.reshape(Hn.shape), Hn, rtol=1e-5, atol=1e-5)


def seeded(x):
    return da.DualArray(x, np.ones(x.shape + (1,), x.dtype))


def test_values_are_scipys():
    np.testing.assert_array_equal(dsl.expm(seeded(0.4 * M)).values, sl.expm(0.4 * M))
    np.testing.assert_array_equal(dsl.sqrtm(seeded(SPD)).values, sl.sqrtm(SPD))
    lu, piv = dsl.lu_factor(seeded(M))
    ref_lu, ref_piv = sl.lu_factor(M)
    np.testing.assert_array_equal(lu.values, ref_lu)
    np.testing.assert_array_equal(piv, ref_piv)
    for got, ref in ((dsl.lu_solve((lu, piv), B), sl.lu_solve((ref_lu, ref_piv), B)),
                     (dsl.cho_solve(dsl.cho_factor(seeded(SPD)), B), sl.cho_solve(
                         sl.cho_factor(SPD), B)),
                     (dsl.solve_triangular(seeded(M), b, lower=True),
                      sl.solve_triangular(M, b, lower=True))):
        np.testing.assert_allclose(got.values, ref, rtol=1e-13)
    # float arrays: SciPy's own results
    np.testing.assert_array_equal(dsl.expm(M), sl.expm(M))
    np.testing.assert_array_equal(dsl.lu_factor(M)[0], sl.lu_factor(M)[0])


def test_float32():
    x = (0.4 * M).astype(np.float32)
    J = da.jacobian(dsl.expm)(x)
    assert J.dtype == np.float32
    np.testing.assert_allclose(J, da.jacobian(dsl.expm)(0.4 * M), rtol=1e-4, atol=1e-4)
    J = da.jacobian(lambda y: dsl.lu_solve(dsl.lu_factor(y), b.astype(np.float32)))(
        M.astype(np.float32))
    assert J.dtype == np.float32


def test_frechet_derivative_matches_scipy():
    e = RNG.normal(size=(3, 3))
    got = dsl.expm(da.DualArray(0.4 * M, e[..., None])).partials[..., 0]
    np.testing.assert_allclose(got, sl.expm_frechet(0.4 * M, e, compute_expm=False),
                               rtol=1e-12, atol=1e-13)


def test_refusals():
    # a negative eigenvalue: the complex root, differentiated (tests/test_complex_arrays.py)
    assert da.jacobian(dsl.sqrtm)(-np.eye(2) + 0.1).dtype == np.complex128
    with pytest.raises(TypeError, match="2-D"):
        da.jacobian(dsl.sqrtm)(np.stack([SPD, SPD]))
    with pytest.raises(ValueError, match="square"):
        da.jacobian(dsl.expm)(np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"dualad\.scipy\.linalg has differentiable expm"):
        da.jacobian(sl.expm)(M)
