"""Which widgets the partial-frame compositor never asks for lines: those whose every
visible cell lies under widgets in front of them (worked out once per arrangement)."""

from __future__ import annotations

from textual.geometry import Region

from tui.widgets.screen_paint import covered_widgets


def test_a_widget_is_covered_only_when_every_cell_is_under_widgets_in_front() -> None:
    screen, body, left, right, status = "screen", "body", "left", "right", "status"
    regions = [
        (left, Region(0, 1, 60, 38)),
        (right, Region(60, 1, 60, 38)),
        (status, Region(0, 39, 120, 1)),
        (body, Region(0, 1, 120, 38)),  # under left + right, cell for cell
        (screen, Region(0, 0, 120, 40)),  # row 0 (the prompt's) is uncovered
    ]
    assert covered_widgets(regions) == {body}
    gap = [(left, Region(0, 1, 59, 38)), (right, Region(60, 1, 60, 38)),
           (body, Region(0, 1, 120, 38))]  # column 59 shows the body
    assert covered_widgets(gap) == frozenset()
