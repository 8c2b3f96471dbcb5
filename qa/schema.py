"""The typed records that flow through the pipeline: corpus → chunks → passages → answer.

Every span is a pair of character offsets into its document's text, so that
``document.text[start:end]`` is exactly the quoted text wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One source document, cleaned to plain text."""

    doc_id: str  # the file's path relative to the corpus folder
    title: str
    source: str
    text: str
    content_hash: str  # hash of the raw file bytes: what incremental indexing compares


@dataclass(frozen=True)
class Sentence:
    """A sentence span; offsets are into the document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences from one document, the unit that is indexed."""

    chunk_id: str
    doc_id: str
    title: str
    ordinal: int  # position of the chunk within its document
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]  # offsets into the document text
    version: str = ""  # changes with the document's content and the chunking settings
    source: str = ""  # the document's source line (publisher, URL)


@dataclass
class Passage:
    """A retrieved chunk with its score and rank for one question."""

    chunk: Chunk
    score: float
    rank: int = 0

    def to_dict(self) -> dict:
        """The JSON shape of a passage in ``qa ask --json``."""
        c = self.chunk
        return {"rank": self.rank, "doc": c.doc_id, "title": c.title, "chunk": c.ordinal,
                "start": c.start, "end": c.end, "text": c.text, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Citation:
    """The exact sentence an answer sentence quotes, and the passage it sits in."""

    marker: int
    doc_id: str
    title: str
    chunk: int
    start: int  # offsets of the cited span in the document text
    end: int
    text: str  # the cited span itself
    passage: str  # the whole passage, for the sources panel
    passage_start: int
    score: float

    def to_dict(self) -> dict:
        """The JSON shape of a citation in ``qa ask --json``."""
        return {"marker": self.marker, "doc": self.doc_id, "title": self.title, "chunk": self.chunk,
                "start": self.start, "end": self.end, "text": self.text, "score": round(self.score, 4),
                "passage": self.passage, "passage_start": self.passage_start}


@dataclass
class Answer:
    """What the assistant says: answer text with ``[n]`` markers, its citations and evidence."""

    question: str
    answer: str
    abstained: bool
    confidence: float
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    latency_ms: float = 0.0
    query: str = ""  # the question as retrieved, after follow-up rewriting
    # parts of a multi-part question the documents do not answer, while others are answered
    unanswered: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON object printed by ``qa ask --json`` and returned by the UI's ``/ask``."""
        return {"question": self.question, "answer": self.answer, "abstained": self.abstained,
                "confidence": round(self.confidence, 4),
                "citations": [c.to_dict() for c in self.citations],
                "passages": [p.to_dict() for p in self.passages],
                "unanswered": list(self.unanswered),
                "latency_ms": round(self.latency_ms, 1)}

