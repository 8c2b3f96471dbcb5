"""Composing a short extractive answer in which every sentence is a verbatim, cited span.

No language model: the answer is made of the retrieved sentences that best answer the
question, so each citation is right by construction and its offsets are exact.
"""

from __future__ import annotations

import re

from qa.config import Config
from qa.schema import Answer, Citation, Passage
from qa.scoring import Question, ScoredSentence, TermStats, terms

NO_ANSWER = "The documents do not contain an answer to this question."
MAX_ANSWER_WORDS = 60
MIN_SENTENCE_CHARS = 25  # shorter lines (headings, list labels) never lead an answer
# A sentence opening with one of these leans on the sentence before it.
ANAPHORA = re.compile(r"^(this|these|that|those|it|its|they|their|such|he|she|his|her|however|moreover|"
                      r"additionally|furthermore|therefore|thus|as a result|in addition|also)\b", re.I)
# Questions that ask for several things, or for two to be set side by side.
MULTI_PART = re.compile(r"\b(and|both|compare|comparison|versus|vs\.?|differ|difference|each|respectively|"
                        r"list|what are|which are|as well as)\b|,", re.I)


def confidence_of(best: ScoredSentence) -> float:
    """Confidence that the best sentence answers the question (0..1): its evidence score,
    blended with its passage's rank."""
    return min(1.0, max(0.0, best.score * 0.85 + 0.15 / best.passage.rank))


def compose(question: Question, passages: list[Passage], sentences: list[ScoredSentence], stats: TermStats,
            config: Config) -> Answer:
    """The cited answer to ``question`` from the retrieved passages' scored sentences."""
    candidates = [s for s in sentences if len(s.text) >= MIN_SENTENCE_CHARS]
    if not candidates:
        return Answer(question.text, NO_ANSWER, True, 0.0, passages=passages, query=question.query)
    ranked = sorted(candidates, key=lambda s: (-s.score, s.passage.rank))
    best = ranked[0]
    confidence = confidence_of(best)
    if confidence < config.abstain_threshold:
        return Answer(question.text, NO_ANSWER, True, confidence, passages=passages, query=question.query)
    chosen = [best]
    previous = _neighbour(sentences, best, -1)
    if ANAPHORA.match(best.text) and previous is not None and _words([previous, best]) <= MAX_ANSWER_WORDS:
        chosen.insert(0, previous)  # the sentence it refers back to completes it
    if MULTI_PART.search(question.text):
        chosen += _cover_rest(question, ranked, chosen, stats, config)
    chosen = _within_words(chosen, config.max_answer_sentences)
    citations, parts = [], []
    for marker, s in enumerate(chosen, 1):
        chunk = s.passage.chunk
        citations.append(Citation(marker, chunk.doc_id, chunk.title, chunk.ordinal, s.sentence.start, s.sentence.end,
                                  s.text, chunk.text, chunk.start, s.score))
        parts.append(f"{s.text} [{marker}]")
    return Answer(question.text, " ".join(parts), False, confidence, citations, passages, query=question.query)


def _neighbour(sentences: list[ScoredSentence], s: ScoredSentence, step: int) -> ScoredSentence | None:
    for other in sentences:
        if other.passage is s.passage and other.index == s.index + step:
            return other if len(other.text) >= MIN_SENTENCE_CHARS else None
    return None


def _cover_rest(question: Question, ranked: list[ScoredSentence], chosen: list[ScoredSentence],
                stats: TermStats, config: Config) -> list[ScoredSentence]:
    """Sentences that add the question terms the chosen ones leave out (the other half of a
    comparison, the other items of a list), best first."""
    added: list[ScoredSentence] = []
    covered = set().union(*(terms(s.text) for s in chosen))
    floor = ranked[0].score * 0.6  # an extra part must itself be good evidence
    for _ in range(config.max_answer_sentences - len(chosen)):
        missing = set(question.terms) - covered
        if not missing:
            break
        taken = {(s.passage.chunk.doc_id, s.sentence.start) for s in chosen + added}
        best, gain = None, 0.0
        for s in ranked:
            if s.score < floor or (s.passage.chunk.doc_id, s.sentence.start) in taken:
                continue
            g = stats.coverage(missing, set(terms(s.text))) * s.score
            if g > gain:
                best, gain = s, g
        if best is None:
            break
        added.append(best)
        covered |= set(terms(best.text))
    return added


def _within_words(chosen: list[ScoredSentence], limit: int) -> list[ScoredSentence]:
    """At most ``limit`` sentences and ``MAX_ANSWER_WORDS`` words; the lead always stays."""
    kept: list[ScoredSentence] = []
    for s in chosen[:limit]:
        if kept and _words(kept + [s]) > MAX_ANSWER_WORDS:
            break
        kept.append(s)
    return kept


def _words(sentences: list[ScoredSentence]) -> int:
    return sum(len(s.text.split()) for s in sentences)
