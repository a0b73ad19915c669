"""``python -m dualad`` draws its figure when matplotlib is installed, and says how otherwise."""
import pytest

import dualad.__main__ as tour

ROWS = [("dualad derivative(njit f)", 2e-3), ("hand-written numba derivative", 1e-3)]


def test_tour_writes_its_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "tour.png"
    assert tour.tour_figure(str(path), ROWS) == str(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(path) in capsys.readouterr().out


def test_tour_says_how_to_get_the_figure_without_matplotlib(tmp_path, capsys, monkeypatch):
    real = tour._optional
    monkeypatch.setattr(tour, "_optional", lambda name: None if name == "matplotlib" else real(name))
    path = tmp_path / "tour.png"
    assert tour.tour_figure(str(path), ROWS) is None
    assert not path.exists()
    assert "pip install matplotlib" in capsys.readouterr().out
