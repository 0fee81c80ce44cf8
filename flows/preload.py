"""Imported by the NLP pool's ``forkserver`` when it starts: load the pipeline once there,
so that every worker forked from it starts with the model in memory.

What to load comes from the ``PRESSLAKE_PRELOAD_PIPELINE`` environment variable (JSON with
``model``, ``fast_ops``, ``config_path``) that :func:`flows.workers.process_pool` sets before
the server starts. Any failure is left to the workers: they load the pipeline themselves in
their initializer and report the error where the flow sees it.
"""

from __future__ import annotations

import json
import os


def _preload() -> None:
    try:
        from flows.workers import PRELOAD_ENV, pipeline_for

        spec = os.environ.get(PRELOAD_ENV)
        if not spec:
            return
        args = json.loads(spec)
        pipeline_for(args["model"], bool(args["fast_ops"]), args.get("config_path"))
    except Exception:  # the workers load it again and raise the real error
        return


_preload()
