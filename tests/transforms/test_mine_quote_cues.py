"""scripts/mine_quote_cues.py: cue lemmas and frames counted from annotated attributions."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from spacy.language import Language

ROOT = Path(__file__).resolve().parents[2]


def _miner() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "mine_quote_cues", ROOT / "scripts" / "mine_quote_cues.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _attribution(text: str, cue: str, content: str) -> dict[str, object]:
    c, k = text.index(cue), text.index(content)
    return {
        "cue": {"spans": [[c, c + len(cue)]], "text": cue},
        "content": {"spans": [[k, k + len(content)]], "text": content},
    }


def test_a_lemma_that_heads_cues_is_kept_with_its_frame(nlp: Language) -> None:
    miner = _miner()
    stats = miner.Stats()
    sentences = [
        ("The clerk muttered that the ferry was late again.", "that the ferry was late again"),
        ("A porter muttered that the bags were too heavy.", "that the bags were too heavy"),
        ("Her aunt muttered that the soup had gone cold.", "that the soup had gone cold"),
    ]
    for text, content in sentences:
        stats.add(nlp(text), [_attribution(text, "muttered", content)])
    # the same verb with a clause, twice, that no annotator marked
    for text in ("He muttered that it rained.", "She muttered that we won."):
        stats.add(nlp(text), [])
    stats.add(nlp("The clerk walked home after the ferry left."), [])
    rows = {
        (lemma, pos): (frames, conf)
        for lemma, pos, frames, conf in stats.rows(min_count=3, min_precision=0.2)
    }
    assert rows[("mutter", "VERB")][0] == "c"
    # 3 of the 5 clauses of "mutter" are gold cues, smoothed towards the corpus rate
    assert 0.4 < rows[("mutter", "VERB")][1] < 0.75
    assert ("walk", "VERB") not in rows
    assert not [key for key in rows if key[0] == "mutter" and key != ("mutter", "VERB")]
    assert stats.rows(min_count=4, min_precision=0.2) == []
