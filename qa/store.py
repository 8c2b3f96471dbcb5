"""The Chroma store: embedded (``PersistentClient`` under ``index/``) or a server (``HttpClient``).

Two collections share one layout in both modes:
- ``<name>``: one record per chunk (text, chunk embedding, offsets, document metadata);
- ``<name>_sentences``: one record per sentence (sentence embedding, offsets), for the
  sentence-level reranker and the sentence-level dense retriever.
Chroma never embeds anything itself: every record is written with its embedding.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urlparse

import qa.config  # noqa: F401  (offline environment)
from qa.config import Config
from qa.schema import Chunk, Sentence

log = logging.getLogger(__name__)

SENTENCES_SUFFIX = "_sentences"
PAGE = 5000  # records per read when scanning a collection


@dataclass(frozen=True)
class DocumentInfo:
    """What the store knows of one indexed document."""

    doc_id: str
    title: str
    source: str
    version: str  # content hash + chunking settings + model
    chunks: int  # chunks present
    expected: int  # chunks the document was split into (less than this: an interrupted write)
    indexed_at: str


def open_client(config: Config):
    """The Chroma client the configuration names, telemetry off."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if config.chroma_url:
        url = urlparse(config.chroma_url if "//" in config.chroma_url else f"http://{config.chroma_url}")
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=settings)
    config.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(config.chroma_dir), settings=settings)


class ChunkStore:
    """Reads and writes chunk and sentence records; knows nothing of models or files."""

    def __init__(self, config: Config):
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.config = config
        self.client = open_client(config)
        # embedding_function=None alone does not stop chroma loading its default embedder in
        # every version; we pass embeddings on every write and query, so it is never called.
        space = {"hnsw:space": "cosine"}
        self.chunks = self.client.get_or_create_collection(config.collection, metadata=space, embedding_function=None)
        self.sentences = self.client.get_or_create_collection(config.collection + SENTENCES_SUFFIX, metadata=space,
                                                              embedding_function=None)
        self.chunk_vectors = ChromaVectorStore(chroma_collection=self.chunks)
        self.sentence_vectors = ChromaVectorStore(chroma_collection=self.sentences)
        # Chroma refuses larger writes (5461 records in 1.5, embedded and server alike), and
        # llama-index only splits at 41665: one large document would fail to index.
        self.max_batch = max(1, self.client.get_max_batch_size())

    # -- reading -------------------------------------------------------------------------
    def count(self) -> int:
        """Number of chunk records."""
        return self.chunks.count()

    def scan(self, include=("metadatas",), where: dict | None = None):
        """Yield (id, document, metadata) for every chunk record, a page at a time."""
        offset = 0
        while True:
            page = self.chunks.get(include=list(include), where=where, limit=PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            docs = page.get("documents") or [None] * len(ids)
            for i, cid in enumerate(ids):
                yield cid, docs[i], page["metadatas"][i]
            offset += len(ids)

    def load_chunks(self) -> list[Chunk]:
        """Every chunk in the store, in document order."""
        chunks = [chunk_from_record(cid, text, meta) for cid, text, meta in self.scan(("documents", "metadatas"))]
        chunks.sort(key=lambda c: (c.doc_id, c.ordinal))
        return chunks

    def documents(self) -> dict[str, DocumentInfo]:
        """Per document: its metadata and how many chunks of its current version are present."""
        counts: dict[str, Counter] = defaultdict(Counter)
        metas: dict[str, dict] = {}
        for _, _, meta in self.scan():
            counts[meta["doc_id"]][meta["version"]] += 1
            metas[meta["doc_id"]] = meta
        return {
            doc_id: DocumentInfo(doc_id, m["title"], m.get("source", ""), m["version"],
                                 # chunks of two versions mixed: count none, so it is rewritten
                                 counts[doc_id][m["version"]] if len(counts[doc_id]) == 1 else 0,
                                 int(m["n_chunks"]), m.get("indexed_at", ""))
            for doc_id, m in metas.items()
        }

    def embeddings(self, chunk_ids: list[str], sentence_ids: list[str]) -> tuple[dict, dict]:
        """Stored chunk and sentence embeddings, by id."""
        found = []
        for collection, ids in ((self.chunks, chunk_ids), (self.sentences, sentence_ids)):
            got = collection.get(ids=list(dict.fromkeys(ids)), include=["embeddings"]) if ids else {"ids": [], "embeddings": []}
            found.append(dict(zip(got["ids"], got["embeddings"])))
        return found[0], found[1]

    # -- writing -------------------------------------------------------------------------
    def delete_document(self, doc_id: str) -> None:
        """Remove every record of one document (both collections)."""
        self.chunks.delete(where={"doc_id": doc_id})
        self.sentences.delete(where={"doc_id": doc_id})

    def add(self, chunk_nodes: list, sentence_nodes: list) -> None:
        """Write sentence records first, chunk records last: a document whose chunks are all
        present therefore has all its sentences too."""
        for vectors, nodes in ((self.sentence_vectors, sentence_nodes), (self.chunk_vectors, chunk_nodes)):
            for i in range(0, len(nodes), self.max_batch):
                vectors.add(nodes[i:i + self.max_batch])


def sentence_id(chunk: Chunk, sentence: Sentence) -> str:
    """Sentences are stored once per document version, keyed by their offsets."""
    return f"{chunk.doc_id}@{sentence.start}-{sentence.end}:{chunk.version}"


def chunk_from_record(chunk_id: str, text: str, meta: dict) -> Chunk:
    """Rebuild a ``Chunk`` from its stored record."""
    spans = tuple(Sentence(a, b) for a, b in json.loads(meta["sentences"]))
    return Chunk(chunk_id=chunk_id, doc_id=meta["doc_id"], title=meta["title"], source=meta.get("source", ""),
                 ordinal=int(meta["ordinal"]),
                 start=int(meta["start"]), end=int(meta["end"]), text=text, sentences=spans,
                 version=meta["chunk_version"])
