"""Paragraph breaks start sentences, before the parser runs.

Cleaned text separates paragraphs with a blank line (``"\\n\\n"``). A paragraph that ends
without final punctuation (a headline, a dateline, a subhead) is otherwise read by the
parser as the start of the next paragraph's first sentence ("Budget row in Kettleby\\n\\nThe
mayor said ..." becomes one sentence whose subject runs across the break). The parser
keeps sentence starts set before it, so this component marks the first word after every
paragraph break.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["mark_paragraph_starts"]

#: Line breaks in a whitespace token that make it a paragraph break.
_BREAK_NEWLINES = 2


@Language.component("presslake_paragraphs_v1")
def mark_paragraph_starts(doc: Doc) -> Doc:
    """Make the first token after each paragraph break (a whitespace token holding a blank
    line) start a sentence."""
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= _BREAK_NEWLINES:
            following = doc[token.i + 1]
            if not following.is_space:
                following.is_sent_start = True
    return doc
