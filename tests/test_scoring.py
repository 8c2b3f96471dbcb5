"""Sentence-scoring signals that need no model: term statistics over titles and sources."""

from qa.schema import Chunk, Sentence
from qa.scoring import TermStats, analyse


def _chunk(doc_id: str, title: str, source: str) -> Chunk:
    text = "Trade between the two countries grew."
    return Chunk(f"{doc_id}#0", doc_id, title, 0, 0, len(text), text, (Sentence(0, len(text)),), source=source)


def test_source_match_prefers_the_document_a_question_names():
    stats = TermStats([_chunk("a.md", "China and Russia: the economic triangle", "Example Analysis"),
                       _chunk("b.md", "China and Russia trade in 2024", "lhpgop (website)"),
                       _chunk("c.md", "North Korea and China", "Example News")])
    named = analyse("What does the triangle analysis say about exports?").terms
    assert stats.source_match(named, "a.md") == 1.0  # "triangle": no other title has it
    assert stats.source_match(named, "b.md") == 0.0
    by_site = analyse("According to lhpgop, how much did exports grow?").terms
    assert stats.source_match(by_site, "b.md") == 1.0
    # a word every title shares says nothing about which document is meant
    shared = analyse("How much did China export?").terms
    assert all(stats.source_match(shared, d) <= 0.5 for d in ("a.md", "b.md", "c.md"))


def test_conflicting_numbers_flags_other_figures_of_the_same_kind():
    from qa.scoring import conflicting_numbers

    question = analyse("Which exports were banned by Resolution 2270?").figures
    assert conflicting_numbers(question, "Resolution 2375, passed in 2017, restricted oil.") == 1.0
    assert conflicting_numbers(question, "Resolutions 2270 and 2375 were passed.") == 0.0  # the asked one is there
    assert conflicting_numbers(question, "It banned coal, iron and gold.") == 0.0  # no figure at all
    assert conflicting_numbers(question, "About 40 percent of exports.") == 0.0  # not the same kind of figure
    assert conflicting_numbers(analyse("Which exports were banned?").figures, "Resolution 2375 banned oil.") == 0.0  # none asked
