"""The reranker: the evidence reranker's ordering, and the plumbing of the optional local
cross-encoder. No cross-encoder with weights ships on PyPI, so the test builds a tiny one with
random weights: it checks that the option loads from a path and orders passages by the
model's scores, not that such a model ranks well."""

from __future__ import annotations

import pytest
from sentence_transformers import CrossEncoder

from qa.config import Config
from qa.embedding import default_model_path
from qa.rerank import CrossEncoderReranker, EvidenceReranker
from qa.scoring import analyse
from tests.conftest import document_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory) -> str:
    """A 2-layer BERT cross-encoder with random weights, saved to a temp folder."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(default_model_path())  # MiniLM's vocabulary, from its package
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, num_labels=1)
    path = tmp_path_factory.mktemp("tiny-cross-encoder")
    BertForSequenceClassification(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


def test_evidence_reranker_is_the_default(assistant):
    assert type(assistant.retriever.reranker) is EvidenceReranker


def test_cross_encoder_option_orders_by_the_model(assistant, tiny_cross_encoder):
    from qa.pipeline import Assistant

    config = assistant.config.replace(cross_encoder_path=tiny_cross_encoder)
    with_ce = Assistant(config)
    reranker = with_ce.retriever.reranker
    assert isinstance(reranker, CrossEncoderReranker)
    q = analyse("Which minerals do Chinese companies supply to Russia?")
    pool, embedding = with_ce.retriever.candidates(q, "rerank", 5, None)
    reranked = reranker.rerank(q, embedding, pool)
    model = CrossEncoder(tiny_cross_encoder, device="cpu")
    expected = model.predict([(q.text, p.chunk.text) for p in pool])
    by_id = {p.chunk.chunk_id: float(s) for p, s in zip(pool, expected)}
    assert [p.chunk.chunk_id for p in reranked.passages] == sorted(by_id, key=lambda cid: -by_id[cid])
    # answers still quote exact spans whatever orders the passages
    answer = with_ce.ask("Which minerals do Chinese companies supply to Russia?")
    for c in answer.citations:
        assert document_text(c.doc_id)[c.start:c.end] == c.text


def test_rescore_weights_change_the_order(assistant):
    from qa.rerank import rescore

    retriever = assistant.retriever
    q = analyse("What share of the microchips imported by Russia in 2024 came from China?")
    pool, embedding = retriever.candidates(q, "rerank", 5, None)
    candidates = retriever.reranker.features(q, embedding, pool)
    by_bm25 = rescore(candidates, Config.load(w_window=0.0, w_chunk=0.0, w_bm25=1.0, w_fused=0.0)).passages
    top_bm25 = max(range(len(pool)), key=lambda i: candidates.bm25[i])
    assert by_bm25[0].chunk.chunk_id == pool[top_bm25].chunk.chunk_id
