"""The data dictionary (`presslake describe`): every table and view, described."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from flows.cli import main
from schemas import TABLES, primary_key
from warehouse.dictionary import UnknownRelationError, data_dictionary
from warehouse.store import view_sql


def test_every_table_and_view_is_described() -> None:
    relations = {r.name: r for r in data_dictionary()}
    views = [name for name, _ in view_sql()]
    assert list(relations) == [*TABLES, *views]
    for table, schema in TABLES.items():
        rel = relations[table]
        assert rel.kind == "table" and rel.description
        assert [c.name for c in rel.columns] == schema.names
        assert all(c.description for c in rel.columns), table
        assert rel.primary_key == primary_key(table)
    for view in views:
        rel = relations[view]
        assert rel.kind == "view" and rel.description
        undescribed = [c.name for c in rel.columns if not c.description]
        assert undescribed == [], f"{view}: add '-- column: description' lines for {undescribed}"
    assert "quotes.speaker_entity_id = entities.entity_id" in relations["quotes"].joins
    assert "documents.story_id = documents.doc_id" in relations["documents"].joins
    assert "who_said_what.doc_id = documents.doc_id" in relations["who_said_what"].joins


def test_describe_command_lists_every_contract_table_with_descriptions() -> None:
    result = CliRunner().invoke(main, ["describe", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    for table, schema in TABLES.items():
        assert f"### `{table}` (table)" in result.output
        description = (schema.metadata or {})[b"description"].decode()
        assert description in result.output
        for field in schema:
            text = (field.metadata or {})[b"description"].decode().replace("|", "\\|")
            assert f"| `{field.name}` |" in result.output and text in result.output
    assert "### `stories` (view)" in result.output


def test_describe_one_table_in_the_terminal() -> None:
    result = CliRunner().invoke(main, ["describe", "quotes"])
    assert result.exit_code == 0, result.output
    assert "quotes (table)" in result.output and "primary key: quote_id" in result.output
    assert "speaker_entity_id" in result.output
    assert "joins: quotes.doc_id = documents.doc_id" in result.output
    assert "documents (table)" not in result.output


def test_describe_unknown_relation_is_a_one_line_error() -> None:
    result = CliRunner().invoke(main, ["describe", "nope"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: no table or view named 'nope'")
    with pytest.raises(UnknownRelationError):
        data_dictionary(only="nope")
