"""The ledger counts each article under its own label, also when its analysis fails."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from flows import workers
from flows.pipeline import IngestOutcome, collect_parts
from flows.workers import AnalyzeJob, run_job
from transforms.classify import Classified, Label
from transforms.ingest import make_article
from warehouse.staging import Staging

T0 = datetime(2024, 11, 18)


@Language.component("presslake_test_fail_marked")
def _fail_marked(doc: Doc) -> Doc:
    if "UNREADABLE" in doc.text:
        raise ValueError("marked to fail")
    return doc


def test_failed_replacement_is_taken_off_replaced_not_new(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        "The harbour authority in Valparaiso opened a second container berth on Monday.",
        "Farmers near Lyon said the late frost had cut the apricot harvest by half.",
        "This UNREADABLE revision of a known story fails in one component.",
    ]
    articles = [
        make_article(t, source_id=f"story-{i}", source_uri=f"in/{i}.txt", published_at=T0)
        for i, t in enumerate(texts)
    ]
    labelled = [
        Classified(articles[0], Label.NEW),
        Classified(articles[1], Label.NEW),
        Classified(articles[2], Label.REPLACED, replaces="d-old-version"),
    ]
    staging = Staging(tmp_path / "staging", "r1")
    path = staging.write_articles(labelled, part=0)
    nlp.add_pipe("presslake_test_fail_marked", after="presslake_entities")
    monkeypatch.setattr(workers, "pipeline_for", lambda *args: nlp)
    try:
        part = run_job(
            AnalyzeJob(
                articles_path=path,
                staging_root=str(tmp_path / "staging"),
                part="part-00000",
                run_id="r1",
                ingested_at=T0,
                pipeline_version="p",
                model="m",
                fast_ops=True,
                batch_size=8,
            )
        )
    finally:
        nlp.remove_pipe("presslake_test_fail_marked")
    assert [(r.source_uri, label) for r, label in part.failures] == [("in/2.txt", Label.REPLACED)]
    outcome = IngestOutcome()
    for item in labelled:
        outcome.counts.add(item.label)
    rows, _ = collect_parts(outcome, [part])
    # the failed article was a replacement: two new documents stay two, replaced drops to 0
    assert outcome.counts.by_label[Label.NEW] == 2
    assert outcome.counts.by_label[Label.REPLACED] == 0
    assert rows["documents"] == 2
    assert [r.source_uri for r in outcome.rejects] == ["in/2.txt"]
    assert len(staging.table_files("documents")) == 1
