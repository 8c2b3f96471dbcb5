"""Composing a short extractive answer in which every sentence is a verbatim, cited span.

No language model: the answer is made of the retrieved sentences that best answer the
question, so each citation is right by construction and its offsets are exact.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence

from qa.config import Config
from qa.mentions import (conflicting_mention, countries_in, missing_country, other_source, reversed_flow,
                         unshared_border, without_countries)
from qa.schema import Answer, Citation, Passage
from qa.scoring import (FIGURE, FOOTNOTE, LABEL, MONTH, MONTHS, REASON, REFERS_BACK, STOPWORDS, TOKEN, YEAR,
                        Question, ScoredSentence, TermStats, asking_sentence, asks_category, counted_terms, figures,
                        holds_kind, lacks_extreme, months, names_focus, stem, terms, which_nouns)

NO_ANSWER = "The documents do not contain an answer to this question."
# Said after a multi-part answer for each part below the threshold, so that a reader never takes
# the answer to one part for an answer to the whole question.
NO_PART_ANSWER = "The documents do not answer this part: “{part}”"
MAX_LEAD_WORDS = 90  # the lead together with the sentence that completes it (its antecedent, what it introduces)
MIN_SENTENCE_CHARS = 15  # shorter lines (list labels, stray fragments) never lead an answer
# Questions that ask for several things (a list), or for two to be set side by side (a
# comparison; once split_parts has cut it in parts, each part asks for one side). A plural alone
# ("which currencies …") is no list question: one sentence names them all, and gathering more
# sentences for it cited filler (citation precision 0.821 -> 0.867 on eval/qa.jsonl, accuracy unchanged).
LIST_QUESTION = re.compile(r"\b(list|name)\b|\b(which|what) (two|three|four|five|six|several|other)\b", re.I)
COMPARISON = re.compile(r"\b(compare|comparison|versus|vs|both|respectively|differ\w*|as well as)\b|"
                        r"\S\s+and (what|which|how|who|when|where|why)\b", re.I)  # not a follow-up's opening "And how …"
SENTENCE_END = ".!?:;”\"’')»…"
CLOSERS = "”\"’')»"
TRAILING_NOTE = re.compile(rf"(\s*{FOOTNOTE.pattern})+\s*$|\s+$")  # footnote markers after the full stop
# A series of items: three or more of up to four words between commas, or two short ones before
# "and"/"or" ("gold, titanium and vanadium"; not "… officials, multiple Chinese chemical and metallurgical firms").
SERIES = re.compile(r"(?:[\w’'-]+(?: [\w’'-]+){0,3}, ){2,}|\b[\w’'-]+(?: [\w’'-]+)?, [\w’'-]+(?: [\w’'-]+)?,? (?:and|or) [\w’'-]")
EXTRA_FLOOR = 0.75  # an extra sentence must score at least this share of the best one
# A runner-up that says what the lead says (a document repeats a bullet point in its summary):
# fewer than this share of its terms are new, and it names no new figure.
REPEAT_NEW_TERMS = 0.2
# A close runner-up that says what the best sentence says and more (a summary's bullet point
# against the body sentence it sums up: "… off-road vehicles and armored trucks" against "…
# Desertcross 1000-3 off-road vehicles and "Tiger" armored trucks …") leads instead: it scores
# at least this share of the best, holds this share of the best's terms, and adds some.
SPECIFIC_RATIO = 0.85
SPECIFIC_SHARE = 0.7


# What was decided, agreed or signed at an event (``_only_planned``), and a month given as a
# plan's date ("agreed to re-convene in November", "planned for November"; not "agreed in November").
OUTCOME_QUESTION = re.compile(r"\b(decide[ds]?|agree[ds]?|agreements?|sign(s|ed)?|c[oa]me out of|outcomes?|results?|"
                              r"conclude[ds]?)\b(?!\s+to\b)", re.I)  # "agreed to meet" is a plan
# The thing whose value or worth is asked or given: "the value of North Korean iron ore imported by
# China", "how much North Korean iron ore did China import", "$1 billion worth of North Korean coal
# between …": up to four words, ending before a verb or a preposition; not money ("how much money …").
VALUE_OF = re.compile(r"\b(?:(?:value|worth) of|(?i:how much)(?! (?:(?:did|does|do|was|were|is|are|has|have|had|money|"
                      r"cash|funding)\b|[A-Z]\w* (?:did|does|do|was|were|is|are|has|have|had)\b))) "
                      r"((?:[\w’'-]+ ){0,3}?[\w’'-]+?)(?= (?:did|does|do|was|were|is|are|has|have|"
                      r"had|that|which|from|to|into|between|in|on|by|for|during|since|\w+ed)\b|[?.,;]|$)")
# A question on what an act produced ("What did the Council decide …", "Which agreements did they
# sign …", "What penalties were imposed on …") and the words that report such an act. A best
# sentence without one says what was discussed or planned, not what came of it: the findings of a
# meeting "where the effectiveness of sanctions … was discussed" for what it decided (eight near
# misses in the fitting sets, no right answer, had none). The sentence alone: a neighbour's
# "sanctions evasion imposed on Russia" describes, it reports no act of the meeting's. Not "pass"
# (goods passed off as others), nor what kind of thing was adopted ("what kind of digital money did
# Moscow adopt": a description answers).
ACT = r"(?:decid|agree|sign|adopt|approv|impos|conclud|ratif)\w*"  # the verb of an act asked about
OUTCOME_ASKED = re.compile(rf"\b(?:what|which)\b(?!\s+(?:kinds?|sorts?|types?|forms?)\s+of\b)[^?]*?"
                           rf"\b(?:did|does|do|has|have|had|was|were|will)\b(?:\s+[\w’'.-]+){{0,8}}?\s+{ACT}|"
                           rf"^\s*did\b[^?]*\b{ACT}|\b(?:outcomes?|results?) of\b|\bc[oa]me out of\b", re.I)
OUTCOME_SAID = re.compile(r"\b(?:decided|decision|agreed|agreements?|treaty|signed|inked|adopted|approved|approval|"
                          r"imposed|passed|concluded|resolved|reached|announced|established|set up|banned|prohibited|"
                          r"restricted|limited|allowed|authori[sz]ed|endorsed|pledged|committed|commitments?|"
                          r"sanctioned|designated|listed|included|added|introduced|extended|froze|frozen|fined|"
                          r"penali[sz]ed|blacklisted|launched|created|ratified|voted)\b", re.I)
SINCE_CLAUSE = re.compile(r"\bsince\b[^,;?]*", re.I)  # up to the end of its clause
# The year a question's figure is of ("in 2023", "for 2019", "during late 2022"): a sentence giving the
# figure of another year ("In 2024, 80% of the microchips …") does not answer it, although the
# question names that year too ("… in 2023, before the 2024 figure?")
YEAR_OF = re.compile(rf"\b(?:in|for|during|throughout)\s+(?:(?:early|late|mid)[\s-]+)?(?:(?:{MONTHS})\s+)?"
                     r"(1[89]\d\d|20\d\d)\b(?!s)", re.I)
# A day of a month with no year after it ("on September 13, Kim Jong Un held a summit")
DAY_WITHOUT_YEAR = re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}}\b(?!,?\s*\d{{4}})|\b\d{{1,2}}\s+(?:{MONTHS})\b(?!,?\s*\d{{4}})")
# How someone met an event ("How did Beijing respond to Zelenskyy's claim …"), and the words of a
# response: the event alone ("Zelenskyy also stated …") is no answer
REACTION_ASKED = re.compile(r"\bhow (?:did|does|do|has|have|had) [^?]{1,80}?\b(?:respond|react)(?:ed)?\b", re.I)
REACTION_SAID = re.compile(r"\b(?:respon(?:d|ds|ded|ding|ses?)\b|react\w*|den(?:y|ies|ied|ial)|reject\w*|condemn\w*|protest\w*|dismiss\w*|"
                           r"retaliat\w*|rebuff\w*|critici[sz]\w*|summon\w*|refut\w*|retort\w*)", re.I)
PLANNED_FOR = re.compile(r"(?:\b(?:(?:agreed|plans?|planned|intends?|intended|expected|scheduled|set|due)\s+to|"
                         r"will|would|shall)\s+(?:[\w-]+\s+){0,3}?(?:in|on|for|by)|"
                         rf"\b(?:planned|scheduled|set|slated)\s+for)\s+(?P<month>{MONTHS})\b")


# Answer kinds whose absence from the best sentence says the fact is not there. A reason is
# often given without a cue word ("the deep links … make it challenging"), so its absence says little.
TELLING_KINDS = ("number", "date", "place", "entity")
# Words before a category's name that name no kind of it ("several firms", "a growing number of
# corporations"), and what introduces its members after it ("cryptocurrencies such as Bitcoin")
QUANTIFIERS = frozenset({"multiple", "several", "some", "many", "numerous", "various", "certain", "other", "few",
                         "growing", "number", "dozens", "hundreds", "specific"})
MEMBERS_AFTER = re.compile(r"\s*(?:[(:—–-]|,?\s*(?:such as|including|like|namely|notably|e\.g\.)\b)")
# A sentence that adds fewer than this share of new words to a why-question's, with no word of a
# reason near it, restates the event asked about ("These same minerals were banned for export to
# the United States …" for why they were): on the fitting sets, such sentences were 0.12 new, the
# right answers 0.43 or more.
RESTATED = 0.25
# A question on what an event did ("What impact has that ban had on U.S. drone production?") is
# answered no more by the event restated than a why-question is.
EFFECT_QUESTION = re.compile(r"\b(?:effects?|impacts?|consequences?|implications?)\b|\baffect(?:s|ed)?\b", re.I)
# A reason is often given in the words of another country's actors ("the Trump administration"
# for the fall in China–North Korea trade): for a why-question one of the countries it names, kept
# near the best sentence, is enough (four why-questions declined in a leave-one-set-out run, against
# two near misses whose only country was missing).
REASON_KEPT = 1
# Each confidence feature with the sign its weight must take: evidence for an answer (+1) or
# against one (-1). eval/tune.py fits within these signs, so more evidence never lowers the
# confidence; unconstrained, correlated features took the wrong sign and an off-topic question
# ("What is the population of Lima?") scored above the threshold for missing every term.
CONFIDENCE_FEATURES = {"semantic": 1, "lexical": 1, "typed": 1, "kind_missing": -1, "window": 1, "rare_missing": -1,
                       "unseen": -1, "focus_missing": -1, "passage": 1, "figure_missing": -1, "name_conflict": -1,
                       "other_country": -1}


def confidence_features(question: Question, best: ScoredSentence, sentences: list[ScoredSentence],
                        stats: TermStats) -> dict[str, float]:
    """What the confidence is computed from (all roughly 0..1)."""
    window_terms = set(terms(best.text))
    window_text = paragraph_text = best.text
    for step in (-1, 1):
        near = _neighbour(sentences, best, step)
        if near is not None:
            window_terms |= set(terms(near.text))
            window_text += " " + near.text
            # a country named after a paragraph break is another topic ("The DPRK’s relations
            # with Russia …" after "the PRC’s trade volume with the DPRK …")
            if _same_paragraph(*((best, near) if step > 0 else (near, best))):
                paragraph_text += " " + near.text
    chunk = best.passage.chunk
    passage_terms = set(terms(chunk.text))
    # "as reported in the November 2023 analysis" names the document by what only its title or
    # source line says (not by a figure: "in 2023" is about the events): its date is then no
    # missing figure, nor its words missing terms
    about = f"{chunk.title} {chunk.source}"
    about_terms = set(terms(about)) - passage_terms
    if any(not FIGURE.fullmatch(t) for t in question.terms & about_terms):  # the question names the document
        passage_terms |= about_terms
    else:
        about = ""
    related = question.related_terms
    missing = stats.missing(question.terms, passage_terms, related)
    # a figure of a sentence of background ("Official figures put trade at $225 million in 2024.
    # What do intelligence sources estimate …?") or of a yes-no question before a request ("Is the
    # border longer than 20 miles? Give the length …") is said or supposed, not asked for
    asked_figures = figures(asking_sentence(question.text)) if question.figures else question.figures
    # a year dating the event a change is counted from ("since the Feb 2022 attack") is answered by a
    # sentence that counts it from that event by name ("since the invasion of Ukraine")
    if asked_figures and SINCE_CLAUSE.search(window_text):
        asked_figures -= {f for clause in SINCE_CLAUSE.findall(question.text) for f in figures(clause)}
    return {
        # "The former passed in March 2016 …" is about what the sentence it completes names
        "semantic": max(s.semantic for s in _unit(best, sentences)),
        "lexical": best.lexical,
        "typed": best.typed,
        # or something asked at an extreme ("which mine holds the largest reserves") is not said to be one
        "kind_missing": float(question.kind in TELLING_KINDS and not best.typed
                              or lacks_extreme(question.text, window_text)
                              # a why-question's (or an effect's) event restated, with no word of a reason near it
                              or (question.kind == "reason" or EFFECT_QUESTION.search(question.text))
                              and best.novelty < RESTATED
                              and not REASON.search(window_text)
                              # what came of an event asked, only what was discussed there said
                              or _outcome_unsaid(question, best.text)
                              or question.kind in (None, "entity")
                              and _category_restated(question.text, best.text, paragraph_text, stats.opening_names)),
        "window": stats.coverage(set(question.terms), window_terms, related=related),
        "rare_missing": max(missing, default=0.0) / stats.unseen,
        # share of the question's weight in words the corpus never uses
        "unseen": 1.0 - stats.coverage(set(question.terms), stats.idf.keys(), related=related),
        # the thing asked for ("how many troops") is not even named near the best sentence
        "focus_missing": float(question.focus is not None and not names_focus(question.focus, window_terms)
                               and not (asks_category(question.text)
                                        and (best.typed if question.kind == "entity"
                                             else holds_kind("entity", best.text, question.text, stats.opening_names)))
                               and not question.counted_as & counted_terms(window_text)
                               # or not in the state asked ("how many … killed": "155 … are fighting")
                               or bool(question.state_as) and not question.state_as & window_terms
                               # or the sum is the worth of another thing ("of North Korean coal" for iron ore)
                               or _other_thing_valued(question.text, best.text)),
        "passage": 1.0 / best.passage.rank,
        # the question names figures (a year, "152 mm") and none is near the best sentence
        "figure_missing": float(bool(asked_figures) and not asked_figures & figures(f"{window_text} {about}")
                                # "on September 13" for the 2023 summit: the year is the passage's
                                and not (question.kind == "date" and DAY_WITHOUT_YEAR.search(best.text)
                                         and asked_figures & figures(chunk.text))
                                or _other_month(question.text, f"{window_text} {about}")
                                or _other_year(asking_sentence(question.text), f"{window_text} {about}")),
        # it puts another name where the question puts one ("from China" for "from North Korea"), or
        # has the goods go the other way ("Chinese exports to Russia" for Russia's exports to China)
        "name_conflict": float(conflicting_mention(question.named, best.text, paragraph_text)
                               or reversed_flow(question.named, best.text)
                               or unshared_border(question.named, best.text)),
        # it speaks of another country, and one the question names is nowhere near
        "other_country": float(missing_country(_ask(question.named), best.text, paragraph_text,
                                               REASON_KEPT if question.kind == "reason" else 2)),
    }


def _outcome_unsaid(question: Question, sentence: str) -> bool:
    """Whether ``question`` asks what an act produced (a decision, an agreement, a penalty) and
    ``sentence`` reports no such act, or asks how someone responded and it reports no response.
    Not a figure or a date asked ("Since what year have sanctions been imposed …"): those kinds
    have their own check."""
    return question.kind not in ("number", "date") and (
        bool(OUTCOME_ASKED.search(question.text)) and not OUTCOME_SAID.search(sentence)
        or bool(REACTION_ASKED.search(question.text)) and not REACTION_SAID.search(sentence))


def _category_restated(question: str, sentence: str, window: str, opening_names: frozenset[str]) -> bool:
    """Whether ``question`` asks which members of a category ("Which cryptocurrencies is Russia
    using …") and ``sentence`` only names the category again in the question's words ("Russia began
    using cryptocurrencies for trade"): no "such as" after it, no member named in its paragraph (``window``)."""
    nouns = which_nouns(question)
    asked = set(terms(question))
    tokens = [(word, stem(word.lower())) for word in TOKEN.findall(sentence)]
    said = [i for i, (_, t) in enumerate(tokens) if t in nouns]
    return bool(said) and all(
        # the word before is the question's, a quantifier's or a function word: no kind of its own
        (i == 0 or tokens[i - 1][1] in asked or tokens[i - 1][0].lower() in STOPWORDS | QUANTIFIERS)
        and not MEMBERS_AFTER.match(sentence, sentence.find(tokens[i][0]) + len(tokens[i][0]))
        for i in said) and not names_items(window, question, opening_names)


def _valued(text: str) -> frozenset[str]:
    """The terms of what ``text`` gives the value or worth of ("North Korean iron ore": iron, ore),
    without the countries it comes from (its origin, not what it is)."""
    m = VALUE_OF.search(text)
    return frozenset(terms(without_countries(m.group(1)))) if m else frozenset()


def _other_thing_valued(question: str, sentence: str) -> bool:
    """Whether ``question`` asks the value of one thing and ``sentence`` gives the worth of another
    ("$1 billion worth of North Korean coal" for the value of North Korean iron ore), naming none of
    the thing asked."""
    asked, given = _valued(question), _valued(sentence)
    return bool(asked and given) and not asked & set(terms(sentence))


def _ask(question: str) -> str:
    """The sentence of ``question`` that asks, when it names a country: a sentence of background
    before it ("Beijing employs tens of thousands of North Korean workers. How many does Russia
    employ?") names countries the answer need not be about."""
    ask = asking_sentence(question)
    return ask if countries_in(ask) else question


def _other_month(question: str, window: str) -> bool:
    """Whether ``window`` names months, and none the question names: a figure for October 2023
    asked, the one for September 2023 found; or names the month asked only as the date of a plan
    and the question asks what came of it (``_only_planned``)."""
    asked, found = months(question), months(window)
    return bool(asked and found) and not asked & found or _only_planned(asked, question, window)


def _other_year(question: str, window: str) -> bool:
    """Whether ``question`` asks for a figure of a year (``YEAR_OF``) and ``window`` names other
    years, not that one: the figure of 2024 found for the one of 2023. Not a comparison, whose
    other year's figure is half the answer."""
    asked = set(YEAR_OF.findall(question))
    found = {m.group() for m in YEAR.finditer(window)}
    return bool(asked and found) and not asked <= found and not COMPARISON.search(question)


def _only_planned(asked: frozenset[str], question: str, window: str) -> bool:
    """Whether ``question`` asks what was decided in a month it names ("What did the commission
    decide when it reconvened in November?") and ``window`` names that month only as the date of a
    plan ("agreed to re-convene in November"): what came of the plan is not said. Not a month the
    question itself asks of as a plan's ("… at the commission planned for November?"); a sentence of
    background before it may ("They agreed to meet again in November. What did they decide?")."""
    if not OUTCOME_QUESTION.search(question):
        return False
    asked = asked - {m.group("month") for m in PLANNED_FOR.finditer(asking_sentence(question))}
    plans = {m.start("month") for m in PLANNED_FOR.finditer(window)}
    said = [m.start() for m in MONTH.finditer(window) if m.group() in asked]
    return bool(said) and all(start in plans for start in said)


def confidence_of(features: dict[str, float], config: Config) -> float:
    """Calibrated probability that the documents answer the question: a logistic model whose
    coefficients ``eval/tune.py`` fits on the eval set (stored in ``Config.confidence``)."""
    z = config.confidence[0] + sum(w * features[name] for w, name in zip(config.confidence[1:], CONFIDENCE_FEATURES))
    return 1.0 / (1.0 + math.exp(-z))


def rank_sentences(sentences: list[ScoredSentence]) -> list[ScoredSentence]:
    """The sentences that may lead an answer, best first (the better-ranked passage's on a tie):
    the first is the one an answer leads with and its confidence is computed from."""
    return sorted((s for s in _distinct(sentences) if _can_lead(s)), key=lambda s: (-s.score, s.passage.rank))


def compose(question: Question, passages: list[Passage], sentences: list[ScoredSentence], stats: TermStats,
            config: Config) -> Answer:
    """The cited answer to ``question`` from the retrieved passages' scored sentences."""
    ranked = rank_sentences(sentences)
    if not ranked:
        return Answer(question.text, NO_ANSWER, True, 0.0, passages=passages, query=question.query)
    best = ranked[0]
    features = confidence_features(question, best, sentences, stats)
    confidence = confidence_of(features, config)
    if (features["semantic"] < config.min_semantic
            or not (features["window"] or countries_in(question.named) & countries_in(best.text))
            or (question.names and not question.names & stats.known
                and not countries_in(question.named) & stats.countries)):
        # off-topic: the logistic model never saw such questions (see Config.min_semantic). A best
        # sentence sharing no question term, even with its neighbours, nor a country by any of its
        # names ("Moscow" asked, "Russia" written: a paraphrase may change every other word), is
        # tied to the question by the bi-encoder alone, and a question naming only what the
        # documents never mention ("the capital of Peru", not "NK" for North Korea) is about
        # something else.
        confidence = 0.0
    if confidence < config.abstain_threshold:
        return Answer(question.text, NO_ANSWER, True, confidence, passages=passages, query=question.query)
    best = _more_specific(best, ranked)
    units = [_lead(question, best, sentences, config.neighbour_ratio)]
    comparison = bool(COMPARISON.search(question.text)) and not question.part
    if LIST_QUESTION.search(question.text) or comparison:
        # a list's further items, or the other side of a comparison (which need not be a list of items)
        units += [_unit(s, sentences) for s in _cover_rest(question, ranked, units[0], stats, config, not comparison)]
    elif (len(ranked) > 1 and ranked[1].score >= config.second_ratio * best.score
          and not _repeats(ranked[1], units[0])):
        units.append(_unit(ranked[1], sentences))  # a near tie: the evidence cannot tell them apart, give both
    optional = [s for s in units[0] if s not in _unit(best, sentences)]  # the neighbour that joined the lead
    chosen = _within_words(units, config.max_answer_sentences, max(config.max_answer_words, _words(units[0])), optional)
    citations, parts = [], []
    for marker, s in enumerate(chosen, 1):
        chunk = s.passage.chunk
        citations.append(Citation(marker, chunk.doc_id, chunk.title, chunk.ordinal, s.sentence.start, s.sentence.end,
                                  s.text, chunk.text, chunk.start, s.score))
        parts.append(f"{s.text} [{marker}]")
    return Answer(question.text, " ".join(parts), False, confidence, citations, passages, query=question.query)


def _more_specific(best: ScoredSentence, ranked: list[ScoredSentence]) -> ScoredSentence:
    """The best sentence, or a close runner-up that restates it with more detail (SPECIFIC_RATIO)."""
    own = set(terms(LABEL.sub("", best.text)))
    for s in ranked[1:]:
        if s.score < SPECIFIC_RATIO * best.score:
            break
        other = set(terms(LABEL.sub("", s.text)))
        if own and len(own & other) >= SPECIFIC_SHARE * len(own) and other - own:
            return s
    return best


def _lead(question: Question, best: ScoredSentence, sentences: list[ScoredSentence],
          neighbour_ratio: float) -> list[ScoredSentence]:
    """The answer's first unit. A why-question's best sentence that gives no reason ("… is a
    significant concern for U.S. policymakers") comes with the sentence after it, where the
    documents usually go on to say why. Any other best sentence comes with its better neighbour
    when that scores ``neighbour_ratio`` of it: a sentence that restates the question ("South
    Hamgyong Province holds enormous resources") is often followed by the one that answers it
    ("The mine complexes in this region—Sangnong, …"), and by what that neighbour introduces
    when it ends with a colon."""
    unit = _unit(best, sentences)
    if len(unit) > 1:
        return unit
    if question.kind == "reason" and not best.typed:
        after = _with_neighbour(best, sentences, +1)
        # the next bullet point is another topic
        return _with_introduced(after, sentences, best) if after and _same_paragraph(*after) else unit
    other = lambda pair: pair[0] if pair[1] is best else pair[1]  # noqa: E731
    pairs = [p for p in (_with_neighbour(best, sentences, -1), _with_neighbour(best, sentences, +1))
             if p and not _repeats(other(p), [best])]  # a neighbour saying what the lead says adds nothing
    near = max(pairs, key=lambda pair: other(pair).score, default=None)
    if near and other(near).score >= neighbour_ratio * best.score:
        return _with_introduced(near, sentences, best)
    return unit


def _with_introduced(pair: list[ScoredSentence], sentences: list[ScoredSentence],
                     lead: ScoredSentence) -> list[ScoredSentence]:
    """``lead`` and its neighbour, with what the later of the two introduces when it ends with a
    colon (a quote), if all fit in MAX_LEAD_WORDS; else ``lead`` alone when the neighbour is the
    one that would end on a colon ("… the report, which states:" with nothing after it says nothing)."""
    last = pair[-1]
    if not last.text.rstrip().endswith(":"):
        return pair
    introduced = _with_neighbour(last, sentences, +1)
    if introduced and _words(pair + introduced[1:]) <= MAX_LEAD_WORDS:
        return pair + introduced[1:]
    return pair if last is lead else [lead]


def _same_paragraph(first: ScoredSentence, second: ScoredSentence) -> bool:
    """Whether no line break stands between two consecutive sentences of one passage."""
    chunk = first.passage.chunk
    return "\n" not in chunk.text[first.sentence.end - chunk.start:second.sentence.start - chunk.start]


def _unit(s: ScoredSentence, sentences: list[ScoredSentence]) -> list[ScoredSentence]:
    """``s`` with the neighbour that completes it: the sentence it refers back to ("This clause
    allowed …"), or what its colon introduces (a quote, a list)."""
    unit = None
    if REFERS_BACK.match(s.text):
        unit = _with_neighbour(s, sentences, -1)
    if unit is None and s.text.rstrip().endswith(":"):
        unit = _with_neighbour(s, sentences, +1)
    return unit or [s]


def _repeats(s: ScoredSentence, unit: list[ScoredSentence]) -> bool:
    """Whether ``s`` adds next to nothing to ``unit``: no figure it lacks, few terms (REPEAT_NEW_TERMS)."""
    own = set(terms(s.text))
    given = set().union(*(terms(u.text) for u in unit))
    new_figures = figures(s.text) - set().union(*(figures(u.text) for u in unit))
    return not new_figures and len(own - given) < REPEAT_NEW_TERMS * max(len(own), 1)


def _with_neighbour(s: ScoredSentence, sentences: list[ScoredSentence], step: int) -> list[ScoredSentence] | None:
    """``s`` and the sentence before (step -1) or after (+1) it in reading order, if there is one
    that may stand in an answer and the two fit in MAX_LEAD_WORDS."""
    near = _neighbour(sentences, s, step)
    if near is None:
        return None
    pair = [near, s] if step < 0 else [s, near]
    return pair if _words(pair) <= MAX_LEAD_WORDS else None


def _can_lead(s: ScoredSentence) -> bool:
    """Long enough, and a statement rather than a heading or a title line (those end without
    punctuation; a "Label: value" line counts as a statement), a bibliography entry or a question
    (those assert nothing)."""
    text = TRAILING_NOTE.sub("", s.text)
    asks = text.rstrip(CLOSERS).endswith("?")
    return len(text) >= MIN_SENTENCE_CHARS and not s.heading and not s.reference and not asks and (text[-1:] in SENTENCE_END or ":" in text)


def _distinct(sentences: list[ScoredSentence]) -> list[ScoredSentence]:
    """An overlap sentence appears in two passages: keep it once, in the better-ranked one."""
    seen: dict[tuple[str, int], ScoredSentence] = {}
    for s in sorted(sentences, key=lambda s: s.passage.rank):
        seen.setdefault(_key(s), s)
    return list(seen.values())


def _key(s: ScoredSentence) -> tuple[str, int]:
    """Where a sentence stands in its document: the same in every passage that holds it."""
    return s.passage.chunk.doc_id, s.sentence.start


def _neighbour(sentences: list[ScoredSentence], s: ScoredSentence, step: int) -> ScoredSentence | None:
    for other in sentences:
        if other.passage is s.passage and other.index == s.index + step:
            return other if _can_lead(other) else None
    return None


def _cover_rest(question: Question, ranked: list[ScoredSentence], chosen: list[ScoredSentence],
                stats: TermStats, config: Config, items: bool = False) -> list[ScoredSentence]:
    """Sentences that add the question terms the chosen ones leave out (the other half of a
    comparison, the other items of a list), best first; with ``items``, only sentences that name
    items (``names_items``): one that adds the question's words and no item is context, not a
    further item."""
    floor = ranked[0].score * EXTRA_FLOOR  # an extra part must itself be good evidence
    given = {_key(s) for s in chosen}
    # what may be an extra does not change from one pick to the next: judge it once
    candidates = [(s, set(terms(s.text))) for s in ranked
                  if s.score >= floor and _key(s) not in given
                  and (not items or names_items(s.text, question.text, stats.opening_names))
                  and not any(other_source(question.text, u.text) for u in _unit(s, ranked))]
    added: list[ScoredSentence] = []
    covered = set().union(*(terms(s.text) for s in chosen))
    related = question.related_terms
    for _ in range(config.max_answer_sentences - len(chosen)):
        missing = set(question.terms) - covered
        best, gain, words = None, 0.0, set()
        for s, own in candidates:
            share = stats.coverage(missing, own, related=related) if missing and _key(s) not in given else 0.0
            if share >= config.extra_share and share * s.score > gain:
                best, gain, words = s, share * s.score, own
        if best is None:
            break
        added.append(best)
        given.add(_key(best))
        covered |= words
    return added


def names_items(text: str, question: str, opening_names: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` names items of a list: a series ("gold, titanium and vanadium", "the United
    States, the European Union, Japan, and …") or a name the question lacks (``holds_kind``)."""
    return bool(SERIES.search(text)) or bool(holds_kind("entity", text, question, opening_names))


def _within_words(units: list[list[ScoredSentence]], limit: int, max_words: int,
                  optional: Sequence[ScoredSentence] = ()) -> list[ScoredSentence]:
    """Units in order, up to ``limit`` sentences and ``max_words`` words; the first always stays.
    An extra unit that does not fit whole comes without its completing neighbour if that fits,
    else in place of the ``optional`` sentences of the first (the neighbour that joined the lead:
    the other side of a comparison says more than more of the first side); a sentence already
    given (an extra's antecedent may be the lead) is not repeated."""
    kept: list[ScoredSentence] = list(units[0])
    for unit in units[1:]:
        for option in (unit, unit[-1:] if REFERS_BACK.match(unit[-1].text) else unit[:1]):
            new = [s for s in option if s not in kept]
            if len(kept) + len(new) <= limit and _words(kept + new) <= max_words:
                kept += new
                break
            spare = [s for s in kept if s not in optional]
            if len(spare) < len(kept) and len(spare) + len(new) <= limit and _words(spare + new) <= max_words:
                kept = spare + new
                break
    return kept


def _words(sentences: list[ScoredSentence]) -> int:
    return sum(len(s.text.split()) for s in sentences)


def open_parts(answer: Answer) -> list[str]:
    """What to say after ``answer`` about each part of its question the documents do not answer."""
    return [NO_PART_ANSWER.format(part=part[:1].upper() + part[1:]) for part in answer.unanswered]


def combine(question: Question, parts: list[Answer]) -> Answer:
    """One answer from the answers to each part of a multi-part question: the confident parts'
    sentences in order, citations renumbered, and the parts they leave open named; it abstains
    only if every part does."""
    answered = [a for a in parts if not a.abstained]
    passages, seen = [], set()
    for p in sorted((p for a in parts for p in a.passages), key=lambda p: p.rank):
        if p.chunk.chunk_id not in seen:
            seen.add(p.chunk.chunk_id)
            passages.append(p)
    confidence = max(a.confidence for a in parts)
    if not answered:
        return Answer(question.text, NO_ANSWER, True, confidence, passages=passages, query=question.query)
    citations, texts, taken = [], [], set()
    for part in answered:
        for c in part.citations:
            if (c.doc_id, c.start) in taken:
                continue  # one sentence can answer two parts: cite it once
            taken.add((c.doc_id, c.start))
            citations.append(dataclasses.replace(c, marker=len(citations) + 1))
            texts.append(f"{c.text} [{len(citations)}]")
    return Answer(question.text, " ".join(texts), False, confidence, citations, passages, query=question.query,
                  unanswered=[a.question for a in parts if a.abstained])

