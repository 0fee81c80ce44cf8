"""Count axes of the report's charts label whole numbers once each.

A warehouse with one document (or a report window with one story) has counts of 1 or 2:
Vega put ticks at halves, and the axis's integer format printed them as `0 1 1 2 2`, an axis
that reads as if two bars had the same length but different values. Rendered for real with
vl-convert, read back from the SVG.
"""

from __future__ import annotations

import re

import pytest

from reporting.charts import bar_over_days, horizontal_bars, lines_over_days


def _labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _numbers(svg: str) -> list[str]:
    return [t for t in _labels(svg) if t.isdigit()]


@pytest.mark.parametrize("top", [1, 2, 3, 7])
def test_count_axes_label_each_whole_number_once(top: int) -> None:
    bars = horizontal_bars(
        [{"name": "Harbour board", "stories": top}, {"name": "Ferry union", "stories": 1}],
        category="name",
        value="stories",
        title="Entities",
    )
    days = bar_over_days(
        [{"day": "2024-06-03", "outlet": "Gazette", "documents": top}],
        x="day",
        y="documents",
        color="outlet",
        title="Documents",
    )
    lines = lines_over_days(
        [{"day": "2024-06-03", "name": "Ferry union", "mentions": top}],
        x="day",
        y="mentions",
        color="name",
        title="Mentions",
    )
    for svg in (bars, days, lines):
        numbers = [n for n in _numbers(svg) if n != "2024"]
        assert numbers == sorted(set(numbers), key=int), numbers
        assert "0" in numbers and str(top) in numbers
