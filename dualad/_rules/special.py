"""Special functions the rule table needs and Python's ``math`` lacks.

``polygamma(n, x)`` (the n-th derivative of the digamma function) gives the
derivative ladder of ``gamma`` and ``lgamma`` to any order. It is written in
plain arithmetic on floats so that the same source runs in Python and, through
``numba.extending.register_jitable``, inside nopython and CUDA code.

Method: shift ``x`` upward with the recurrence
``psi_n(x) = psi_n(x + 1) - (-1)**n * n! / x**(n + 1)`` until ``x >= 20`` and
sum the asymptotic (Bernoulli) series there. At ``x >= 20`` ten Bernoulli terms
leave a truncation error below 1e-17 relative for ``n <= 8``.
"""
import math

# B_2, B_4, ..., B_20
_BERNOULLI = (
    1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0,
    -691.0 / 2730.0, 7.0 / 6.0, -3617.0 / 510.0, 43867.0 / 798.0,
    -174611.0 / 330.0,
)
_SHIFT_TO = 20.0


def polygamma_float(n, x):
    """Return psi^(n)(x) for an integer order n >= 0 and a float x.

    Poles (x a non-positive integer) give nan, as do nan inputs.
    """
    if x != x:
        return x
    if x <= 0.0 and x == math.floor(x):
        return math.nan
    fact = 1.0  # n!
    for k in range(2, n + 1):
        fact *= k
    sign = 1.0 if n % 2 == 0 else -1.0  # (-1)**n
    acc = 0.0
    while x < _SHIFT_TO:
        acc -= sign * fact / x ** (n + 1)
        x += 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    if n == 0:
        series = 0.0
        p = inv2
        for k in range(len(_BERNOULLI)):
            series += _BERNOULLI[k] / (2.0 * (k + 1)) * p
            p *= inv2
        return acc + math.log(x) - 0.5 * inv - series
    # (-1)**(n+1) [ (n-1)!/x^n + n!/(2 x^(n+1)) + sum_k B_2k (2k+n-1)!/(2k)! / x^(2k+n) ]
    fact_nm1 = fact / n
    xn = x ** n
    total = fact_nm1 / xn + 0.5 * fact / (xn * x)
    # ratio (2k+n-1)!/(2k)!, updated incrementally from k=1
    ratio = fact * (n + 1) / 2.0  # (n+1)!/2! = (2+n-1)!/2!
    p = 1.0 / (xn * x * x)
    for k in range(1, len(_BERNOULLI) + 1):
        total += _BERNOULLI[k - 1] * ratio * p
        # next: (2k+n+1)!/(2k+2)! = ratio * (2k+n)(2k+n+1) / ((2k+1)(2k+2))
        ratio *= (2.0 * k + n) * (2.0 * k + n + 1) / ((2.0 * k + 1) * (2.0 * k + 2))
        p *= inv2
    return acc - sign * total
