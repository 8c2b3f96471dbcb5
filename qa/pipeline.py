"""The assistant: one pipeline behind the CLI, the UI and the eval runner, so a question gets
the same answer wherever it is asked."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from qa.answer import combine, compose
from qa.config import Config
from qa.corpus import load_document
from qa.embedding import load_embedder
from qa.indexer import IndexReport, index_document, sync
from qa.schema import Answer
from qa.scoring import Question, analyse, analyse_parts, terms
from qa.store import ChunkStore

# A turn that leans on the one before: opens with a connective, or is a short question
# with a pronoun standing for what was discussed.
FOLLOW_UP_OPENING = re.compile(r"^\s*(and|but|also|so|then|what about|how about|and what|what of|same for)\b", re.I)
FOLLOW_UP_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|those|this|these|there|he|she|his|her)\b", re.I)
FOLLOW_UP_MAX_TERMS = 3
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class QuestionError(ValueError):
    """A question the assistant cannot take; the message is for the user."""


class Assistant:
    """Index, retrieve and answer over one store."""

    def __init__(self, config: Config):
        self.config = config
        self.embedder = load_embedder(config.model_path, config.embed_batch_size, config.torch_threads)
        self.store = ChunkStore(config)
        self._retriever = None
        self._lock = threading.RLock()  # indexing and retriever rebuilds are one at a time

    @property
    def retriever(self):
        """The retriever over the current index, built on first use."""
        with self._lock:
            if self._retriever is None:
                from qa.mentions import aliases
                from qa.retrieval import Retriever

                self._retriever = Retriever(self.config, self.store, self.embedder)
                aliases()  # the gazetteer loads with the index, not on the first question
            return self._retriever

    def index(self, corpus_dir: Path | None = None, progress: bool = True) -> IndexReport:
        """Bring the index in line with the corpus folder (incremental)."""
        with self._lock:
            report = sync(self.config, self.store, self.embedder, corpus_dir, progress=progress)
            if report.added or report.updated or report.removed or self._retriever is None:
                self._retriever = None
            return report

    def add_document(self, path: Path, doc_id: str) -> int:
        """Index one file now (an upload) and make it answerable; returns its chunk count."""
        doc = load_document(path, doc_id)
        with self._lock:
            n = index_document(self.config, self.store, self.embedder, doc)
            self._retriever = None
        return n

    def is_empty(self) -> bool:
        """Whether nothing is indexed yet."""
        return self.store.count() == 0

    def asked(self, text: str, context: str = "", doc: str | None = None) -> list[tuple[Question, str | None]]:
        """What is retrieved and answered for a question: each of its parts (a question asking two
        things), prepared, with the document to answer it from (``doc``, or None for all). A part
        naming two documents is asked of each ("How many rounds do the triangle analysis and the
        lhpgop article each report?"): one answer would cite whichever says it in words closest to
        the question's. One document named is not asked alone (eval/qa.jsonl lost citations to that).
        A name typed in lower case, a month abbreviated or a name misspelt by a letter is read as the
        documents write it (``TermStats.as_written``)."""
        retriever = self.retriever
        asked = []
        for q in analyse_parts(retriever.stats.as_written(text), context):
            each = [] if doc else retriever.stats.ask_each(q.text)
            # each document's answer is one side of the comparison: a part
            asked += [(retriever.prepare(analyse(own, context, part=True, antecedent=q.antecedent)), one)
                      for one, own in each] or [(retriever.prepare(q), doc or None)]
        return asked

    def ask(self, question: str, history: Sequence[str] = (), mode: str | None = None,
            top_k: int | None = None, doc: str | None = None) -> Answer:
        """Answer ``question``; ``history`` holds the previous questions of the conversation."""
        started = time.perf_counter()
        text = check_question(question, self.config.max_question_chars)
        context = follow_up_context(text, history)
        retriever = self.retriever
        answers = []
        for q, one in self.asked(text, context, doc):
            found = retriever.retrieve(q, mode=mode, top_k=top_k, doc=one)
            answers.append(compose(q, found.passages, found.sentences, retriever.stats, self.config))
        answer = answers[0] if len(answers) == 1 else combine(analyse(text, context), answers)
        answer.question = text  # as asked, not as read (``as_written``)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer


def check_question(question: str, max_chars: int) -> str:
    """The question cleaned of control characters; ``QuestionError`` if it cannot be asked."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    text = CONTROL_CHARS.sub(" ", question).strip()
    if not text:
        raise QuestionError("Please type a question.")
    if len(text) > max_chars:
        raise QuestionError(f"The question is too long ({len(text):,} characters); please keep it under {max_chars:,}.")
    return text


def follow_up_context(question: str, history: Sequence[str]) -> str:
    """The previous question when ``question`` reads as a follow-up to it, else ""."""
    if not history:
        return ""
    if FOLLOW_UP_OPENING.search(question) or (
            FOLLOW_UP_PRONOUN.search(question) and len(terms(question)) <= FOLLOW_UP_MAX_TERMS):
        return history[-1]
    return ""
