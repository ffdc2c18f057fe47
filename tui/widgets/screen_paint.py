"""The main screen's compositor: a partial frame renders only what can reach the screen.

Textual's compositor answers a partial update (the echo of a typed character, a new
answer's rows) by asking every widget whose clip overlaps the changed area for all
of its visible lines, then keeps the changed lines only, front to back. The screen
and the containers behind the prompt, list and preview rendered their 36-40 lines
for every echo, and the body's widgets for a change on the prompt line. Here each
widget renders only the changed lines, and not at all where the widgets in front of
it already cover every cut of those lines: the same chops, from less work.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence

from textual._compositor import Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip


class CroppedCompositor(Compositor):
    """`Compositor` whose partial updates render the changed lines of uncovered widgets."""

    def _render_chops(self, crop: Region,
                      is_rendered_line: Callable[[int], bool]) -> Sequence[Mapping[int, Strip]]:
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        crop_top, crop_bottom = crop.y, crop.bottom
        for widget, (region, clip) in self.visible_widgets.items():  # front to back
            visible = region.intersection(clip)
            top, bottom = max(visible.y, crop_top), min(visible.bottom, crop_bottom)
            if top >= bottom or not visible.width:
                continue
            first_cut, last_cut = visible.column_span
            lines = [y for y in range(top, bottom) if is_rendered_line(y)
                     and _uncovered(chops[y], cuts[y], first_cut, last_cut)]
            if not lines:
                continue
            top, bottom = lines[0], lines[-1] + 1
            render_x = visible.x
            strips = widget.render_lines(
                Region(render_x - region.x, top - region.y, visible.width, bottom - top))
            for y, strip in zip(range(top, bottom), strips, strict=False):  # as Textual
                if not is_rendered_line(y):
                    continue
                chops_line = chops[y]
                final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                pieces = strip.divide([cut - render_x for cut in final_cuts[1:]])
                for cut, piece in zip(final_cuts, pieces, strict=False):
                    if chops_line.get(cut) is None:
                        chops_line[cut] = piece
        return chops  # type: ignore[return-value]


def _uncovered(chops_line: dict[int, Strip | None], line_cuts: list[int], first_cut: int,
               last_cut: int) -> bool:
    """Some cell of this line between the widget's edges has no strip yet."""
    return any(chops_line.get(cut) is None for cut in line_cuts if first_cut <= cut < last_cut)


def _fits(textual_method: Callable[..., object]) -> bool:
    """Whether Textual's private `_render_chops` is the one this class replaces (same
    parameters): another Textual keeps its own compositor rather than break."""
    try:
        names = list(inspect.signature(textual_method).parameters)
    except (TypeError, ValueError):
        return False
    return names == ["self", "crop", "is_rendered_line"]


FITS_TEXTUAL = _fits(Compositor._render_chops)


class PaintedScreen(Screen):
    """The app's main screen, painted through `CroppedCompositor` when it fits."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if FITS_TEXTUAL:
            self._compositor = CroppedCompositor()
