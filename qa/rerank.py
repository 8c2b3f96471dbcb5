"""Reranking the fused candidates. Two implementations behind one interface, chosen by
``make_reranker``:

- ``EvidenceReranker`` (default): a passage is scored by its best sentence window (sentence
  score plus its best neighbour) under the bundled bi-encoder, fused with the whole-chunk
  vector, BM25 and the fused rank. Weights live in ``Config`` and are fitted by
  ``eval/tune.py``.
- ``CrossEncoderReranker``: a sentence-transformers cross-encoder loaded from a local path,
  for users who have one (none with weights ships on PyPI).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.config import Config
from qa.schema import Passage
from qa.scoring import Question, ScoredSentence, SentenceWeights, TermStats, score_sentences
from qa.store import ChunkStore, sentence_id


@dataclass
class Reranked:
    """Reranked passages with the scored sentences of every candidate."""

    passages: list[Passage]
    sentences: list[ScoredSentence]


def sentence_weights(config: Config) -> SentenceWeights:
    """The sentence-score weights of the configuration."""
    return SentenceWeights(config.w_semantic, config.w_lexical, config.w_typed)


class EvidenceReranker:
    """Scores candidates by their best evidence sentences; see the module docstring."""

    def __init__(self, config: Config, store: ChunkStore, stats: TermStats, bm25_scores):
        self.config = config
        self.store = store
        self.stats = stats
        self.bm25_scores = bm25_scores  # callable: query -> {chunk_id: score}

    def score(self, question: Question, query_embedding, passages: list[Passage]) -> list[ScoredSentence]:
        """Sentence scores for every sentence of ``passages``."""
        sentence_ids = [sentence_id(p.chunk, s) for p in passages for s in p.chunk.sentences]
        _, vectors = self.store.embeddings([], sentence_ids)
        return score_sentences(question, query_embedding, passages, vectors, self.stats,
                               sentence_weights(self.config), sentence_id)

    def rerank(self, question: Question, query_embedding, passages: list[Passage]) -> Reranked:
        """``passages`` reordered by evidence; scores become the fused reranker scores."""
        if not passages:
            return Reranked([], [])
        cfg = self.config
        chunk_vectors, sentence_vectors = self.store.embeddings(
            [p.chunk.chunk_id for p in passages], [sentence_id(p.chunk, s) for p in passages for s in p.chunk.sentences])
        sentences = score_sentences(question, query_embedding, passages, sentence_vectors, self.stats,
                                    sentence_weights(cfg), sentence_id)
        by_passage: dict[str, list[ScoredSentence]] = {}
        for s in sentences:
            by_passage.setdefault(s.passage.chunk.chunk_id, []).append(s)
        bm25 = self.bm25_scores(question.text, [p.chunk.chunk_id for p in passages])
        top_bm25 = max(bm25.values(), default=0.0) or 1.0
        q = np.asarray(query_embedding, dtype=np.float32)
        reranked = []
        for fused_rank, p in enumerate(passages):
            window = _best_window([s.score for s in by_passage.get(p.chunk.chunk_id, [])], cfg.w_neighbour)
            vector = chunk_vectors.get(p.chunk.chunk_id)
            dense = float(np.dot(q, np.asarray(vector, dtype=np.float32))) if vector is not None else 0.0
            score = (cfg.w_window * window + cfg.w_chunk * dense + cfg.w_bm25 * bm25.get(p.chunk.chunk_id, 0.0) / top_bm25
                     + cfg.w_fused / (1 + fused_rank))
            reranked.append(Passage(p.chunk, score))
        reranked.sort(key=lambda p: -p.score)
        return Reranked(reranked, sentences)


def _best_window(scores: list[float], neighbour: float) -> float:
    """Best sentence score plus ``neighbour`` times its better neighbour, normalised."""
    best = 0.0
    for i, s in enumerate(scores):
        near = max(scores[i - 1] if i > 0 else 0.0, scores[i + 1] if i + 1 < len(scores) else 0.0)
        best = max(best, (s + neighbour * near) / (1 + neighbour))
    return best


class CrossEncoderReranker(EvidenceReranker):
    """Orders candidates by a local cross-encoder's (question, passage) scores; sentence
    scores for the answer still come from the evidence scorer."""

    def __init__(self, config: Config, store: ChunkStore, stats: TermStats, bm25_scores, model_path: str):
        from sentence_transformers import CrossEncoder

        super().__init__(config, store, stats, bm25_scores)
        self.model = CrossEncoder(model_path, device="cpu")

    def rerank(self, question: Question, query_embedding, passages: list[Passage]) -> Reranked:
        """``passages`` ordered by the cross-encoder."""
        if not passages:
            return Reranked([], [])
        logits = self.model.predict([(question.text, p.chunk.text) for p in passages])
        reranked = sorted((Passage(p.chunk, float(s)) for p, s in zip(passages, logits)), key=lambda p: -p.score)
        return Reranked(reranked, self.score(question, query_embedding, reranked))


def make_reranker(config: Config, store: ChunkStore, stats: TermStats, bm25_scores) -> EvidenceReranker:
    """The reranker the configuration asks for."""
    if config.cross_encoder_path:
        return CrossEncoderReranker(config, store, stats, bm25_scores, config.cross_encoder_path)
    return EvidenceReranker(config, store, stats, bm25_scores)
