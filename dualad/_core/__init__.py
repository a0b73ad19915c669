"""Layer 1, the core: what every other layer shares and nothing depends on.

``base`` (perturbation tags, the ``DualNumber`` base class, input checks),
``trees`` (nested tuples of arrays), ``spec`` (argnums, chunk planning, the
transform spec handed to the backends), ``numba_support`` (recognising a
dispatcher without importing numba). Nothing here imports another layer.
"""
