"""Retrieval: BM25, dense (Chroma), hybrid (reciprocal rank fusion) and hybrid + rerank.

Built on llama-index retrievers: ``BM25Retriever`` over the store's chunks, a
``VectorIndexRetriever`` over the Chroma collections, ``QueryFusionRetriever`` for RRF.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

import bm25s

from llama_index.core import VectorStoreIndex
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.core.vector_stores import MetadataFilter, MetadataFilters
from llama_index.retrievers.bm25 import BM25Retriever

from qa.config import Config
from qa.embedding import embed_query
from qa.rerank import make_reranker
from qa.schema import Chunk, Passage
from qa.scoring import Question, ScoredSentence, TermStats, amount_of, counted_state, extremes, stem
from qa.store import ChunkStore
from qa.vocabulary import LongerForms, Vocabulary, merge

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import

MAX_COUNTED = 10  # document words that may name what a how-many question counts


@dataclass
class Retrieval:
    """Ranked passages for one question, with the scored sentences of the final passages."""

    question: Question
    passages: list[Passage]
    sentences: list[ScoredSentence] = field(default_factory=list)


class Retriever:
    """All retrieval modes over one store; built once, shared by every question."""

    def __init__(self, config: Config, store: ChunkStore, embedder):
        self.config = config
        self.store = store
        self.embedder = embedder
        self.chunks: list[Chunk] = store.load_chunks()
        self.by_id = {c.chunk_id: c for c in self.chunks}
        self.position = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self.docs = sorted({c.doc_id for c in self.chunks})
        # a sentence found by the sentence retriever counts for the chunk it is central to
        self.sentence_home: dict[tuple[str, int], str] = {}
        for c in self.chunks:
            for i, s in enumerate(c.sentences):
                if i > 0 or (c.doc_id, s.start) not in self.sentence_home:
                    self.sentence_home[(c.doc_id, s.start)] = c.chunk_id
        self.bm25 = None
        self.nodes: dict[str, TextNode] = {}
        if self.chunks:
            nodes = [TextNode(id_=c.chunk_id, text=c.text, metadata={"doc_id": c.doc_id}) for c in self.chunks]
            self.nodes = {n.node_id: n for n in nodes}
            self.bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(config.candidates, len(nodes)),
                                                    language="en")
        self.stats = TermStats(self.chunks)
        # its word vectors take seconds to compute without a cache: not when related words are off
        self.vocabulary = (Vocabulary(self.chunks, embedder, config.index_dir, config.model_path)
                           if config.related_threshold <= 1 else None)
        self.longer_forms = LongerForms(self.stats.idf)
        self.reranker = make_reranker(config, store, self.stats, self.bm25_scores)
        self.chunk_index = VectorStoreIndex.from_vector_store(store.chunk_vectors, embed_model=embedder)
        self.sentence_index = VectorStoreIndex.from_vector_store(store.sentence_vectors, embed_model=embedder)

    def prepare(self, question: Question) -> Question:
        """``question`` with the document terms related to its words: nearest in meaning to a word
        the documents never use, longer forms of a word of it, the other words for an extreme it names."""
        nearest = self.vocabulary.related(question.query, self.stats.known, self.config.related_threshold) \
            if self.vocabulary else ()
        related = merge(nearest, self.longer_forms.related(question.terms, self.config.prefix_credit),
                        extremes(question.terms))
        # what is asked for must be named as asked: a near miss asks for a role or a unit the
        # documents never name ("Who is China's ambassador …": "diplomat" is no ambassador)
        related = tuple((t, near) for t, near in related if t != question.focus)
        # … but a figure may count or measure it by another word ("labourers" as "the workforce
        # (50,000-150,000)"; ``amount_of``)
        word = amount_of(question.text)
        counted_as = self._near(word[0]) if word else frozenset()
        state = counted_state(question.text)
        state_as = self._near(state) | {stem(state)} if state else frozenset()
        return dataclasses.replace(question, related=related, counted_as=counted_as, state_as=state_as) \
            if related or counted_as or state_as else question

    def _near(self, word: str) -> frozenset[str]:
        """The document terms at least ``Config.counted_threshold`` similar to ``word``."""
        return frozenset(t for t, _ in self.vocabulary.nearest(word, self.config.counted_threshold, MAX_COUNTED)
                         ) if self.vocabulary else frozenset()

    def retrieve(self, question: Question, mode: str | None = None, top_k: int | None = None,
                 doc: str | None = None) -> Retrieval:
        """The top passages for ``question`` in ``mode``, optionally only from document ``doc``."""
        mode = mode or self.config.mode
        top_k = top_k or self.config.top_k
        if not self.chunks:
            return Retrieval(question, [])
        candidates, embedding = self.candidates(question, mode, top_k, doc)
        if mode == "rerank":
            reranked = self.reranker.rerank(question, embedding, candidates)
            passages = reranked.passages[:top_k]
            kept = {p.chunk.chunk_id for p in passages}
            sentences = [s for s in reranked.sentences if s.passage.chunk.chunk_id in kept]
        else:
            passages = candidates[:top_k]
            sentences = self.reranker.score(question, embedding, passages)
        for rank, p in enumerate(passages, 1):
            p.rank = rank
        score_of = {p.chunk.chunk_id: p for p in passages}
        for s in sentences:  # point sentences at the final, ranked passage objects
            s.passage = score_of[s.passage.chunk.chunk_id]
        return Retrieval(question, passages, sentences)

    def candidates(self, question: Question, mode: str, top_k: int, doc: str | None) -> tuple[list[Passage], list]:
        """First-stage passages (the fused pool for "rerank") and the query embedding."""
        embedding = embed_query(self.embedder, question.query)
        depth = self.config.candidates if mode == "rerank" else top_k
        hits = self._retriever(mode, depth, doc).retrieve(QueryBundle(query_str=question.query, embedding=embedding))
        return [Passage(self.by_id[h.node.node_id], float(h.score or 0.0)) for h in hits][:depth], embedding

    def bm25_scores(self, query: str, chunk_ids: list[str]) -> dict[str, float]:
        """BM25 scores of some chunks for ``query``."""
        tokens = bm25s.tokenize(query, stopwords="en", stemmer=self.bm25.stemmer, return_ids=False,
                                show_progress=False)[0]
        vocab = self.bm25.bm25.vocab_dict
        tokens = [t for t in tokens if t in vocab]
        if not tokens:
            return {}
        scores = self.bm25.bm25.get_scores(tokens)
        return {cid: float(scores[self.position[cid]]) for cid in chunk_ids}

    def _retriever(self, mode: str, depth: int, doc: str | None) -> BaseRetriever:
        if mode == "bm25":
            return self._bm25(depth, doc)
        if mode == "dense":
            return self._dense(self.chunk_index, depth, doc)
        parts = [self._dense(self.chunk_index, depth, doc), self._bm25(depth, doc)]
        if mode == "rerank":
            sentences = self._dense(self.sentence_index, depth * 2, doc)
            parts.append(AsChunks(sentences, self.nodes, lambda n: self.sentence_home.get(
                (n.metadata["doc_id"], int(n.metadata["start"])))))
        return QueryFusionRetriever(parts, mode=FUSION_MODES.RECIPROCAL_RANK, similarity_top_k=depth,
                                    num_queries=1, use_async=False)

    def _bm25(self, depth: int, doc: str | None) -> BaseRetriever:
        # shares the built index; a document filter only masks it
        mask = [int(c.doc_id == doc) for c in self.chunks] if doc else None
        if mask is not None and not any(mask):
            return AsChunks(None, self.nodes, None)
        bm25 = BM25Retriever(existing_bm25=self.bm25.bm25, similarity_top_k=min(depth, len(self.chunks)),
                             corpus_weight_mask=mask, stemmer=self.bm25.stemmer)
        bm25.corpus = self.bm25.corpus  # the node table is not part of the shared bm25s index
        # the mask only zeroes scores: masked or term-less chunks still fill the top k, drop them
        return AsChunks(bm25, self.nodes, lambda n: n.node_id if not doc or self.by_id[n.node_id].doc_id == doc
                        else None, min_score=1e-9)

    def _dense(self, index, depth: int, doc: str | None) -> BaseRetriever:
        filters = MetadataFilters(filters=[MetadataFilter(key="doc_id", value=doc)]) if doc else None
        return AsChunks(index.as_retriever(similarity_top_k=depth, filters=filters), self.nodes, lambda n: n.node_id)


class AsChunks(BaseRetriever):
    """Reports another retriever's hits as the canonical node of the chunk each hit belongs to.

    ``QueryFusionRetriever`` fuses by node hash (text + metadata), and the same chunk read
    from BM25 and from Chroma carries different metadata: canonical nodes make it one node.
    It also lets sentence hits count for their chunk. ``inner=None`` retrieves nothing.
    """

    def __init__(self, inner: BaseRetriever | None, nodes: dict[str, TextNode], chunk_of, min_score: float | None = None):
        super().__init__()
        self.inner = inner
        self.nodes = nodes
        self.chunk_of = chunk_of
        self.min_score = min_score

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self.inner is None:
            return []
        best: dict[str, float] = {}
        for hit in self.inner.retrieve(query_bundle):
            if self.min_score is not None and (hit.score or 0.0) < self.min_score:
                continue
            chunk_id = self.chunk_of(hit.node)
            if chunk_id in self.nodes and chunk_id not in best:
                best[chunk_id] = float(hit.score or 0.0)
        return [NodeWithScore(node=self.nodes[cid], score=score) for cid, score in best.items()]
