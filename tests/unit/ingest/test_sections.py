"""Section splitting: markdown headings, guessed plain-text headings, 60-line chunks."""

from __future__ import annotations

from tui.core.ingest.entry import split_lines
from tui.core.ingest.plain_sections import plaintext_sections
from tui.core.ingest.sections import Section, markdown_sections, split_long

MARKDOWN = """# Project notes

Intro text.

## Setup ##

Install things.

```bash
# not a heading
echo hi
```

Setext Title
============

Body under setext.

---

Not a setext heading above: that was a rule after a blank line.

### Deep
deep text
~~~
## still code
~~~
## Last
"""


def _titles(sections: list[Section]) -> list[str]:
    return [s.title for s in sections]


def test_markdown_atx_setext_and_fences() -> None:
    lines = split_lines(MARKDOWN)
    sections = markdown_sections(lines)
    assert _titles(sections) == ["Project notes", "Setup", "Setext Title", "Deep", "Last"]
    setup = sections[1]
    assert setup.level == 2
    assert setup.heading_path == ("Project notes", "Setup")
    assert lines[setup.line - 1] == "## Setup ##"
    # A section ends before the next heading, without trailing blank lines.
    assert lines[setup.end_line - 1] == "```"
    assert sections[2].level == 1 and sections[2].heading_path == ("Setext Title",)
    assert sections[3].heading_path == ("Setext Title", "Deep")
    assert lines[sections[4].end_line - 1] == "## Last"


def test_markdown_respects_start_line_and_skip_ranges() -> None:
    lines = split_lines("---\ntitle: x\n---\n## A\ntext\n### 1\ntweet\n## B\n")
    sections = markdown_sections(lines, start_line=4, skip_ranges=[(6, 7)])
    assert _titles(sections) == ["A", "B"]
    assert sections[0].line == 4


def test_plaintext_notebook_style_headings() -> None:
    text = """读书方法

  1. 先看目录
  2. 再读重点章节

效果

工作流程的整理

把每天的任务写下来，晚上再回顾一遍，这样可以知道时间花在哪里了。
第二段也是正文内容，比较长，不会被当作标题。

Shortcuts:

ctrl-a  go to start
"""
    lines = split_lines(text)
    sections = plaintext_sections(lines)
    assert _titles(sections) == ["读书方法", "效果", "工作流程的整理", "Shortcuts:"]
    assert sections[0].end_line == 4


def test_plaintext_dense_article_export() -> None:
    text = """Some Article About Agents - Example Blog [Link]
This article explains how agents call tools, keep state between steps and
recover from errors, with a worked example of a travel assistant.
Tool Calling Basics
Tool calling lets a model emit a structured request that the host program
executes before returning the result to the model for the next step.
the graph diagram
Main Limitations of
Long Horizons
Agents still drift when tasks take dozens of steps, because small errors
compound and the context window fills with stale observations.
Alice Example:
Prediction: more agents in production.
Another Wrapped Title That Goes On and On Until
It Wraps - Example Podcast [Link]
A second article body line that is long enough to read as a paragraph.
"""
    lines = split_lines(text)
    sections = plaintext_sections(lines)
    assert _titles(sections) == [
        "Some Article About Agents - Example Blog",
        "Tool Calling Basics",
        "Main Limitations of Long Horizons",
        "Alice Example",
        "Another Wrapped Title That Goes On and On Until It Wraps - Example Podcast",
    ]
    assert [s.level for s in sections] == [1, 2, 2, 2, 1]
    assert sections[1].heading_path == (
        "Some Article About Agents - Example Blog",
        "Tool Calling Basics",
    )
    # The wrapped title's section starts on its first line.
    assert sections[4].line == 14


def test_prose_lines_are_not_headings() -> None:
    text = """This is an ordinary paragraph that wraps across several lines of text
and ends here.
Short sentence that ends.
the lowercase fragment
- A list item
| a | b |
x = compute(y)
"""
    assert plaintext_sections(split_lines(text)) == []


def test_split_long_prefers_blank_lines_and_numbers_parts() -> None:
    lines = [f"line {i}" for i in range(1, 151)]
    lines[49] = ""  # line 50 is blank: the preferred cut for the first chunk
    section = Section("Big", 1, ("Big",), 1, 150)
    chunks = split_long([section], lines, max_lines=60)
    assert [c.part for c in chunks] == [1, 2, 3]
    assert chunks[0].line == 1 and chunks[0].end_line == 49
    assert chunks[1].line == 51
    assert all(c.end_line - c.line + 1 <= 60 for c in chunks)
    assert chunks[-1].end_line == 150
    assert all(c.heading_path == ("Big",) for c in chunks)
    covered = sorted(n for c in chunks for n in range(c.line, c.end_line + 1))
    assert covered == [n for n in range(1, 151) if n != 50]


def test_split_long_leaves_short_sections_alone() -> None:
    section = Section("Small", 2, ("A", "Small"), 3, 10)
    assert split_long([section], ["x"] * 20) == [section]
