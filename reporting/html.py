"""The report page: escaped HTML around inline SVG charts, one file that opens offline.

Every value that comes from the warehouse (titles, quotes, names, URLs) goes through
:func:`html.escape`; the only links are anchors inside the page and ``http(s)`` URLs of
documents. A Content-Security-Policy allows no script, no connection and no external
resource, as a second wall behind the escaping.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from reporting import charts
from warehouse.report import ReportData

Row = dict[str, Any]
#: Called with (step name, step number, number of steps).
ProgressFn = Callable[[str, int, int], None]

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'"
)
STYLE = """
body { font: 15px/1.45 Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1080px;
       padding: 0 24px 48px; color: #1d2330; background: #fff; }
header { border-bottom: 3px solid #1d2330; margin-bottom: 8px; }
h1 { font-size: 28px; margin: 24px 0 4px; }
h2 { font-size: 21px; margin: 36px 0 8px; border-bottom: 1px solid #ccd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
nav a { margin-right: 14px; }
.meta { color: #556; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }
.card { border: 1px solid #ccd; border-radius: 6px; padding: 8px 14px; min-width: 96px; }
.card b { display: block; font-size: 22px; }
.chart { margin: 10px 0 18px; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid #e2e4ea; padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { background: #f3f4f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.quote { max-width: 520px; }
.empty { color: #778; font-style: italic; }
code { font-size: 12px; }
"""


def text_of(value: Any) -> str:
    """Plain text of a warehouse value (dates short, lists joined, floats rounded)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M") if value.time() else value.strftime("%Y-%m-%d")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, float):
        text = f"{value:.2f}"
    elif isinstance(value, list | tuple):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    return text


def esc(value: Any) -> str:
    """Text of any value, HTML-escaped (quotes included)."""
    return html.escape(text_of(value), quote=True)


def anchor(doc_id: str) -> str:
    """The id of a document's entry in the page (only letters, digits, '-' and '_')."""
    return "doc-" + re.sub(r"[^A-Za-z0-9_-]", "_", doc_id)


def safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) URL, else None (no ``javascript:``, ``data:``, ...)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if re.match(r"^https?://[^\s\"'<>]+$", url, flags=re.IGNORECASE) else None


def table(
    rows: Sequence[Row],
    columns: Sequence[str],
    *,
    headers: Sequence[str] | None = None,
    link_doc: bool = False,
    empty: str = "Nothing in this period.",
) -> str:
    """An HTML table of ``columns`` of ``rows``; with ``link_doc``, a last column links to
    the row's document in the page."""
    if not rows:
        return f'<p class="empty">{esc(empty)}</p>'
    head = list(headers or columns) + (["document"] if link_doc else [])
    out = ["<table><thead><tr>", *(f"<th>{esc(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>")
        for col in columns:
            value = row.get(col)
            cls = ' class="num"' if isinstance(value, int | float) else ""
            if col in ("quote", "text"):
                cls = ' class="quote"'
            out.append(f"<td{cls}>{esc(value)}</td>")
        if link_doc:
            doc_id = str(row.get("doc_id") or "")
            out.append(f'<td><a href="#{anchor(doc_id)}">{esc(doc_id[:10])}</a></td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def chart(svg: str | None, *, label: str) -> str:
    """A chart block (the SVG comes from vl-convert, whose text is escaped)."""
    if svg is None:
        return f'<p class="empty">No data to chart for {esc(label)}.</p>'
    return f'<figure class="chart" aria-label="{esc(label)}">{svg}</figure>'


class _Steps:
    def __init__(self, total: int, progress: ProgressFn | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress

    def __call__(self, name: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(name, self.done, self.total)


def _maybe(rows: Sequence[Row], draw: Callable[[], str]) -> str | None:
    return draw() if rows else None


def _documents(data: ReportData) -> str:
    if not data.documents:
        return '<p class="empty">No document is linked from this report.</p>'
    out = [
        "<table><thead><tr><th>document</th><th>title</th><th>outlet</th>",
        "<th>published</th><th>story</th><th>words</th><th>source</th></tr></thead><tbody>",
    ]
    for doc_id, doc in data.documents.items():
        url = safe_url(doc.get("url")) or safe_url(doc.get("source_uri"))
        source = (
            f'<a href="{esc(url)}" rel="noreferrer noopener">{esc(url)}</a>'
            if url
            else esc(doc.get("url") or doc.get("source_uri"))
        )
        story = str(doc.get("story_id") or "")
        out.append(
            f'<tr id="{anchor(doc_id)}"><td><code>{esc(doc_id)}</code></td>'
            f"<td>{esc(doc.get('title'))}</td><td>{esc(doc.get('outlet'))}</td>"
            f"<td>{esc(doc.get('published_at'))}</td><td><code>{esc(story[:10])}</code></td>"
            f'<td class="num">{esc(doc.get("n_words"))}</td><td>{source}</td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


def _page(title: str, subtitle: str, nav: Sequence[tuple[str, str]], body: Sequence[str]) -> str:
    links = "".join(f'<a href="#{a}">{esc(label)}</a>' for a, label in nav)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><p class="meta">{esc(subtitle)}</p>'
        f"<nav>{links}</nav></header>" + "".join(body) + "</body></html>\n"
    )


def _period(data: ReportData) -> str:
    since = data.since.date().isoformat() if data.since else None
    until = data.until.date().isoformat() if data.until else None
    if since is None and until is None:
        return "all publication dates"
    if until is None:
        return f"published on or after {since}"
    if since is None:
        return f"published before {until}"
    return f"published from {since} to before {until}"


def _cards(summary: Row) -> str:
    items = [
        ("documents", summary.get("documents")),
        ("stories", summary.get("stories")),
        ("entities", summary.get("entities")),
        ("quotes", summary.get("quotes")),
        ("events", summary.get("events")),
        ("runs", summary.get("runs")),
    ]
    cards = "".join(f'<div class="card"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in items)
    return f'<div class="cards">{cards}</div>'


def render_report(data: ReportData, *, warehouse: str, progress: ProgressFn | None = None) -> str:
    """The whole page, for the overview or (when ``data.entity`` is set) one entity."""
    if data.entity is not None:
        return _render_entity(data, warehouse=warehouse, progress=progress)
    t = data.tables
    steps = _Steps(7, progress)
    summary = (t.get("summary") or [{}])[0]
    found = (
        f"documents published {text_of(summary.get('first_published'))} to "
        f"{text_of(summary.get('last_published'))}"
        if summary.get("documents")
        else "no documents"
    )
    subtitle = f"Warehouse {warehouse}; {_period(data)}; {found}."
    steps("chart: documents per day")
    loaded = [
        '<section id="loaded"><h2>What was loaded</h2>',
        _cards(summary),
        chart(
            _maybe(
                t["docs_per_day"],
                lambda: charts.bar_over_days(
                    t["docs_per_day"],
                    x="day",
                    y="documents",
                    color="outlet",
                    title="Documents per publication day and outlet",
                ),
            ),
            label="documents per day",
        ),
        "<h3>Outlets</h3>",
        table(
            t["docs_per_outlet"],
            ["outlet", "documents", "stories", "first_published", "last_published"],
        ),
        "<h3>Stories (near-duplicate copies grouped)</h3>",
        table(
            t["top_stories"],
            ["title", "copies", "outlets", "first_seen"],
            link_doc=True,
        ),
        "<h3>Runs</h3>",
        table(
            t["runs"],
            [
                "run_id",
                "status",
                "started_at",
                "seconds",
                "n_seen",
                "n_new",
                "n_replaced",
                "n_unchanged",
                "n_duplicates",
                "n_rejected",
            ],
        ),
        "<h3>Rejects by reason</h3>",
        table(
            t["rejects_by_reason"], ["reason", "inputs", "example"], empty="No input was rejected."
        ),
        "</section>",
    ]
    steps("chart: entities")
    entities = [
        '<section id="entities"><h2>Who is in the news</h2>',
        chart(
            _maybe(
                t["top_entities"],
                lambda: charts.horizontal_bars(
                    t["top_entities"],
                    category="name",
                    value="stories",
                    color="type",
                    title="Entities in the most stories",
                ),
            ),
            label="top entities",
        ),
        table(t["top_entities"], ["name", "type", "stories", "documents", "mentions"]),
        chart(
            _maybe(
                t["entity_trend"],
                lambda: charts.lines_over_days(
                    t["entity_trend"],
                    x="day",
                    y="mentions",
                    color="name",
                    title="Mentions per day of the entities in the most stories",
                ),
            ),
            label="mention trend",
        ),
        "</section>",
    ]
    steps("chart: speakers")
    quotes = [
        '<section id="quotes"><h2>Who said what</h2>',
        chart(
            _maybe(
                t["top_speakers"],
                lambda: charts.horizontal_bars(
                    t["top_speakers"],
                    category="speaker",
                    value="quotes",
                    color="kind",
                    title="Speakers quoted most, by kind of quote",
                ),
            ),
            label="top speakers",
        ),
        "<h3>Quotes by kind</h3>",
        table(
            t["quotes_by_kind"],
            ["kind", "quotes", "with_speaker"],
            headers=["kind", "quotes", "with a resolved speaker"],
        ),
        "<h3>Top speakers</h3>",
        table(t["top_speakers"], ["speaker", "type", "kind", "quotes", "stories"]),
        "<h3>Sample quotes</h3>",
        table(t["sample_quotes"], ["speaker", "kind", "cue", "quote", "title"], link_doc=True),
        "</section>",
    ]
    steps("chart: events")
    events = [
        '<section id="events"><h2>Who did what to whom</h2>',
        chart(
            _maybe(
                t["event_types_over_time"],
                lambda: charts.bar_over_days(
                    t["event_types_over_time"],
                    x="month",
                    y="events",
                    color="event_type",
                    title="Events per PLOVER type and month",
                    x_title="month",
                ),
            ),
            label="event types over time",
        ),
        chart(
            _maybe(
                t["actor_target_pairs"],
                lambda: charts.pair_heatmap(
                    t["actor_target_pairs"], title="Strongest actor -> target pairs (events)"
                ),
            ),
            label="actor target pairs",
        ),
        table(t["actor_target_pairs"], ["actor", "target", "events", "stories", "event_types"]),
        "</section>",
    ]
    steps("chart: data quality")
    quality_rows = [
        dict(r, share=f"{100 * r['n'] / r['total']:.1f} %" if r["total"] else "-")
        for r in t["data_quality"]
    ]
    quality = [
        '<section id="quality"><h2>Data quality</h2>',
        chart(
            _maybe(t["data_quality"], lambda: charts.share_bars(t["data_quality"], title="Shares")),
            label="data quality",
        ),
        table(quality_rows, ["measure", "n", "total", "share"]),
        "</section>",
    ]
    steps("documents")
    documents = [
        '<section id="documents"><h2>Documents quoted above</h2>',
        _documents(data),
        "</section>",
    ]
    steps("page")
    nav = [
        ("loaded", "Loaded"),
        ("entities", "Entities"),
        ("quotes", "Quotes"),
        ("events", "Events"),
        ("quality", "Data quality"),
        ("documents", "Documents"),
    ]
    return _page(
        "presslake report",
        subtitle,
        nav,
        [*loaded, *entities, *quotes, *events, *quality, *documents],
    )


def _render_entity(data: ReportData, *, warehouse: str, progress: ProgressFn | None) -> str:
    t = data.tables
    entity = data.entity or {}
    steps = _Steps(4, progress)
    name = str(entity.get("name"))
    subtitle = (
        f"{entity.get('type')} in warehouse {warehouse}; {_period(data)}; "
        f"{entity.get('n_mentions')} mentions in {entity.get('n_docs')} documents overall."
    )
    steps("chart: mentions")
    aliases = [
        '<section id="aliases"><h2>Aliases</h2>',
        f"<p>Names seen for {esc(name)}: "
        + ", ".join(f"<b>{esc(a)}</b>" for a in entity.get("aliases") or [])
        + "</p>",
        "<h3>Every way the documents refer to it</h3>",
        table(t["entity_aliases"], ["alias", "kind", "mentions", "documents"]),
        "</section>",
    ]
    mentions = [
        '<section id="mentions"><h2>Mentions over time</h2>',
        chart(
            _maybe(
                t["entity_mentions_per_day"],
                lambda: charts.bar_over_days(
                    t["entity_mentions_per_day"],
                    x="day",
                    y="mentions",
                    color="outlet",
                    title=f"Mentions of {name} per publication day and outlet",
                ),
            ),
            label="mentions over time",
        ),
        table(t["entity_mentions_per_day"], ["day", "outlet", "mentions", "documents", "stories"]),
        "</section>",
    ]
    steps("quotes")
    quotes = [
        f'<section id="quotes"><h2>What {esc(name)} said</h2>',
        table(
            t["sample_quotes"],
            ["kind", "cue", "quote", "title"],
            link_doc=True,
            empty="No quote with this speaker in this period.",
        ),
        "</section>",
    ]
    steps("chart: events")
    as_actor = [r for r in t["entity_events"] if r["role"] == "actor"]
    as_target = [r for r in t["entity_events"] if r["role"] == "target"]
    columns = ["date", "actor", "event_type", "trigger", "target", "modality"]
    events = [
        '<section id="events"><h2>Events</h2>',
        chart(
            _maybe(
                t["entity_event_types"],
                lambda: charts.horizontal_bars(
                    t["entity_event_types"],
                    category="event_type",
                    value="events",
                    color="role",
                    title=f"Events of {name} by PLOVER type, as actor and target",
                ),
            ),
            label="event types",
        ),
        f"<h3>{esc(name)} as actor</h3>",
        table(as_actor, columns, link_doc=True, empty="No event with it as actor."),
        f"<h3>{esc(name)} as target</h3>",
        table(as_target, columns, link_doc=True, empty="No event with it as target."),
        "</section>",
    ]
    steps("page")
    documents = ['<section id="documents"><h2>Documents</h2>', _documents(data), "</section>"]
    nav = [
        ("aliases", "Aliases"),
        ("mentions", "Mentions"),
        ("quotes", "Quotes"),
        ("events", "Events"),
        ("documents", "Documents"),
    ]
    return _page(
        f"{name} in the news", subtitle, nav, [*aliases, *mentions, *quotes, *events, *documents]
    )
