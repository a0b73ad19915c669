"""Sparse complex Jacobians: ``jacobian(f, holomorphic=True, sparsity=...)`` (issue 10).

The colors are seeded along 1 (the compressed complex Jacobian) and along 1j
(the Cauchy-Riemann check the dense path runs); results against the dense
complex Jacobian, complex128 and complex64, detected and given patterns,
dense and csr/csc formats; sparse complex Hessians (star coloring of the
gradient's Jacobian) the same way; the refusals kept.
"""
import numba
import numpy as np
import pytest

import dualad as da


def f_banded(z):
    # tridiagonal plus a dense first column: few colors for n inputs
    left = np.concatenate([z[:1] * 0.0, z[:-1]])
    right = np.concatenate([z[1:], z[:1] * 0.0])
    return np.sin(z) * z[0] + left * np.exp(right) + np.log(1.5 + z) ** 2


def _assert_sparse_equals(transform, f, z, dense, rtol, sparsities=("auto",),
                          formats=("dense", "csr")):
    """transform(f, holomorphic=True, sparsity=, format=)(z) equals the dense complex
    result, its dtype too, for every sparsity and format given."""
    for sparsity in sparsities:
        for fmt in formats:
            out = transform(f, holomorphic=True, sparsity=sparsity, format=fmt)(z)
            out = out if fmt == "dense" else out.toarray()
            assert out.dtype == dense.dtype
            np.testing.assert_allclose(out, dense, rtol=rtol, atol=rtol * np.abs(dense).max())


@pytest.mark.parametrize("dtype,rtol", [(np.complex128, 1e-14), (np.complex64, 1e-5)])
def test_against_the_dense_complex_jacobian(dtype, rtol):
    rng = np.random.default_rng(3)
    z = (rng.normal(size=12) + 1j * rng.normal(size=12)).astype(dtype)
    dense = da.jacobian(f_banded, holomorphic=True)(z)
    pattern = da.sparsity(f_banded)(z)  # the traced pattern, given
    _assert_sparse_equals(da.jacobian, f_banded, z, dense, rtol, ("auto", pattern),
                          ("dense", "csr", "csc"))
    plan = da.jacobian(f_banded, holomorphic=True, sparsity="auto").plan((z,))
    assert plan.seed(z.dtype).shape[1] < z.size  # compressed: fewer passes than inputs


def test_non_holomorphic_f_is_refused_by_cauchy_riemann():
    z = np.array([1 + 1j, 2 - 0.5j, -0.3j])
    for f in (lambda w: np.conj(w) * w, lambda w: np.abs(w) * w, lambda w: w.real + w):
        with pytest.raises(ValueError, match="not holomorphic at this point"):
            da.jacobian(f, holomorphic=True, sparsity=np.eye(3, dtype=bool))(z)


def test_refusals():
    z = np.array([1 + 1j, 2 - 1j])
    with pytest.raises(TypeError, match="requires inputs with complex dtype"):
        da.jacobian(np.sin, holomorphic=True, sparsity="auto")(z.real)
    with pytest.raises(TypeError, match="needs sparsity="):
        da.jacobian(np.sin, holomorphic=True, format="csr")(z)
    with pytest.raises(TypeError, match="needs sparsity="):
        da.hessian(lambda w: np.sum(w * w), holomorphic=True, format="csr")(z)


def chain_energy(z):
    # a holomorphic scalar with a tridiagonal Hessian (neighbours only)
    return np.sum(np.sin(z[1:]) * z[:-1] ** 2) + np.sum(np.exp(z) * z)


@pytest.mark.parametrize("dtype,rtol", [(np.complex128, 1e-14), (np.complex64, 1e-5)])
def test_sparse_complex_hessian_against_the_dense_one(dtype, rtol):
    rng = np.random.default_rng(5)
    z = (rng.normal(size=10) + 1j * rng.normal(size=10)).astype(dtype)
    dense = da.hessian(chain_energy, holomorphic=True)(z)
    pattern = da.hessian_sparsity(chain_energy)(z)
    assert pattern.nnz == 3 * z.size - 2
    _assert_sparse_equals(da.hessian, chain_energy, z, dense, rtol, ("auto", pattern))
    plan = da.hessian(chain_energy, holomorphic=True, sparsity="auto").plan((z,))
    assert plan.seed(z.dtype).shape[1] <= 3   # star coloring of a tridiagonal pattern
    # holomorphic in its gradient's first level but not beyond: the 1j pass refuses it
    w = np.array([0j, 1 + 1j])
    with pytest.raises(ValueError, match="not holomorphic at this point"):
        da.hessian(lambda v: v[0] * v[1].imag + v[0] * v[0], holomorphic=True,
                   sparsity="auto")(w)


@numba.njit
def nb_banded(z):
    """f_banded as numba code (np.* functions: the pattern is traced on its py_func)."""
    left = np.concatenate((z[:1] * 0.0, z[:-1]))
    right = np.concatenate((z[1:], z[:1] * 0.0))
    return np.sin(z) * z[0] + left * np.exp(right) + np.log(1.5 + z) ** 2


@pytest.mark.parametrize("dtype,rtol", [(np.complex128, 1e-14), (np.complex64, 1e-5)])
def test_sparse_complex_jacobian_of_a_dispatcher(dtype, rtol):
    """One compiled pass on Dual[complex, colors] along 1, one along 1j (the check)."""
    rng = np.random.default_rng(4)
    z = (rng.normal(size=9) + 1j * rng.normal(size=9)).astype(dtype)
    dense = da.jacobian(f_banded, holomorphic=True)(z)
    _assert_sparse_equals(da.jacobian, nb_banded, z, dense, rtol)
    with pytest.raises(ValueError, match="not holomorphic at this point"):
        da.jacobian(numba.njit(lambda w: np.conj(w) * w), holomorphic=True,
                    sparsity=np.eye(9, dtype=bool))(z)


@numba.njit
def nb_chain(z):
    return np.sum(np.sin(z[1:]) * z[:-1] ** 2) + np.sum(np.exp(z) * z)


@pytest.mark.parametrize("dtype,rtol", [(np.complex128, 1e-14), (np.complex64, 1e-5)])
def test_sparse_complex_hessian_of_a_dispatcher(dtype, rtol):
    """Compiled compressed passes on complex nested duals (colors along 1, then 1j),
    the gradient checked too; against the Python path's dense complex Hessian."""
    rng = np.random.default_rng(6)
    z = (rng.normal(size=10) + 1j * rng.normal(size=10)).astype(dtype)
    dense = da.hessian(chain_energy, holomorphic=True)(z)
    _assert_sparse_equals(da.hessian, nb_chain, z, dense, rtol)
    w = np.array([0j, 1 + 1j])
    for g in (lambda v: v[0] * v[1].imag + v[0] * v[0],   # the second level fails
              lambda v: np.sum(v * np.conj(v))):          # the first level fails
        with pytest.raises(ValueError, match="not holomorphic at this point"):
            da.hessian(numba.njit(g), holomorphic=True, sparsity="auto")(w)
