"""Build presslake's event lexicons from the event-data field's own dictionaries.

    python scripts/build_plover_lexicon.py [--lexicons DIR] [--out DIR]

Reads (``DIR`` defaults to ``../shared/data/lexicons``):

* ``petrarch2/CAMEO.2.0.txt``: PETRARCH2's CAMEO verb-pattern dictionary (MIT). Every verb of
  a synonym block gets the block's code (or its own); every phrase pattern of the block
  (object nouns, ``(PREP NOUN)`` phrases, particles of multi-word verbs, ``TO VERB``
  complements) becomes a patterned row for each verb of the block.
* ``plover/CAMEO2PLOVER-2021.txt``: CAMEO code -> PLOVER type and mode (CC BY-SA 4.0).
* ``plover/PLOVER_MANUAL.tex``: the codebook; every type written must be one of its
  categories, and the keywords its definitions name are checked against the rows.
* ``petrarch2/Phoenix.agents.txt`` and ``Phoenix.discards.txt`` (MIT): generic agents with
  their CAMEO sector codes, and the phrases that mark sports and entertainment stories.

Writes into ``transforms/data/events/`` (``--out``): ``plover_cameo.tsv``, ``agents.tsv`` and
``discards.tsv``, each with its licence notice. They are generated: edit this script, not the
files. presslake's own additions live in ``plover_additions.tsv``, written by hand.

Types. Every CAMEO code is reduced to its 2-digit cue category and converted with the
codebook's translation table, as its Note 2 says ("everything at the 3- and 4-digit level
should simply be reduced to the 2-digit cue category"); CAMEO 08 splits into CONCEDE (081-083)
and RETREAT (084-087) as the table does. The project's ``event_type`` vocabulary is PLOVER's
as used by the PLOVER gold-standard records (ARCHITECTURE.md), which keeps the cue categories
that PLOVER 2.0 merged: 09 INVESTIGATE and 11 DISAPPROVE (2.0: ACCUSE), 10 DEMAND (2.0:
REQUEST), 19 FIGHT (2.0: ASSAULT). CAMEO 02 APPEAL, which the table drops, is DEMAND: the
codebook defines that category as "all requests, demands, and orders". CAMEO 01 (public
statements) is no event type: such rows are ``OTHER``, and so are patterns coded ``---``
(the dictionary's "this phrase is not an event"). The 2021 CAMEO2PLOVER table is read to
report where its 3- and 4-digit choices differ (listed in the output's header).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LEXICONS = ROOT.parent / "shared" / "data" / "lexicons"
DEFAULT_OUT = ROOT / "transforms" / "data" / "events"

PREPOSITIONS = frozenset(
    {"about", "above", "across", "after", "against", "along", "amid", "among", "around", "as",
     "at", "before", "behind", "below", "beside", "between", "beyond", "by", "despite",
     "during", "for", "from", "in", "inside", "into", "near", "of", "off", "on", "onto", "out",
     "outside", "over", "since", "through", "throughout", "to", "toward", "towards", "under",
     "until", "upon", "with", "within", "without"}
)  # fmt: skip
#: Sector codes of the agents dictionary -> a readable sector (CAMEO actor codebook, ch. 2).
SECTORS = {
    "GOV": "government", "MIL": "military", "REB": "rebels", "CRM": "criminal",
    "OPP": "opposition", "BUS": "business", "CVL": "civilians", "JUD": "judiciary",
    "COP": "police", "MED": "media", "LEG": "legislature", "HLH": "health", "EDU": "education",
    "UAF": "armed group", "SPY": "intelligence", "AGR": "agriculture", "REL": "religious",
    "LAB": "labour", "REF": "refugees", "PTY": "party", "ELI": "elites", "NGO": "ngo",
    "HRI": "human rights", "ENV": "environment", "IGO": "igo", "INS": "insurgents",
    "SEP": "separatists", "DEV": "development", "MUS": "religious", "CHR": "religious",
    "JEW": "religious", "HIN": "religious", "BUD": "religious", "RAD": "radicals",
    "PPL": "people", "NGM": "movement", "MOD": "moderates", "IRC": "religious",
}  # fmt: skip
YEAR_LIKE = re.compile(r"^\d+$|\b(ago|later)$|^(january|february|march|april|may|june|july|"
                       r"august|september|october|november|december) \d+$")  # fmt: skip


# --------------------------------------------------------------------------- CAMEO -> PLOVER


@dataclass(frozen=True)
class Plover:
    """A PLOVER type (project vocabulary) and the 2021 mode it came with."""

    type: str
    mode: str


def read_cameo2plover(path: Path) -> dict[str, Plover]:
    """CAMEO code -> PLOVER type in the project's vocabulary (see the module docstring)."""
    table: dict[str, Plover] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,\s*([^,]*))?", line)
        if not match:
            continue
        code, kind, mode = match.group(1), match.group(2), (match.group(3) or "").strip()
        if kind == "ACCUSE":
            kind = "INVESTIGATE" if code.startswith("09") or mode == "investigate" else "DISAPPROVE"
        elif kind == "REQUEST":
            kind = "DEMAND"
        elif kind == "ASSAULT" and code.startswith("19"):
            kind = "FIGHT"
        table.setdefault(code, Plover(kind, mode))
    return table


#: The codebook's translation table (PLOVER_MANUAL.tex, "CAMEO to PLOVER translation"):
#: CAMEO cue category -> PLOVER category, with the project's names for the categories that
#: PLOVER 2.0 merged (see the module docstring). Its Note 2: "everything at the 3- and 4-digit
#: level should simply be reduced to the 2-digit cue category and converted accordingly".
CUE_CATEGORIES = {
    "01": "OTHER", "02": "DEMAND", "03": "AGREE", "04": "CONSULT", "05": "SUPPORT",
    "06": "COOPERATE", "07": "AID", "09": "INVESTIGATE", "10": "DEMAND", "11": "DISAPPROVE",
    "12": "REJECT", "13": "THREATEN", "14": "PROTEST", "15": "MOBILIZE", "16": "SANCTION",
    "17": "COERCE", "18": "ASSAULT", "19": "FIGHT", "20": "ASSAULT",
}  # fmt: skip


#: Full CAMEO codes whose 3- or 4-digit row of the 2021 CAMEO2PLOVER table is used instead of
#: the cue category, because the codebook's definitions put them there too:
#: 1712 "Destroy property" -> ASSAULT (ASSAULT mode destroy: "Intentional destruction of
#: property"); 191 "Impose blockade, restrict movement"
#: -> COERCE (mode restrict: "Impose restrictions on political freedoms or movement"); 192
#: "Occupy territory" -> COERCE (mode seize). The table's other differences contradict a
#: definition and are not taken: 163 sanctions stay SANCTION ("International (political or
#: economic) sanctions are coded as 'discontinue'"), 0813/0814 easing a curfew or a state of
#: emergency stay CONCEDE ("removing curfews"), 175 "violent repression" stays COERCE (the
#: dictionary codes arresting protesters or journalists 175; COERCE is "Repression,
#: restrictions on rights, or coercive uses of power falling short of violence", mode arrest).
FULL_CODE_ROWS = frozenset({"1712", "191", "192"})


def plover_type(code: str | None, table: dict[str, Plover] | None = None) -> str | None:
    """The type of a CAMEO code by its cue category (08 splits: 081-083 CONCEDE, 084-087
    RETREAT, as the translation table says), or by the 2021 table's own row for the codes of
    :data:`FULL_CODE_ROWS` when ``table`` is given; ``None`` for codes that are unknown."""
    if code is None:
        return "OTHER"
    if table is not None:
        for n in (4, 3):
            if code[:n] in FULL_CODE_ROWS and code[:n] in table:
                return table[code[:n]].type
    if code[:3] == "016":
        # Note 2 of the translation table: "a CAMEO '016: Deny responsibility' might be
        # considered REJECT" (REJECT: "All rejections and refusals"); documented here as it asks
        return "REJECT"
    cue = code[:2]
    if cue == "08":
        return "CONCEDE" if code[:3] in {"080", "081", "082", "083"} else "RETREAT"
    return CUE_CATEGORIES.get(cue)


def table_differences(codes: set[str], table: dict[str, Plover]) -> list[str]:
    """Codes the 2021 CAMEO2PLOVER table types otherwise than the cue-category reduction."""
    out = []
    for code in sorted(codes):
        for n in range(len(code), 1, -1):
            if code[:n] in table:
                if table[code[:n]].type != plover_type(code, table):
                    out.append(f"{code}: cue category {plover_type(code)}, "
                               f"2021 table {table[code[:n]].type}")  # fmt: skip
                break
    return out


def codebook_categories(path: Path) -> set[str]:
    """The event categories the codebook defines (chapter "Event Categories")."""
    text = path.read_text(encoding="utf-8")
    body = text.split(r"\chapter{Event Categories}", 1)[-1]
    body = re.split(r"\\chapter\{", body, maxsplit=1)[0]
    return set(re.findall(r"\\section\{([A-Z]+)\}", body))


# --------------------------------------------------------------------------- CAMEO verbs


@dataclass(frozen=True)
class Pattern:
    """One phrase pattern after the verb, with its CAMEO code."""

    objects: tuple[str, ...]  # heads of the direct object (synonyms), empty for none
    preps: tuple[tuple[str, tuple[str, ...]], ...]  # (preposition, object heads or ())
    xcomp: tuple[str, ...]  # "TO ACT": the verb of an infinitival complement
    code: str | None  # None for "---" (not an event)
    source: str  # the verb the pattern was written for (comment)


@dataclass
class Block:
    """A verb synonym block."""

    name: str
    code: str | None
    verbs: list[tuple[str, str, str | None]]  # (lemma, particle, own code or block code)
    patterns: list[Pattern]


def _code(raw: str) -> str | None:
    parts = [p.strip("!") for p in raw.strip("[]").split(":")]
    code = next((p for p in parts if p), "---")
    return None if code.startswith("---") else code


def _forms(word: str) -> list[str]:
    """The word and its regular singular/plural, lower case."""
    word = word.lower()
    out = [word]
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    elif word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    elif word.endswith("y"):
        out.append(word[:-1] + "ies")
    elif word.endswith("ss"):
        out.append(word + "es")
    else:
        out.append(word + "s")
    return out


def read_synsets(lines: list[str]) -> dict[str, list[str]]:
    """``&NAME`` -> the head words (last word) of its phrases, lower case, with plurals."""
    synsets: dict[str, list[str]] = {}
    current: str | None = None
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line.startswith("&"):
            current = line.split()[0]
            synsets[current] = []
        elif line.startswith("+") and current is not None:
            phrase = line[1:].strip().strip("_")
            head = phrase.split("_")[-1]
            if head:
                synsets[current].extend(_forms(head))
        elif line.startswith("---") or line.startswith("- "):
            current = None
    return synsets


def _tokens(body: str) -> list[str]:
    """Split a pattern into words, ``{...}`` phrases and ``(...)`` groups."""
    out: list[str] = []
    depth = 0
    current = ""
    for ch in body:
        if ch in "{(":
            depth += 1
        elif ch in "})":
            depth -= 1
        if ch.isspace() and depth == 0:
            if current:
                out.append(current)
            current = ""
        else:
            current += ch
    if current:
        out.append(current)
    return out


def _heads(token: str, synsets: dict[str, list[str]]) -> tuple[str, ...] | None:
    """Head words of a noun element: ``WORD``, ``&SET`` or ``{MOD ... HEAD}``."""
    if token.startswith("{"):
        words = token.strip("{}").split()
        if not words:
            return None
        token = words[-1]
    if token in {"$", "+", "%", "^"} or not token:
        return ()
    if token.startswith("&"):
        return ("@" + token[1:].upper(),) if synsets.get(token) else None
    word = token.strip("_").replace("_", " ").split()[-1]
    return tuple(dict.fromkeys(_forms(word))) if re.match(r"^[A-Za-z-]+$", word) else None


def parse_pattern(line: str, synsets: dict[str, list[str]]) -> Pattern | None:
    """A ``- * ...  [code] # VERB`` line; ``None`` for patterns this lexicon cannot use
    (nouns before the verb, undefined synsets)."""
    body, _, comment = line[1:].partition("#")
    match = re.search(r"\[([^\]]*)\]", body)
    if not match or "*" not in body:
        return None
    code = _code(match.group(0))
    before, _, after = body[: match.start()].partition("*")
    if before.strip():
        return None  # constrains the subject: not kept
    objects: tuple[str, ...] = ()
    preps: list[tuple[str, tuple[str, ...]]] = []
    xcomp: tuple[str, ...] = ()
    tokens = _tokens(after)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("("):
            inner = _tokens(token[1:-1])
            if not inner or inner[0].lower() not in PREPOSITIONS:
                return None
            heads = _heads(inner[1], synsets) if len(inner) > 1 else ()
            if heads is None:
                return None
            preps.append((inner[0].lower(), heads))
        elif (
            token.lower() == "to"
            and i + 1 < len(tokens)
            and re.match(r"^[A-Za-z]+$", tokens[i + 1])
        ):
            xcomp = (tokens[i + 1].lower(),)
            i += 1
        elif token.lower() in PREPOSITIONS and i + 1 < len(tokens):
            heads = _heads(tokens[i + 1], synsets)
            if heads is None:
                return None
            preps.append((token.lower(), heads))
            i += 1
        elif not objects:
            heads = _heads(token, synsets)
            if heads is None:
                return None
            objects = heads
        i += 1
    if not objects and not preps and not xcomp:
        return None
    return Pattern(objects, tuple(preps), xcomp, code, comment.strip().split(" ")[0].upper())


def _verb_entry(line: str, block_code: str | None) -> tuple[str, str, str | None] | None:
    """``WORD {forms} [code]`` or ``+WORD_PARTICLE`` -> (lemma, particle, code)."""
    line = line.split("#", 1)[0]
    match = re.search(r"\[([^\]]*)\]", line)
    code = _code(match.group(0)) if match else block_code
    word = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", line).strip().split()
    if not word:
        return None
    phrase = word[0]
    if "_" not in phrase:
        return (phrase.lower(), "", code) if phrase.isalpha() else None
    parts = phrase.split("_")
    if not parts[0].startswith("+") or len(parts) != 2:
        return None  # pre-compounded or longer phrases ("WIRE_+TAP"): left out
    lemma, particle = parts[0][1:].lower(), parts[1].lower()
    return (lemma, particle, code) if particle in PREPOSITIONS | {"up", "down", "back"} else None


def read_blocks(path: Path) -> tuple[list[Block], dict[str, list[str]]]:
    """The verb blocks of the CAMEO verb-pattern dictionary."""
    lines = path.read_text(encoding="latin-1").splitlines()
    start = next(i for i, line in enumerate(lines) if "VERB PATTERNS" in line)
    stop = next(i for i, line in enumerate(lines) if "TRANSFORMATIONS" in line)
    synsets = read_synsets(lines[:start])
    blocks: list[Block] = []
    for raw in lines[start + 1 : stop]:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.match(r"^---\s+(\S+)\s+(\[[^\]]*\])", line)  # "[120]---" occurs
        if header:
            blocks.append(Block(header.group(1), _code(header.group(2)), [], []))
            continue
        if not blocks:
            continue
        block = blocks[-1]
        if line.startswith("-"):
            pattern = parse_pattern(line, synsets)
            if pattern is not None:
                block.patterns.append(pattern)
        else:
            entry = _verb_entry(line, block.code)
            if entry is not None:
                block.verbs.append(entry)
    return blocks, synsets


def _constraint(pattern: Pattern, particle: str) -> str:
    parts = []
    if particle:
        parts.append(f"prt={particle}")
    if pattern.objects:
        parts.append("obj=" + "|".join(pattern.objects))
    for prep, heads in pattern.preps:
        parts.append(f"pp={prep}:" + ("|".join(heads) if heads else "*"))
    if pattern.xcomp:
        parts.append("xcomp=" + "|".join(pattern.xcomp))
    return "&".join(parts)


def lexicon_rows(
    blocks: list[Block], table: dict[str, Plover]
) -> tuple[list[tuple[str, str, str, str, str, str]], Counter[str]]:
    """(verbs, pos, pattern, type, cameo, written_for) rows, and counts of what was left out.

    A bare row per verb (its own code, else the block's); a patterned row per pattern of a
    block, for all the block's verbs (PETRARCH applies a block's patterns to every verb in
    it). ``written_for`` is the verb the pattern was written for: where two rows of a verb
    have the same constraints, that verb's own row wins.
    """
    skipped: Counter[str] = Counter()
    rows: dict[tuple[str, str, str], tuple[str, str]] = {}
    for block in blocks:
        verbs = "|".join(
            dict.fromkeys(f"{lemma}_{particle}" if particle else lemma
                          for lemma, particle, _ in block.verbs))  # fmt: skip
        if not verbs:
            continue
        for lemma, particle, code in block.verbs:
            kind = plover_type(code, table)
            if kind is None:
                skipped["verb code unknown"] += 1
            elif code is not None and kind != "OTHER":
                name = f"{lemma}_{particle}" if particle else lemma
                rows.setdefault((name, "", name), (kind, code))
        for pattern in block.patterns:
            kind = plover_type(pattern.code, table)
            if kind is None:
                skipped["pattern code unknown"] += 1
                continue
            key = (verbs, _constraint(pattern, ""), pattern.source.lower())
            rows.setdefault(key, (kind, pattern.code or "---"))
    out = [(verbs, "VERB", pattern, kind, code, source)
           for (verbs, pattern, source), (kind, code) in rows.items()]  # fmt: skip
    return out, skipped


# --------------------------------------------------------------------------- agents, discards


def read_agents(path: Path) -> list[tuple[str, str, str]]:
    """(phrase, CAMEO agent code, sector) for each generic agent, plurals included."""
    text = path.read_text(encoding="latin-1")
    subs: dict[str, list[str]] = {}
    out: dict[str, tuple[str, str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        sub = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", line)
        if sub:
            subs[sub.group(1)] = [w.strip() for w in sub.group(2).split(",")]
            continue
        match = re.match(r"^([^\[{]+?)\s*(\{[^}]*\})?\s*\[~?([A-Z]*)~?([A-Z]*)\]", line)
        if not match:
            continue
        phrase, plurals = match.group(1).strip(), match.group(2)
        code = match.group(3) or match.group(4)
        if not code:
            continue
        sector = SECTORS.get(code[:3], code[:3].lower())
        if code.startswith("GOV") and code != "GOV":
            sector = "government"
        variants = [phrase]
        for marker, words in subs.items():
            if marker in phrase:
                variants = [phrase.replace(marker, w) for w in words]
        for variant in variants:
            words = variant.strip("_").replace("_", " ").lower().split()
            if not words:
                continue
            forms = [" ".join(words)]
            if plurals is None and not variant.endswith("_"):
                forms.append(" ".join([*words[:-1], _forms(words[-1])[1]]))
            elif plurals and plurals.strip("{} "):
                forms += [p.strip("_").replace("_", " ").lower()
                          for p in plurals.strip("{}").split()]  # fmt: skip
            for form in forms:
                if re.match(r"^[a-z][a-z' -]*$", form):
                    out.setdefault(form, (code, sector))
    return [(phrase, code, sector) for phrase, (code, sector) in sorted(out.items())]


#: Phoenix discards that name no sport or entertainment: history, disasters and accidents,
#: disease, politics, courts, business, animals. The codebook codes such stories (contexts
#: "disasters", "health", "crime", "election" ...), so they keep their events; a single word
#: that a political sentence uses too ("champion of reform", "won by a landslide") goes too.
NOT_SPORTS_OR_ENTERTAINMENT = frozenset(
    {"abdul karim qasim", "angels of bataan", "attack on pearl harbor", "british empire",
     "napoleonic wars", "post world war ii", "second world war", "world trade center",
     "world war i", "world war ii", "world war one", "world war two",
     "decorated vietnam veteran", "oliver north", "anita hill", "archaeology", "pharaoh",
     "mummy", "golden sarcophagus", "tutankhamun", "xuan zang", "xuanzang", "millennium",
     "catherine leroy", "mother teresa", "lucie blackman", "israel miller", "rick lazio",
     "salman rushdie", "accident killed", "blizzard", "boat capsized",
     "bus fell into ravine", "bus plunged", "diving accident", "landslide", "mine accident",
     "mudslide", "road accident", "traffic accident", "tropical depression", "tropical storm",
     "tsunami", "typhoon", "widespread flood", "storm warning center", "yellow dust",
     "pollution", "china environmental monitoring center", "avian flu", "avian influenza",
     "bacteria epidemic", "bird flu", "chickungunga", "contracted cholera", "dengue fever",
     "ebola", "equine influenza", "polio", "rift valley fever", "west nile fever",
     "west nile virus", "medical tests", "routine medical check up", "rabid animals",
     "presidential debate", "presidential vote recount", "poll published",
     "osaka district court", "initial public offering", "commercial consumption expenditures",
     "international brand", "luxury shop", "online gambling companies",
     "pioneer metals group of companies", "watson wyatt", "tour operator", "tourist bazaar",
     "thai privilege spa", "tune hotels", "fj benjamin", "philexim", "jetro", "natore",
     "pistachio nuts", "here is a list of", "made a joke about having a bomb",
     "mentally deranged man", "freelance dog catchers", "elephant hospital",
     "raging elephant bull", "venomous pit vipers", "orangutan", "birds indigenous to",
     "chengdu giant panda breeding base", "dolly the sheep", "biscuit", "canonization mass",
     "umm aziz", "kimjongilism", "prudhoe bay", "moon mission", "at kearney", "avia reed",
     "karl kaechele", "james elstub", "sonia rios risken", "champion", "champions"}
)  # fmt: skip


def read_discards(path: Path) -> list[tuple[str, str]]:
    """(phrase, scope) of the discards that name sports and entertainment, not dates.

    ``scope`` is ``story`` for ``+`` entries and ``sentence`` otherwise. Bare years and "...
    ago / later" (historical chronologies) are left out: news about today mentions them; so
    are the phrases of :data:`NOT_SPORTS_OR_ENTERTAINMENT`.
    """
    out: dict[str, str] = {}
    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if not line:
            continue
        scope = "story" if line.startswith("+") else "sentence"
        phrase = " ".join(line.lstrip("+").replace("_", " ").lower().split())
        if not phrase or YEAR_LIKE.search(phrase) or any(ch.isdigit() for ch in phrase):
            continue
        if phrase in NOT_SPORTS_OR_ENTERTAINMENT:
            continue
        out.setdefault(phrase, scope)
    return sorted(out.items())


# --------------------------------------------------------------------------- checks, output

#: Verbs the codebook's definitions name for a category (PLOVER_MANUAL.tex, chapter "Event
#: Categories"), with the words quoted. Where the dictionary types such a verb alone
#: otherwise, the codebook wins and the header of the output lists the change.
CODEBOOK_VERBS: dict[str, tuple[str, tuple[str, ...]]] = {
    "AGREE": ("Agree to, offer, promise, or otherwise indicate willingness",
              ("agree", "offer", "promise")),
    "CONSULT": ("All consultations and meetings: this includes visiting and hosting visits; "
                "negotiations, bargaining, or discussions",
                ("consult", "meet", "visit", "host", "negotiate", "bargain", "discuss")),
    "SUPPORT": ("express support for, commend, approve policy ... or ratify, sign, or "
                "finalize an agreement",
                ("support", "commend", "approve", "ratify", "sign", "finalize", "praise",
                 "endorse")),
    "CONCEDE": ("Formal pardons, acquittals, and amnesties ... Expressions of regret",
                ("pardon", "acquit", "regret", "apologize", "apologise")),
    "AID": ("Hostage rescues ... should be coded as AID", ("rescue",)),
    "RETREAT": ("release of prisoners and hostages, repatriation of refugees ... disarming, "
                "... a military retreat from, or ceding, territory ... resignations",
                ("release", "free", "repatriate", "disarm", "retreat", "cede", "resign",
                 "withdraw")),
    "DEMAND": ("All requests, demands, and orders", ("request", "demand", "order", "urge")),
    "DISAPPROVE": ("Express disapprovals, objections, and complaints; condemn, decry ...; "
                   "criticize, defame, denigrate ... Accuse, allege, or charge ... Sue",
                   ("disapprove", "object", "complain", "condemn", "decry", "criticize",
                    "criticise", "defame", "denigrate", "accuse", "allege", "charge", "sue")),
    "INVESTIGATE": ("All investigations", ("investigate", "probe")),
    "REJECT": ("All rejections and refusals", ("reject", "refuse")),
    "THREATEN": ("All threats, coercive or forceful warnings", ("threaten",)),
    "PROTEST": ("civilian demonstrations ... rally, gather to protest; riot; strike; boycott",
                ("protest", "demonstrate", "rally", "riot", "boycott")),
    "MOBILIZE": ("All military or police moves that fall short of the actual use of force",
                 ("mobilize", "mobilise")),
    "COERCE": ("Execute search, confiscate property, raid ... Arrest, detain ... Expel or "
               "deport individuals ... Impose curfew",
               ("arrest", "detain", "deport", "confiscate", "raid", "censor")),
    "ASSAULT": ("Abduct, kidnap, hijack; torture; targeted killings ... assassinations",
                ("abduct", "kidnap", "hijack", "torture", "assassinate")),
}  # fmt: skip


#: Support verbs whose object noun names the event ("held talks", "imposed sanctions",
#: "launched an offensive"; Meyers et al. 2004, NomBank support verbs).
SUPPORT_VERBS = frozenset(
    {"hold", "launch", "stage", "conduct", "mount", "wage", "impose", "make", "take", "give",
     "issue", "lodge", "file", "carry_out", "begin", "start", "resume", "open"}
)  # fmt: skip


#: Suffixes of nominalisations (-tion, -ment, -ance ...; Quirk et al. 1985, App. I.30-36).
EVENTIVE_SUFFIX = re.compile(r"(tion|sion|ment|ance|ence|ing|ure|ade|val|sal)s?$")


def _singular(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word


def noun_rows(
    blocks: list[Block], table: dict[str, Plover], synsets: dict[str, list[str]]
) -> list[tuple[str, str, str, str, str, str]]:
    """Nouns typed by the dictionary's support-verb patterns: ``HOLD * TALKS [040]`` makes
    ``talks`` CONSULT. A noun several patterns type differently takes the most frequent type
    (ties: left out)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    codes: dict[tuple[str, str], str] = {}
    for block in blocks:
        support = {f"{lemma}_{p}" if p else lemma for lemma, p, _ in block.verbs} & SUPPORT_VERBS
        for pattern in block.patterns:
            if not support or pattern.preps or pattern.xcomp or not pattern.objects:
                continue
            if pattern.source.lower() not in support:
                continue
            kind = plover_type(pattern.code, table)
            if kind is None or kind == "OTHER":
                continue
            heads = [
                w
                for h in pattern.objects
                for w in (synsets.get("&" + h[1:], [h]) if h.startswith("@") else [h])
            ]
            for noun in heads:
                votes[noun][kind] += 1
                codes.setdefault((noun, kind), f"{pattern.code} ({pattern.source.lower()})")
    verbs = {lemma for block in blocks for lemma, _, _ in block.verbs}
    out = []
    for noun, counter in sorted(votes.items()):
        if not (noun in verbs or _singular(noun) in verbs or EVENTIVE_SUFFIX.search(noun)):
            continue  # "dollars", "soldiers", "weeks": objects, not events
        ranked = counter.most_common(2)
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            continue
        kind = ranked[0][0]
        out.append((noun, "NOUN", "", kind, codes[(noun, kind)], ""))
    return out


def check(rows: Sequence[tuple[str, ...]], categories: set[str]) -> list[str]:
    """Rows against the codebook: types outside its categories, and verbs its definitions
    name for one category that the dictionary types otherwise (resolved, with the quoted
    definition, in plover_additions.tsv)."""
    allowed = categories | {"DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT", "OTHER"}
    notes = [f"type {r[3]} of {r[0]} is not a codebook category" for r in rows
             if r[3] not in allowed]  # fmt: skip
    bare = {r[0]: (r[3], r[4]) for r in rows if not r[2] and r[1] == "VERB"}
    for kind, (_, verbs) in CODEBOOK_VERBS.items():
        for verb in verbs:
            if verb not in bare:
                notes.append(f"{verb}: no type alone in the dictionary; codebook {kind}")
            elif bare[verb][0] != kind:
                notes.append(f"{verb}: dictionary {bare[verb][0]} ({bare[verb][1]}), "
                             f"codebook {kind}")  # fmt: skip
    return notes


CAMEO_NOTICE = """\
# Derived from PETRARCH2's CAMEO verb dictionary (petrarch2/data/dictionaries/CAMEO.2.0.txt,
# openeventdata/petrarch2 @ 676801c), Copyright (c) 2015 Open Event Data Alliance, MIT licence:
# "Permission is hereby granted, free of charge, to any person obtaining a copy of this software
# and associated documentation files ... The above copyright notice and this permission notice
# shall be included in all copies or substantial portions of the Software." (full text:
# petrarch2/LICENSE), and from the CAMEO -> PLOVER table and the PLOVER codebook
# (openeventdata/PLOVER @ 5e0c24f), CC BY-SA 4.0, Open Event Data Alliance (PLOVER project).
# This file is an adaptation and is licensed under CC BY-SA 4.0
# (https://creativecommons.org/licenses/by-sa/4.0/).
"""
MIT_NOTICE = """\
# Derived from the Phoenix dictionaries of PETRARCH2 (openeventdata/petrarch2 @ 676801c,
# petrarch2/data/dictionaries/{name}), Copyright (c) 2014 Open Event Data Alliance, MIT licence:
# "The above copyright notice and this permission notice shall be included in all copies or
# substantial portions of the Software." (full text: petrarch2/LICENSE)
"""


def write(path: Path, header: str, columns: list[str], rows: Sequence[tuple[str, ...]]) -> None:
    """Write a TSV with a comment header."""
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(header)
        fh.write("\t".join(columns) + "\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lexicons", type=Path, default=DEFAULT_LEXICONS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    src: Path = args.lexicons
    table = read_cameo2plover(src / "plover" / "CAMEO2PLOVER-2021.txt")
    blocks, synsets = read_blocks(src / "petrarch2" / "CAMEO.2.0.txt")
    rows, skipped = lexicon_rows(blocks, table)
    rows += noun_rows(blocks, table, synsets)
    notes = check(rows, codebook_categories(src / "plover" / "PLOVER_MANUAL.tex"))
    codes = {r[4].split()[0] for r in rows if r[4][:1].isdigit()}
    differences = table_differences(codes, table)
    counts = Counter(r[3] for r in rows)
    header = (
        "# presslake PLOVER lexicon from the CAMEO verb dictionary. GENERATED by\n"
        "# scripts/build_plover_lexicon.py: do not edit; add rows to plover_additions.tsv.\n"
        + CAMEO_NOTICE
        + "# Columns: words (a verb synonym block: lemma or lemma_particle, '|'-joined; or a\n"
        "# noun typed by a support-verb pattern, 'HOLD * TALKS'), pos, pattern, type, cameo,\n"
        "# written_for. pattern is empty (the verb alone) or constraints joined by\n"
        "# '&': obj=W|W (head of the direct object, or of a passive subject), pp=PREP:W|W or\n"
        "# pp=PREP:* (a prepositional phrase on the verb), xcomp=VERB (an infinitival\n"
        "# complement); @NAME stands for the words of set NAME in plover_cameo_sets.tsv.\n"
        "# More constraints win; among equals, the row written for the verb.\n"
        f"# {len(rows)} rows from {len(blocks)} verb blocks; types: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + "\n"
        f"# {len(differences)} codes where the 2021 CAMEO2PLOVER table differs from the "
        "codebook's cue-category reduction (the reduction is used; FULL_CODE_ROWS in the script "
        "take the table's row): " + ", ".join(d.split(":")[0] for d in differences) + "\n"
        f"# left out: {dict(skipped)}; codebook check ({len(notes)}; resolved in "
        "plover_additions.tsv):" + "".join(f"\n#   {note}" for note in notes) + "\n"
    )
    write(args.out / "plover_cameo.tsv", header,
          ["words", "pos", "pattern", "type", "cameo", "written_for"], rows)  # fmt: skip
    used = sorted({m for r in rows for m in re.findall(r"@[A-Z_]+", r[2])})
    write(
        args.out / "plover_cameo_sets.tsv",
        "# Word sets of the CAMEO verb dictionary used by plover_cameo.tsv. GENERATED by\n"
        "# scripts/build_plover_lexicon.py; do not edit.\n" + CAMEO_NOTICE,
        ["set", "words"],
        [(name, "|".join(dict.fromkeys(synsets["&" + name[1:]]))) for name in used],
    )
    agents = read_agents(src / "petrarch2" / "Phoenix.agents.txt")
    write(
        args.out / "agents.tsv",
        "# Generic agents with their CAMEO sector (presslake). GENERATED by\n"
        "# scripts/build_plover_lexicon.py from Phoenix.agents.txt; do not edit.\n"
        + MIT_NOTICE.format(name="Phoenix.agents.txt"),
        ["phrase", "code", "sector"],
        agents,
    )
    discards = read_discards(src / "petrarch2" / "Phoenix.discards.txt")
    write(
        args.out / "discards.tsv",
        "# Phrases that mark sports and entertainment stories: their 'attacks' and 'wins' are\n"
        "# not political events. GENERATED by scripts/build_plover_lexicon.py from\n"
        "# Phoenix.discards.txt (dates, chronologies and phrases naming no sport or\n"
        "# entertainment left out: NOT_SPORTS_OR_ENTERTAINMENT in the script); do not edit.\n"
        + MIT_NOTICE.format(name="Phoenix.discards.txt"),
        ["phrase", "scope"],
        discards,
    )
    sys.stderr.write(
        f"plover_cameo.tsv {len(rows)} rows ({len(notes)} codebook notes), "
        f"agents.tsv {len(agents)}, discards.tsv {len(discards)}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
