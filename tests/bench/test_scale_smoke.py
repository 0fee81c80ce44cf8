"""``bench/scale.py`` end to end at a tiny scale (no timing asserted): a base warehouse of
three articles through the pipeline, grown to 1x and 2x inside DuckLake, one new article run
into each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows.servers import PrefectServer, prefect_server

__all__ = ["prefect_server"]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "scale.py"

pytestmark = pytest.mark.slow


def test_scale_bench_runs_at_a_tiny_scale(prefect_server: PrefectServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw_news").mkdir(parents=True)
    records = (
        (ROOT / "samples" / "articles" / "reuters21578-sample.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()[:3]
    )
    (data / "raw_news" / "reuters21578_sample.jsonl").write_text(
        "\n".join(records) + "\n", encoding="utf-8"
    )
    out = tmp_path / "scale.json"
    args = ["--data", str(data), "--new", "1", "--scales", "1", "2"]
    args += ["--work", str(tmp_path / "work"), "--json", str(out)]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=prefect_server.client_env(PRESSLAKE_N_PROCESS="1"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    runs = {r["scale"]: r for r in figures["runs"]}
    assert set(runs) == {1, 2}
    assert runs[2]["documents"] == 2 * runs[1]["documents"] == 6
    assert runs[2]["mentions"] == 2 * runs[1]["mentions"] > 0
    for run in runs.values():
        assert run["n_new"] == 1
        assert {"ingest", "nlp", "load"} <= set(run["timings"])
        assert run["disk_after"] > run["disk_before"] > 0
    assert set(figures["ratios"]) == {"run_over_1x", "load_over_1x"}
    assert "| 2x | 6 |" in done.stdout
