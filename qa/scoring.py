"""Sentence-level evidence scoring, shared by the reranker and the answer composer.

A sentence is scored against the question by three signals that the bundled bi-encoder and
the text itself provide: semantic similarity (stored sentence embeddings), overlap of the
question's rarer terms (IDF-weighted, stemmed) and whether it holds the kind of answer the
question asks for (a figure, a date, a name).
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qa.chunking import is_heading, is_reference
from qa.schema import Chunk, Passage, Sentence

# Words that carry no topic: English function words and the words questions are made of.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing done down during each either few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now
of off on once only or other our ours ourselves out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours yourself yourselves
according among amid did do does describe described explain give kind known list main mention mentioned name named
one ones please say says said tell type way ways whose whether
allegedly apparently purportedly reportedly reputedly supposedly
approximately roughly around nearly almost estimated
""".split())  # the last lines: hedges a question asks with ("reportedly", "roughly how long"), which
# say nothing of what is asked

NUMBER_QUESTION = re.compile(
    r"\b(how (much|many|large|big|long|high|far|often)|(what(?:’s|'s)?(?! about\b)|compare) ([\w’'/–-]+ ){0,5}(percentage|percent|"
    r"share|proportion|fraction|amount|value|volume|number|sum|total|level|figure|size|quantity|rate|price|cost|length|"
    r"distance|population|area|duration|height|width|depth|weight|count|headcount|tally|output|tonnage|tonnes|tons|cap|"
    r"ceiling|quota|values|figures|amounts|totals|numbers|volumes|tonnages|quantities|sums|prices|percentages)|"
    r"by how much|in (?:metric )?(?:tonnes|tons|barrels|litres|liters|gallons|kilograms|cubic metres)|"
    r"(what|how much) (is|was|are|were|has|had) (\S+ ){1,6}?worth|"
    r"what\b[^?,;]{0,60}\bper (?!(?:cent|the|a|an)\b)[a-z]+)\b|(?<!\d)(?<!\d\s)%",
    re.I)  # up to five words between: "what was the total value", "what officially reported China–North Korea
# trade figure", "compare the length of …", "what cap did …"; a unit ("…, in barrels?"); "what was X worth"; a
# rate ("What's Moscow paying per shell?",
# not "per the FVEY source": according to it);
# a search's "%" after no figure ("gdp decline % 2020")
CUE_KINDS = ("reason", "exchange")  # kinds told by a cue word, not by a figure or a name (SentenceWeights.cue)
REASON_QUESTION = re.compile(r"\b(why|how come|how (was|were|did|does|do|is|are|could|can) \w+( \w+)? (able|manage))\b|"
                             r"\b(what|which)\b.*\b(reasons?|causes?|explanations?|explains?|motivat\w*|motives?|drives?|"
                             r"drivers?|rationale|justifications?|purposes?|payoffs?)\b|"
                             # "What caused the rise …", "what drove …", "what led to …"
                             r"\bwhat (?:caused|drove|prompted|triggered|led to|lay behind|was behind|is behind)\b",
                             re.I)
REASON = re.compile(r"\b(because|due to|owing to|as a result|result of|since|given|thanks to|in order to|so that|"
                    r"driven by|stems? from|allow\w*|enabl\w*|complicat\w*|aim\w* to|so as to|reason|"
                    r"lead(s|ing)? to|led to|caus\w*|therefore|hence|thus|rooted in|intend\w*|goal|purpose|objective|"
                    r"explanation|explain\w*|traced? to|attribut\w* to|needs? to|in a bid to|seek\w* to|in response to|"
                    r"respond\w* to|motiv\w*|to (avoid|prevent|protect|preserve|ensure|mitigate|counter|maintain|secure))\b",
                    re.I)
# What one side gives for what the other gives: "what does North Korea get in return for its
# shells", "… offer Beijing in exchange for …". The answer names the counterpart, usually with a
# word of exchange ("in exchange for food", "In return, Chinese firms …", "repay", "barter").
EXCHANGE_QUESTION = re.compile(r"\b(in (return|exchange)|as (payment|compensation) for|"
                               r"what (\w+ ){0,4}(get|gets|receive|receives|obtain|obtains|earn|earns)\b.{0,60}\bfor)\b",
                               re.I)
EXCHANGE = re.compile(r"\b(in (return|exchange)|exchange for|swap\w*|barter\w*|repa(y|ys|id)|quid[- ]pro[- ]quo|"
                      r"compensat\w*|paid (in|with)|pa(y|ys|ying) (in|with))\b", re.I)
# "When" asks for a date where it opens the question or a part of it, not in a clause: "what
# quarantine would foreigners face when the borders reopened" asks for the quarantine, and so
# does "When Pyongyang reopened, how long a quarantine …" (a clause before the question word; not
# "When did …"). "What year-on-year growth" asks for a rate.
DATE_QUESTION = re.compile(r"(?:^\s*|\b(?:and|or|but)\s+|[,;]\s*)when\b"
                           r"(?!\s+(?!(?:did|does|do|is|are|was|were|will|would|has|have|had|can|could|should)\b)"
                           r"[^,?]*,\s*(?:what|which|how|who|whose|where|why)\b)|"
                           r"\b(what (year|date|month|day|time)|which (year|month|date)|since when)\b(?!-)", re.I)
# The category noun may be plural ("which provinces"). A do-verb after "what" makes the noun the
# subject, not what is asked: "what do Chinese companies send back" asks for what they send.
# "Official" before a word for data is an adjective: "what official figures" asks for figures.
ENTITY_QUESTION = re.compile(
    # "Name the …" asks as "which …" does
    r"(^\s*(?:name|identify)(?: (?:the|any|all|some|one|two|three|four|five))?|\b(?:who|whom|whose|which|what)) "
    r"(?!(?:kinds?|sorts?|types?|forms?) of\b)"  # "what sort of body": a description answers, not a name
    # two words before the category, each maybe one of a pair ("which Chinese or Russian bank")
    r"((?!(?:do|does|did|can|could|will|would|should|must|might|may)\b)[\w-]+ (?:(?:and|or) [\w-]+ )?){0,2}"
    r"(compan(?:y|ies)|firms?|organi[sz]ations?|agenc(?:y|ies)|countr(?:y|ies)|banks?|ministr(?:y|ies)|"
    r"institutions?|person|leaders?|corporations?|bod(?:y|ies)|governments?|authors?|newspapers?|"
    r"officials?(?! (?:figures?|data|statistics|numbers?|estimates?|trade|sources?|reports?|values?|totals?|amounts?|tall(?:y|ies))\b)|"  # not "official data"
    r"regions?|provinces?|entit(?:y|ies)|subsidiar(?:y|ies)|manufacturers?|suppliers?|producers?|partners?|"
    r"reports?|think tanks?|cit(?:y|ies)|groups?|states?|ports?|universit(?:y|ies)|media|outlets?)\b(?!-)|"
    r"^\s*who\b|\bwho (\w+ )?(authored|wrote|said|confirmed|reported)\b", re.I)
# "What is the name of …", "what was the treaty called": a name, whatever else the question says
# ("… opened in exchange for solar investment" is no exchange question then).
NAME_QUESTION = re.compile(r"\b(what|which) ((is|was|are|were) the )?names? of\b|"
                           r"\bwhat (is|was|are|were) (\w+ ){1,8}called\b(?! (for|on|upon|off)\b)", re.I)
NUMBER = re.compile(r"(\$|€|£)?\d[\d,.]*\s*(%|percent|per cent|million|billion|trillion|thousand)?|"
                    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion)\b", re.I)
DESIGNATION_QUESTION = re.compile(r"\b([a-z]+) number\b(?!\s+of\b)", re.I)  # "the resolution number"
BARE_NUMBER = re.compile(r"\d{4}")  # a year or an identifier ("Resolution 2375"), not a quantity
# A number question may ask for a share or a sum of money: the answer then shows a percent sign
# or a currency, not just any figure.
# (not "share" as a verb: "the frontiers China and Russia each share with North Korea")
SHARE_QUESTION = re.compile(r"\b(percentage|percent|share(?!\s+(?:with|a|an|the|their|its)\b)|proportion|fraction)\b|"
                            r"(?<!\d)(?<!\d\s)%", re.I)
MONEY_QUESTION = re.compile(r"\b(price|cost|costs|paid|pay|pays|paying|earn\w*|spen[dt]|invest\w*|worth|revenue|income|value|"
                            r"money|funds|funding|financing|cash)\b", re.I)
SHARE = re.compile(r"%|\bper ?cent\b", re.I)
# "How long is the border", "how long did the closure last": a length or a span of time, not a share
# of trade ("how far below its pre-pandemic level" asks for a gap, often a percentage).
MEASURE_QUESTION = re.compile(r"\b(how long|how far(?! (below|above|behind|ahead|short|off)\b)|length|distance)\b",
                              re.I)
MEASURE = re.compile(r"(\d[\d,.]*|\b(two|three|four|five|six|seven|eight|nine|ten|several))\s*(-\s*)?"
                     r"(miles?|mi|km|kilomet(er|re)s?|met(er|re)s?|feet|foot|yards?|years?|months?|weeks?|days?|hours?|"
                     r"decades?)\b", re.I)
# A quantity asked in a unit of mass or volume is given in one: (what the question names, what the text must hold).
_SCALE = r"\d[\d,.]*\s*(?:(?:million|billion|thousand)\s+)?"
UNITS = ((re.compile(r"\b(tonnes?|tons?|tonnage|kilo(gram)?s?|kg|pounds|lbs)\b", re.I),
          re.compile(_SCALE + r"(?:metric\s+)?(tonnes?|tons?|t|kilo(gram)?s?|kg|pounds|lbs)\b", re.I)),
         (re.compile(r"\b(barrels?|litres?|liters?|gallons?|cubic (met(er|re)s?|feet)|bcm)\b", re.I),
          re.compile(_SCALE + r"(barrels?|bbl|litres?|liters?|gallons?|cubic (met(er|re)s?|feet)|m3|m³|bcm)\b", re.I)))
COUNT_QUESTION = re.compile(r"\bhow many\b", re.I)
LEADING_NUMBER = re.compile(r"\s*(by )?how (much|many)\b", re.I)
CURRENCY = "$€£¥"
# What follows a number that is no count of things: a currency, a share, a length.
NOT_A_COUNT = re.compile(r"\s*(%|per ?cent\b|(million |billion |trillion )?(dollars?|yuan|renminbi|rubles?|roubles?|"
                         r"won|euros?)\b|(mm|cm|km|mi|miles?|met(er|re)s?|kilomet(er|re)s?)\b)", re.I)
# A figure joined to a word by a hyphen is part of a name, never a quantity: "COVID-19", "Su-35"
# (a number in words is not: "ninety-three").
NAME_NUMBER = re.compile(r"[^\W\d_]-$")
# A figure right after a capitalised word, not the sentence's first, belongs to that name.
NAMED_FIGURE = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w’']*[\s-](\d[\d,.]*-)?$")
MONEY = re.compile(r"[$€£¥]\s?\d|\d\s*(million|billion|trillion)?\s*(dollars?|yuan|renminbi|rubles?|roubles?|won|euros?)\b",
                   re.I)  # an amount: "$360 million", "5 billion rubles" (not the word "rubles" alone)
# A number or a date asked at an extreme ("the highest monthly value", "when did it peak") is
# given with a word for that extreme: any other figure is no answer to it. The words of one
# extreme stand for each other in term overlap ("highest" asked, "a peak" written).
EXTREME_WORDS = (("highest", "peak", "peaks", "peaked", "largest", "biggest", "maximum", "record"),
                 ("lowest", "smallest", "minimum", "trough", "bottom", "bottomed", "at least"))
EXTREMES = tuple(re.compile(rf"\b({'|'.join(group)})\b", re.I) for group in EXTREME_WORDS)
# "record" as a verb asks at no extreme ("before we record", "how many cases did they record")
RECORD_VERB = re.compile(r"\b(?:I|we|you|they|to|will|would|can|could|did|do|does)\s+record\b", re.I)
# Alternatives a question ends on, after a comma ("…, Malaysia or Armenia?"; not "killed or
# captured?"): one of them answers it, and where the question compares them, only a sentence that
# compares does.
CHOICE = re.compile(r",\s*(?:the\s+)?([\w’'. -]{2,40}?)\s+or\s+(?:the\s+)?([\w’'. -]{2,40}?)\s*[?.]*\s*$")
COMPARATIVE = re.compile(r"\b(more|less|fewer|larger|bigger|higher|lower|greater|smaller|earlier|later|than|most|least)\b",
                         re.I)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b")
DATE = re.compile(rf"{YEAR.pattern}|\b({MONTHS})\b", re.I)
MONTH = re.compile(rf"\b({MONTHS})\b")  # capitalised: "may" is a verb
# A date a state or a series runs from ("delivered … since September"), which answers when it began
SINCE_DATE = re.compile(rf"\bsince\s+(?:(?:early|late|mid)[\s-]+)?(?:(?:{MONTHS})\b\s*)?(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s*)?"
                        rf"(?:{YEAR.pattern})?")
START_QUESTION = re.compile(r"\b(?:since|start\w*|began|begin\w*|first|commenc\w*|launch\w*|onset)\b", re.I)
# "In what year …" is answered by a year: "on September 13" is a date, but not the one asked.
YEAR_QUESTION = re.compile(r"\b(?:what|which) years?\b(?!-)", re.I)
# A month abbreviated before a day, a year or another month ("aug 2023", "mar-dec 2016"); not "may"
MONTH_NAMES = {m[:3].lower(): m for m in MONTHS.split("|")}  # "aug": "August"
SHORT_MONTH = re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?(?=\s*\d|\s*[-–/]\s*[a-z]{3}\b)", re.I)
COMPASS = re.compile(r"(North|South|East|West)(ern)?")
CAPITALISED = re.compile(r"[A-Z][\w’']*")
# "Where did … hold the summit?", "…, and where …": a place is asked for, named after a word for
# where ("in Brussels", "at the Vostochny Cosmodrome"); a month after "in" is a date.
PLACE_QUESTION = re.compile(r"(?:^\s*|\b(?:and|or|but)\s+|[,;]\s*)where\b", re.I)
PLACE = re.compile(rf"\b(?:in|at|near|outside|inside)\s+(?:the\s+)?(?!(?:{MONTHS})\b)[A-Z][\w’'-]+")
# a date after a name is no part of it ("met in Pyongyang October 2023"; "Theresa May" stays whole)
NAME_WORDS = rf"[A-Z][\w’'&.-]*[A-Za-z](?:\s+(?:of\s+)?(?!(?:{MONTHS})\s+\d)[A-Z][\w’'&.-]*)*"
NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b" + NAME_WORDS)
OPENING_NAME = re.compile(r"\s*(" + NAME_WORDS + ")")  # the capitalised words a sentence opens with
SAY_VERBS = r"says?|said|reports?|reported|claims?|claimed|estimates?|estimated|states?|stated"  # a source's words
SAYS = rf"(?:{SAY_VERBS})"
# Where a sentence names its source ("According to Oleh Ivashchenko, head of Ukraine's Foreign
# Intelligence Service, …", "a fact sheet released by the US State Department", "Treasury reported
# …"): a name there says who tells, not who or what is told of (``holds_kind``)
SOURCE = re.compile(r"\b(?i:according to) [^,.;:]{1,60}(?:,\s+(?:an?\s+|the\s+)?[a-z][^,.;:]{0,60}(?=,))?|"
                    r"\b(?:released|published|issued|compiled|announced) by [^,.;:]{1,60}|"
                    rf"{NAME_WORDS}(?=\s+(?:{SAY_VERBS}|confirmed|revealed|noted|warned|told|observed?|argued)\b)")
# Categories a source may belong to ("which agency …", "which newspaper …"): only for the others
# ("which bank", "which port") is a name in a source's place no answer
SOURCE_KINDS = frozenset({"report", "newspaper", "agency", "ministry", "organisation", "organization", "institution",
                          "author", "official", "government", "body", "think tank", "outlet", "media", "leader",
                          "person", "group", "university", "country", "state", "partner"})
LOWER_WORD = re.compile(r"\b[a-z][\w’'-]*")
AFTER_LABEL = re.compile(r":\s*\Z")  # a label's colon just before (searched in the few characters before a name)
POSSESSIVE = re.compile(r"(’s|'s)$")
LABEL = re.compile(r"^[^:.!?]{1,60}:\s")  # a bullet point's label ("Disguised Trade: …"): a heading, no detail
TOKEN = re.compile(r"[\w$%’'-]+")
WORD_RUN = re.compile(r"[^\W\d_]+")  # a run of letters: the words whose lower-case pairs _cased_names reads
DASH = re.compile(r"[-–—]")  # joins two names ("US-China") that are looked up one by one
FIGURE = re.compile(r"\d[\d,.]*\d|\d")
# A phrase naming a document (TermStats.named_documents): "the capacity-leasing article",
# "(lhpgop article)", "the article on Putin's gamble", "according to Extrema Ratio".
DOCUMENT_NOUN = r"(?:article|report|analysis|piece|paper|study|brief|commentary|essay|post|story)"
DOCUMENT_PHRASE = re.compile(
    rf"(?:\b(?:the|this|that|an?)\s+|\()((?:(?!(?:the|this|that|an?)\s)[\w’'‘\"-]+\s+){{0,4}}?){DOCUMENT_NOUN}(?:’s|'s)?\b"
    rf"(?:\s+(?:on|about|titled|called)\s+((?:[\w’'‘\"-]+\s*){{1,4}}))?|"
    rf"\baccording to\s+((?:[A-Z][\w’'-]*\s*){{1,3}})")
COORDINATION = re.compile(r"\band\b|,")  # where the words about one named document end and the next's begin
FOOTNOTE = re.compile(r"\[\d+\]")  # "[17]": a reference, not a figure
# Footnote markers and opening quotes that may stand before a sentence's first word.
LEAD_IN = rf"^(?:{FOOTNOTE.pattern}\s*|[«“\"‘']\s*)*"
# A sentence opening with one of these needs the sentence before it to be understood: it names
# what "this", "the two" or "the former" is, or the cause that "as a result" follows from. (A
# connective such as "However," only links: "However, trade reached $216.53 million" stands alone.)
REFERS_BACK = re.compile(LEAD_IN + r"(this|these|that|those|it|its|they|their|such|he|she|his|her|therefore|thus|"
                                   r"as a result|the former|the latter|the same|the two|in (return|exchange)(?! for))\b",
                         re.I)  # "In return, Chinese firms operate plants": for what the sentence before says


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (English) stem of one lowercase word."""
    return _stemmer().stemWord(word)


# Capitalised words joined by hyphens: a name written either way ("Kim Jong-Un", "Kim-Jong-Un" for
# "Kim Jong Un"), or names joined ("Sino-Russian", "China-Russia"): read word by word.
HYPHENED_NAME = re.compile(r"[A-Z][^\W\d_]*(?:-[A-Z][^\W\d_]*)+")


def words(text: str) -> list[tuple[str, str]]:
    """Content words of ``text`` (stopwords dropped) as written, each with its (lowercase) stem."""
    out = []
    for tok in TOKEN.findall(text):
        tok = tok.strip("'’-")
        if tok.endswith(("'s", "’s", "'S", "’S")):
            tok = tok[:-2]
        for part in tok.split("-") if HYPHENED_NAME.fullmatch(tok) else (tok,):
            low = part.lower()
            if low and low not in STOPWORDS:
                out.append((part, stem(low)))
    return out


def terms(text: str) -> list[str]:
    """Stemmed content words of ``text`` (stopwords dropped)."""
    return [root for _, root in words(text)]


def names(text: str) -> frozenset[str]:
    """Stemmed terms of the names ``text`` mentions ("the Yalu River", "GDP"), its first word aside."""
    return frozenset(t for m in NAME.findall(text) for t in terms(DASH.sub(" ", m)))


def spell_months(text: str) -> str:
    """``text`` with its abbreviated months spelt out: "mar-dec 2016" as "March-December 2016"."""
    return SHORT_MONTH.sub(lambda m: MONTH_NAMES[m.group(1)[:3].lower()], text)


def months(text: str) -> frozenset[str]:
    """The months ``text`` names ("October")."""
    return frozenset(MONTH.findall(text))


def extremes(question_terms: frozenset[str]) -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    """For each question term naming an extreme ("highest"), the other words of that extreme
    ("peak", "maximum"), at full credit: the related terms ``Question.related`` holds."""
    out = []
    for group in EXTREME_WORDS:
        stems = sorted({stem(w) for w in group})
        for term in sorted(question_terms & set(stems)):
            out.append((term, tuple((other, 1.0) for other in stems if other != term)))
    return tuple(out)


def figures(text: str) -> frozenset[str]:
    """The figures ``text`` names (a year, a resolution number, "152"), footnote markers aside."""
    return frozenset(FIGURE.findall(FOOTNOTE.sub(" ", text)))


def answer_kind(question: str) -> str | None:
    """What kind of answer the question asks for: "reason", "exchange", "number", "date", "place", "entity"
    or None."""
    if NAME_QUESTION.search(question):
        return "entity"
    if REASON_QUESTION.search(question):
        return "reason"
    if LEADING_NUMBER.match(question):  # "How much did China invest … in exchange for …": an amount
        return "number"
    # "Which mine did it open in exchange for …" asks a name, not what was exchanged
    if EXCHANGE_QUESTION.search(question) and not asks_which_one(question):
        return "exchange"
    if NUMBER_QUESTION.search(question):
        return "number"
    if DATE_QUESTION.search(question):
        return "date"
    if PLACE_QUESTION.search(question):
        return "place"
    if ENTITY_QUESTION.search(question) or asks_which_one(question):
        return "entity"
    return None


# "Which former airfield was …", "which cryptocurrency does …", "which Chinese contractor built …": the
# noun after "which" (up to four words on), ending before a verb, a preposition or a participle.
WHICH_NOUN = re.compile(r"\b(?i:which) ((?:[\w’'-]+ ){0,4}?)([a-z][\w-]*)(?= (?:is|was|are|were|has|have|had|do|"
                        r"does|did|can|could|will|would|of|in|to|from|for|that|on|with|at|by|between|said|says|"
                        r"\w+ed|built|made|sold|paid|sent|held|led|ran|bought|gave|took|won|lent|spent|brought)\b|[?,])")
PLURAL = re.compile(r"[a-z]+[^su]s")  # "minerals", not "Brookings" (a name), "press" or "status"


def asks_which_one(question: str) -> bool:
    """Whether "which" asks for one thing of a kind, which a name answers ("Which Brookings
    analyst …", "which cryptocurrency …"). Not a plural ("which minerals": common nouns answer,
    "gallium, germanium") nor a vague noun ("which type of equipment": a kind answers)."""
    m = WHICH_NOUN.search(question)
    return bool(m) and not any(PLURAL.fullmatch(w) for w in (*m.group(1).split(), m.group(2))) \
        and stem(m.group(2)) not in _vague_stems()


PAIRED = re.compile(r"([a-z][\w-]*) (?:or|and) $")  # the first of a pair before the noun ("cryptocurrencies or ")


def which_nouns(question: str) -> frozenset[str]:
    """The stems of the category "which" asks members of, one or a pair ("which cryptocurrencies or
    stablecoins …"); none for a vague noun ("which type …") or another question."""
    m = WHICH_NOUN.search(question)
    if not m or stem(m.group(2)) in _vague_stems():
        return frozenset()
    pair = PAIRED.search(m.group(1))
    return frozenset({stem(m.group(2))} | ({stem(pair.group(1))} if pair else set()))


def holds_kind(kind: str | None, text: str, question: str = "", opening_names: frozenset[str] = frozenset()) -> float:
    """1.0 when ``text`` holds an answer of ``kind`` (a name must be one the question lacks).
    ``opening_names``: the words that are names even where they open a sentence
    (``TermStats.opening_names``)."""
    text = FOOTNOTE.sub(" ", text)
    if kind in ("number", "date", "entity") and lacks_extreme(question, text):
        return 0.0  # the highest value asked, a monthly average given; the largest reserves, a list of mines
    if kind == "number":  # a quantity: a year or a resolution number alone is no answer to "how many"
        # nor a figure the question names ("How many Desertcross 1000-3 vehicles …": the model's number)
        if _asked_extreme_and_date(question)[1] and not DATE.search(text):
            return 0.0  # it asks when too ("the peak monthly value, and in which month"): both must be there
        asked = figures(question)
        if asked:
            text = FIGURE.sub(lambda m: " " if m.group() in asked else m.group(), text)
        # "the resolution number" asks which one: "Resolution 2375" answers it
        designation = DESIGNATION_QUESTION.search(question)
        if designation and re.search(rf"\b{designation.group(1)}\s+\d", text, re.I):
            return 1.0
        form = _number_form(question)
        if form is not None:
            return float(bool(form.search(text)))
        counts = bool(COUNT_QUESTION.search(question))
        return float(any(_is_quantity(text, m, counts) for m in NUMBER.finditer(text)))
    if kind == "date":
        if not START_QUESTION.search(question):  # "since September": when it began, not when it happened
            text = SINCE_DATE.sub(" ", text)
        return float(bool((YEAR if YEAR_QUESTION.search(question) else DATE).search(text)))
    if kind == "place":
        return float(bool(PLACE.search(text)))
    if kind == "reason":
        return float(bool(REASON.search(text)))
    if kind == "exchange":
        return float(bool(EXCHANGE.search(text)))
    if kind == "entity" and CHOICE.search(question):
        return 1.0  # one of the alternatives it offers, named (``lacks_extreme``), answers it
    if kind == "entity":
        from qa.mentions import aliases, countries_in, initials  # mentions builds on this module

        asked, countries, acronyms, country_answers, countries_only, named, sources_answer = _asked_names(question)
        text = LABEL.sub("", text)
        found = NAME.findall(text)
        sources = set() if sources_answer else {name for m in SOURCE.finditer(text)
                                                for name in NAME.findall(f" {m.group()}")}
        opening = OPENING_NAME.match(text)
        if opening and COMPASS.fullmatch(opening.group(1).split()[0]) and found and opening.group(1).endswith(found[0]):
            found[0] = opening.group(1)  # "South Korean …" opening a sentence is South Korea's, not "Korean"
        # a name opening the sentence ("Ivashchenko confirmed …") is mostly a person named before: an
        # answer to "who" or "which analyst", not to a category ("which bank"), whose members are
        # named in full
        if opening and opening.group(1).split()[0] in opening_names and not asks_category(question):
            found.insert(0, opening.group(1))
        # a label's words are capitalised as a heading, not as names; a month or a point of the
        # compass ("Western sanctions") is no name
        for name in found:
            if DATE.fullmatch(name) or all(COMPASS.fullmatch(w) for w in CAPITALISED.findall(name)) or name in sources:
                continue
            country = aliases().get(POSSESSIVE.sub("", name))
            if countries_only and not countries_in(name) - countries:
                continue  # "which country …": a newspaper or a ministry of a country asked is none
            if any(set(own) <= set(terms(name)) and terms(name)[-1] == own[-1] for own in named):
                continue  # the full name of one it names ("Ukrainian President Volodymyr Zelenskyy")
            if not set(terms(folded(name))) <= asked and not _acronym_given(name, initials(name), acronyms) and country not in countries \
                    and not (country and not country_answers):
                return 1.0
    return 0.0


def folded(text: str) -> str:
    """``text`` without its accents: "Sinŭiju" is "Sinuiju"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _acronym_given(name: str, short: str, acronyms: frozenset[str]) -> bool:
    """Whether ``name`` (``short``: its acronym) is one a question gives by its acronym or gives in
    full: "RCC" asked, "Russian Copper Company" said, or the other way round (``acronyms``: those of
    the question's names)."""
    return name in acronyms or (len(short) > 1 and short in acronyms)


def _is_quantity(text: str, number: re.Match, count: bool) -> bool:
    """Whether ``number`` (a NUMBER match in ``text``) is a quantity, and when ``count``, a count of
    things: not a sum of money, a share or a length ("how many tests": not "10000 km"), nor a figure
    that is part of a name ("Desertcross 1000-3", "Hwasong-17", "March 24th")."""
    value = number.group().strip().rstrip(",.")
    if BARE_NUMBER.fullmatch(value) or value[0].isdigit() and NAME_NUMBER.search(text, 0, number.start()):
        return False
    return not count or not (value[0] in CURRENCY or SHARE.search(value) or NOT_A_COUNT.match(text, number.end())
                             or NAMED_FIGURE.search(text, 0, number.start()))


def lacks_extreme(question: str, text: str) -> bool:
    """Whether ``question`` asks for something at an extreme ("the largest reserves") and
    ``text`` has no word for that extreme, or asks to choose between alternatives ("…, bitcoin or
    USDT?") and ``text`` names none of them, or compares them ("Who exports more …, Malaysia or
    Armenia?") and ``text`` does not."""
    if any(not e.search(text) for e in _asked_extreme_and_date(question)[0]):
        return True
    choice = CHOICE.search(question)
    if not choice:
        return False
    said = set(terms(text))
    if not any(set(terms(option)) <= said for option in choice.groups()):
        return True
    return bool(COMPARATIVE.search(question, 0, choice.start())) and not COMPARATIVE.search(text)


@lru_cache(maxsize=1024)  # asked of the same question once per candidate sentence
def _number_form(question: str) -> re.Pattern | None:
    """What a number asked must come with, the first that applies: a share ("what percentage"),
    a length or span ("how long"), an amount of money ("what price"), a unit of mass or volume
    ("how many tonnes": not "$1 billion worth"); None for any number."""
    for asks, gives in ((SHARE_QUESTION, SHARE), (MEASURE_QUESTION, MEASURE), (MONEY_QUESTION, MONEY), *UNITS):
        if asks.search(question):
            return gives
    return None


@lru_cache(maxsize=1024)  # asked of the same question once per candidate sentence
def _asked_extreme_and_date(question: str) -> tuple[tuple[re.Pattern, ...], bool]:
    """The extremes a question asks a figure at (``EXTREMES``), and whether it also asks when."""
    said = RECORD_VERB.sub(" ", question)
    return tuple(e for e in EXTREMES if e.search(said)), bool(DATE_QUESTION.search(question))


# What a country's name may answer: "which country", "which state". Not a company, a city, a
# newspaper or an ambassador; a question with no category ("Who supplies the drones?") may be.
COUNTRY_FOCUS = frozenset({"countri", "state", "govern", "partner", "nation", "power", "alli"})
COUNTRY_ONLY = frozenset({"countri", "nation"})  # what only a country's name answers
WHOSE = re.compile(r"\bwhose\b", re.I)  # "Whose intelligence officials …": South Korea's, a country's
# "Who heads the interagency group …", "who runs …": a person or a body answers, never a country
HEAD_WORDS = ("head", "leader", "chief", "director", "chair", "chairman", "chairwoman", "boss")  # whoever heads a body
# Words any of which names what another asks for (``names_focus``): whoever heads a body ("the
# intelligence chief" asked, "head of Ukraine's Foreign Intelligence Service" written), a country's
# people ("Chinese nationals" asked, "Chinese citizens" written)
# an occasion counted is a time ("how many separate deliveries": "at least five times")
SAME_THING = (HEAD_WORDS, ("citizens", "nationals", "people", "persons", "individuals"),
              ("times", "occasions", "instances", "deliveries", "shipments"))
LEADER_QUESTION = re.compile(r"\bwho (?:leads|led|heads|headed|runs|ran|chairs|chaired|directs|directed|manages|managed|"
                             r"owns|owned|founded|commands|commanded)\b|"
                             r"\bwho(?:’s|'s| is| was| are| were) (?:leading|heading|running|chairing|directing|managing|"
                             r"commanding)\b|\bwho (?:is|was|are|were) (?:the )?"
                             # "Who is RCC's beneficial owner": a body's, a word on before the role
                             rf"(?:\S+(?:’s|'s) )?(?:\w+ )?(?:{'|'.join(HEAD_WORDS)}|owner|founder|commander)s?\b", re.I)


@lru_cache(maxsize=1)
def _same_stems() -> tuple[frozenset[str], ...]:
    return tuple(frozenset(map(stem, group)) for group in SAME_THING)


def names_focus(focus: str, held: set[str] | frozenset[str]) -> bool:
    """Whether terms ``held`` name the thing a question asks for (``Question.focus``): its own word,
    or another word for it (``SAME_THING``)."""
    return focus in held or any(focus in group and group & held for group in _same_stems())


@lru_cache(maxsize=1024)  # asked of the same question once per candidate sentence
def _asked_names(question: str) -> tuple[frozenset[str], frozenset[str], frozenset[str], bool, bool,
                                         tuple[list[str], ...], bool]:
    """What an entity question already names, so that a sentence's name that is one of them is no
    answer: the terms of its names, its countries under any of their names ("the PRC" for "Chinese"), the
    acronyms of its names ("RCC" for "Russian Copper Company"); whether a country's name
    may answer it (COUNTRY_FOCUS), and whether only a country's may (COUNTRY_ONLY); the terms of
    each of its names that is no country's, whose full name is no answer either; and whether a
    source's name may answer it (not "which bank": ``SOURCE_KINDS``)."""
    from qa.mentions import countries_in, initials

    focus = answer_focus(as_asked(question))
    if focus is None and asks_which_one(question):  # "which cryptocurrency": no country
        focus = stem(WHICH_NOUN.search(question).group(2))
    country_answers = (focus is None or focus in COUNTRY_FOCUS or bool(WHOSE.search(question))) \
        and not LEADER_QUESTION.search(question)
    # its names' words, not its common words: "the Entity List" answers "which export-control
    # list … entities"; its first word too, which NAME passes over
    names = NAME.findall(question)
    named = [question.split(maxsplit=1)[0], *names] if question.strip() else []
    own = tuple(t for t in (terms(name) for name in named if not countries_in(name)) if t)
    # also as the documents may write them: without accents ("Sinuiju" for "Sinŭiju"), run together
    # ("YaluRiver" for "Yalu River")
    spellings = [form for name in named for form in (name, folded(name), folded(name).replace(" ", ""))]
    return (frozenset(t for name in spellings for t in terms(name)), countries_in(question),
            frozenset(initials(name) for name in names), country_answers, focus in COUNTRY_ONLY, own,
            not asks_category(question) or focus in _source_stems())


@lru_cache(maxsize=1)
def _source_stems() -> frozenset[str]:
    return frozenset(map(stem, SOURCE_KINDS))


SPELT_NAME = re.compile(r"\b[A-Z][^\W\d_]*(?:[’'-][^\W\d_]+)*\b(?![\d’'-])")  # "Zelenskyy", "Sinŭiju"; not "Hwasong-17"
MIN_RESPELT_CHARS = 5  # shorter names are too close to each other to tell a typo ("Iran", "Iraq")


def one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one added, dropped or changed letter, or two swapped ones."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    i = next((i for i, (x, y) in enumerate(zip(short, long)) if x != y), len(short))
    return short[i:] == long[i + 1:]


class TermStats:
    """Inverse document frequencies over the indexed chunks (the rarer a term, the more it says),
    and over the documents' titles and sources (to tell which document a question names)."""

    def __init__(self, chunks: list[Chunk]):
        from qa.mentions import aliases, countries_in, country_codes  # qa.mentions reads this module's patterns

        df = Counter()
        for chunk in chunks:
            df.update(set(terms(chunk.text)))
        self.n = max(len(chunks), 1)
        self.idf = {t: math.log(1 + self.n / c) for t, c in df.items()}
        self.unseen = math.log(1 + self.n)  # a term the corpus never uses is as rare as can be
        titles = {c.doc_id: f"{c.title} {c.source}" for c in chunks}
        self.source_terms = {doc_id: frozenset(terms(title)) for doc_id, title in titles.items()}
        source_df = Counter(t for held in self.source_terms.values() for t in held)
        docs = max(len(self.source_terms), 1)
        self.source_idf = {t: math.log(1 + docs / c) / math.log(1 + docs) for t, c in source_df.items()}
        self.known = set(self.idf) | set(source_df)  # every term the documents, their titles or sources use
        # for naming a document, a compound counts word by word ("the economic-triangle analysis")
        self.naming_terms = {doc_id: frozenset(terms(DASH.sub(" ", title))) for doc_id, title in titles.items()}
        self.naming_df = Counter(t for held in self.naming_terms.values() for t in held)
        # the capitalised words of the documents, as written: what a misspelt name is respelt to
        self.name_forms = frozenset(w for text in [*(c.text for c in chunks), *titles.values()]
                                    for w in SPELT_NAME.findall(text))
        # the names a sentence may open with, where NAME passes them over: words the documents write
        # capitalised inside a sentence (not after a label's colon) and never in lower case
        inside = {w for c in chunks for m in NAME.finditer(c.text)
                  if not AFTER_LABEL.search(c.text, max(m.start() - 16, 0), m.start()) for w in m.group().split()}
        lower = {w for c in chunks for w in LOWER_WORD.findall(c.text)}
        self.opening_names = frozenset(w for w in inside if w.lower() not in lower)
        self.cased, self._lower_cased = _cased_names(chunks, lower)
        # the countries the documents name, by any of their names: "NK" asked, "North Korea" written
        self.countries = frozenset(country for c in chunks for country in countries_in(c.text))
        # and the two-letter codes, typed in capitals ("RU imports" for Russia's), of those they call
        # by their name (not "Brussels" for Belgium), unless the code is a word ("IT", "MY") or a name
        # already ("US"); three letters are too often a word or a firm ("ARM" chips)
        text = " ".join(c.text for c in chunks).lower()
        named = {key for key in self.countries if re.search(rf"\b{re.escape(key)}\b", text)}
        self.codes = {code: self.cased.get(key, key.title()) for code, key in country_codes().items()
                      if len(code) == 2 and key in named and code not in aliases()
                      and not {code.lower()} & (lower | STOPWORDS)}
        self._code = re.compile(r"\b(?:" + "|".join(self.codes) + r")\b") if self.codes else None

    def respell(self, question: str) -> str:
        """``question`` with each capitalised word the documents never use, at least
        MIN_RESPELT_CHARS letters long (no figure in it: "Hwasong-18" is another missile) and no
        country's name nor a common word ("Where"), written as the one name of the documents
        a letter away (one added, dropped, changed, or two swapped): "Chian" as "China",
        "Zelensky" as "Zelenskyy", "Lavrow's" as "Lavrov's". A name two or more names are a
        letter away from stays as asked, and so does one the documents use: a near miss naming
        another company is no typo."""
        from qa.mentions import countries_in

        def fix(word: str) -> str:
            owner = POSSESSIVE.search(word)  # "Lavrow's": the name is "Lavrow"
            if owner:
                return fix(word[:owner.start()]) + owner.group()
            if (len(word) < MIN_RESPELT_CHARS or word in self.name_forms or word.lower() in STOPWORDS
                    or stem(word.lower()) in self.known or countries_in(word)):
                return word
            near = {form for form in self.name_forms if abs(len(form) - len(word)) <= 1 and one_edit(word, form)}
            return near.pop() if len(near) == 1 else word
        return SPELT_NAME.sub(lambda m: fix(m.group()), question)

    def as_written(self, question: str) -> str:
        """``question`` with its names as the documents write them: typed in lower case
        (``recase``), a month abbreviated ("since aug 2023"), misspelt by a letter (``respell``)."""
        return self.respell(self.recase(spell_months(question)))

    def recase(self, question: str) -> str:
        """``question`` with the names typed in lower case written as the documents write them:
        "dprk gdp decline in 2020" as "DPRK gdp decline in 2020", "north korean workers" as "North
        Korean workers" (see ``_cased_names``), and a country's code typed in capitals as its name
        ("RU imports" as "Russia imports"). The checks for a near miss read names by their capitals."""
        if self._code:
            question = self._code.sub(lambda m: self.codes[m.group()], question)
        return self._lower_cased.sub(lambda m: self.cased[m.group()], question) if self.cased else question

    def source_match(self, question_terms: frozenset[str], doc_id: str) -> float:
        """How specifically the question names this document ("according to the triangle
        analysis"): the most distinctive of its title and source terms the question uses, 1.0
        for a term no other document's title or source has, near 0 for one they all share."""
        return max((self.source_idf[t] for t in question_terms & self.source_terms.get(doc_id, frozenset())),
                   default=0.0)

    def named_documents(self, question: str) -> list[tuple[str, int, int]]:
        """The documents ``question`` names, in order, each with where the phrase naming it first
        stands: "the capacity-leasing article", "the SpecialEurasia report", "the article on
        Putin's gamble", "according to Extrema Ratio". A phrase names a document when a word of it
        is in that document's title or source line and no other's, and most of its words are
        (all of them after "on": "the report on sanctions evasion" is about a topic); a document
        noun alone names none."""
        named: list[tuple[str, int, int]] = []
        for m in DOCUMENT_PHRASE.finditer(question):
            before, after, source = (set(terms(DASH.sub(" ", g or ""))) for g in m.groups())
            phrase = before | after | source
            for doc_id, held in self.naming_terms.items():
                if (any(self.naming_df[t] == 1 for t in phrase & held) and after <= held and source <= held
                        and 2 * len(before & held) >= len(before) and doc_id not in {d for d, _, _ in named}):
                    named.append((doc_id, m.start(), m.end()))
        return named

    def ask_each(self, question: str) -> list[tuple[str, str]]:
        """A question naming several documents in one clause ("How many rounds do the triangle
        analysis (citing South Korean authorities) and the lhpgop article each report?") as asked
        of each: (document, the question's words that concern it). Each gets the words before
        the first document's phrase and after the last one; the words between two phrases go to
        the one before up to the last "and", to the one after from there ("… according to the
        SpecialEurasia report and according to the Dandong-based defector in the
        capacity-leasing article"). Empty when fewer than two documents are named."""
        named = self.named_documents(question)
        if len(named) < 2:
            return []
        cuts = []  # where the words of each document after the first begin
        for (_, _, end), (_, start, _) in zip(named, named[1:]):
            joins = list(COORDINATION.finditer(question, end, start))
            cuts.append(joins[-1].start() if joins else end)
        head, tail = question[:named[0][1]], question[named[-1][2]:]
        return [(doc_id, " ".join(f"{head} {question[a:b]} {tail}".split()))
                for (doc_id, _, _), a, b in zip(named, [named[0][1], *cuts], [*cuts, named[-1][2]])]

    def weight(self, term: str) -> float:
        """IDF of one stemmed term."""
        return self.idf.get(term, self.unseen)

    def coverage(self, question_terms: frozenset[str] | set[str], text_terms: set[str] | frozenset[str],
                 named: frozenset[str] = frozenset(), named_weight: float = 1.0,
                 related: dict[str, tuple[tuple[str, float], ...]] | None = None) -> float:
        """IDF-weighted share of the question's terms that ``text`` contains (0..1); terms in
        ``named`` count ``named_weight`` times their IDF; a term ``text`` lacks counts by the
        similarity of the closest of its ``related`` terms (``Question.related``) that it holds."""
        def weight(t: str) -> float:
            return self.weight(t) * (named_weight if t in named else 1.0)

        total = sum(weight(t) for t in question_terms)
        return sum(weight(t) * matched(t, text_terms, related) for t in question_terms) / total if total else 0.0

    def missing(self, question_terms: frozenset[str] | set[str], text_terms: set[str] | frozenset[str],
                related: dict[str, tuple[tuple[str, float], ...]] | None = None) -> list[float]:
        """The weight of each question term ``text`` lacks, less what a related term of it makes up."""
        return [self.weight(t) * (1.0 - m) for t in question_terms if (m := matched(t, text_terms, related)) < 1.0]


NOT_CASED = frozenset({"us"})  # typed in lower case a word, not the US ("tell us"), where stopwords are not enough


def _cased_names(chunks: list[Chunk], lower: set[str]) -> tuple[dict[str, str], re.Pattern]:
    """The names the documents capitalise by their lower-case spelling, with the pattern that finds
    them typed in lower case: the runs of capitalised words the documents never write in lower case,
    whole ("north korean" where "north" alone is also a common word; not "minister" alone, of
    "Defense Minister Shin Won-sik"), and every country's name in the gazetteer (qa.mentions) the
    documents never write in lower case ("nk" for North Korea, "peru" for a near miss about Peru)."""
    from qa.mentions import aliases

    pairs = set()  # the pairs of words the documents write in lower case one after the other
    written = Counter()
    for chunk in chunks:
        run = WORD_RUN.findall(chunk.text)
        pairs.update((a, b) for a, b in zip(run, run[1:]) if a.islower() and b.islower())
        for m in NAME.finditer(chunk.text):
            run = POSSESSIVE.sub("", m.group()).split()
            while run and run[0].lower() in STOPWORDS:  # "The Chinese …" after a quote mark: "Chinese"
                run = run[1:]
            written[" ".join(run)] += 1

    def never_lower(name: str) -> bool:
        parts = name.lower().split()
        if len(parts) == 1:
            return len(name) > 1 and not any(parts[0] in words for words in (lower, STOPWORDS, NOT_CASED))
        return any(pair not in pairs for pair in zip(parts, parts[1:]))

    forms: dict[str, str] = {}
    for name in [*(n for n, _ in written.most_common()), *aliases()]:
        if name and never_lower(name):
            forms.setdefault(name.lower(), name)
    keys = sorted(forms, key=len, reverse=True)  # the longest first: "north korea", not "north"
    return forms, re.compile(r"(?<![\w’'])(?:" + "|".join(map(re.escape, keys)) + r")(?!\w)")


def matched(term: str, text_terms: set[str] | frozenset[str],
            related: dict[str, tuple[tuple[str, float], ...]] | None = None) -> float:
    """1.0 when ``text_terms`` hold ``term``, else the similarity of its closest related term they hold, else 0."""
    if term in text_terms:
        return 1.0
    return max((sim for other, sim in (related or {}).get(term, ()) if other in text_terms), default=0.0)


# The counted noun ends before a verb, a clause, a preposition, or a participle that opens a
# phrase ("how many Chinese citizens fighting for Russia", "how many rounds sent to Russia").
# "How many did he cite?" names none.
HOW_MANY = re.compile(r"\bhow many (?!(?:did|do|does|were|was|are|is|have|has|had|will|would|can|could)\b)"
                      r"((?:[\w’'-]+ ){0,2}?[\w’'-]+?)(?= (?:of|have|has|had|did|do|does|were|was|are|is|"
                      r"in|per|for|to|from|by|with|that|which|who)\b|[?,.]|$|"
                      r" (?:\w+(?:ing|ed)|sent|held|built|made|sold|paid|given|taken|brought|bought) "
                      r"(?:for|to|in|by|on|at|from|with|into|alongside|against|under)\b)", re.I)
# "how many soldiers NK sent …" (typed without "did"): the noun is the last lower-case word before
# the subject's name
HOW_MANY_BEFORE_NAME = re.compile(r"\b[Hh]ow many ((?:[\w’'-]+ ){0,3}?[a-z][\w’'-]*) (?=[A-Z])")


def how_many(question: str) -> re.Match | None:
    """Where ``question`` asks how many, its group 1 the words of what it counts; None if it does not."""
    return HOW_MANY.search(question) or HOW_MANY_BEFORE_NAME.search(question)


# "Who is China's ambassador to …", "Who was the North Korean official that …": the role asked
# for, the last word before a preposition or clause (lower case: "Who is Kim Jong Un?" asks for no role).
WHO_ROLE = re.compile(r"^\s*[Ww]ho (?:is|was|are|were) (?:the |an? )?(?:\S+(?:’s|'s) )?(?:[\w’'-]+ ){0,2}?([a-z][\w-]*)"
                      r"(?= (?:of|to|in|at|for|from|by|with|that|which|who)\b|[?,.]|$)")


def counted(question: str) -> tuple[str, str] | None:
    """What a how-many question counts: its head word as written and its stem ("labourers",
    "labour"); None for another question. In a question asked indirectly ("Tell me how many
    containers North Korea shipped") a name after the counted noun is the subject, not the noun,
    and a participle after it qualifies it ("people holding PRC passports")."""
    m = how_many(question)
    head = words(m.group(1)) if m else []
    for i in range(1, len(head)):
        if head[i][0][:1].isupper() and head[i - 1][0][:1].islower() or head[i][0].endswith("ing"):
            head = head[:i]
            break
    return head[-1] if head else None


# What a how-many question counts things in: "have been killed", "were employed", "been sent".
PARTICIPLE = r"([a-z]+(?:ed|en)|sent|held|built|made|sold|paid)\b"
COUNTED_STATE = re.compile(rf"\b(?:been|were|was|are|is|be) {PARTICIPLE}", re.I)
NEXT_PARTICIPLE = re.compile(rf"\s+{PARTICIPLE}", re.I)
# Participles that hedge the count rather than say what is counted ("how many troops are believed
# to be …"), beside the hedges of STOPWORDS ("estimated", "said", "known").
HEDGING = frozenset({"reported", "believed", "thought", "expected", "alleged", "claimed", "rumoured", "rumored"})


def counted_state(question: str) -> str | None:
    """The participle a how-many question counts things in ("killed" in "how many … have been
    killed"): 155 citizens fighting are no count of those killed. None if it names none."""
    asked = COUNT_QUESTION.search(question)
    for m in COUNTED_STATE.finditer(question, asked.end()) if asked else ():
        word = m.group(1).lower()
        if word not in STOPWORDS and word not in HEDGING:
            return word
        hedged = NEXT_PARTICIPLE.match(question, m.end())  # "were reported killed"
        if hedged:
            return hedged.group(1).lower()
    return None


COUNT_TOKEN = re.compile(rf"(?:{FIGURE.pattern})(?:[-–](?:{FIGURE.pattern}))?|{TOKEN.pattern}")  # "50,000-150,000" is one


def counted_terms(text: str) -> frozenset[str]:
    """Stems of the words within two tokens of a figure: what ``text`` counts ("6,700 containers",
    "the North Korean workforce (between 50,000-150,000)")."""
    tokens = COUNT_TOKEN.findall(FOOTNOTE.sub(" ", text))
    found: set[str] = set()
    for i, token in enumerate(tokens):
        if token[0].isdigit():
            found.update(terms(" ".join(tokens[max(0, i - 2):i] + tokens[i + 1:i + 3])))
    return frozenset(found)


# What an amount is of: "How much oil did …", "How much did North Korea earn from coal exports …"
# (the first word after the verb's preposition, in lower case: not a name, "for Russian gas"). Not
# "the value of …": what is valued is mostly trade, which questions call by other words ("commerce").
HOW_MUCH_OF = re.compile(r"\b[Hh]ow much ([a-z][\w-]*) (?:did|does|do|was|were|is|are|has|have|had|will|would)\b")
HOW_MUCH_FROM = re.compile(r"\b[Hh]ow much (?:[\w’'-]+ ){1,6}?(?:earn|earned|make|made|receive|received|gain|gained|spend|"
                           r"spent|invest|invested) (?:from|on|in) (?:the |its |their )?(?:selling |exporting |importing )?"
                           r"([a-z][\w-]*)")
# Words for money, which any sum answers ("How much money did Beijing put up …": "$360 million")
MONEY_WORDS = frozenset({"money", "cash", "revenue", "income", "funding", "financing", "profit", "earnings", "sum"})


def amount_of(question: str) -> tuple[str, str] | None:
    """What a question counts or measures, as written and stemmed: "troops" of "how many North
    Korean troops …" (``counted``), "oil" of "How much oil …", "minerals" of "How much money did
    North Korea earn from selling minerals"; None for money ("How much money did Beijing put up")
    or another question."""
    if how_many(question):
        return counted(question)
    amount = [m.group(1) for m in (HOW_MUCH_OF.search(question), HOW_MUCH_FROM.search(question))
              if m and m.group(1) not in MONEY_WORDS]
    return (amount[0], stem(amount[0])) if amount and amount[0] not in STOPWORDS else None


def answer_focus(question: str) -> str | None:
    """The stemmed head noun of what is asked for: what it counts or measures (``amount_of``),
    "bank" in "which Chinese bank …", "ambassador" in "Who is China's ambassador to …"; None when
    the question names none."""
    amount = amount_of(question)
    if amount or how_many(question) or HOW_MUCH_OF.search(question):
        return amount[1] if amount else None
    m = ENTITY_QUESTION.search(question)
    if m and m.group(3):
        return stem(m.group(3).lower())
    m = WHO_ROLE.search(question)
    return stem(m.group(1)) if m else None


# "What is the range of …", "What was the outcome of …": the attribute a what-question asks for,
# when it asks for no name, figure, date or reason. Not "What penalties did … impose", "Which
# commodities are used …": a category is often answered by its members alone ("grain, palladium"):
# as a focus that lost six answers on the studied sets, while "the range of" cost none.
THING_ASKED = re.compile(r"\b(?:what|which) (?:is|was|are|were) the ((?-i:[a-z])[\w-]+) (?:of|for|in|to|between|behind)\b",
                         re.I)
VAGUE_THINGS = frozenset({"kind", "type", "sort", "form", "way", "thing", "part", "role", "effect", "impact", "aspect",
                          "purpose", "point", "reason", "name", "category", "one"})


def thing_asked(question: str) -> str | None:
    """The stemmed attribute a what-question asks for ("rang" in "What is the range of …"), or None."""
    m = THING_ASKED.search(question)
    return stem(m.group(1)) if m and stem(m.group(1)) not in _vague_stems() else None


@lru_cache(maxsize=1)
def _vague_stems() -> frozenset[str]:
    return frozenset(map(stem, VAGUE_THINGS))


@lru_cache(maxsize=1024)  # asked of the same question once per candidate sentence
def asks_category(question: str) -> bool:
    """Whether the question asks for a name of a category it names ("which newspaper", "which
    Chinese bank"), not for a role ("Who is China's ambassador …") or a count ("how many troops"),
    read as asked (``as_asked``: "Dandong firm that used …" asks which firm)."""
    question = as_asked(question)
    m = ENTITY_QUESTION.search(question)
    return bool(m and m.group(3)) and not how_many(question)


@dataclass(frozen=True)
class Question:
    """A question as the scorers see it."""

    text: str
    query: str  # what is retrieved: the question, after the previous turn for a follow-up
    terms: frozenset[str]
    kind: str | None
    focus: str | None = None  # stemmed head noun of what is asked for
    own_terms: frozenset[str] = frozenset()  # the turn's own terms, without the previous turn's
    figures: frozenset[str] = frozenset()  # the figures it names: a year, a resolution number, "152"
    names: frozenset[str] = frozenset()  # stemmed terms of the names it mentions ("Peru", "Yalu River")
    part: bool = False  # one part of a question split in several (split_parts): its comparison is answered
    # The name a later part's pronoun stands for: "it" in "…, and what does it receive from China?"
    # is the first name of the part before ("What does North Korea get …"). The checks for a
    # sentence about another country (qa.mentions) read it with the part's own words.
    antecedent: str = ""
    # Question terms with the document terms that may stand for them and their credit (qa.vocabulary):
    # nearest in meaning to a word the documents never use ("labourers" counts as "workers" at
    # 0.82), or longer forms ("border" as "borderline"). Set by Retriever.prepare.
    related: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()
    # Document terms near in meaning to what a how-many question counts ("workforce" for
    # "labourers"): a figure next to one of them counts the thing asked for. Set by Retriever.prepare.
    counted_as: frozenset[str] = frozenset()
    # The stem of the state a how-many question counts in ("kill" for "have been killed") and the
    # document terms near it in meaning: one of them must be near the figure. Set by Retriever.prepare.
    state_as: frozenset[str] = frozenset()

    @property
    def related_terms(self) -> dict[str, tuple[tuple[str, float], ...]]:
        """``related`` as a mapping."""
        return dict(self.related)

    @property
    def named(self) -> str:
        """The text whose names the question asks about: its own, after its pronoun's antecedent."""
        return f"{self.antecedent} {self.text}".strip()


# Where a question asking for two things splits: ", and what …", "; which …", also past an
# adverb or a leading phrase the second part opens with (", and roughly how many …", ", and
# apart from renminbi, what …"); a search joins its two with a comma before "how many" or "how
# much" (never a relative clause, as ", which …" may be) or with a plus ("gas payment currency +
# metal bartered for capacity").
WH = r"(?:what|which|how|who|when|where|why|whose|whom)\b"  # a question word
PART_BOUNDARY = re.compile(r"(?:,\s*|\s+|;\s*)and\s+"
                           r"(?=(?:(?:apart|aside|besides|beyond|unlike|according|in|on|at|by|for|from|under|after|"
                           r"before|since|during|while)\b[^,;?]{0,40}?(?:, | (?=which\b|what\b)))?(?:(?:\w+ly|also|then|about|around|almost|just) )?"
                           r"(?:(?:at|in|into|by|for|on|to|from|with|under|of) )?"
                           rf"{WH})|"
                           # "…, and for 2024?": the same asked of another year (``elliptical``)
                           r",\s*and\s+(?=(?:for|in|during|by)\s+(?:the\s+)?(?:year\s+)?\d{4}\s*\??\s*$)|"
                           # "…, and the State Department says how many …": a second source asked
                           rf",\s*and\s+(?=(?:[\w’'.-]+\s+){{1,5}}{SAYS}\s+{WH})|"
                           r";\s+(?:(?:also|and|plus|then),?\s+)?(?=(?:what|which|how|who|when|where|why)\b)|"
                           r",\s+(?=how (?:many|much)\b)|\s+\+\s+", re.I)
# "Give the share of … and the share of …": a request naming what it asks for twice, in parallel
PARALLEL = re.compile(r"(?:,\s*|\s+)and\s+(?=(?:the|its|their)\s+([a-z]+)\s+(?:of|for)\b)")
# "Of those Chinese citizens fighting for Russia, how many …": the phrase says what is counted
PARTITIVE = re.compile(r"\s*(?:of|among|out of)\b", re.I)
# A phrase a question opens with, asking nothing ("Under the 2016 livelihood exemption, how much …")
LEADING_PHRASE = re.compile(r"\s*(?:under|in|after|before|during|since|for|from|following|according to|apart from|"
                            r"besides|as of|with|by|on|at)\b", re.I)
PART_EDGES = " ,;—–"  # what a part's ends lose ("… their summit — and while we're at it, …")
MIN_PART_TERMS = 3  # a shorter part ("When and where …", "…, and at what value?") is no question on its own


def split_parts(question: str) -> list[str]:
    """The parts of a question that asks for several things, each to be answered on its own;
    ``[question]`` for any other. A part too short to stand alone stays with its neighbour: "When
    and where was the meeting held?" asks one thing about one event, and so does "In which month
    did shipments peak, and at what value?". A short part naming a figure the part before does not
    asks the same of another year or item ("…, and what was it in 2024?", ``elliptical``): it
    stands apart. A request naming what it asks for twice ("Give the share of … and the share of
    …") asks two things. A leading phrase before the question ("Under the 2016 exemption, how much
    …") asks nothing of its own."""
    parts, start = [], 0
    cuts = sorted([*PART_BOUNDARY.finditer(question),
                   *(m for m in PARALLEL.finditer(question)
                     if re.search(rf"\b(?:the|its|their)\s+{m.group(1)}\s+(?:of|for)\b", question[:m.start()]))],
                  key=lambda m: m.start())
    for cut, after in zip(cuts, [c.start() for c in cuts[1:]] + [len(question)]):
        left, right = question[start:cut.start()], question[cut.end():after]
        if len(terms(left)) >= MIN_PART_TERMS and (len(terms(right)) >= MIN_PART_TERMS or elliptical(right, left)) \
                and not PARTITIVE.match(left) and not (LEADING_PHRASE.match(left) and not WH_WORD.search(left)):
            parts.append(left.strip(PART_EDGES))
            start = cut.end()
    parts.append(question[start:].strip(PART_EDGES))
    return parts


def elliptical(part: str, before: str) -> bool:
    """Whether ``part`` is too short to stand alone and names a figure ``before`` does not: it asks
    what ``before`` asks, of another year or item ("and what was it in 2024?")."""
    return len(terms(part)) < MIN_PART_TERMS and bool(figures(part) - figures(before))


# A request in place of a question ("Give me the year …", "Tell me how many …", "I need the date
# of …"): read as the question it stands for ("What year …", "how many …", "What date of …").
REQUEST = re.compile(r"^\s*(?:please\s+)?(?:(?:can|could|would|will) you\s+)?(?:please\s+)?"
                     r"(?:(?:give|tell|show|provide|state|find|report|list)(?:\s+(?:me|us))?|"
                     r"i(?:\s+would|'d|’d)?\s+(?:need|want|like)(?:\s+to\s+know)?)\s+(?:(?:the|a|an|all)\s+)?", re.I)
WH_WORD = re.compile(WH, re.I)
LEAD_IN = re.compile(rf"^[^:?]{{1,60}}:\s+(?=(?:(?:in|on|at|by|for|from|to|of) )?{WH})", re.I)


# What a question typed as a search ("date of the Kim–Putin summit", "rcc copper wire disguise")
# does not open with: an order ("Name the …", "Compare …") or a yes-no question's verb.
ORDER = re.compile(r"^\s*(?:please\s+)?(?:name(?! of)|identify|compare|describe|explain|summari[sz]e|outline|define|"
                   r"give|tell|show|provide|list)\b", re.I)
NOT_A_SEARCH = re.compile(rf"{ORDER.pattern}|^\s*(?:is|are|was|were|"
                          r"do|does|did|can|could|has|have|had|will|would|should|may|might)\b", re.I)


def as_asked(question: str) -> str:
    """``question`` with a request's opening read as a question word, and a search without one as
    asking what it names ("price Russia pays per shell" as "What price …"): what its kind and focus
    are read from. A lead-in before a colon ("Quick one: who's running …", "For my timeline: in what
    year …") is no part of what is asked."""
    question = LEAD_IN.sub("", question, count=1)
    m = REQUEST.match(question)
    if m and m.end() < len(question):
        rest = question[m.end():]
        return rest if WH_WORD.match(rest) else f"What {rest}"
    if not m and not WH_WORD.search(question) and not NOT_A_SEARCH.match(question):
        return f"What {question}"
    return question


# "They agreed to meet in November — what …"; not after an initial ("the U.S. and the EU"), but
# after a bracket or a quote ("… Company (RCC). Who …")
QUESTION_SENTENCES = re.compile(r"(?:(?<=\w\w[.!?])|(?<=[)”\"’'][.!?]))\s+|\s+[—–]\s+")


def asking_sentence(question: str) -> str:
    """The sentence of ``question`` that asks: its last one with a question mark or a request ("What
    was the total in 2019? I have 2017 and 2018."; "Is it longer than 20 miles? Give the length."),
    else its last (or what follows its last dash)."""
    sentences = QUESTION_SENTENCES.split(question.strip())
    return next((s for s in reversed(sentences) if "?" in s or ORDER.match(s)), sentences[-1])


def analyse(question: str, context: str = "", part: bool = False, antecedent: str = "") -> Question:
    """The question's terms (plus those of ``context``, a previous turn), its answer kind and
    focus (read as asked: ``as_asked``); ``part``: it is one part of a question ``split_parts``
    split; ``antecedent``: the name its pronoun stands for."""
    query = f"{context} {question}".strip()
    asked = as_asked(question)
    kind = answer_kind(asked)
    if kind is None and answer_kind(as_asked(asking_sentence(question))):
        # "We have a client that buys from RCC. Who is its director?" asks what its last sentence asks
        asked = as_asked(asking_sentence(question))
        kind = answer_kind(asked)
    focus = answer_focus(asked) or (thing_asked(asked) if kind is None else None)
    return Question(question, query, frozenset(terms(query)), kind, focus,
                    frozenset(terms(question)), figures(question), names(question), part, antecedent)


# A pronoun standing for an actor named before: "what does it receive", "its raw materials".
PRONOUN = re.compile(r"\b(it|its|they|their|them)\b", re.I)


def analyse_parts(question: str, context: str = "") -> list[Question]:
    """Each part of ``question`` (``split_parts``), analysed, marked as a part when there are
    several; a part with a pronoun gets the first name of the part before as its antecedent."""
    parts = split_parts(question)
    analysed = []
    for i, part in enumerate(parts):
        before = NAME.findall(parts[i - 1]) if i and PRONOUN.search(part) else []
        antecedent = POSSESSIVE.sub("", before[0]) if before else ""
        if i and elliptical(part, parts[i - 1]):
            # "…, and what was it in 2024?" asks the part before's question of its own figure:
            # that question's words without its figures, and the kind of answer it asks for
            previous = analysed[-1]
            q = analyse(part, f"{context} {FIGURE.sub(' ', parts[i - 1])}", part=True, antecedent=antecedent)
            analysed.append(dataclasses.replace(q, kind=q.kind or previous.kind, focus=q.focus or previous.focus))
        else:
            analysed.append(analyse(part, context, part=len(parts) > 1, antecedent=antecedent))
    return analysed


@dataclass(frozen=True)
class SentenceWeights:
    """How the signals add up to a sentence score."""

    semantic: float = 0.5
    lexical: float = 0.35
    typed: float = 0.15
    novelty: float = 0.0
    source: float = 0.0
    conflict: float = 0.0  # subtracted
    # How much a question term that names the sentence's document (its title or source) counts
    # toward lexical overlap: every sentence of that document is about it, so it tells them apart less.
    title_terms: float = 1.0
    # Share of ``typed`` a cue word (``CUE_KINDS``: "because" for a reason, "in exchange for" for an
    # exchange) gets: a cue word says less that a sentence gives the reason asked for than a
    # figure says it gives the number asked for.
    cue: float = 1.0


@dataclass
class ScoredSentence:
    """One candidate answer sentence with its evidence signals."""

    passage: Passage
    index: int  # position within the passage's chunk
    sentence: Sentence
    text: str
    semantic: float
    lexical: float
    typed: float
    novelty: float = 0.0  # share of its words the question does not use: it says something new
    source: float = 0.0  # how specifically the question names its document (TermStats.source_match)
    conflict: float = 0.0  # names a different figure where the question names one (conflicting_numbers)
    score: float = 0.0
    heading: bool = False  # a markdown heading line: context, never an answer
    reference: bool = False  # in a bibliography entry: it cites a work, it states nothing
    cue: bool = False  # ``typed`` is a cue word (a why- or exchange question), not a figure, date or name
    # similarity to the question under the query adapter (qa/adapter.py), which ranks the sentence;
    # ``semantic`` stays the model's own, which the confidence reads. None: no adapter.
    adapted: float | None = None

    def weigh(self, weights: SentenceWeights) -> float:
        """Set and return the sentence's score under ``weights``."""
        typed = weights.typed * (weights.cue if self.cue else 1.0)
        similarity = self.semantic if self.adapted is None else self.adapted
        self.score = (weights.semantic * similarity + weights.lexical * self.lexical + typed * self.typed
                      + weights.novelty * self.novelty + weights.source * self.source
                      - weights.conflict * self.conflict)
        return self.score


def conflicting_numbers(asked: frozenset[str], text: str) -> float:
    """1.0 when the question names figures (``Question.figures``) and ``text`` has none of them
    but others of the same length: Resolution 2375 where 2270 was asked."""
    if not asked:
        return 0.0
    found = figures(text)
    lengths = {len(a) for a in asked}
    return float(not asked & found and any(len(f) in lengths for f in found))


def sentence_text(chunk: Chunk, sentence: Sentence) -> str:
    """The sentence's text, cut from its chunk by document offsets."""
    return chunk.text[sentence.start - chunk.start:sentence.end - chunk.start]


def score_sentences(question: Question, query_embedding, passages: list[Passage], embeddings: dict,
                    stats: TermStats, weights: SentenceWeights, key, adapted_embedding=None) -> list[ScoredSentence]:
    """Score every sentence of ``passages``; ``embeddings[key(chunk, sentence)]`` is its vector.
    ``adapted_embedding``: the question vector under the query adapter, which ranks the sentences."""
    q = np.asarray(query_embedding, dtype=np.float32)
    qa = None if adapted_embedding is None else np.asarray(adapted_embedding, dtype=np.float32)
    related = question.related_terms
    scored = []
    for passage in passages:
        chunk = passage.chunk
        source = stats.source_match(question.terms, chunk.doc_id)
        named = stats.source_terms.get(chunk.doc_id, frozenset())
        previous = ""
        for i, sent in enumerate(chunk.sentences):
            text = sentence_text(chunk, sent)
            vector = embeddings.get(key(chunk, sent))
            v = np.asarray(vector, dtype=np.float32) if vector is not None else np.zeros_like(q)
            semantic = float(np.dot(q, v))
            adapted = None if qa is None else float(np.dot(qa, v))
            own = set(terms(text))
            # "The former banned coal…": the sentence it refers back to names its subject
            anaphoric = REFERS_BACK.match(text)
            context = text + " " + previous if anaphoric else text
            held = own | set(terms(previous)) if anaphoric else own
            lexical = stats.coverage(question.terms, held, named, weights.title_terms, related)
            if question.own_terms != question.terms:  # a follow-up: what it adds matters most
                lexical = (lexical + stats.coverage(question.own_terms, held, named, weights.title_terms, related)) / 2
            previous = text
            typed = holds_kind(question.kind, text, question.text, stats.opening_names)
            novelty = len(own - question.terms) / len(own) if own else 0.0
            local = Sentence(sent.start - chunk.start, sent.end - chunk.start)
            s = ScoredSentence(passage, i, sent, text, semantic, lexical, typed, novelty, source,
                               conflicting_numbers(question.figures, context),
                               heading=is_heading(chunk.text, local), reference=is_reference(chunk.text, local),
                               cue=question.kind in CUE_KINDS, adapted=adapted)
            s.weigh(weights)
            scored.append(s)
    return scored
