"""Quotations and reported speech: who said what.

The ``presslake_quotes_v1`` component (:mod:`.component`) finds these attributions in a
parsed Doc:

* **direct** quotes (:mod:`.direct`): text between quotation marks (:mod:`.marks`, curly or
  straight) attributed to a speaker through a speech cue near it ("“...,” he said", "He
  said: “...”"). A paragraph that opens a quote without closing it continues into the next
  paragraph, and a quote with no cue of its own that follows the same speaker's quote
  inherits that speaker.
* **indirect** (reported) speech (:mod:`.reported`), read off the dependency parse
  (:mod:`.syntax`): "X said (that) ...", "..., X said.", "according to X, ...", "X
  warned/insisted/wrote/told ...", "X described Y as ...". The cue lexicon (:mod:`.cues`,
  ``transforms/data/quotes/cues.tsv`` or a user's file named in the pipeline config) follows
  the speech, report and attitude verbs of Krestel, Bergler & Witte (2008), "Minding the
  Source: Automatic Tagging of Reported Speech in Newspaper Articles", and the cue inventory
  of PolNeAR (Newell, Margolin & Ruths, LREC 2018).
* **framed findings**: a headline that names its source before a colon ("Sanders: Clinton
  needs to ...") and a clause opened by the poll or study it reports ("In the latest poll,
  Clinton led ...").
* **mixed** quotes: reported speech that embeds a quoted fragment ("Kim insisted Washington
  was using Ukraine as its 'shock troops'"), and partial quotes governed by a cue ("his call
  for a 'limitless' expansion").

``presslake_quotes_v2`` (the packaged pipeline's) adds a learned span model (:mod:`.learned`,
trained on PolNeAR train by ``make train``): it reads the rules' attributions, the parse and
the pipeline's token vectors, labels CONTENT, CUE and SOURCE spans, and the attributions it
finds that the rules miss join theirs (:mod:`.assemble`).

The results are stored on ``doc._.pl_quotes`` as :class:`Quote` values;
:func:`extract_quotes` turns them into ``quotes`` rows, with the speaker resolved to an
entity through :meth:`transforms.nlp.context.DocContext.mention_at`.
"""

from transforms.nlp.quotes.component import (
    QuoteExtractor,
    extract_quotes,
    find_quotes,
    quotes_of,
)
from transforms.nlp.quotes.cues import (
    Cue,
    CueLexiconError,
    QuoteLexicon,
    QuoteRules,
    load_cues,
)
from transforms.nlp.quotes.marks import find_quote_spans, find_single_quote_spans
from transforms.nlp.quotes.records import KINDS, Quote, QuoteRecord

__all__ = [
    "KINDS",
    "Cue",
    "CueLexiconError",
    "Quote",
    "QuoteExtractor",
    "QuoteLexicon",
    "QuoteRecord",
    "QuoteRules",
    "extract_quotes",
    "find_quote_spans",
    "find_quotes",
    "find_single_quote_spans",
    "load_cues",
    "quotes_of",
]
