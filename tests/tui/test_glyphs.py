"""The text pictures both programs draw."""

from tui.glyphs import sparkline


def test_sparkline_shape():
    assert sparkline([0, 5, 10]) == "▁▅█"
