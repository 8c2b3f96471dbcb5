"""Who and where a text names: countries by any of their names, other names as written.

"Beijing", "the PRC", "Chinese" and "People's Republic of China" all name China, by the
countryinfo gazetteer: a country's name, its other spellings and their acronyms ("DPRK"), its
capital and its demonym. Other names ("Xi Jinping", "UN Security Council") are capitalised
runs, the same as their acronym ("UNSC"). The answer composer uses this to see a near miss: a
question on what comes "from North Korea" answered by the sentence on what comes "from China",
or on Russia's exports to China by the sentence on Chinese exports to Russia (``flows``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.scoring import DASH, DATE, NAME, POSSESSIVE, STOPWORDS, terms

ACRONYM_SKIP = frozenset({"of", "the", "and"})  # "Democratic People's Republic of Korea": DPRK
ARTICLES = frozenset({"the", "a", "an"})
AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "has", "have", "had"})
# Where a name stands in a clause: "exports to Russia", "come from China", "between Russia
# and China". Two names after the same one of these fill the same slot. Not "in" or "of": "in
# the German Foreign Ministry report" and "held in Brussels" fill no common slot.
SLOT_WORDS = frozenset({"from", "to", "with", "by", "into", "between", "and", "on", "against", "for", "at", "than"})
WORD = re.compile(r"[\w’'-]+")
DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
# A name of capitalised words an acronym is made from: "People's Republic of China" (PRC).
SPELLED_OUT = re.compile(r"[A-Z][a-z’']+(?: (?:of |the |and )*[A-Z][a-z’']+)+")


@dataclass(frozen=True)
class Mention:
    """One name in a text, with the words around it that say its role."""

    key: str  # a country's gazetteer name ("north korea"), else the name's initials ("UNSC")
    country: bool
    terms: frozenset[str]  # a name's stemmed terms (empty for a country)
    before: str  # the word before it (articles skipped), lower case
    after: str  # the word after it, lower case


def initials(name: str) -> str:
    """A name's acronym: "UNSC" for "UN Security Council", the name itself for an acronym."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in ACRONYM_SKIP]
    return "".join(w if len(w) > 1 and w.isupper() else w[0].upper() for w in words)


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Every way the gazetteer names a country, mapped to that country's name (lower case).
    ISO codes are left out: "IN" or "IT" is more often a word than India or Italy."""
    from countryinfo._cache import load_countries  # the package's loader: one read of its JSON files

    countries = load_countries()["countries"]
    codes: dict[str, set[str]] = {}
    for code, key in country_codes().items():
        codes.setdefault(key, set()).add(code)
    every_code = set(country_codes())
    named: dict[str, str] = {}
    for key, info in countries.items():
        own = codes.get(key, set())
        forms = [info["name"], *(a for a in info.get("altSpellings") or [] if isinstance(a, str) and a.upper() not in own)]
        forms += [f for f in (info.get("capital"),) if isinstance(f, str)]
        # nor are initials that are another country's code: "RU" is Russia's, not the Republic of Uganda's
        forms += [short for short in (initials(f) for f in forms if SPELLED_OUT.fullmatch(f))
                  if short not in every_code - own]
        _add(named, forms, key)
    # a demonym several share goes to the most populous: "American" is the United States', not the
    # Northern Mariana Islands', "Indian" India's, not the British Indian Ocean Territory's
    demonyms: dict[str, str] = {}
    for key, info in sorted(countries.items(), key=lambda item: -(item[1].get("population") or 0)):
        _add(demonyms, [f for f in (info.get("demonym"),) if isinstance(f, str)], key)
    return demonyms | named  # a name is its country's before it is anyone's demonym


def _add(found: dict[str, str], forms: list[str], key: str) -> None:
    """Each of ``forms`` (also with a curly apostrophe) that ``found`` lacks, as ``key``'s."""
    for form in forms + [f.replace("'", "’") for f in forms if "'" in f]:
        form = form.removesuffix(" D.C.").strip()
        if len(form) >= 2 and form.replace("’", "'").isascii() and "," not in form:
            found.setdefault(form, key)


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Every country's ISO codes ("RU", "RUS"), mapped to its name in the gazetteer (lower case)."""
    from countryinfo._cache import load_countries

    return {str(code).upper(): key for key, info in load_countries()["countries"].items()
            for code in ((info.get("ISO") or {}).get("alpha2"), (info.get("ISO") or {}).get("alpha3")) if code}


@lru_cache(maxsize=1)
def _countries() -> re.Pattern:
    forms = sorted(aliases(), key=len, reverse=True)  # the longest name first: "North Korea", not "Korea"
    # "China-United States entente", "Russia-backed": a hyphen ends a country's name, a letter does not
    return re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, forms)) + r")(?:’s|'s)?(?!\w)")


@lru_cache(maxsize=4096)  # other_source asks it of the same question once per candidate extra sentence
def countries_in(text: str) -> frozenset[str]:
    """Every country ``text`` names by any of its names, also inside a longer name ("South
    Korea’s Defense Minister", "the U.S. State Department")."""
    return frozenset(aliases()[m.group(1)] for m in _countries().finditer(_undotted(text)))


def without_countries(text: str) -> str:
    """``text`` with every country's name blanked out: "North Korean iron ore" is " iron ore"."""
    return _countries().sub(" ", _undotted(text))


def _undotted(text: str) -> str:
    return DOTTED.sub(lambda m: m.group().replace(".", ""), text)  # "U.S." is "US"


def mentions(text: str) -> tuple[Mention, ...]:
    """The countries and other names ``text`` mentions (a month is no name), each with its
    neighbouring words."""
    text = _undotted(text)
    spans = [(m.start(), m.end(), aliases()[m.group(1)], True) for m in _countries().finditer(text)]
    for m in NAME.finditer(text):
        inside = [span for span in spans if m.start() <= span[0] and span[1] <= m.end()]
        across = [span for span in spans if span[0] < m.end() and m.start() < span[1] and span not in inside]
        if DATE.fullmatch(m.group()) or across or any(span[:2] == m.span() for span in inside) \
                or _only_countries(text, m, inside):
            continue  # a month; a country's name as it stands (or cut across), or countries joined
            # by a hyphen ("Russia-NK ties"), stay the countries'
        # a longer name holding a country's is another body: "China National Petroleum Corporation"
        spans = [span for span in spans if span not in inside] + [(m.start(), m.end(), m.group(), False)]
    found = []
    for start, end, name, country in sorted(spans):
        before = WORD.findall(text[:start].lower())
        while before and before[-1] in ARTICLES:
            before.pop()
        possessive = POSSESSIVE.search(text[start:end]) or text[end:end + 2] in ("’s", "'s")
        if before[-2:] == ["according", "to"] or possessive:
            # whose word it is ("according to the SpecialEurasia report"): no slot "to" fills; nor does a
            # possessive ("from Xi's point of view", "to Russia's allies": the noun after it fills it)
            before = []
        after = WORD.findall(text[end:].lower())[:1]
        words = frozenset() if country else frozenset(terms(DASH.sub(" ", name)))
        if country or words:
            found.append(Mention(name if country else initials(name), country, words,
                                 before[-1] if before else "", after[0] if after else ""))
    return tuple(found)


def _only_countries(text: str, name: re.Match, inside: list[tuple]) -> bool:
    """Whether the name ``name`` is nothing but the countries ``inside`` it and hyphens."""
    rest, at = [], name.start()
    for start, end, *_ in sorted(inside):
        rest.append(text[at:start])
        at = end
    rest.append(text[at:name.end()])
    return bool(inside) and not DASH.sub("", "".join(rest)).strip()


def conflicting_mention(question: str, sentence: str, window: str) -> bool:
    """Whether the sentence puts another name where the question puts one: the question's
    name is nowhere in ``window`` (the sentence and its neighbours in its paragraph; as a
    country by any of its names, as another name by its words or its acronym), and the sentence
    has a name the question does not use after the same preposition ("from China" for "from
    North Korea") or before the same word ("Chinese citizens" for "North Korean citizens")."""
    asked = mentions(question)
    if not asked:
        return False
    near_keys, near_terms = {m.key for m in mentions(window)} | countries_in(window), set(terms(window))
    asked_keys, question_terms = {m.key for m in asked}, set(terms(question))
    given = mentions(sentence)
    said = [m for m in given if m.key not in asked_keys and not m.terms & question_terms]
    # a name the question uses elsewhere may still fill the wrong slot: "exports to Russia" for
    # "exports to North Korea since Russia's invasion"
    moved = [m for m in given if m.key in asked_keys and m.before in SLOT_WORDS
             and not any(a.key == m.key and a.before == m.before for a in asked)]
    for q in asked:
        if q.key in near_keys or (not q.country and q.terms <= near_terms):
            continue
        # a one-word name (no acronym) often stands for a country, as its leader or its seat of
        # power: "Kim's munitions plants" may be "North Korean munitions factories", "from the
        # Kremlin" "from Russia"; "to the EU" is not "to the United States"
        stands_for_one = not q.country and len(q.key) == 1
        alike = [s for s in said + moved if not (stands_for_one and s.country)]
        if any(q.before in SLOT_WORDS and q.before == s.before for s in alike):
            return True
        if any(q.after and q.after == s.after and q.after not in STOPWORDS for s in alike if s not in moved):
            return True
    return False


def missing_country(question: str, sentence: str, window: str, kept: int = 2) -> bool:
    """Whether the sentence speaks of another country than the question: a country the question
    names is nowhere in ``window`` (the sentence and its neighbours in its paragraph), fewer than
    ``kept`` of them are there, and the sentence names one the question does not ("the PRC’s trade
    with the DPRK" for "China–Russia trade"). A window that keeps two of the question's countries
    is on their relation ("Russia …, the PRC …" for why Beijing evades North Korea sanctions more
    discreetly than Moscow): five such why-questions were declined in a leave-one-set-out run."""
    asked, near = countries_in(question), countries_in(window)
    return bool(asked - near) and len(asked & near) < kept and bool(countries_in(sentence) - asked)


# Goods or people moving between countries, and which way: a word whose subject (or owner, "Chinese
# exports", "Russia's imports") sends them, one whose subject receives them, and the prepositions
# that name the other end ("to Russia", "from China", "by China" for who exports or imports).
SENDING = re.compile(r"export\w*|ship(?:s|ped|ping|ments?)?|sells?|selling|sold|suppl(?:y|ies|ied|ying|iers?)|"
                     r"sends?|sending|sent|deliver\w*")
RECEIVING = re.compile(r"import\w*|buys?|buying|bought|purchas\w*|receiv\w*")
OWNER_WORDS = 4  # how far before a flow word its owner may stand ("Russia's crude oil exports")
FLOW_WORDS = 10  # how far after it the other end may stand ("exporting over $300 million worth of … to Russia")
CLAUSE_END = re.compile(r"[.,;:!?]\s")  # between two words; not the comma in "6,700"
TRADER = re.compile(r"\w+(?:er|ers)")  # "supplier", "exporters", "buyer": one who trades, not the trade
POSSESSIVE_AFTER = re.compile(r"’s|'s")
NO_OWNER_AFTER = frozenset({"to", "from", "into", "with", "by", "between", "than", "against"})  # "exports to Russia rose"


def flows(text: str) -> frozenset[tuple[str | None, str | None]]:
    """The movements of goods between countries ``text`` states, as (from, to) country keys, an end
    not stated None: "Chinese exports to Russia" is (china, russia), "Beijing imports North Korean
    coal" (north korea, china) — a demonym before the goods names where they come from."""
    text = _undotted(text)
    tokens = list(WORD.finditer(text))
    at = {}  # token index -> (country key, where its name ends), for the token the name starts at
    for m in _countries().finditer(text):
        first = next((i for i, t in enumerate(tokens) if t.start() >= m.start()), None)
        if first is not None:
            at[first] = (aliases()[m.group(1)], m.end(1))
    found = set()
    for i, token in enumerate(tokens):
        word = token.group().lower()
        if not _flow_word(word):
            continue
        sends = bool(SENDING.fullmatch(word))
        owner, owner_is_other_end = _owner(text, tokens, at, i)
        ends = _far_ends(text, tokens, at, i, sends)
        source, destination = (owner, ends["to"]) if sends != owner_is_other_end else (ends["from"], owner)
        source, destination = ends["from"] or source, ends["to"] or destination
        if (source or destination) and source != destination:
            found.add((source, destination))
    return frozenset(found)


def _flow_word(word: str) -> bool:
    word = word.lower()
    return bool(SENDING.fullmatch(word) or RECEIVING.fullmatch(word))


def _owner(text: str, tokens: list[re.Match], at: dict[int, tuple[str, int]], i: int) -> tuple[str | None, bool]:
    """The country that owns the flow word at token ``i`` ("Chinese exports", "North Korea has
    shipped"), and whether it is the flow's other end ("Russia's largest supplier" supplies Russia:
    a trader's possessive is its partner)."""
    word = tokens[i].group().lower()
    for j in range(i - 1, max(-1, i - 1 - OWNER_WORDS), -1):
        if CLAUSE_END.search(text[tokens[j].end():tokens[j + 1].start()]) or _flow_word(tokens[j].group()):
            break  # the owner of the flow word before: "Moscow bought from foreign suppliers"
        if j in at and (j == 0 or tokens[j - 1].group().lower() not in NO_OWNER_AFTER):
            country, end = at[j]
            possessive = bool(POSSESSIVE_AFTER.match(text, end))
            if word in ("imports", "supplies") and j == i - 1 and not possessive:
                # "NK imports" may be what North Korea buys or what it sells; "over Russia supplies",
                # what it is sent
                break
            return country, bool(TRADER.fullmatch(word)) and possessive
    return None, False


# The word before a country after a flow word, and which end of the flow it names
END_WORDS = {"to": "to", "into": "to", "from": "from", "by": "by", "of": "of"}


def _far_ends(text: str, tokens: list[re.Match], at: dict[int, tuple[str, int]], i: int,
              sends: bool) -> dict[str, str | None]:
    """The countries after the flow word at token ``i`` that name where the goods go ("to") and
    where they come from ("from"), within its clause."""
    ends: dict[str, str | None] = {"to": None, "from": None}
    for j in range(i + 1, min(len(tokens), i + 1 + FLOW_WORDS)):
        if j > i + 1 and CLAUSE_END.search(text[tokens[j - 1].end():tokens[j].start()]) \
                or tokens[j].group().lower() in AUXILIARIES:
            break  # "imports of G7 goods are attributed to China": past its verb, not its ends
        if j not in at:
            continue
        k = j - 1
        while k > i and tokens[k].group().lower() in ARTICLES:
            k -= 1
        role = END_WORDS.get(tokens[k].group().lower())
        if role == "by":  # "banned for export to the United States by China": who sends or receives
            role = "from" if sends else "to"
        elif role == "of":  # "imports of North Korean coal": where the goods come from
            role = None if sends else "from"
        if role and ends[role] is None:
            ends[role] = at[j][0]
    return ends


def reversed_flow(question: str, sentence: str) -> bool:
    """Whether ``sentence`` states a flow between the question's countries the other way round
    ("Chinese exports to Russia" for Russia's exports to China) and none the way it is asked."""
    asked, said = flows(question), flows(sentence)
    return any(any(_against(q, s) for s in said) and not any(_along(q, s) for s in said) for q in asked)


def _against(asked: tuple, said: tuple) -> bool:
    """Whether flow ``said`` has one of ``asked``'s ends at its other end."""
    return asked[0] is not None and asked[0] == said[1] or asked[1] is not None and asked[1] == said[0]


def _along(asked: tuple, said: tuple) -> bool:
    """Whether flow ``said`` shares an end with ``asked`` at the same end, and none the other way."""
    return not _against(asked, said) and (asked[0] is not None and asked[0] == said[0]
                                          or asked[1] is not None and asked[1] == said[1])


# A border asked between two countries ("the land border between China and Russia", "the Russia–China
# border"): a sentence on each one's border with a third ("the PRC shares a borderline with Pyongyang
# …, while Moscow shares …") gives neither. Not "the frontiers China and Russia each share with …".
BORDER = re.compile(r"\b(?:borders?|borderlines?|frontiers?|boundar(?:y|ies))\b", re.I)
BORDER_BETWEEN = re.compile(r"\b(?:borders?|borderlines?|frontiers?|boundar(?:y|ies)) between ([^,;?]+?) and ([^,;?]+)", re.I)
BORDER_JOINED = re.compile(rf"([\w’'-]+)\s*{DASH.pattern}\s*([\w’'-]+)(?:\s+land)?\s+(?:borders?|frontiers?|boundar(?:y|ies))\b",
                           re.I)
CLAUSES = re.compile(r"[,;:]\s|\s[—–]\s")


def unshared_border(question: str, sentence: str) -> bool:
    """Whether ``question`` asks the border between two countries and ``sentence`` speaks of
    borders without naming both in any one clause."""
    m = BORDER_BETWEEN.search(question) or BORDER_JOINED.search(question)
    if not m or not BORDER.search(sentence):
        return False
    pair = [countries_in(side) for side in m.groups()]
    if not all(len(side) == 1 for side in pair) or pair[0] == pair[1]:
        return False
    both = pair[0] | pair[1]
    return not any(both <= countries_in(clause) for clause in CLAUSES.split(_undotted(sentence)))


# Whose word a text gives: "according to South Korean intelligence", "…, according to an anonymous FVEY source".
ATTRIBUTION = re.compile(r"\baccording to ([^,.;:?!]+)", re.I)


def other_source(question: str, sentence: str) -> bool:
    """Whether the question asks what a country's source says ("according to South Korean
    intelligence") and the sentence gives the word of a source from none of its countries
    ("according to an anonymous FVEY intelligence source")."""
    asked = ATTRIBUTION.search(_undotted(question))
    given = ATTRIBUTION.search(_undotted(sentence))
    countries = countries_in(asked.group(1)) if asked else frozenset()
    return bool(countries and given) and not countries & countries_in(given.group(1))
