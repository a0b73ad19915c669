"""numba types of dualad's scalar duals: what they are, how they meet, their names.

``DualType(base, n)`` is a struct ``{value: base, partials: P}`` where ``P`` is
``base`` itself for n == 1 and an LLVM vector ``<n x double|float>``
(``PartialsType``) for n > 1 with a float base. ``base`` is float32, float64,
complex64, complex128 or another dual type: a ``Dual[Dual[float64, 1], 1]``
carries second derivatives. ``HyperDualType(base)`` is ``{re, eps1, eps2, eps1eps2}``.
``Dual2Type(base, n)`` is ``{value, grad, hess}``: a float value, its gradient
in n directions and the Hessian's packed upper triangle (n(n+1)/2 numbers,
row by row), both vectors; one pass of it gives a whole Hessian.

Complex duals (``Dual[complex128, n]``, ``HyperDual[complex64]``, nested):
value and partials complex. For n > 1 the partials are a ``ComplexPartialsType``,
two float vectors (real parts, imaginary parts) in registers, since an LLVM
vector cannot hold a complex element: a complex scale of the partials is then
four vector multiplies and two adds, where an array of n complex structs
would be n scalar complex products; in memory they are interleaved as NumPy
lays out a complex (n,) subarray, so arrays of complex duals are plain
structured NumPy arrays. Complex meets real by promotion (a real dual and a
complex constant make a complex dual); nothing converts complex to real
implicitly.

Inside numba the perturbation of a number is its *nesting depth*: when two
duals meet, the deeper one is the outer number and the other a constant with
respect to it (the compiled counterpart of the Python tags).

Every type name carries dualad's version and a hash of the sources that
define the compiled code, so that numba's ``cache=True`` (which checks only
the user's file) never loads machine code built by another dualad.

Their data models are in ``models``, typeof and boxing in ``boxing``, casts
in ``casts``.
"""
import collections
import hashlib
import os

from numba.core import types
from numba.core.errors import NumbaTypeError
from numba.core.typeconv import Conversion

from .._version import __version__
from .registry import OVERLOAD  # noqa: F401  (re-exported: the options of every overload)


def _source_stamp():
    """Hash of every module of the package (found by walking it, so a new module or
    subpackage is covered): the files whose contents may decide the machine code
    of a dual op or of a compiled helper. Part of every type name, so a disk-cached
    function of duals (the user's, ``perfunction``'s kernels) is never found again
    after any of dualad's sources changed (numba itself checks only the defining
    file)."""
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = []
    for root, dirs, names in os.walk(pkg):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        files += sorted(os.path.join(root, f) for f in names if f.endswith(".py"))
    h = hashlib.sha256()
    for path in files:
        try:
            with open(path, "rb") as fh:
                h.update(os.path.relpath(path, pkg).encode() + b"\0" + fh.read())
        except OSError:
            pass
    return h.hexdigest()[:10]


STAMP = f"dualad{__version__}-{_source_stamp()}"
"""Library version and source hash, part of every dualad type name."""

# ------------------------------------------------------------------ types ---

class PartialsType(types.Type):
    """N > 1 float partials held in one LLVM vector register ``<N x dtype>``."""

    def __init__(self, dtype, n):
        self.dtype = dtype
        self.n = n
        super().__init__(name=f"Partials[{dtype}, {n}]@{STAMP}")


class ComplexPartialsType(types.Type):
    """N > 1 complex partials: two vector registers ``{<N x re>, <N x im>}``.

    An LLVM vector holds no complex elements; split into real and imaginary
    vectors, every complex operation on the partials is a few vector
    instructions (no shuffles), and in memory they are ``[N x {re, im}]``,
    NumPy's layout of a complex (N,) subarray (``models``).
    """

    def __init__(self, dtype, n):
        self.dtype = dtype
        self.n = n
        self.real_type = PartialsType(real_of(dtype), n)
        super().__init__(name=f"ComplexPartials[{dtype}, {n}]@{STAMP}")


class DualNumberType(types.Type):
    """Common base of the compiled dual number types."""

    depth = 0
    short = ""

    @property
    def dtype(self):
        """The innermost float type."""
        return self.base.dtype if isinstance(self.base, DualNumberType) else self.base

    def unify(self, typingctx, other):
        return unify_types(self, other)

    def cast_python_value(self, value):
        """``T(0)`` of a dual type T, as numba's own array code writes the start of a
        sum (numba-cuda's np.sum): the real value, which casts to a constant dual."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return complex(value) if isinstance(self.dtype, types.Complex) else float(value)
        raise NotImplementedError(f"{self} from {value!r}")

    def can_convert_from(self, typingctx, other):
        complex_self = isinstance(self.dtype, types.Complex)
        if isinstance(other, (types.Integer, types.Float)) or \
                (complex_self and isinstance(other, types.Complex)):
            return Conversion.safe
        if isinstance(other, DualNumberType):
            if isinstance(other.dtype, types.Complex) and not complex_self:
                return None  # complex -> real would drop the imaginary parts
            if other.depth < self.depth and can_embed(other, self.base):
                return Conversion.safe
            if same_shape(self, other):
                return Conversion.promote if other.dtype != self.dtype and \
                    wider(other.dtype, self.dtype) == self.dtype else Conversion.unsafe
        return None


def _short(t):
    return t.short if isinstance(t, DualNumberType) else str(t)


_COMPLEX_OF = {types.float32: types.complex64, types.float64: types.complex128,
               types.complex64: types.complex64, types.complex128: types.complex128}
_REAL_OF = {types.complex64: types.float32, types.complex128: types.float64,
            types.float32: types.float32, types.float64: types.float64}


def complex_of(dtype):
    """The complex type of a float type's width (complex types map to themselves)."""
    return _COMPLEX_OF[dtype]


def real_of(dtype):
    """The float type of a complex type's width (float types map to themselves)."""
    return _REAL_OF[dtype]


def is_complex_scalar(t):
    return isinstance(t, types.Complex)


def is_constant(t):
    """A plain scalar (real or complex) that meets duals as a constant."""
    return is_real(t) or isinstance(t, types.Complex)


def is_complex_dual(t):
    """A dual whose innermost values are complex."""
    return is_dual(t) and isinstance(t.dtype, types.Complex)


def _check_base(base, what):
    if not (base in _COMPLEX_OF or isinstance(base, DualNumberType)):
        raise NumbaTypeError(f"{what} needs a float32, float64, complex64, complex128 or "
                             f"dual base, got {base}")


class DualType(DualNumberType):
    """A dual number with ``n`` partials of type ``base`` (numba type)."""

    def __init__(self, base, n=1):
        _check_base(base, "Dual")
        n = int(n)
        if n < 1:
            raise NumbaTypeError("a Dual needs at least one partial")
        if n > 1 and isinstance(base, DualNumberType):
            raise NumbaTypeError(
                f"a compiled Dual with {n} partials of a dual base ({_short(base)}) is not "
                "supported: nest Duals with one partial at the outer levels "
                "(Dual[Dual[float64, n], 1]) or use HyperDual for second derivatives")
        self.base = base
        self.n = n
        self.depth = 1 + (base.depth if isinstance(base, DualNumberType) else 0)
        self.short = f"Dual[{_short(base)}, {n}]"
        super().__init__(name=f"{self.short}@{STAMP}")

    @property
    def partials_type(self):
        if self.n == 1:
            return self.base
        if isinstance(self.base, types.Complex):
            return ComplexPartialsType(self.base, self.n)
        return PartialsType(self.base, self.n)


class HyperDualType(DualNumberType):
    """A hyper-dual number ``re + eps1 e1 + eps2 e2 + eps1eps2 e1 e2``."""

    fields = ("re", "eps1", "eps2", "eps1eps2")

    def __init__(self, base):
        _check_base(base, "HyperDual")
        self.base = base
        self.depth = 1 + (base.depth if isinstance(base, DualNumberType) else 0)
        self.short = f"HyperDual[{_short(base)}]"
        super().__init__(name=f"{self.short}@{STAMP}")


def dual2_triangle(n):
    """(rows, cols) of the packed upper triangle of an n x n Hessian, row by row."""
    rows, cols = [], []
    for i in range(n):
        for j in range(i, n):
            rows.append(i)
            cols.append(j)
    return rows, cols


class Dual2Type(DualNumberType):
    """A second-order dual: value, gradient ``<n>`` and packed Hessian ``<n(n+1)/2>``.

    Its base is a float (it does not nest); the Hessian is carried exactly,
    so f(x) seeded with x[i] = Dual2(x_i, e_i, 0) gives f's whole Hessian in
    one evaluation. Built by dualad's compiled Hessians only.
    """

    def __init__(self, base, n):
        if base not in (types.float32, types.float64):
            raise NumbaTypeError(f"Dual2 needs a float32 or float64 base, got {base}")
        n = int(n)
        if n < 1:
            raise NumbaTypeError("a Dual2 needs at least one direction")
        self.base = base
        self.n = n
        self.size = n * (n + 1) // 2
        self.depth = 1
        self.short = f"Dual2[{base}, {n}]"
        super().__init__(name=f"{self.short}@{STAMP}")

    @property
    def grad_type(self):
        return self.base if self.n == 1 else PartialsType(self.base, self.n)

    @property
    def hess_type(self):
        return self.base if self.size == 1 else PartialsType(self.base, self.size)


def is_dual(t):
    return isinstance(t, DualNumberType)


def is_real(t):
    """A plain real scalar type (ints and bools are promoted where they meet duals)."""
    return isinstance(t, (types.Integer, types.Float, types.Boolean))


def same_shape(a, b):
    """Same kind, depth and N at every level (the float width may differ)."""
    if type(a) is not type(b) or a.depth != b.depth:
        return False
    if isinstance(a, (DualType, Dual2Type)) and a.n != b.n:
        return False
    if is_dual(a.base):
        return same_shape(a.base, b.base)
    return True


def can_embed(c, t):
    """True if c (a real, a complex or a dual) can be cast into type t as a constant
    (nothing complex into a real type)."""
    if is_real(c):
        return True
    if isinstance(c, types.Complex):
        return isinstance(t.dtype if is_dual(t) else t, types.Complex)
    if not is_dual(c):
        return False
    if not is_dual(t):
        return False
    if isinstance(c.dtype, types.Complex) and not isinstance(t.dtype, types.Complex):
        return False
    if c.depth < t.depth:
        return can_embed(c, t.base)
    return same_shape(c, t)


def wider(a, b):
    """The type two float or complex types promote to (complex if either is)."""
    if isinstance(a, types.Complex) or isinstance(b, types.Complex):
        w = max(real_of(a).bitwidth, real_of(b).bitwidth)
        return types.complex128 if w == 64 else types.complex64
    return a if a.bitwidth >= b.bitwidth else b


def unify_types(a, b):
    """The type a and b both convert to, or None: the deeper dual wins."""
    if not is_dual(a):
        a, b = b, a
    if not is_dual(a):
        return None
    if isinstance(b, (types.Integer, types.Float)):
        return a
    if isinstance(b, types.Complex):
        return with_dtype(a, wider(a.dtype, b))
    if not is_dual(b):
        return None
    if b.depth > a.depth:
        a, b = b, a
    if b.depth < a.depth:
        return a if can_embed(b, a.base) else None
    if not same_shape(a, b):
        return None
    return with_dtype(a, wider(a.dtype, b.dtype))


def with_dtype(t, dtype):
    """t with its innermost float type replaced."""
    if not is_dual(t):
        return dtype
    if isinstance(t, Dual2Type):
        return Dual2Type(dtype, t.n)
    base = with_dtype(t.base, dtype)
    return DualType(base, t.n) if isinstance(t, DualType) else HyperDualType(base)


Dual2Value = collections.namedtuple("Dual2Value", "value grad hess")
"""A Dual2 leaving compiled code: value, gradient (n,), packed Hessian (n(n+1)/2,)."""
