"""Layer 7, the transforms: what users call.

``derivative`` (``da.derivative``: scalar functions, elementwise over arrays),
``multivariate`` (``jacobian``, ``grad``, ``value_and_grad``, ``hessian``,
``jvp``), ``vmap`` (batches: a loop, one compiled loop on all cores, a GPU or
dask), ``check`` (``check_derivatives``). Plain Python functions run on the
number types; numba dispatchers go to the backends with a ``TransformSpec``.
"""
