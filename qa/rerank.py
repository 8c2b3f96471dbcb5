"""Reranking the fused candidates. Two implementations behind one interface, chosen by
``make_reranker``:

- ``EvidenceReranker`` (default): a passage is scored by its best sentence window (sentence
  score plus its best neighbour) under the bundled bi-encoder, its question vector turned by the
  query adapter (qa/adapter.py), fused with the whole-chunk vector, BM25 and the fused rank.
  Weights live in ``Config`` and are fitted by ``eval/tune.py``.
- ``CrossEncoderReranker``: a sentence-transformers cross-encoder loaded from a local path,
  for users who have one (none with weights ships on PyPI).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.adapter import QueryAdapter, load_adapter
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
    return SentenceWeights(config.w_semantic, config.w_lexical, config.w_typed, config.w_novelty, config.w_source,
                           config.w_conflict, config.title_terms, config.w_cue)


class EvidenceReranker:
    """Scores candidates by their best evidence sentences; see the module docstring."""

    def __init__(self, config: Config, store: ChunkStore, stats: TermStats, bm25_scores):
        self.config = config
        self.store = store
        self.stats = stats
        self.bm25_scores = bm25_scores  # callable: query -> {chunk_id: score}
        self.adapter: QueryAdapter | None = load_adapter(config.query_adapter)

    def score(self, question: Question, query_embedding, passages: list[Passage]) -> list[ScoredSentence]:
        """Sentence scores for every sentence of ``passages``."""
        sentence_ids = [sentence_id(p.chunk, s) for p in passages for s in p.chunk.sentences]
        _, vectors = self.store.embeddings([], sentence_ids)
        return self._score(question, query_embedding, passages, vectors)

    def _score(self, question: Question, query_embedding, passages: list[Passage], vectors: dict) -> list[ScoredSentence]:
        adapted = self.adapter.apply(query_embedding) if self.adapter else None
        return score_sentences(question, query_embedding, passages, vectors, self.stats,
                               sentence_weights(self.config), sentence_id, adapted)

    def features(self, question: Question, query_embedding, passages: list[Passage]) -> Candidates:
        """The evidence signals of each candidate: its sentences', its chunk vector's, BM25's."""
        chunk_vectors, sentence_vectors = self.store.embeddings(
            [p.chunk.chunk_id for p in passages], [sentence_id(p.chunk, s) for p in passages for s in p.chunk.sentences])
        sentences = self._score(question, query_embedding, passages, sentence_vectors)
        bm25 = self.bm25_scores(question.query, [p.chunk.chunk_id for p in passages])
        top_bm25 = max(bm25.values(), default=0.0) or 1.0
        q = np.asarray(query_embedding, dtype=np.float32)
        dense = [float(np.dot(q, np.asarray(chunk_vectors[p.chunk.chunk_id], dtype=np.float32)))
                 if p.chunk.chunk_id in chunk_vectors else 0.0 for p in passages]
        return Candidates(passages, sentences, dense, [bm25.get(p.chunk.chunk_id, 0.0) / top_bm25 for p in passages], q)

    def rerank(self, question: Question, query_embedding, passages: list[Passage]) -> Reranked:
        """``passages`` reordered by evidence; scores become the fused reranker scores."""
        if not passages:
            return Reranked([], [])
        return rescore(self.features(question, query_embedding, passages), self.config)


@dataclass
class Candidates:
    """Fused candidates (in fused order) with their evidence signals, before weighting."""

    passages: list[Passage]
    sentences: list[ScoredSentence]
    dense: list[float]  # cosine of question and whole chunk
    bm25: list[float]  # relative to the best candidate
    query: np.ndarray  # the question's own vector (eval/adapter.py fits the query adapter on it)


def rescore(candidates: Candidates, config: Config) -> Reranked:
    """Weigh the signals as ``config`` says: sentence scores, then passage scores, best first.
    Pure arithmetic, so ``eval/tune.py`` can try many weightings on one retrieval."""
    weights = sentence_weights(config)
    by_passage: dict[str, list[float]] = {}
    for s in candidates.sentences:
        by_passage.setdefault(s.passage.chunk.chunk_id, []).append(s.weigh(weights))
    reranked = []
    for fused_rank, p in enumerate(candidates.passages):
        window = _best_window(by_passage.get(p.chunk.chunk_id, []), config.w_neighbour)
        score = (config.w_window * window + config.w_chunk * candidates.dense[fused_rank]
                 + config.w_bm25 * candidates.bm25[fused_rank] + config.w_fused / (1 + fused_rank))
        reranked.append(Passage(p.chunk, score))
    reranked.sort(key=lambda p: -p.score)
    return Reranked(reranked, candidates.sentences)


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
