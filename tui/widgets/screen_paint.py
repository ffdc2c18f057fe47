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

    _covered_for: object = None  # the `visible_widgets` map `_covered` was worked out for
    _covered: frozenset[object] = frozenset()

    def _render_chops(self, crop: Region,
                      is_rendered_line: Callable[[int], bool]) -> Sequence[Mapping[int, Strip]]:
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        crop_top, crop_bottom = crop.y, crop.bottom
        visible_widgets = self.visible_widgets
        covered = self._covered_widgets(visible_widgets)
        for widget, (region, clip) in visible_widgets.items():  # front to back
            if widget in covered:
                continue
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
            width = last_cut - first_cut
            strips = widget.render_lines(
                Region(render_x - region.x, top - region.y, visible.width, bottom - top))
            for y, strip in zip(range(top, bottom), strips, strict=False):  # as Textual
                if not is_rendered_line(y):
                    continue
                chops_line = chops[y]
                final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                if len(final_cuts) == 2 and strip.cell_length == width:
                    pieces: Sequence[Strip] = (strip,)  # one piece: what `divide` returns
                else:
                    pieces = strip.divide([cut - render_x for cut in final_cuts[1:]])
                for cut, piece in zip(final_cuts, pieces, strict=False):
                    if chops_line.get(cut) is None:
                        chops_line[cut] = piece
        return chops  # type: ignore[return-value]

    def _covered_widgets(self, visible_widgets: Mapping[object, tuple[Region, Region]]
                         ) -> frozenset[object]:
        """Widgets whose every visible cell lies under widgets in front of them: they
        never reach a frame (the screen and the containers behind the prompt, list and
        preview). Worked out once per arrangement, not per line of every frame."""
        if self._covered_for is not visible_widgets:
            self._covered_for = visible_widgets
            self._covered = covered_widgets(
                [(widget, region.intersection(clip))
                 for widget, (region, clip) in visible_widgets.items()])
        return self._covered


def covered_widgets(front_to_back: Sequence[tuple[object, Region]]) -> frozenset[object]:
    """The widgets (listed front to back with their visible regions) that the ones
    before them cover cell for cell."""
    covered = []
    shown: list[Region] = []
    for widget, visible in front_to_back:
        if visible.width and visible.height and _under(visible, shown):
            covered.append(widget)
        if visible.width and visible.height:
            shown.append(visible)
    return frozenset(covered)


def _under(region: Region, front: Sequence[Region]) -> bool:
    """Every cell of `region` is inside one of `front`."""
    for y in range(region.y, region.bottom):
        spans = sorted((r.x, r.right) for r in front if r.y <= y < r.bottom
                       and r.right > region.x and r.x < region.right)
        reached = region.x
        for left, right in spans:
            if left > reached:
                return False
            reached = max(reached, right)
            if reached >= region.right:
                break
        if reached < region.right:
            return False
    return True


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

    def paint_now(self) -> bool:
        """Draw what changed now, in the pass the screen's update timer would make.

        Textual draws a widget's change after three hops through the event loop (the
        widget's `Idle` posts an `Update` to the screen, whose `Idle` wakes the update
        timer's task): about a millisecond, more when other messages queue first. The
        echo of a typed key and a new answer call this instead. False when something
        needs more than a repaint (a layout, a scroll, new styles, a recompose) or the
        screen cannot draw now: Textual then draws it as before.
        """
        if (not FITS_TEXTUAL or not self.is_current or self.app._batch_count
                or self._recompose_required or self._layout_required):
            return False
        visible = self._compositor.visible_widgets
        for widget in visible:
            if (widget._layout_required or widget._scroll_required
                    or widget._refresh_styles_required):
                return False
        for widget in visible:
            if widget is not self and widget._repaint_required and widget.display:
                widget._repaint_required = False  # as its `Idle` would, then the screen
                self._dirty_widgets.add(widget)
        if self._scroll_required or self._repaint_required or self._dirty_widgets:
            self._on_timer_update()
        return True
