"""The run report: one markdown text for the Prefect artifact, the ledger and the CLI."""

from __future__ import annotations

from typing import Any

#: Rows of a list (duplicates) the report shows; the count says how many more there are.
MAX_LISTED = 50


def render_report(summary: Any, *, error: str | None = None) -> str:
    """Markdown report of a run (counts, rejects by reason, duplicates, timings per stage,
    checks)."""
    lines = [
        f"# presslake run `{summary.run_id}`: {summary.status}",
        "",
        f"Warehouse: `{summary.warehouse}`",
        "",
        "| seen | new | replaced | unchanged | duplicates | rejected | words analysed |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {summary.n_seen} | {summary.n_new} | {summary.n_replaced} | {summary.n_unchanged} "
        f"| {summary.n_duplicates} | {summary.n_rejected} | {summary.words} |",
        "",
    ]
    if error:
        lines += ["## Error", "", f"`{error}`", "", "The warehouse was left as it was.", ""]
    if summary.rows:
        lines += ["## Rows written", "", "| table | rows |", "|---|---:|"]
        lines += [f"| {t} | {n} |" for t, n in sorted(summary.rows.items())]
        lines.append("")
    if summary.rejects_by_reason:
        lines += ["## Rejects by reason", "", "| reason | inputs |", "|---|---:|"]
        lines += [f"| {r} | {n} |" for r, n in sorted(summary.rejects_by_reason.items())]
        lines.append("")
    duplicates = summary.duplicates
    if duplicates:
        lines += [
            "## Duplicates",
            "",
            "Inputs whose text an earlier input of this run had: no second document.",
            "",
            "| input | same text as | doc_id |",
            "|---|---|---|",
        ]
        lines += [f"| {d.source_uri} | {d.same_as} | {d.doc_id} |" for d in duplicates[:MAX_LISTED]]
        if len(duplicates) > MAX_LISTED:
            lines.append(f"| ... and {len(duplicates) - MAX_LISTED} more | | |")
        lines.append("")
    if summary.timings:
        lines += ["## Timings", "", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {s} | {t:.2f} |" for s, t in summary.timings.items()]
        lines.append("")
    if summary.checks:
        lines += [f"## Checks: {len(summary.checks)} passed", ""]
    if summary.table_counts:
        lines += ["## Warehouse", "", "| table | rows |", "|---|---:|"]
        lines += [f"| {t} | {n} |" for t, n in summary.table_counts.items()]
        lines.append("")
    return "\n".join(lines)
