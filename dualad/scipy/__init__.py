"""SciPy functions that cannot dispatch on dual arrays, written by dualad (``dualad.scipy.linalg``, ``dualad.scipy.special``)."""
