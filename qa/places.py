"""Which country a text names, however it names it, by the countryinfo gazetteer.

"Beijing", "the PRC", "Chinese" and "People's Republic of China" all name China: a country's
name, its other spellings and their acronyms ("DPRK"), its capital and its demonym. The
answer composer uses this to see a near miss: a question about what comes "from North Korea"
answered by the sentence on what comes "from China".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.scoring import STOPWORDS

ACRONYM_SKIP = frozenset({"of", "the", "and"})  # "Democratic People's Republic of Korea": DPRK
ARTICLES = frozenset({"the", "a", "an"})
# Where a country stands in a clause: "exports to Russia", "come from China", "between Russia
# and China". Two mentions after the same one of these fill the same slot.
SLOT_WORDS = frozenset({"from", "to", "with", "by", "in", "into", "between", "and", "on", "against", "for", "of", "at",
                        "than"})
WORD = re.compile(r"[\w’'-]+")
DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")  # "U.S." is "US"


@dataclass(frozen=True)
class Mention:
    """One country named in a text, with the words around it that say its role."""

    country: str  # the gazetteer's name, lower case: "north korea"
    before: str  # the word before it (articles skipped), lower case
    after: str  # the word after it, lower case


def _acronym(form: str) -> str | None:
    """The initials of a name of two or more capitalised words ("PRC"), else None."""
    words = [w for w in re.findall(r"[A-Za-z’']+", form) if w.lower() not in ACRONYM_SKIP]
    if len(words) >= 2 and all(w[0].isupper() for w in words):
        return "".join(w[0] for w in words)
    return None


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Every way the gazetteer names a country, mapped to that country's name (lower case).
    ISO codes are left out: "IN" or "IT" is more often a word than India or Italy."""
    from countryinfo._cache import load_countries  # the package's loader: one read of its JSON files

    out: dict[str, str] = {}
    for key, info in load_countries()["countries"].items():
        iso = info.get("ISO") or {}
        codes = {str(iso.get("alpha2", "")).upper(), str(iso.get("alpha3", "")).upper()}
        forms = [info["name"], *(a for a in info.get("altSpellings") or [] if isinstance(a, str) and a.upper() not in codes)]
        forms += [f for f in (info.get("capital"), info.get("demonym")) if isinstance(f, str)]
        forms += [a for a in map(_acronym, forms) if a]
        forms += [f.replace("'", "’") for f in forms if "'" in f]
        for form in forms:
            form = form.removesuffix(" D.C.").strip()
            if len(form) >= 2 and form.replace("’", "'").isascii() and "," not in form:
                out.setdefault(form, key)
    return out


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    forms = sorted(aliases(), key=len, reverse=True)  # the longest name first: "North Korea", not "Korea"
    return re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, forms)) + r")(?:’s|'s)?(?![\w-])")


def mentions(text: str) -> tuple[Mention, ...]:
    """The countries ``text`` names, in order, each with its neighbouring words."""
    text = DOTTED.sub(lambda m: m.group().replace(".", ""), text)
    found = []
    for m in _pattern().finditer(text):
        before = WORD.findall(text[:m.start()].lower())
        while before and before[-1] in ARTICLES:
            before.pop()
        after = WORD.findall(text[m.end():].lower())[:1]
        found.append(Mention(aliases()[m.group(1)], before[-1] if before else "", after[0] if after else ""))
    return tuple(found)


def conflicting_country(asked: tuple[Mention, ...], sentence: str, window: str) -> bool:
    """Whether the sentence puts another country where the question puts one: the question's
    country is nowhere in ``window`` (the sentence and its neighbours), and the sentence names
    a country the question does not after the same preposition ("from China" for "from North
    Korea") or before the same word ("Chinese citizens" for "North Korean citizens")."""
    if not asked:
        return False
    near = {m.country for m in mentions(window)}
    named = {m.country for m in asked}
    said = [m for m in mentions(sentence) if m.country not in named]
    for q in asked:
        if q.country in near:
            continue
        for s in said:
            if (q.before in SLOT_WORDS and q.before == s.before) or (q.after and q.after == s.after
                                                                      and q.after not in STOPWORDS):
                return True
    return False
