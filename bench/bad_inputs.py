"""What bad inputs cost a run: ``presslake run`` on good articles alone, then on the same
articles beside one of each bad input (a text over the NLP limit, deeply nested JSON, a
duplicated id, binary, empty and unsupported files, a CSV without a text column, UTF-16
JSONL/CSV). Prints wall seconds of each run (fresh warehouse each time).

Run: ``python bench/bad_inputs.py [--repeats 2]`` (needs no network; URLs are bounded by
``PRESSLAKE_FETCH_DEADLINE`` instead and are not part of this bench).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.flows.test_bad_inputs_run import GOOD, SAMPLES, _bad_folder  # noqa: E402

CLI = [sys.executable, "-m", "flows.cli"]
RUN_OPTIONS = ["-j", "1", "--published-at", "2024-11-18", "--json"]


def _good(folder: Path) -> None:
    folder.mkdir(parents=True)
    shutil.copy(SAMPLES / "kim-nuclear-forces.txt", folder)
    shutil.copy(SAMPLES / "reuters21578-sample.jsonl", folder)
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")


def _run(folder: Path, wh: Path) -> tuple[float, dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSLAKE_")}
    env.setdefault("PREFECT_HOME", str(wh.parent / "prefect"))
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "run", str(folder), "-w", str(wh), *RUN_OPTIONS],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _good(root / "good")
        _good(root / "mixed")
        _bad_folder(root / "mixed")
        for repeat in range(args.repeats):
            for name in ("good", "mixed"):
                wh = root / f"wh-{name}-{repeat}"
                seconds, summary = _run(root / name, wh)
                print(
                    f"{name:6s} run {repeat + 1}: {seconds:6.1f} s  new={summary['n_new']} "
                    f"rejected={summary['n_rejected']} status={summary['status']}"
                )


if __name__ == "__main__":
    main()
