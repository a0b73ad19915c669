"""Shared test set-up: ``tests/`` on sys.path (``from reference import ...``), hypothesis."""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is a test extra; only test_properties needs it
    pass
else:
    # No deadline: the first call of a path may compile (numba ufuncs of erf,
    # gamma, ...). Example counts are set per test, deliberately.
    settings.register_profile(
        "dualad", deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("dualad")
