"""Time expressions: find them in a Doc (:mod:`.component`) and resolve them against the
publication date (:mod:`transforms.nlp.time_values`).

The ``presslake_timex_v1`` component collects date/time spans (spaCy ``DATE``/``TIME``
entities plus a few deictic words the model leaves out, such as "today" or "recently") and
stores them on ``doc._.pl_timex``. Resolution needs the article's ``published_at``, which the
Doc does not know, so it happens in :func:`extract_time_expressions`.
"""

from transforms.nlp.time_values import (
    TimeValue,
    TimexError,
    TimexSpan,
    resolve_time,
)
from transforms.nlp.timex.component import (
    TimexFinder,
    TimexWords,
    extract_time_expressions,
    find_time_spans,
    load_words,
    split_coordinated,
    time_spans,
)
from transforms.nlp.timex.records import TimexRecord

__all__ = [
    "TimeValue",
    "TimexError",
    "TimexFinder",
    "TimexRecord",
    "TimexSpan",
    "TimexWords",
    "extract_time_expressions",
    "find_time_spans",
    "load_words",
    "resolve_time",
    "split_coordinated",
    "time_spans",
]
