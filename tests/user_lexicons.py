"""A user's own lexicons for the tests: copies of the packaged ones with one entry each.

The sentences are written for these tests; "snarfle" and "Zentrovia" are made-up words, so
only a user lexicon can make them a cue, an event type or an entity.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from transforms.nlp.lexicons import packaged
from transforms.nlp.pipeline import CONFIG_PATH

CUE_SENTENCE = "Mayor Tilda Okonkwo snarfled the budget as reckless and unfair to pensioners."
EVENT_SENTENCE = "Armed men snarfled the border village of Kettleby on Sunday."
ENTITY_SENTENCE = "Shares of Zentro fell sharply after the mine flooded in March."


def write_user_lexicons(root: Path) -> dict[str, Path]:
    """Copies of the packaged lexicons with one user entry each: a cue verb, a PLOVER
    mapping and a gazetteer organisation."""
    cues = root / "cues.tsv"
    cues.write_text(packaged("quotes/cues.tsv").read_text() + "snarfle\tVERB\tco\t0.8\n")
    plover = root / "plover.tsv"
    plover.write_text(packaged("events/plover.tsv").read_text() + "snarfle\tVERB\t\tASSAULT\n")
    gazetteer = root / "entities"
    shutil.copytree(packaged("entities"), gazetteer)
    with (gazetteer / "organisations.tsv").open("a", encoding="utf-8") as out:
        out.write("Zentrovia Mining Board\tORG\tZentro|ZMB\t\n")
    return {"cues": cues, "plover": plover, "gazetteer": gazetteer}


def write_user_config(root: Path, lexicons: dict[str, Path]) -> Path:
    """The packaged config with its lexicon settings pointed at ``lexicons``."""
    text = CONFIG_PATH.read_text()
    replacements = {
        'cues = "${paths.lexicons}/quotes/cues.tsv"': f'cues = "{lexicons["cues"]}"',
        'plover = "${paths.lexicons}/events/plover.tsv"': f'plover = "{lexicons["plover"]}"',
        'directory = "${paths.lexicons}/entities"': f'directory = "{lexicons["gazetteer"]}"',
    }
    for old, new in replacements.items():
        assert old in text, f"config.cfg no longer has the setting {old!r}"
        text = text.replace(old, new)
    config = root / "config.cfg"
    config.write_text(text)
    return config
