"""Layer 6, the backends: compiled transforms of numba dispatchers.

From the bottom: ``plan`` (the one planner: which algorithm, and which
directions each pass of f carries), ``seed`` and ``store`` (nopython seeding
of a point and storing of one pass's output), ``kernels`` (the per-point
algorithms, one body each, and the CPU batch loop over them), ``read``
(reading f's boxed output in Python), ``point`` (one point, driven from
Python on the user's own specialisation), and the entry points ``batch``
(``vmap`` on all CPU cores), ``cuda`` (``vmap`` on a GPU, the same per-point
bodies) and ``derivative`` (``da.derivative`` of a dispatcher). The backends
take a ``TransformSpec`` from the core, never the transform classes of the
layer above.
"""
