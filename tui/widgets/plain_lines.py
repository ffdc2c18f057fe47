"""Line-API widgets whose lines reach the screen as they were built.

Textual passes every line a widget paints through its `StylesCache`: border,
padding, outline, hatch, tint and opacity are applied to a new `Strip`, and the
app's line filters then run again over that new strip. The results list and the
preview have none of those (only the preview's side border and padding), and they
cache their strips already: `PlainStylesCache` hands such a widget's strip on as
it is (framed once, cached with it), so the filters' own per-strip cache holds
across frames. Any other style falls back to Textual's general path.

Also here: `LineScrollBar` (a scrollbar that renders each distinct cell once) and
`line_segments` (a row's `Text` to segments without Rich's style stack). Each one
paints exactly what Textual or Rich would (tests/app/test_plain_lines.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from rich.color import Color as RichColor
from rich.segment import Segment, Segments
from rich.style import Style as RichStyle
from textual._border import get_box
from textual._segment_tools import make_blank
from textual._styles_cache import StylesCache
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, visualize
from textual.widget import _RenderCache

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text
    from textual.color import Color
    from textual.widget import Widget

DEFAULT_BACK = RichColor.parse("#555555")  # ScrollBarRender's own defaults
DEFAULT_BAR = RichColor.parse("bright_magenta")

FRAMED_CACHE = 512  # framed strips kept (a screenful is 36-72)


class PlainStylesCache(StylesCache):
    """A `StylesCache` with a short path for widgets with side padding/borders at most."""

    def __init__(self) -> None:
        super().__init__()
        self._plain: PlainBox | None = None
        self._framed: dict[int, tuple[Strip, Strip]] = {}  # id(content strip) -> both
        self._box_key: tuple[object, ...] | None = None
        self._box_value: PlainBox | None = None

    def render(self, styles: Any, size: Any, base_background: Color, background: Color,
               *args: Any, **kwargs: Any) -> list[Strip]:
        self._plain = self._box(styles, base_background, background, kwargs.get("opacity", 1.0))
        return super().render(styles, size, base_background, background, *args, **kwargs)

    def _box(self, styles: Any, base_background: Color, background: Color,
             opacity: float) -> PlainBox | None:
        key = (styles.padding, styles.border, styles.outline, styles.tint, styles.text_opacity,
               styles.hatch if styles.has_rule("hatch") else None, opacity, base_background,
               background)
        if key != self._box_key:
            self._box_key = key
            self._box_value = plain_box(styles, base_background, background, opacity)
        return self._box_value

    def render_line(self, styles: Any, y: int, size: Any, content_size: Any, padding: Any,
                    base_background: Any, background: Any, render_content_line: Any,
                    *rest: Any) -> Strip:
        plain = self._plain
        if plain is None or y >= content_size.height:
            return super().render_line(styles, y, size, content_size, padding,  # type: ignore[arg-type]
                                       base_background, background, render_content_line,
                                       *rest)
        line: Strip = render_content_line(y)
        if line.cell_length != content_size.width:
            line = line.adjust_cell_length(content_size.width, plain.inner)
        if not (plain.left or plain.right):
            return line
        cached = self._framed.get(id(line))
        if cached is not None and cached[0] is line:
            return cached[1]
        framed = Strip([*plain.left, *line, *plain.right], size.width)
        if len(self._framed) >= FRAMED_CACHE:
            self._framed.clear()
        self._framed[id(line)] = (line, framed)
        return framed

    def clear(self) -> None:
        super().clear()
        self._framed.clear()


@dataclass(frozen=True, slots=True)
class PlainBox:
    """What surrounds each content line: segments on the left and right, the padding style."""

    left: tuple[Segment, ...]
    right: tuple[Segment, ...]
    inner: RichStyle


def plain_box(styles: Any, base_background: Color, background: Color,
              opacity: float) -> PlainBox | None:
    """The box around a widget's lines when it is only side padding and side borders;
    None when Textual's general path is needed (top/bottom edges, outline, tint, opacity)."""
    top, pad_right, bottom, pad_left = styles.padding
    if top or bottom or opacity != 1.0 or styles.text_opacity != 1.0 or styles.tint.a:
        return None
    (border_top, _), (border_right, right_color), (border_bottom, _), (border_left, left_color) = (
        styles.border)
    if border_top or border_bottom or any(edge for edge, _ in styles.outline):
        return None
    if styles.has_rule("hatch") and styles.hatch != "none":
        return None
    inner = Style(background=base_background + background)
    outer = Style(background=base_background)
    rich_inner = inner.rich_style
    left: list[Segment] = []
    right: list[Segment] = []
    if border_left:
        style = Style(foreground=base_background + left_color)
        left.append(get_box(border_left, inner, outer, style)[1][0])
    if pad_left:
        left.append(make_blank(pad_left, rich_inner))
    if pad_right:
        right.append(make_blank(pad_right, rich_inner))
    if border_right:
        style = Style(foreground=base_background + right_color)
        right.append(get_box(border_right, inner, outer, style)[1][2])
    return PlainBox(tuple(left), tuple(right), rich_inner)


def use_plain_lines(widget: Widget) -> None:
    """Give `widget` (before it first paints) the short path for its lines."""
    if not isinstance(widget._styles_cache, PlainStylesCache):
        widget._styles_cache = PlainStylesCache()


class LineScrollBar(ScrollBar):
    """A vertical scrollbar that paints each distinct cell once.

    Textual renders a scrollbar as a Rich renderable through the console, 40 us a
    line; the preview's repaints on every new entry (its height changes). A bar is a
    column of a handful of distinct segments (track above, thumb, track below, the
    thumb's eighth-cell ends): each is rendered through Textual's own pipeline once,
    as a one-line renderable, and reused.
    """

    _line_cache: dict[tuple[object, ...], Strip]

    def _render_content(self) -> None:
        width, height = self.size
        bar = self.render()
        if (not isinstance(bar, ScrollBarRender) or not bar.vertical
                or self.text_selection is not None):
            super()._render_content()
            return
        style = self.app.console.get_style(bar.style)
        column = bar.render_bar(
            size=height, window_size=bar.window_size, virtual_size=bar.virtual_size,
            position=bar.position, vertical=True, thickness=width,
            back_color=style.bgcolor or DEFAULT_BACK, bar_color=style.color or DEFAULT_BAR)
        visual_style = self.visual_style
        cache = self.__dict__.setdefault("_line_cache", {})
        if len(cache) > 64:
            cache.clear()
        lines = []
        for segment in column.segments[:height]:
            key = (segment, width, visual_style)
            strip = cache.get(key)
            if strip is None:
                one = visualize(self, Segments([segment], new_lines=True))
                strip = cache[key] = Visual.to_strips(self, one, width, 1, visual_style)[0]
            lines.append(strip)
        self._render_cache = _RenderCache(self.size, lines)
        self._dirty_regions.clear()


class PlainScrollView(ScrollView):
    """A `ScrollView` whose vertical scrollbar is a `LineScrollBar` on the short path
    (it repaints whole whenever the content's height or scroll changes)."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        bar: ScrollBar | None = self._vertical_scrollbar
        if bar is None:  # as Textual's Widget.vertical_scrollbar, with the class above
            bar = LineScrollBar(vertical=True, name="vertical",
                                thickness=self.scrollbar_size_vertical)
            use_plain_lines(bar)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return bar


def line_segments(text: Text, console: Console, base: Style) -> list[Segment]:
    """`Segment.apply_style(text.render(console), base)` for a row's line, sooner.

    A row's spans follow each other without overlapping (`tui.render` appends styled
    pieces), so each run's style is the base plus at most one span's: Rich's general
    render keeps a stack of open styles and combines them at every boundary, about a
    third of what building a row costs. Anything else takes Rich's path.
    """
    spans = text.spans
    if text.style or any(a.end > b.start for a, b in pairwise(spans)):
        return list(Segment.apply_style(text.render(console), base))
    plain = text.plain
    if not spans:
        return [Segment(plain, base)]
    get_style = console.get_style
    null = Style.null()
    out: list[Segment] = []
    pos = 0
    for span in spans:
        start, end = span.start, min(span.end, len(plain))
        if start > pos:
            out.append(Segment(plain[pos:start], base))
        if end > start:
            out.append(Segment(plain[start:end], base + get_style(span.style, default=null)))
            pos = end
        else:
            pos = max(pos, start)
    if pos < len(plain):
        out.append(Segment(plain[pos:], base))
    return out
