"""Sentence-aware chunking that keeps exact character offsets into the document text."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from qa.schema import Chunk, Document, Sentence

# Markdown/list syntax at the start of a line is not part of the sentence it introduces.
_LINE_PREFIX = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s*)+")
_HEADING = re.compile(r"^#{1,6}\s")
# A bibliography entry opens with its authors and year: "Bernal, G. (2023).", "[8] Duchâtel. M, Schell. P (2013)".
# The surname's comma or full stop keeps "China (2023) traded…" a statement. An endnote may
# instead open with an author body and a comma: "[13] U.S.-China Economic and Security Review
# Commission, The China-North Korea Strategic Rift …" (a note that states something opens
# with a sentence: "[11] In the case of infrastructure, …").
_REFERENCE = re.compile(r"(?:\[\d+\]\s*)?[A-Z][\w’'-]+[.,](?:\s+(?:[A-Z][\w’'-]*[.,]?|and|&)){0,6}\s+\((?:1[89]|20)\d\d\)|"
                        r"\[\d+\]\s*[A-Z][\w.’'-]*(?:\s+(?:(?:and|of|for|&)\s+)?[A-Z][\w.’'-]*){2,},")
MIN_SENTENCE_CHARS = 12  # shorter pieces ("Dr.", "e.g.") are glued to their neighbour


@lru_cache(maxsize=1)
def _punkt():
    """NLTK's Punkt model, from the copy llama-index ships (no download)."""
    import nltk
    from nltk.tokenize import PunktTokenizer

    spec = importlib.util.find_spec("llama_index.core")
    cache = Path(next(iter(spec.submodule_search_locations))) / "_static" / "nltk_cache"
    if str(cache) not in nltk.data.path:
        nltk.data.path.append(str(cache))
    return PunktTokenizer("english")


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentence spans of ``text``; each line is split on its own so headings and list items
    stand alone. Offsets are shifted by ``offset``."""
    spans: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        prefix = _LINE_PREFIX.match(line)
        body_start = prefix.end() if prefix else 0
        body = line[body_start:]
        if not body.strip():
            continue
        pieces: list[list[int]] = []
        for a, b in _punkt().span_tokenize(body):
            if pieces and (b - a < MIN_SENTENCE_CHARS or pieces[-1][1] - pieces[-1][0] < MIN_SENTENCE_CHARS):
                pieces[-1][1] = b
            else:
                pieces.append([a, b])
        base = offset + start + body_start
        spans.extend(Sentence(base + a, base + b) for a, b in pieces)
    return spans


def is_heading(text: str, sentence: Sentence) -> bool:
    """Whether the sentence is a markdown heading line."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    return bool(_HEADING.match(text[line_start:sentence.start + 1]))


def is_reference(text: str, sentence: Sentence) -> bool:
    """Whether the sentence stands in a bibliography entry: it cites a work and states nothing."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    return bool(_REFERENCE.match(text, line_start))


def chunk_document(doc: Document, chunk_chars: int = 800, overlap: int = 1) -> list[Chunk]:
    """Group whole sentences into chunks of at most ``chunk_chars`` characters (a single longer
    sentence stands alone), repeating the last ``overlap`` sentences at the start of the next
    chunk. A heading starts a new chunk once the current one is half full."""
    sentences = split_sentences(doc.text)
    groups: list[list[Sentence]] = []
    current: list[Sentence] = []
    fresh = 0  # sentences in `current` not carried over from the previous chunk
    for sent in sentences:
        too_long = current and sent.end - current[0].start > chunk_chars
        heading_break = current and fresh and is_heading(doc.text, sent) and \
            sent.start - current[0].start > chunk_chars // 2
        if (too_long or heading_break) and fresh:
            groups.append(current)
            carried = [s for s in current[-overlap:] if not is_heading(doc.text, s)] if overlap else []
            current = carried if not heading_break else []
            # a carried sentence must leave room for the new one
            while current and sent.end - current[0].start > chunk_chars:
                current = current[1:]
            fresh = 0
        current.append(sent)
        fresh += 1
    if fresh:
        groups.append(current)
    salt = hashlib.sha1(f"{doc.content_hash}:{chunk_chars}:{overlap}".encode()).hexdigest()[:10]
    return [
        Chunk(chunk_id=f"{doc.doc_id}#{i}:{salt}", doc_id=doc.doc_id, title=doc.title, source=doc.source, ordinal=i,
              start=g[0].start, end=g[-1].end, text=doc.text[g[0].start:g[-1].end], sentences=tuple(g),
              version=salt)
        for i, g in enumerate(groups)
    ]
