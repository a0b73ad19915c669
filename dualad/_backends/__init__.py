"""Layer 6, the backends: compiled transforms of numba dispatchers.

``point`` (one point, driven from Python on the user's own specialisation),
``store`` (nopython seeding and storing of partials), ``kernels`` (the
per-point algorithms and the batch loop over them), ``batch`` (``vmap`` on
all CPU cores), ``cuda`` (``vmap`` on a GPU), ``derivative`` (``da.derivative``
of a dispatcher). The backends take a ``TransformSpec`` from the core, never
the transform classes of the layer above.
"""
