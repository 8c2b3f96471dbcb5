"""``qa index``: bring the store in line with a corpus folder, re-embedding only what changed.

Each document's records carry a version (content hash + chunking settings + model) and the
number of chunks it was split into. A document is up to date when the store holds exactly
that many chunks of its current version; anything else (changed, new, half-written by a
crashed run) is deleted and rewritten, so an interrupted run is repaired by the next one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from qa.chunking import chunk_document
from qa.config import Config
from qa.corpus import corpus_files, iter_corpus
from qa.embedding import embed_texts
from qa.schema import Chunk, Document
from qa.store import ChunkStore, sentence_id

log = logging.getLogger(__name__)

INDEX_LOG = "index_log.jsonl"
INDEX_FORMAT = 2  # bump when the stored record layout changes: every document is rewritten
BATCH_CHUNKS = 256  # chunks embedded and written per batch: memory stays flat with corpus size


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks_written: int = 0
    chunks_total: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for people."""
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped; "
                f"{self.chunks_written} chunks embedded, {self.chunks_total} in the index ({self.seconds:.1f} s)")


def document_version(doc: Document, config: Config) -> str:
    """Changes when the file, the chunking settings, the model or the record layout change."""
    key = f"{INDEX_FORMAT}:{doc.content_hash}:{config.chunk_chars}:{config.chunk_overlap}:{config.model_path or 'minilm'}"
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def is_current(doc: Document, stored: dict, config: Config) -> bool:
    """True when the store holds exactly the expected chunks of this document's current version."""
    info = stored.get(doc.doc_id)
    return info is not None and info.version == document_version(doc, config) and info.chunks == info.expected


def sync(config: Config, store: ChunkStore, embedder, corpus_dir: Path | None = None,
         progress: bool = True) -> IndexReport:
    """Index ``corpus_dir`` (default: the configured corpus) incrementally into ``store``.

    Streams: one document is read, chunked and queued at a time and every ``BATCH_CHUNKS``
    chunks are embedded and written, so memory stays flat however large the corpus is.
    """
    started = time.perf_counter()
    corpus_dir = Path(corpus_dir or config.corpus_dir)
    stored = store.documents()
    report = IndexReport()
    present: set[str] = set()
    batch: list[tuple[Document, list[Chunk]]] = []
    pending = 0  # chunks in the batch
    files = corpus_files(corpus_dir)
    bar = _progress_bar(len(files), progress)
    for doc in iter_corpus(files, report.skipped):
        present.add(doc.doc_id)
        bar.update(1)
        if is_current(doc, stored, config):
            report.unchanged.append(doc.doc_id)
            continue
        (report.updated if doc.doc_id in stored else report.added).append(doc.doc_id)
        chunks = chunk_document(doc, config.chunk_chars, config.chunk_overlap)
        batch.append((doc, chunks))
        pending += len(chunks)
        if pending >= BATCH_CHUNKS:
            report.chunks_written += _write_batch(batch, store, embedder, config)
            batch, pending = [], 0
    if batch:
        report.chunks_written += _write_batch(batch, store, embedder, config)
    bar.close()
    # A file that exists but failed to load keeps its previous chunks: bad input loses nothing.
    broken = {rel for rel, _ in report.skipped}
    report.removed = sorted(doc_id for doc_id in stored if doc_id not in present
                            and (doc_id not in broken or not (corpus_dir / doc_id).exists()))
    for doc_id in report.removed:
        store.delete_document(doc_id)
    report.chunks_total = store.count()
    report.seconds = time.perf_counter() - started
    _append_log(config, report)
    return report


def index_document(config: Config, store: ChunkStore, embedder, doc: Document) -> int:
    """(Re)index one document now (an upload); returns its number of chunks."""
    return _write_batch([(doc, chunk_document(doc, config.chunk_chars, config.chunk_overlap))], store, embedder, config)


def _write_batch(batch: list[tuple[Document, list[Chunk]]], store: ChunkStore, embedder, config: Config) -> int:
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    chunk_nodes, sentence_nodes = [], []
    for doc, chunks in batch:
        version = document_version(doc, config)
        source = {NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc.doc_id)}
        for chunk in chunks:
            meta = {"doc_id": doc.doc_id, "title": doc.title, "source": doc.source, "version": version,
                    "n_chunks": len(chunks), "ordinal": chunk.ordinal, "start": chunk.start, "end": chunk.end,
                    "sentences": json.dumps([[s.start, s.end] for s in chunk.sentences]), "indexed_at": now,
                    "chunk_version": chunk.version}
            chunk_nodes.append(TextNode(id_=chunk.chunk_id, text=chunk.text, metadata=meta, relationships=source,
                                        excluded_embed_metadata_keys=list(meta), excluded_llm_metadata_keys=list(meta)))
        seen = set()
        for chunk in chunks:
            for sent in chunk.sentences:
                if sent in seen:
                    continue  # an overlap sentence is stored once
                seen.add(sent)
                meta = {"doc_id": doc.doc_id, "start": sent.start, "end": sent.end, "version": version}
                sentence_nodes.append(TextNode(id_=sentence_id(chunk, sent),
                                               text=doc.text[sent.start:sent.end], metadata=meta, relationships=source,
                                               excluded_embed_metadata_keys=list(meta)))
    vectors = embed_texts(embedder, [n.text for n in chunk_nodes + sentence_nodes], threads=config.index_threads)
    for node, vector in zip(chunk_nodes + sentence_nodes, vectors):
        node.embedding = vector
    for doc, _ in batch:
        store.delete_document(doc.doc_id)
    store.add(chunk_nodes, sentence_nodes)
    return len(chunk_nodes)


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="indexing files", unit="file", disable=not enabled or total == 0)


def _append_log(config: Config, report: IndexReport) -> None:
    """Every run, with what it skipped and why, goes to ``index/index_log.jsonl``."""
    config.index_dir.mkdir(parents=True, exist_ok=True)
    entry = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **asdict(report)}
    with open(config.index_dir / INDEX_LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
