"""Answer composition on hand-made scored sentences (no model): what may lead an answer."""

from qa.answer import NO_ANSWER, compose
from qa.chunking import split_sentences
from qa.config import Config
from qa.schema import Chunk, Passage
from qa.scoring import ScoredSentence, TermStats, analyse

TEXT = ("WILL CHINA AND NORTH KOREA CONSUME RUSSIA?\n"
        "Russia buys artillery shells from North Korea and pays in food and fuel.")


def _sentences(scores: list[float]) -> tuple[Passage, list[ScoredSentence]]:
    spans = tuple(split_sentences(TEXT))
    chunk = Chunk("doc.md#0", "doc.md", "Doc", 0, 0, len(TEXT), TEXT, spans)
    passage = Passage(chunk, 1.0, rank=1)
    scored = [ScoredSentence(passage, i, span, TEXT[span.start:span.end], semantic=0.8, lexical=0.8, typed=0.0,
                             score=score) for i, (span, score) in enumerate(zip(spans, scores))]
    return passage, scored


def test_a_question_in_the_text_never_leads_the_answer():
    passage, sentences = _sentences([0.9, 0.6])  # the rhetorical question scores best
    stats = TermStats([passage.chunk])
    config = Config(abstain_threshold=0.0, second_ratio=1.01)
    answer = compose(analyse("What does Russia pay North Korea with?"), [passage], sentences, stats, config)
    assert answer.answer != NO_ANSWER
    assert answer.citations[0].text.startswith("Russia buys artillery shells")
    assert all(not c.text.endswith("?") for c in answer.citations)
