"""Root fixtures: the real pipeline loaded once, fixed settings, one Prefect harness."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
SHARED_DATA = Path(os.environ.get("PRESSLAKE_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEED_ARTICLE = SHARED_DATA / "seed" / "kim-nuclear-forces.txt"
SAMPLE_SEED = ROOT / "samples" / "articles" / "kim-nuclear-forces.txt"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The full presslake pipeline, built once per test session."""
    from transforms.nlp.pipeline import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The reference article as a user pasted it (furniture included)."""
    path = SEED_ARTICLE if SEED_ARTICLE.exists() else SAMPLE_SEED
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder (dev gold sets); tests that need it skip without it."""
    if not SHARED_DATA.exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def test_data() -> Path:
    """``tests/data``."""
    return TEST_DATA


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(autouse=True, scope="session")
def _clean_environment() -> Iterator[None]:
    """Tests never read the developer's ``PRESSLAKE_*`` settings."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("PRESSLAKE_")}
    yield
    os.environ.update(saved)


@pytest.fixture()
def make_settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Build fixed run settings for a warehouse under ``tmp_path``."""
    from flows.settings import Settings

    def build(warehouse: Path | None = None, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "warehouse": warehouse or tmp_path / "wh",
            "n_process": 1,
            "lock_wait": 0.0,
            "task_batch_size": 50,
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return build
