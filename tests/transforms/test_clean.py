"""Page furniture, captions, repeated standfirst, headline and hard wraps."""

from __future__ import annotations

import json

import pytest

from transforms.text.clean import clean_text

SEED_HEADLINE = (
    "North Korean leader calls for expanding his nuclear forces in the face of alleged U.S. threats"
)


# --- the reference article ------------------------------------------------------------------


def test_seed_furniture_removed(seed_text: str) -> None:
    result = clean_text(seed_text)
    lines = result.text.split("\n\n")
    assert "NEWS" not in lines
    assert "Updated" not in lines
    assert "North Korean leader Kim Jong" not in lines
    assert not any(line.endswith("Kim JongAP") for line in lines)
    assert result.removed[:5] == [
        "NEWS",
        "NEWS",
        "Updated",
        "North Korean leader Kim JongAP",
        "North Korean leader Kim Jong",
    ]


def test_seed_standfirst_kept_once_with_its_period(seed_text: str) -> None:
    result = clean_text(seed_text)
    assert result.text.count("Kim Jong Un renewed his call") == 1
    first = result.text.split("\n\n")[1]
    assert first.startswith("North Korean leader Kim Jong Un renewed")
    assert first.endswith("in the U.S. presidential election.")


def test_seed_title_is_headline(seed_text: str) -> None:
    result = clean_text(seed_text)
    assert result.title == SEED_HEADLINE
    # the headline stays the text's first paragraph: what it reports is extracted too
    assert result.text.split("\n\n")[0] == SEED_HEADLINE
    assert result.text.count(SEED_HEADLINE) == 1


def test_seed_body_kept_whole(seed_text: str) -> None:
    result = clean_text(seed_text)
    paragraphs = result.text.split("\n\n")
    assert len(paragraphs) == 14  # the headline and 13 body paragraphs
    assert paragraphs[-1].endswith("raising concerns about the vulnerability of key sites.")
    assert '"not to test our military\'s patience any further."' in result.text


def test_clean_is_idempotent(seed_text: str) -> None:
    once = clean_text(seed_text)
    twice = clean_text(once.text, title=once.title)
    assert twice.text == once.text
    assert twice.removed == []


# --- generic furniture ----------------------------------------------------------------------

BODY = (
    "The council approved the budget on Tuesday after a long debate.\n\n"
    "The mayor said the vote was a victory for the whole city."
)


@pytest.mark.parametrize(
    ("page", "gone"),
    [
        (f"Advertisement\n\n{BODY}\n\nShare", ["Advertisement", "Share"]),
        (f"Share this article\n{BODY}\nCopy link", ["Share this article", "Copy link"]),
        (f"Photos:\n\n{BODY}", ["Photos:"]),
        (f"Photos: 12\n\n{BODY}", ["Photos: 12"]),
        (f"Updated 3:42 PM EST, Nov 18, 2024\n\n{BODY}", ["Updated 3:42 PM EST, Nov 18, 2024"]),
        (f"Published 2 hours ago\n\n{BODY}", ["Published 2 hours ago"]),
        (f"By Kim Tong-hyung and Hyung-Jin Kim\n\n{BODY}", ["By Kim Tong-hyung and Hyung-Jin Kim"]),
        (f"{BODY}\n\nThe mayor at City HallReuters", ["The mayor at City HallReuters"]),
        (
            f"{BODY}\n\nVoters queue outside the hall Ahn Young-joon/AP",
            ["Voters queue outside the hall Ahn Young-joon/AP"],
        ),
        (
            f"{BODY}\n\nThe hall on Tuesday. (AP Photo/Ahn Young-joon)",
            ["The hall on Tuesday. (AP Photo/Ahn Young-joon)"],
        ),
        (f"Metro desk\nMetro desk\n\n{BODY}", ["Metro desk", "Metro desk"]),
    ],
    ids=[
        "advert-share",
        "share-copy",
        "photos",
        "photos-count",
        "updated-stamp",
        "published-ago",
        "byline",
        "glued-credit",
        "slash-credit",
        "paren-credit",
        "repeated-line",
    ],
)
def test_furniture_lines_removed(page: str, gone: list[str]) -> None:
    result = clean_text(page, title="Budget approved")
    assert result.text == BODY
    assert result.removed == gone


def test_truncated_caption_prefix_of_body_removed() -> None:
    page = f"The council approved\n\n{BODY}"
    assert clean_text(page, title="Budget").text == BODY


def test_duplicate_paragraph_tolerates_missing_period() -> None:
    standfirst = "The council approved the budget on Tuesday after a long debate"
    result = clean_text(f"{standfirst}\n\n{BODY}", title="Budget")
    assert result.text == BODY
    assert result.removed == [standfirst]


@pytest.mark.parametrize(
    "text",
    [
        # a short real paragraph is not furniture
        "The vote was close.\n\nIt passed by one vote, the clerk said.",
        # a sentence that starts like another one but ends in punctuation stays
        "Prices rose.\n\nPrices rose again in March, the office said.",
        # words from the furniture list inside sentences stay
        "Share prices fell on the news.\n\nAdvertisement revenue rose 5 pct, it said.",
        # repeated table headers in wire copy stay (not back to back)
        "Shr 10 cts vs 9 cts\n\nNine mths\n\nShr 30 cts vs 27 cts\n\nNine mths\n\nNet 5 mln",
    ],
    ids=["short-paragraph", "prefix-sentence", "words-in-sentences", "table-headers"],
)
def test_article_text_is_kept(text: str) -> None:
    result = clean_text(text, title="Given")
    assert result.text == text
    assert result.removed == []


# --- headline -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (f"Budget approved after long debate\n\n{BODY}", "Budget approved after long debate"),
        (f"NEWS\nUpdated\n\nWill the budget pass?\n\n{BODY}", "Will the budget pass?"),
        (BODY, None),  # no headline line
        ("Just one line without a body", None),
    ],
)
def test_headline_detection(text: str, title: str | None) -> None:
    result = clean_text(text)
    assert result.title == title
    if title is not None:
        assert result.text == f"{title}\n\n{BODY}"
    assert clean_text(result.text, title=result.title).text == result.text


def test_given_title_repeated_above_body_stays_once() -> None:
    result = clean_text(f"BUDGET APPROVED\n\n{BODY}", title="Budget approved")
    assert result.title == "Budget approved"
    assert result.text == f"BUDGET APPROVED\n\n{BODY}"
    assert result.removed == []


def test_given_title_not_in_text_is_not_added() -> None:
    result = clean_text(BODY, title="Council approves budget")
    assert result.title == "Council approves budget"
    assert result.text == BODY


def test_caption_cut_from_the_headline_goes_but_the_headline_stays() -> None:
    headline = "Council approves the city budget after a long night of debate"
    text = f"{headline}\n\nCouncil approves the city budget\n\n{BODY}"
    result = clean_text(text)
    assert result.title == headline
    assert result.text == f"{headline}\n\n{BODY}"
    assert result.removed == ["Council approves the city budget"]


# --- hard wraps -----------------------------------------------------------------------------

WRAPPED = (
    "Shearson Lehman Brothers, a unit of\n"
    "American Express Co <AXP>, said Robert Stearns has joined the\n"
    "company as managing director of its merger and acquisition\n"
    "department.\n"
    "    Shearson said Stearns formerly was part of Merrill Lynch\n"
    "Pierce, Fenner and Smith Inc's <MER> merger and acquisitions\n"
    "department and an investor-\n"
    "owned fund's adviser.\n"
    "    Shr 30 cts vs 5.92 dlrs\n"
    "    Net 1,142,000 vs 16.0 mln\n"
)


def test_hard_wraps_unwrapped_paragraphs_kept() -> None:
    result = clean_text(WRAPPED, title="SHEARSON NAMES DIRECTOR")
    assert result.text.split("\n\n") == [
        "Shearson Lehman Brothers, a unit of American Express Co <AXP>, said Robert Stearns "
        "has joined the company as managing director of its merger and acquisition department.",
        "Shearson said Stearns formerly was part of Merrill Lynch Pierce, Fenner and Smith "
        "Inc's <MER> merger and acquisitions department and an investor-owned fund's adviser.",
        "Shr 30 cts vs 5.92 dlrs",
        "Net 1,142,000 vs 16.0 mln",
    ]


def test_long_lines_are_not_joined() -> None:
    long_a = "A sentence that runs on for a long while " * 4 + "and ends."
    long_b = "another paragraph " * 8
    text = f"{long_a}\n{long_b.strip()}"
    assert clean_text(text, title="T").text == f"{long_a}\n\n{long_b.strip()}"


def test_reuters_articles_have_intact_sentences(shared_data) -> None:  # type: ignore[no-untyped-def]
    path = shared_data / "raw_news" / "reuters21578_sample.jsonl"
    if not path.exists():
        pytest.skip("Reuters sample not available")
    broken = 0
    total = 0
    with path.open(encoding="utf-8") as handle:
        for _, line in zip(range(600), handle, strict=False):
            row = json.loads(line)
            result = clean_text(row["text"], title=row["title"])
            paragraphs = result.text.split("\n\n")
            assert "\n" not in result.text.replace("\n\n", "")
            total += len(paragraphs)
            broken += sum(1 for p in paragraphs[1:] if p[:1].islower())
    # the source itself starts a handful of paragraphs in lower case
    assert broken / total < 0.002
