"""The report's first line says which period it covers and what it found, in words."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from reporting import render_report
from warehouse.report import ReportData

QUERIES = [p.stem for p in (Path(__file__).parents[2] / "warehouse/sql/report").glob("*.sql")]
EMPTY = {"documents": 0, "stories": 0, "entities": 0, "quotes": 0, "events": 0, "runs": 2}


def _subtitle(data: ReportData) -> str:
    tables = {name: [] for name in QUERIES} | data.tables
    page = render_report(ReportData(tables, since=data.since, until=data.until), warehouse="wh")
    found = re.search(r"Warehouse wh;[^<]*", page)
    assert found, page[:2000]
    return found.group(0)


def test_an_empty_period_says_no_documents() -> None:
    """It said `published from 2030-01-01 to before the end; documents published  to .`"""
    data = ReportData(tables={"summary": [EMPTY]}, since=datetime(2030, 1, 1))
    line = _subtitle(data)
    assert line == "Warehouse wh; published on or after 2030-01-01; no documents."
    data = ReportData(tables={"summary": [EMPTY]}, until=datetime(1990, 1, 1))
    assert _subtitle(data) == "Warehouse wh; published before 1990-01-01; no documents."
    assert _subtitle(ReportData(tables={"summary": [EMPTY]})).endswith(
        "all publication dates; no documents."
    )


def test_a_period_with_documents_names_their_range() -> None:
    summary = {
        **EMPTY,
        "documents": 3,
        "first_published": datetime(2024, 6, 3, 8, 0),
        "last_published": datetime(2024, 6, 5, 17, 30),
    }
    data = ReportData(
        tables={"summary": [summary]}, since=datetime(2024, 6, 1), until=datetime(2024, 7, 1)
    )
    assert _subtitle(data) == (
        "Warehouse wh; published from 2024-06-01 to before 2024-07-01; "
        "documents published 2024-06-03 08:00 to 2024-06-05 17:30."
    )
