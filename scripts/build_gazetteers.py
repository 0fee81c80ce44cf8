"""Build ``transforms/data/entities/countries.jsonl`` from pycountry and curated extras.

Run from the repository root after changing ``country_extras.tsv`` or upgrading pycountry::

    .venv/bin/python scripts/build_gazetteers.py

Each output line is one country: canonical ``name``, ``type`` (GPE), ``alpha_3``, ``aliases``
(pycountry's name, official and common names plus the curated ones), ``demonyms`` and
``capitals`` (the first is the capital; the others are names used for its government).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pycountry

DATA = Path(__file__).resolve().parent.parent / "transforms" / "data" / "entities"


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def read_extras(path: Path) -> dict[str, dict[str, object]]:
    """Curated rows keyed by ISO alpha-3 code."""
    extras: dict[str, dict[str, object]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = (line.split("\t") + [""] * 5)[:5]
        alpha_3, name, aliases, demonyms, capitals = (cell.strip() for cell in cells)
        extras[alpha_3] = {
            "name": name,
            "aliases": _split(aliases),
            "demonyms": _split(demonyms),
            "capitals": _split(capitals),
        }
    return extras


def build(extras: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    """One record per pycountry country, curated extras merged in."""
    rows: list[dict[str, object]] = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        extra = extras.get(country.alpha_3, {})
        common = getattr(country, "common_name", None)
        official = getattr(country, "official_name", None)
        name = str(extra.get("name") or common or country.name)
        aliases: list[str] = []
        for alias in [country.name, official, common, *extra.get("aliases", [])]:  # type: ignore[misc]
            if alias and "," not in alias and alias != name and alias not in aliases:
                aliases.append(str(alias))
        rows.append(
            {
                "name": name,
                "type": "GPE",
                "alpha_3": country.alpha_3,
                "aliases": aliases,
                "demonyms": extra.get("demonyms", []),
                "capitals": extra.get("capitals", []),
            }
        )
    unknown = set(extras) - {c.alpha_3 for c in pycountry.countries}
    if unknown:
        raise SystemExit(f"country_extras.tsv has codes pycountry does not know: {sorted(unknown)}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Write countries.jsonl; with ``--check`` only report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)
    rows = build(read_extras(DATA / "country_extras.tsv"))
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    target = DATA / "countries.jsonl"
    if args.check:
        stale = not target.exists() or target.read_text(encoding="utf-8") != text
        sys.stderr.write(f"{target} is {'stale' if stale else 'up to date'}\n")
        return 1 if stale else 0
    target.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {len(rows)} countries to {target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
