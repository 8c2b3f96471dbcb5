import pytest

from qa.scoring import analyse

pytestmark = pytest.mark.slow


def test_hybrid_fuses_both_retrievers(assistant):
    retriever = assistant.retriever
    q = analyse("Which minerals do Chinese companies supply to Russia for drones?")
    bm25 = [p.chunk.chunk_id for p in retriever.retrieve(q, mode="bm25", top_k=5).passages]
    dense = [p.chunk.chunk_id for p in retriever.retrieve(q, mode="dense", top_k=5).passages]
    hybrid = retriever.retrieve(q, mode="hybrid", top_k=10).passages
    ids = [p.chunk.chunk_id for p in hybrid]
    assert len(ids) == len(set(ids))
    assert set(bm25) & set(ids) and set(dense) & set(ids)
    # a chunk both retrievers rank first gets 1/(60 + 0) from each (llama-index counts ranks from 0)
    if bm25[0] == dense[0]:
        assert ids[0] == bm25[0] and hybrid[0].score == pytest.approx(2 / 60)


def test_unknown_document_filter_returns_nothing(assistant):
    assert assistant.retriever.retrieve(analyse("gallium"), doc="no-such-file.md").passages == []


def test_related_words_switched_off_build_no_word_vectors(assistant):
    from qa.retrieval import Retriever

    retriever = Retriever(assistant.config.replace(related_threshold=1.01), assistant.store, assistant.embedder)
    assert retriever.vocabulary is None
    related = dict(retriever.prepare(analyse("How many labourers cross the border?")).related)
    assert "labour" not in related and "borderlin" in dict(related["border"])  # longer forms still count


def test_what_a_how_many_question_counts_may_be_named_by_a_document_word_near_it(assistant):
    counted_as = assistant.retriever.prepare(analyse("How many labourers from Pyongyang work in China?")).counted_as
    assert {"worker", "workforc"} <= counted_as
    assert assistant.retriever.prepare(analyse("Which labourers work in China?")).counted_as == frozenset()


def test_the_state_a_how_many_question_counts_in_is_its_participle_and_the_document_words_near_it(assistant):
    state_as = assistant.retriever.prepare(analyse("How many North Korean shells have been delivered to Russia?")).state_as
    assert {"deliv", "ship"} <= state_as  # "6,700 containers shipped" counts what was delivered
    assert assistant.retriever.prepare(analyse("How many shells does Russia buy?")).state_as == frozenset()
