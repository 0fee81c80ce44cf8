"""Charts of the report: Altair (Vega-Lite) specs rendered to inline SVG by vl-convert.

vl-convert runs Vega in an embedded JavaScript engine and returns static SVG: the page gets
vector charts without carrying or fetching any script, and every label in the SVG is escaped
by the SVG writer. Data go into the spec as inline values (dates as ISO strings).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import altair as alt
import vl_convert

Row = dict[str, Any]

WIDTH = 640
FONT = "Helvetica, Arial, sans-serif"
#: Axis of a count: whole numbers only, each once. vl-convert's Vega still places ticks at
#: halves when the largest count is 1 or 2 (``tickMinStep`` notwithstanding), which the integer
#: format printed as ``0 1 1 2 2``; those ticks stay unlabelled.
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1, labelExpr="datum.value % 1 ? '' : datum.label")


def _values(rows: Sequence[Row]) -> list[Row]:
    out = []
    for row in rows:
        clean: Row = {}
        for key, value in row.items():
            if isinstance(value, datetime):
                clean[key] = value.strftime("%Y-%m-%d")
            elif isinstance(value, date):
                clean[key] = value.isoformat()
            elif isinstance(value, list | tuple):
                clean[key] = ", ".join(str(v) for v in value)
            else:
                clean[key] = value
        out.append(clean)
    return out


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render an Altair chart to an SVG document (no script, no external reference)."""
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


def _chart(rows: Sequence[Row], *, title: str) -> alt.Chart:
    data = alt.Data(values=_values(rows))  # type: ignore[no-untyped-call]
    return alt.Chart(data, title=title, width=WIDTH)


def _day_width(rows: Sequence[Row], x: str) -> int | alt.Step:
    """A step per day while there are few days (one fat bar is not a chart), else fixed."""
    return alt.Step(36) if len({str(r[x]) for r in rows}) <= WIDTH // 36 else WIDTH


def bar_over_days(
    rows: Sequence[Row],
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    x_title: str = "day",
) -> str:
    """Stacked bars per day (or month), one colour per ``color`` value; the days are an
    ordinal axis, so far-apart dates do not leave a chart of empty space."""
    chart = (
        _chart(rows, title=title)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(f"sum({y}):Q", title=y, axis=COUNT_AXIS),
            color=alt.Color(f"{color}:N", title=color, scale=alt.Scale(scheme="tableau20")),
            tooltip=[f"{x}:O", f"{color}:N", f"{y}:Q"],
        )
        .properties(height=220, width=_day_width(rows, x))
    )
    return to_svg(chart)


def lines_over_days(rows: Sequence[Row], *, x: str, y: str, color: str, title: str) -> str:
    """One line with points per ``color`` value over ordinal days."""
    chart = (
        _chart(rows, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{x}:O", title="day", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(f"{y}:Q", title=y, axis=COUNT_AXIS),
            color=alt.Color(f"{color}:N", title=None, scale=alt.Scale(scheme="tableau10")),
        )
        .properties(height=220)
    )
    return to_svg(chart)


def horizontal_bars(
    rows: Sequence[Row], *, category: str, value: str, title: str, color: str | None = None
) -> str:
    """Horizontal bars, largest first, optionally stacked by ``color``."""
    encoding: dict[str, Any] = {
        "y": alt.Y(f"{category}:N", title=None, sort="-x"),
        "x": alt.X(f"sum({value}):Q", title=value, axis=COUNT_AXIS),
    }
    if color is not None:
        encoding["color"] = alt.Color(f"{color}:N", title=color)
    n = len({r[category] for r in rows}) or 1
    chart = _chart(rows, title=title).mark_bar().encode(**encoding).properties(height=18 * n)
    return to_svg(chart)


def share_bars(rows: Sequence[Row], *, title: str) -> str:
    """Shares (``n`` of ``total``) as bars from 0 to 100 %."""
    data = [
        {"measure": r["measure"], "share": (r["n"] / r["total"]) if r["total"] else 0.0}
        for r in rows
    ]
    chart = (
        _chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("measure:N", title=None, sort=None),
            x=alt.X(
                "share:Q", title="share", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
        )
        .properties(height=22 * max(len(data), 1))
    )
    return to_svg(chart)


def pair_heatmap(rows: Sequence[Row], *, title: str) -> str:
    """Actor (rows) x target (columns), shaded by the number of events."""
    by_events = alt.EncodingSortField("events", op="sum", order="descending")
    chart = (
        _chart(rows, title=title)
        .mark_rect()
        .encode(
            y=alt.Y("actor:N", title="actor", sort=by_events),
            x=alt.X("target:N", title="target", sort=by_events, axis=alt.Axis(labelAngle=-45)),
            color=alt.Color("events:Q", title="events", scale=alt.Scale(scheme="orangered")),
            tooltip=["actor:N", "target:N", "events:Q", "stories:Q", "event_types:N"],
        )
        .properties(width=min(WIDTH, 28 * max(len({r["target"] for r in rows}), 1)))
    )
    text = chart.mark_text(baseline="middle").encode(text="events:Q", color=alt.value("black"))
    return to_svg(alt.layer(chart, text))
