"""NumPy functions added for issue 9 (dualad/_numbers/array/manipulation.py & co.).

Each function: its Jacobian against central differences (float64, and the
dtype kept in float32), and a second derivative (the Hessian of
sum(sin(f(x)))) against central differences of the gradient.
"""
import numpy as np
import pytest

import dualad as da
from reference import central_jacobian

RNG = np.random.default_rng(9)
X2 = RNG.uniform(0.5, 2.0, (3, 4))
X1 = RNG.uniform(0.5, 2.0, 6)
X3 = RNG.uniform(0.5, 2.0, (2, 3, 4))


def flat(y):
    if isinstance(y, (list, tuple)):
        return np.concatenate([np.ravel(p) for p in y])
    return np.ravel(y)

def check(f, x):
    J = da.jacobian(lambda x: flat(f(x)))(x)
    np.testing.assert_allclose(J.reshape(J.shape[0], -1), central_jacobian(f, x),
                               rtol=1e-6, atol=1e-7)
    x32 = x.astype(np.float32)
    J32 = da.jacobian(lambda x: flat(f(x)))(x32)
    with np.errstate(invalid="ignore", divide="ignore"):
        assert J32.dtype == flat(f(x32)).dtype  # NumPy's own promotion (linspace: float64)
    np.testing.assert_allclose(J32, J, rtol=1e-5, atol=1e-5)

    def s(x):
        return np.sum(np.sin(flat(f(x))))
    H = da.hessian(s)(x)
    Hn = central_jacobian(lambda x: da.grad(s)(x), x)
    np.testing.assert_allclose(H.reshape(Hn.shape), Hn, rtol=1e-5, atol=1e-6)


CASES = {
    "flipud": (lambda x: np.flipud(x), X2),
    "fliplr": (lambda x: np.fliplr(x), X2),
    "rot90": (lambda x: np.rot90(x, 3), X2),
    "append": (lambda x: np.append(x, [1.0, 2.0]), X1),
    "append dual": (lambda x: np.append(x[:2], x), X1),
    "append axis": (lambda x: np.append(x, x[:1] * 2, axis=0), X2),
    "tril": (lambda x: np.tril(x, -1), X2),
    "triu": (lambda x: np.triu(x), X2),
    "tile": (lambda x: np.tile(x, (2, 1)), X2),
    "kron": (lambda x: np.kron(x[:2], x[2:]), X2),
    "kron const": (lambda x: np.kron(np.array([[1.0, 2.0]], x.dtype), x), X2),
    "partition": (lambda x: np.partition(x, 2), X1),
    "partition axis": (lambda x: np.partition(x, 1, axis=0), X2),
    "moveaxis": (lambda x: np.moveaxis(x, 0, -1), X3),
    "rollaxis": (lambda x: np.rollaxis(x, 2), X3),
    "cross": (lambda x: np.cross(x[:, :3], x[:, 1:]), X2),
    "cross 2d": (lambda x: np.cross(x[:2], x[2:4]), X1),
    "split": (lambda x: np.split(x, 2, axis=1), X2),
    "array_split": (lambda x: np.array_split(x, 4), X1),
    "vsplit": (lambda x: np.vsplit(x, 3), X2),
    "hsplit": (lambda x: np.hsplit(x, 2), X2),
    "dsplit": (lambda x: np.dsplit(x, 2), X3),
    "select": (lambda x: np.select([x < 1.0, x > 1.5], [x ** 2, np.sin(x)], default=x), X1),
    "pad": (lambda x: np.pad(x, 2, constant_values=3.0), X1),
    "pad reflect": (lambda x: np.pad(x, ((1, 0), (2, 1)), mode="reflect"), X2),
    "pad edge": (lambda x: np.pad(x, 1, mode="edge"), X2),
    "gradient": (lambda x: np.gradient(x, 0.5), X1),
    "gradient 2d": (lambda x: np.gradient(x), X2),
    "einsum sublist": (lambda x: np.einsum(x, [0, 1], x, [1, 2], [0, 2]), RNG.uniform(1, 2, (3, 3))),
    "einsum sublist implicit": (lambda x: np.einsum(x, [0, 1], x, [0, 1]), X2),
    "real": (lambda x: np.real(x) * np.imag(x) + np.real(x), X1),
    "conj": (lambda x: np.conj(x) * x, X1),
    "logaddexp": (lambda x: np.logaddexp(x[:3], x[3:]), X1),
    "logaddexp tie": (lambda x: np.logaddexp(x, x), X1),
    "logaddexp2": (lambda x: np.logaddexp2(x[:3], 1.0), X1),
    "sinc": (lambda x: np.sinc(x - 1.0), X1),
    "ldexp": (lambda x: np.ldexp(x, 3), X1),
    "nan_to_num": (lambda x: np.nan_to_num(np.log(x - 1.0)), X1),
    "linspace": (lambda x: np.linspace(x[0], x[1], 5), X1),
    "linspace no endpoint": (lambda x: np.linspace(x[0], x[1], 4, endpoint=False), X1),
}


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors")  # NumPy's own cross
@pytest.mark.parametrize("name", list(CASES))
def test_function(name):
    f, x = CASES[name]
    with np.errstate(invalid="ignore"):
        check(f, x)


def test_sinc_at_zero():
    # sinc'(0) = 0, sinc''(0) = -pi**2/3
    assert da.derivative(lambda x: np.sinc(x))(np.array([0.0]))[0] == 0.0
    d2 = da.derivative(lambda x: np.sinc(x), 2)(np.array([0.0, 1e-4]))
    np.testing.assert_allclose(d2, [-np.pi ** 2 / 3] * 2, rtol=1e-7)


def test_logaddexp_at_a_tie_is_symmetric():
    g = da.grad(lambda v: np.sum(np.logaddexp(v[:1], v[1:])))(np.array([0.7, 0.7]))
    np.testing.assert_allclose(g, [0.5, 0.5], rtol=1e-15)


def test_angle_of_real_input_is_constant():
    x = np.array([-1.0, 2.0])
    assert da.jacobian(lambda x: np.angle(x) * 1.0)(x).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_nan_to_num_replaced_elements_have_zero_derivative():
    x = np.array([0.5, 2.0])
    J = da.jacobian(lambda x: np.nan_to_num(np.log(x - 1.0)))(x)
    assert J[0, 0] == 0.0 and J[1, 1] == pytest.approx(1.0)


def test_np_array_of_dual_arrays_says_use_stack():
    v = da.DualArray(np.ones(2), np.ones((2, 1)))
    with pytest.raises(TypeError, match="np.stack"):
        np.array([v, v])
    with pytest.raises(TypeError, match="np.stack"):
        np.r_[v, v]


def test_zero_size():
    z = np.zeros((0, 3))
    assert da.jacobian(lambda x: np.flipud(np.sin(x)))(z).shape == (0, 3, 0, 3)
    assert da.grad(lambda x: np.sum(np.pad(x, 1)))(np.zeros(0)).shape == (0,)


def test_fftshift_and_ifftshift():
    check(lambda x: np.fft.fftshift(x), X2)
    check(lambda x: np.fft.ifftshift(x, axes=0), X2)


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfftn",
                                  "fftn", "ifftn", "hfft", "ihfft", "rfft2", "irfft2",
                                  "irfftn"])
def test_ffts_of_real_dual_arrays(name):
    # complex results of real inputs (complex inputs: tests/test_complex_arrays.py)
    f = getattr(np.fft, name)
    check(lambda x: np.real(f(x)) + np.imag(f(x)) ** 2, X2)
    if name[-1] not in "2n":  # the 1-D transforms on a vector, complex Jacobian
        J = da.jacobian(f)(X1)
        assert J.dtype == f(X1).dtype
        np.testing.assert_allclose(J, central_jacobian(f, X1), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_correlate(mode):
    check(lambda x: np.convolve(x[:4], x[4:], mode=mode), X1)
    check(lambda x: np.correlate(x[:4], x[4:], mode=mode), X1)
    check(lambda x: np.convolve(x, np.array([1.0, -2.0, 0.5], x.dtype), mode=mode), X1)
    check(lambda x: np.correlate(np.array([1.0, -2.0], x.dtype), x, mode=mode), X1)


def test_composite_ufuncs_and_sinc_on_scalar_duals():
    x, y = 0.3, 1.1
    g = da.grad(lambda a, b: np.logaddexp(a, b), argnums=(0, 1))(x, y)
    e = np.exp([x, y]) / np.sum(np.exp([x, y]))
    np.testing.assert_allclose(g, e, rtol=1e-14)
    assert da.derivative(lambda a: np.ldexp(a, 3))(0.7) == 8.0
    d = da.derivative(lambda a: np.sinc(a))(0.4)
    u = np.pi * 0.4
    assert d == pytest.approx(np.pi * (np.cos(u) / u - np.sin(u) / u ** 2), rel=1e-13)
    assert type(np.logaddexp2(da.Dual(0.5, 1.0), 0.5)) is da.Dual
