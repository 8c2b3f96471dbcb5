"""Evaluating the assistant on a question set: validation, a runner, retrieval and answer metrics,
and a report (``qa eval``; the set's format is in ``eval/README.md``).

Plain data in, a metrics dict out: ``load_eval_set`` reads the items, ``run_eval`` asks every
question in every mode and writes ``results.jsonl``, ``summary.json``, ``report.md`` and
``modes.png`` to a folder, and returns the summary; ``summary_table`` turns a summary into rows
for a table (the UI's Eval tab).

What counts as what:

- a retrieved passage is *relevant* when its normalised text contains one of the item's
  normalised evidence strings; the *expected* passages of an item are all the indexed chunks
  that are relevant to it;
- an answer is *correct* when its text (``[n]`` markers dropped, normalised) contains one
  (``match: any``) or all (``match: all``) of the normalised gold answers;
- a citation's span is *exact* when the document's text at its offsets is the quoted text;
- a citation *holds the evidence* when its cited span contains an evidence string or a gold
  answer, or lies inside an evidence string (a span can be one sentence of a two-sentence
  evidence);
- a citation is *precise* when its span is exact and it holds the evidence, or completes a
  cited sentence that does: it stands right before or after it in the document (the
  antecedent of "This clause allowed …", the "Another official confirms:" that introduces a
  quote). The strict figure counts only the citations that hold the evidence themselves.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from qa.config import Config

# --- the eval-set format (eval/README.md) ----------------------------------------------------------
KEY_ID, KEY_QUESTION, KEY_ANSWERS, KEY_MATCH = "id", "question", "answers", "match"
KEY_DOC, KEY_EVIDENCE, KEY_TYPE = "doc", "evidence", "type"
REQUIRED_KEYS = (KEY_ID, KEY_QUESTION, KEY_ANSWERS, KEY_MATCH, KEY_DOC, KEY_EVIDENCE, KEY_TYPE)
MATCH_ANY, MATCH_ALL = "any", "all"
MATCH_MODES = (MATCH_ANY, MATCH_ALL)
UNANSWERABLE, MULTI_DOC = "unanswerable", "multi_doc"
QUESTION_TYPES = ("factoid", "numeric", "entity", "list", "why", MULTI_DOC, "paraphrase", UNANSWERABLE)
MIN_MULTI_DOC_DOCS = 2  # a multi_doc item's evidence must come from at least this many documents

# --- output files ------------------------------------------------------------------------------------
RESULTS_FILE = "results.jsonl"
RESULTS_MODE_FILE = "results-{mode}.jsonl"
SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.md"
PLOT_FILE = "modes.png"
CHECK_OK = "OK: {n} questions"

# --- metrics -------------------------------------------------------------------------------------------
RETRIEVAL_DEPTH = 10  # passages retrieved for the retrieval metrics
HIT_KS = (1, 3, 5)
RECALL_K = 5
MRR_K = NDCG_K = RETRIEVAL_DEPTH
LATENCY_PERCENTILES = (50, 95)
DIGITS = 4  # rounding of metrics in summary.json
LARGE_NUMBER = 10  # table cells at or above this show one decimal (ms, words), below it three
ANSWER_MARKER = re.compile(r"\s*\[\d+\]")

# Metric keys in summary.json, in report order, with their labels.
M_HIT = "hit@{k}"
M_MRR, M_NDCG, M_RECALL = f"mrr@{MRR_K}", f"ndcg@{NDCG_K}", f"recall@{RECALL_K}"
M_HIT_CURVE = "hit_curve"  # hit@1 .. hit@RETRIEVAL_DEPTH
M_ACCURACY, M_ACCURACY_BY_TYPE = "accuracy", "accuracy_by_type"
M_ABSTENTION, M_FALSE_ABSTENTION = "abstention_rate", "false_abstention_rate"
M_CITATION_PRECISION, M_CITATIONS = "citation_precision", "citations"
M_CITATION_STRICT, M_SPANS_EXACT = "citation_precision_strict", "citation_spans_exact"
M_ANSWER_WORDS = "median_answer_words"
M_LATENCY = "latency_p{p}_ms"
# How well the confidence (the probability that the documents answer the question) tells
# answerable from unanswerable questions, and how far it is from the observed share.
M_AUROC, M_BRIER, M_ECE = "confidence_auroc", "confidence_brier", "confidence_ece"
ECE_BINS = 10
METRIC_LABELS = {
    **{M_HIT.format(k=k): f"hit@{k}" for k in HIT_KS},
    M_MRR: f"MRR@{MRR_K}", M_NDCG: f"nDCG@{NDCG_K}", M_RECALL: f"evidence recall@{RECALL_K}",
    M_ACCURACY: "answer accuracy (answerable)",
    M_FALSE_ABSTENTION: "false abstention (answerable)",
    M_ABSTENTION: "abstention (unanswerable)",
    M_CITATION_PRECISION: "citation precision",
    M_CITATION_STRICT: "citation precision (strict)",
    M_SPANS_EXACT: "citation spans exact",
    M_ANSWER_WORDS: "median answer words",
    M_AUROC: "confidence AUROC (answerable vs not)",
    M_BRIER: "confidence Brier score",
    M_ECE: f"confidence calibration error (ECE, {ECE_BINS} bins)",
    **{M_LATENCY.format(p=p): f"latency p{p} (ms)" for p in LATENCY_PERCENTILES},
}
TYPE_ROW = "accuracy: {type}"
NOT_MEASURED = "–"  # a table cell for a metric the set cannot give (AUROC without unanswerable questions)

# --- failures ------------------------------------------------------------------------------------------
FAIL_RETRIEVAL = "retrieval miss"
FAIL_WRONG = "wrong answer"
FAIL_FALSE_ABSTENTION = "false abstention"
FAIL_MISSED_ABSTENTION = "missed abstention"
FAILURE_KINDS = (FAIL_RETRIEVAL, FAIL_WRONG, FAIL_FALSE_ABSTENTION, FAIL_MISSED_ABSTENTION)

# --- normalisation -------------------------------------------------------------------------------------
QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"'}
DASHES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
          "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-"}
_TRANSLATE = str.maketrans({**QUOTES, **DASHES})
_WHITESPACE = re.compile(r"\s+")
# 300,000 / 300 000 / 300\u202f000 → 300000 (digit groups of three after a 1-3 digit lead)
_THOUSANDS = re.compile(r"\b\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+\b")
_NOT_DIGIT = re.compile(r"\D")
_PERCENT = re.compile(r"\s*\b(?:per\s?cent|percent)\b")  # "95 percent" → "95%"
# What may stand between two sentences that are next to each other: space and footnote markers.
_BETWEEN_SENTENCES = re.compile(r"(?:\s|\[\d+\])*")


def normalise(text: str) -> str:
    """``text`` as compared for matching: lowercase, straight quotes, every dash a hyphen,
    thousands separators dropped (``300,000`` = ``300 000`` = ``300000``), "percent" as ``%``,
    whitespace collapsed."""
    text = _WHITESPACE.sub(" ", text.translate(_TRANSLATE).lower()).strip()
    text = _THOUSANDS.sub(lambda m: _NOT_DIGIT.sub("", m.group()), text)
    return _PERCENT.sub("%", text)


# --- the eval set ---------------------------------------------------------------------------------------
def load_eval_set(path: str | Path) -> list[dict]:
    """The items of a JSONL eval set, in file order (blank lines skipped).

    Raises ``ValueError`` naming the line of the first line that is not a JSON object.
    """
    items = []
    for number, line in _lines(Path(path)):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}, line {number}: bad JSON: {exc.msg}") from exc
        if not isinstance(item, dict):
            raise ValueError(f"{path}, line {number}: not a JSON object")
        items.append(item)
    return items


def _lines(path: Path):
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield number, line


def item_docs(item: dict) -> list[str]:
    """The document names an item points at (``doc`` may be a name, a list or null)."""
    doc = item.get(KEY_DOC)
    if doc is None:
        return []
    return [doc] if isinstance(doc, str) else list(doc)


def check_eval_set(path: str | Path, corpus_dir: str | Path) -> list[str]:
    """Every problem of the eval set at ``path`` against the documents in ``corpus_dir``
    (an empty list when it is sound).

    Checked: JSON per line, required keys and their types, ``type`` and ``match`` values,
    unique ids, evidence verbatim in the cleaned text of (one of) its document(s), every answer
    inside the item's evidence (normalised), multi_doc evidence from two documents, and
    unanswerable items without answers, evidence or document.
    """
    path = Path(path)
    if not path.is_file():
        return [f"{path}: no such file"]
    texts = corpus_texts(corpus_dir)
    errors: list[str] = []
    seen: set[str] = set()
    count = 0
    for number, line in _lines(path):
        where = f"line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: bad JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(item, dict):
            errors.append(f"{where}: not a JSON object")
            continue
        count += 1
        if isinstance(item.get(KEY_ID), str):
            where = f"{where} ({item[KEY_ID]})"
            if item[KEY_ID] in seen:
                errors.append(f"{where}: duplicate id")
            seen.add(item[KEY_ID])
        missing = [k for k in REQUIRED_KEYS if k not in item]
        if missing:
            errors.append(f"{where}: missing keys: {', '.join(missing)}")
            continue
        errors += [f"{where}: {e}" for e in _item_errors(item, texts)]
    if not count and not errors:
        errors.append(f"{path}: no questions")
    return errors


def corpus_texts(corpus_dir: str | Path) -> dict[str, str]:
    """The cleaned text of every document in ``corpus_dir``, by document id."""
    from qa.corpus import load_corpus

    return {d.doc_id: d.text for d in load_corpus(Path(corpus_dir)).documents}


def _item_errors(item: dict, texts: dict[str, str]) -> list[str]:
    """What is wrong with one item that has every required key."""
    errors = []
    if not isinstance(item[KEY_ID], str) or not item[KEY_ID]:
        errors.append("id must be a non-empty string")
    if not isinstance(item[KEY_QUESTION], str) or not item[KEY_QUESTION].strip():
        errors.append("question must be a non-empty string")
    if item[KEY_TYPE] not in QUESTION_TYPES:
        errors.append(f"bad type {item[KEY_TYPE]!r} (one of {', '.join(QUESTION_TYPES)})")
    if item[KEY_MATCH] not in MATCH_MODES:
        errors.append(f"bad match {item[KEY_MATCH]!r} (one of {', '.join(MATCH_MODES)})")
    answers, evidence, doc = item[KEY_ANSWERS], item[KEY_EVIDENCE], item[KEY_DOC]
    for key, value in ((KEY_ANSWERS, answers), (KEY_EVIDENCE, evidence)):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            errors.append(f"{key} must be a list of non-empty strings")
    if not (doc is None or isinstance(doc, str) or (isinstance(doc, list) and all(isinstance(d, str) for d in doc))):
        errors.append("doc must be a file name, a list of file names or null")
    if errors:
        return errors
    docs = item_docs(item)
    if item[KEY_TYPE] == UNANSWERABLE:
        if answers or evidence or doc is not None:
            errors.append("an unanswerable item must have answers: [], evidence: [] and doc: null")
        return errors
    if not answers:
        errors.append("no answers (only unanswerable items may have none)")
    if not evidence:
        errors.append("no evidence (only unanswerable items may have none)")
    if not docs:
        errors.append("no doc (only unanswerable items may have none)")
    unknown = [d for d in docs if d not in texts]
    if unknown:
        errors.append(f"unknown doc: {', '.join(unknown)}")
    known = [d for d in docs if d in texts]
    sources = set()
    for text in evidence:
        found = [d for d in known if text in texts[d]]
        sources.update(found)
        if known and not found:
            errors.append(f"evidence not verbatim in {' or '.join(known)}: {text[:80]!r}")
    if item[KEY_TYPE] == MULTI_DOC and not unknown and len(sources) < MIN_MULTI_DOC_DOCS:
        errors.append(f"multi_doc evidence must come from at least {MIN_MULTI_DOC_DOCS} documents")
    gold = [normalise(e) for e in evidence]
    for answer in answers:
        if not any(normalise(answer) in g for g in gold):
            errors.append(f"answer not found in the evidence: {answer!r}")
    return errors


# --- metrics on plain data ---------------------------------------------------------------------------
def passage_is_relevant(passage_text: str, evidence: list[str]) -> bool:
    """Whether a passage contains one of the evidence strings (normalised)."""
    text = normalise(passage_text)
    return any(normalise(e) in text for e in evidence)


def answer_is_correct(answer_text: str, answers: list[str], match: str = MATCH_ANY) -> bool:
    """Whether the answer text contains one (``any``) or every (``all``) gold answer (normalised)."""
    if not answers:
        return False
    text = normalise(strip_markers(answer_text))
    found = [normalise(a) in text for a in answers]
    return all(found) if match == MATCH_ALL else any(found)


def citation_is_precise(cited: str, evidence: list[str], answers: list[str]) -> bool:
    """Whether a cited span contains an evidence string or a gold answer, or lies inside an
    evidence string."""
    span = normalise(cited)
    if not span:
        return False
    gold = [normalise(e) for e in evidence]
    return (any(g in span or span in g for g in gold)
            or any(normalise(a) in span for a in answers))


def citation_checks(citations: list[dict], evidence: list[str], answers: list[str],
                    documents: dict[str, str] | None = None) -> list[dict[str, bool]]:
    """``exact``, ``holds`` and ``precise`` (see the module docstring) for each of an answer's
    citations (``Answer.to_dict()["citations"]``). The span is checked against ``documents[doc]``
    (the document texts) when given, else against the citation's own passage."""
    documents = documents or {}
    spans = [_located(c, documents) for c in citations]
    exact = [text is not None and text[c["start"] - offset:c["end"] - offset] == c["text"]
             for c, (text, offset) in zip(citations, spans)]
    holds = [e and citation_is_precise(c["text"], evidence, answers) for c, e in zip(citations, exact)]
    checks = []
    for i, c in enumerate(citations):
        completes = exact[i] and any(holds[j] and _adjacent(c, other, spans[i]) for j, other in enumerate(citations)
                                     if j != i and other["doc"] == c["doc"])
        checks.append({"exact": exact[i], "holds": holds[i], "precise": holds[i] or completes})
    return checks


def _located(citation: dict, documents: dict[str, str]) -> tuple[str | None, int]:
    """The text a citation's offsets point into, and that text's own document offset."""
    if citation["doc"] in documents:
        return documents[citation["doc"]], 0
    if "passage" in citation:
        return citation["passage"], citation["passage_start"]
    return None, 0


def _adjacent(a: dict, b: dict, located: tuple[str | None, int]) -> bool:
    """Whether spans ``a`` and ``b`` are neighbouring sentences: only space and footnote markers
    between them in the text ``a`` was found in."""
    text, offset = located
    low, high = sorted((a, b), key=lambda c: c["start"])
    start, end = low["end"] - offset, high["start"] - offset
    if text is None or start > end or start < 0 or end > len(text):
        return False
    return _BETWEEN_SENTENCES.fullmatch(text[start:end]) is not None


def strip_markers(answer_text: str) -> str:
    """The answer text without its ``[n]`` citation markers."""
    return ANSWER_MARKER.sub("", answer_text).strip()


def hit_at_k(retrieved_ids: list[str], expected_ids: list[str], k: int) -> float:
    """1.0 if one of the first ``k`` retrieved ids is expected, else 0.0 (llama-index ``HitRate``)."""
    from llama_index.core.evaluation.retrieval.metrics import HitRate

    if not retrieved_ids[:k] or not expected_ids:
        return 0.0
    return HitRate().compute(expected_ids=list(expected_ids), retrieved_ids=list(retrieved_ids[:k])).score


def mrr_at_k(retrieved_ids: list[str], expected_ids: list[str], k: int = MRR_K) -> float:
    """Reciprocal rank of the first expected id among the first ``k`` (llama-index ``MRR``)."""
    from llama_index.core.evaluation.retrieval.metrics import MRR

    if not retrieved_ids[:k] or not expected_ids:
        return 0.0
    return MRR().compute(expected_ids=list(expected_ids), retrieved_ids=list(retrieved_ids[:k])).score


def ndcg_at_k(retrieved_ids: list[str], expected_ids: list[str], k: int = NDCG_K) -> float:
    """Binary-relevance nDCG@k: DCG of the first ``k`` retrieved ids over the ideal DCG of
    ``min(len(expected_ids), k)`` relevant ids at the top.

    Equal to llama-index's ``NDCG`` whenever at most ``k`` ids are expected (it does not cap
    the ideal at ``k``, so it never reaches 1.0 when more are expected).
    """
    expected = set(expected_ids)
    if not expected:
        return 0.0
    dcg = sum(1 / math.log2(i + 1) for i, rid in enumerate(retrieved_ids[:k], 1) if rid in expected)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(expected), k) + 1))
    return dcg / ideal


def evidence_recall(passage_texts: list[str], evidence: list[str]) -> float:
    """Share of the evidence strings found (normalised) in at least one of the passages."""
    if not evidence:
        return 0.0
    texts = [normalise(t) for t in passage_texts]
    return sum(any(normalise(e) in t for t in texts) for e in evidence) / len(evidence)


def retrieval_scores(retrieved_ids: list[str], expected_ids: list[str], passage_texts: list[str],
                     evidence: list[str]) -> dict:
    """The retrieval metrics of one question: hit@k (k = 1..RETRIEVAL_DEPTH), MRR, nDCG and
    evidence recall. ``passage_texts`` are the texts of ``retrieved_ids``, in the same order."""
    scores = {M_HIT.format(k=k): hit_at_k(retrieved_ids, expected_ids, k) for k in range(1, RETRIEVAL_DEPTH + 1)}
    scores[M_MRR] = mrr_at_k(retrieved_ids, expected_ids)
    scores[M_NDCG] = ndcg_at_k(retrieved_ids, expected_ids)
    scores[M_RECALL] = evidence_recall(passage_texts[:RECALL_K], evidence)
    return scores


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile of ``values`` (linear interpolation, like numpy's default)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), DIGITS) if values else 0.0


def passage_id(passage: dict) -> str:
    """The id of a retrieved passage (a ``passages`` entry of ``Answer.to_dict()``)."""
    return f"{passage['doc']}#{passage['chunk']}"


def expected_ids_for(item: dict, chunks) -> list[str]:
    """Ids of the indexed chunks (``qa.schema.Chunk``) that contain one of the item's evidence strings."""
    return [f"{c.doc_id}#{c.ordinal}" for c in chunks if passage_is_relevant(c.text, item[KEY_EVIDENCE])]


def score_question(item: dict, answer: dict, deep_passages: list[dict], expected_ids: list[str],
                   documents: dict[str, str] | None = None) -> dict:
    """Everything measured on one question: ``answer`` is its ``Answer.to_dict()``,
    ``deep_passages`` the passages retrieved at ``RETRIEVAL_DEPTH`` for the retrieval metrics and
    ``documents`` the document texts the citations' offsets are checked against."""
    answerable = item[KEY_TYPE] != UNANSWERABLE
    row = {KEY_ID: item[KEY_ID], KEY_TYPE: item[KEY_TYPE], KEY_QUESTION: item[KEY_QUESTION],
           "answerable": answerable, "abstained": bool(answer["abstained"]), "confidence": float(answer["confidence"]),
           "latency_ms": float(answer["latency_ms"]), "failures": []}
    text = strip_markers(answer["answer"])
    row["answer_words"] = None if answer["abstained"] else len(text.split())
    if not answerable:
        if not answer["abstained"]:
            row["failures"].append(FAIL_MISSED_ABSTENTION)
        return row
    evidence, answers = item[KEY_EVIDENCE], item[KEY_ANSWERS]
    row["retrieval"] = retrieval_scores([passage_id(p) for p in deep_passages], expected_ids,
                                        [p["text"] for p in deep_passages], evidence)
    row["expected_passages"] = len(expected_ids)
    row["answer_hit"] = any(passage_is_relevant(p["text"], evidence) for p in answer["passages"])
    row["correct"] = not answer["abstained"] and answer_is_correct(answer["answer"], answers, item[KEY_MATCH])
    checks = citation_checks(answer["citations"], evidence, answers, documents)
    row["citations"] = len(checks)
    for key, check in (("precise_citations", "precise"), ("strict_citations", "holds"), ("exact_spans", "exact")):
        row[key] = sum(c[check] for c in checks)
    if not row["answer_hit"]:
        row["failures"].append(FAIL_RETRIEVAL)
    if answer["abstained"]:
        row["failures"].append(FAIL_FALSE_ABSTENTION)
    elif not row["correct"]:
        row["failures"].append(FAIL_WRONG)
    return row


def aggregate(rows: list[dict]) -> dict:
    """The metrics of one mode from its per-question rows (``score_question``)."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    curve = [_mean(r["retrieval"][M_HIT.format(k=k)] for r in answerable) for k in range(1, RETRIEVAL_DEPTH + 1)]
    metrics = {M_HIT.format(k=k): curve[k - 1] for k in HIT_KS}
    for key in (M_MRR, M_NDCG, M_RECALL):
        metrics[key] = _mean(r["retrieval"][key] for r in answerable)
    metrics[M_ACCURACY] = _mean(r["correct"] for r in answerable)
    types = sorted({r[KEY_TYPE] for r in answerable}, key=QUESTION_TYPES.index)
    metrics[M_ACCURACY_BY_TYPE] = {t: _mean(r["correct"] for r in answerable if r[KEY_TYPE] == t) for t in types}
    metrics[M_FALSE_ABSTENTION] = _mean(r["abstained"] for r in answerable)
    metrics[M_ABSTENTION] = _mean(r["abstained"] for r in unanswerable)
    cited = sum(r["citations"] for r in answerable)
    for key, counted in ((M_CITATION_PRECISION, "precise_citations"), (M_CITATION_STRICT, "strict_citations"),
                         (M_SPANS_EXACT, "exact_spans")):
        metrics[key] = round(sum(r[counted] for r in answerable) / cited, DIGITS) if cited else 0.0
    metrics[M_CITATIONS] = cited
    metrics.update(confidence_metrics([r["confidence"] for r in rows], [r["answerable"] for r in rows]))
    words = [r["answer_words"] for r in rows if r["answer_words"] is not None]
    metrics[M_ANSWER_WORDS] = float(statistics.median(words)) if words else 0.0
    latencies = [r["latency_ms"] for r in rows]
    for p in LATENCY_PERCENTILES:
        metrics[M_LATENCY.format(p=p)] = round(percentile(latencies, p), 1)
    metrics[M_HIT_CURVE] = curve
    metrics["questions"], metrics["answerable"], metrics["unanswerable"] = len(rows), len(answerable), len(unanswerable)
    metrics["failure_counts"] = dict(Counter(f for r in rows for f in r["failures"]))
    return metrics


def confidence_metrics(confidences: list[float], answerable: list[bool]) -> dict[str, float | None]:
    """AUROC, Brier score and expected calibration error of the confidences as probabilities that
    the questions are answerable. AUROC: the chance that an answerable question gets a higher
    confidence than an unanswerable one (ties count half; None unless the set has both). ECE:
    the questions binned by confidence into ``ECE_BINS`` equal widths, each bin's gap between its
    mean confidence and its share of answerable questions, weighted by its size."""
    n = len(confidences)
    if not n:
        return {M_AUROC: None, M_BRIER: None, M_ECE: None}
    pos = [c for c, y in zip(confidences, answerable) if y]
    neg = [c for c, y in zip(confidences, answerable) if not y]
    auroc = None
    if pos and neg:
        wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
        auroc = round(wins / (len(pos) * len(neg)), DIGITS)
    brier = sum((c - y) ** 2 for c, y in zip(confidences, answerable)) / n
    bins: dict[int, list[tuple[float, bool]]] = {}
    for c, y in zip(confidences, answerable):
        bins.setdefault(min(int(c * ECE_BINS), ECE_BINS - 1), []).append((c, y))
    ece = sum(abs(sum(c for c, _ in b) - sum(y for _, y in b)) for b in bins.values()) / n
    return {M_AUROC: auroc, M_BRIER: round(brier, DIGITS), M_ECE: round(ece, DIGITS)}


# --- the runner ------------------------------------------------------------------------------------------
def run_eval(assistant, items: list[dict], modes: list[str] | tuple[str, ...] | None, out_dir: str | Path,
             progress: bool = True, eval_set: str | Path | None = None) -> dict:
    """Ask every item's question in every mode, score, write the report folder, return the summary.

    ``assistant`` is a ``qa.pipeline.Assistant`` with the corpus indexed. Each question is asked
    as a user would (the configured ``top_k``): that answer is scored and saved. When ``top_k``
    is below ``RETRIEVAL_DEPTH`` the question is asked once more with ``top_k=RETRIEVAL_DEPTH``
    for the retrieval metrics only. Writes ``results.jsonl`` (the first mode),
    ``results-<mode>.jsonl`` (every mode, when several), ``summary.json``, ``report.md`` and
    ``modes.png`` under ``out_dir``. ``eval_set`` names the file the items came from, so that a
    later run can be compared with this one (``qa.comparison``).
    """
    from tqdm import tqdm

    config = assistant.config
    modes = list(modes or [config.mode])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    depth = max(config.top_k, RETRIEVAL_DEPTH)
    chunks = assistant.retriever.chunks
    documents = corpus_texts(config.corpus_dir)
    expected = {item[KEY_ID]: expected_ids_for(item, chunks) for item in items if item[KEY_TYPE] != UNANSWERABLE}
    metrics, failures = {}, {}
    for mode in modes:
        records, rows = [], []
        for item in tqdm(items, desc=f"eval {mode}", unit="q", disable=not progress, file=sys.stderr):
            answer = assistant.ask(item[KEY_QUESTION], mode=mode).to_dict()
            deep = answer["passages"]
            if item[KEY_TYPE] != UNANSWERABLE and config.top_k < depth:
                deep = assistant.ask(item[KEY_QUESTION], mode=mode, top_k=depth).to_dict()["passages"]
            records.append({KEY_ID: item[KEY_ID], **answer})
            rows.append(score_question(item, answer, deep[:RETRIEVAL_DEPTH], expected.get(item[KEY_ID], []), documents))
        if mode == modes[0]:
            _write_jsonl(out / RESULTS_FILE, records)
        if len(modes) > 1:
            _write_jsonl(out / RESULTS_MODE_FILE.format(mode=mode), records)
        metrics[mode] = aggregate(rows)
        failures[mode] = [{k: r[k] for k in (KEY_ID, KEY_TYPE, KEY_QUESTION, "failures")} for r in rows if r["failures"]]
    summary = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "eval_set": str(eval_set) if eval_set is not None else None,
        "questions": len(items),
        "question_ids": [item[KEY_ID] for item in items],
        "answerable": sum(item[KEY_TYPE] != UNANSWERABLE for item in items),
        "modes": modes,
        "primary_mode": modes[0],
        "answer_top_k": config.top_k,
        "retrieval_depth": RETRIEVAL_DEPTH,
        "no_expected_passage": sorted(i for i, ids in expected.items() if not ids),
        "metrics": metrics,
        "failures": failures,
    }
    (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / REPORT_FILE).write_text(render_report(summary), encoding="utf-8")
    plot_modes(summary, out / PLOT_FILE)
    return summary


def _write_jsonl(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


# --- reporting -------------------------------------------------------------------------------------------
def summary_headers(summary: dict) -> list[str]:
    """Column headers for ``summary_table``: "metric", then one per mode."""
    return ["metric", *summary["modes"]]


def summary_table(summary: dict) -> list[list]:
    """Rows of the side-by-side table: the metric's label, then its value in each mode
    (``summary_headers`` gives the headers), per-type accuracy rows after the overall one."""
    modes, metrics = summary["modes"], summary["metrics"]
    rows = []
    for key, label in METRIC_LABELS.items():
        rows.append([label, *[NOT_MEASURED if metrics[m].get(key) is None else metrics[m][key] for m in modes]])
        if key == M_ACCURACY:
            types = [t for t in QUESTION_TYPES if any(t in metrics[m][M_ACCURACY_BY_TYPE] for m in modes)]
            for t in types:
                rows.append([TYPE_ROW.format(type=t), *[metrics[m][M_ACCURACY_BY_TYPE].get(t, "") for m in modes]])
    return rows


def markdown_table(headers: list[str], rows: list[list]) -> str:
    """A GitHub-flavoured markdown table."""
    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:.1f}" if abs(value) >= LARGE_NUMBER else f"{value:.3f}"
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def failure_rows(summary: dict) -> list[list]:
    """One row per question that failed in at least one mode: id, type, question, then what
    failed in each mode."""
    modes = summary["modes"]
    by_id: dict[str, dict] = {}
    for mode in modes:
        for f in summary["failures"][mode]:
            entry = by_id.setdefault(f[KEY_ID], {**f, "by_mode": {}})
            entry["by_mode"][mode] = ", ".join(f["failures"])
    return [[e[KEY_ID], e[KEY_TYPE], e[KEY_QUESTION], *[e["by_mode"].get(m, "ok") for m in modes]]
            for e in sorted(by_id.values(), key=lambda e: e[KEY_ID])]


def render_report(summary: dict) -> str:
    """The readable ``report.md`` of a summary."""
    modes, metrics = summary["modes"], summary["metrics"]
    first = metrics[modes[0]]
    parts = [
        "# Evaluation report\n",
        f"{summary['created']}: {summary['questions']} questions ({first['answerable']} answerable, "
        f"{first['unanswerable']} unanswerable), retrieval modes: {', '.join(modes)}.\n",
        "## Results\n",
        markdown_table(summary_headers(summary), summary_table(summary)),
        f"\n![hit@k per mode and answer accuracy]({PLOT_FILE})\n",
        "## How it is measured\n",
        f"- Each question is asked as a user would ask it: `assistant.ask(question, mode=mode)` with the configured "
        f"`top_k = {summary['answer_top_k']}`. That answer is scored and saved to `{RESULTS_FILE}`"
        + (f" (mode `{modes[0]}`; every mode in `results-<mode>.jsonl`)" if len(modes) > 1 else "") + ".",
        f"- Retrieval metrics need {summary['retrieval_depth']} passages: when `top_k` is smaller, each answerable "
        f"question is asked a second time with `top_k = {summary['retrieval_depth']}`, and only that call's passages "
        "feed hit@k, MRR and nDCG; the answer metrics never see them. Latency is that of the first call.",
        "- A passage is relevant when its normalised text contains one of the item's evidence strings; the expected "
        "passages of a question are every indexed chunk that contains one (chunks overlap by a sentence, so "
        "there can be several). Normalised: lowercase, straight quotes, every dash a hyphen, thousands separators "
        "dropped, \"percent\" as %, whitespace collapsed.",
        "- hit@k and MRR are llama-index's `HitRate` and `MRR` on the first k passages; nDCG is binary with the "
        "ideal DCG over min(expected, 10) passages; evidence recall@5 is the share of the item's evidence strings "
        "found in the top 5 passages. All are means over the answerable questions.",
        "- Answer accuracy: the answer text without `[n]` markers contains one (`match: any`) or all "
        "(`match: all`) gold answers, normalised; an abstention is wrong. Unanswerable questions are left out of "
        "accuracy and scored by their abstention rate; false abstention is the abstention rate on answerable ones.",
        "- Citation spans exact: share of the citations on answerable questions whose offsets cut exactly the "
        "quoted text out of the document. Citation precision (strict): share whose exact span contains an evidence "
        "string or a gold answer, or lies inside an evidence string. Citation precision: those, plus the cited "
        "sentences that complete one of them, standing right before or after it in the document (an antecedent, "
        "the introduction of a quote).",
        "- Median answer words: answers that are not abstentions, without markers.",
        "- The confidence is read as the probability that the documents answer the question, over every question "
        "(declined ones included): AUROC is the chance that an answerable question scores above an unanswerable one "
        f"(ties half), the Brier score the mean squared gap to 1 (answerable) or 0, and ECE the size-weighted gap "
        f"between mean confidence and the share of answerable questions in {ECE_BINS} equal-width confidence bins.",
    ]
    if summary["no_expected_passage"]:
        parts.append(f"- No indexed chunk holds the evidence of {', '.join(summary['no_expected_passage'])} "
                     "(it crosses a chunk boundary): those count as retrieval misses.")
    parts.append("\n## Failures\n")
    parts.append(f"What failed per mode: *{FAIL_RETRIEVAL}* (no relevant passage among the {summary['answer_top_k']} "
                 f"the answer was composed from), *{FAIL_WRONG}*, *{FAIL_FALSE_ABSTENTION}* (declined an answerable "
                 f"question), *{FAIL_MISSED_ABSTENTION}* (answered an unanswerable one).\n")
    counts = [[kind, *[metrics[m]["failure_counts"].get(kind, 0) for m in modes]] for kind in FAILURE_KINDS]
    parts.append(markdown_table(["failure", *modes], counts))
    rows = failure_rows(summary)
    parts.append("")
    parts.append(markdown_table(["id", "type", "question", *modes], rows) if rows else "No failures.\n")
    return "\n".join(parts)


def plot_modes(summary: dict, path: str | Path) -> None:
    """``modes.png``: hit@k for k = 1..RETRIEVAL_DEPTH per mode, and bars of answer accuracy
    and abstention on unanswerable questions per mode."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    modes, metrics = summary["modes"], summary["metrics"]
    fig, (curves, bars) = plt.subplots(1, 2, figsize=(11, 4.2))
    ks = list(range(1, RETRIEVAL_DEPTH + 1))
    for mode in modes:
        curves.plot(ks, metrics[mode][M_HIT_CURVE], marker="o", label=mode)
    curves.set(title="Retrieval: hit@k (answerable questions)", xlabel="k", ylabel="hit@k", ylim=(0, 1.02), xticks=ks)
    curves.grid(alpha=0.3)
    curves.legend()
    keys = (M_ACCURACY, M_ABSTENTION)
    width = 0.8 / len(keys)
    for j, key in enumerate(keys):
        xs = [i + (j - (len(keys) - 1) / 2) * width for i in range(len(modes))]
        values = [metrics[m][key] for m in modes]
        drawn = bars.bar(xs, values, width, label=METRIC_LABELS[key])
        bars.bar_label(drawn, fmt="%.2f", fontsize=8)
    bars.set(title="Answers", xticks=range(len(modes)), xticklabels=modes, ylim=(0, 1.25))
    bars.legend(loc="upper center", ncol=len(keys), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- the command line --------------------------------------------------------------------------------------
def cli_eval(args, config: Config) -> int:
    """``qa eval``: with ``--check FILE`` validate an eval set (exit 1 on errors), else run the
    eval set in the requested modes and write the report folder."""
    if args.check:
        errors = check_eval_set(args.check, config.corpus_dir)
        for error in errors:
            print(error)
        if errors:
            print(f"{len(errors)} error(s) in {args.check}", file=sys.stderr)
            return 1
        print(CHECK_OK.format(n=len(load_eval_set(args.check))))
        return 0
    errors = check_eval_set(args.eval_set, config.corpus_dir)
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        print(f"qa: {args.eval_set} has {len(errors)} error(s); fix them first (qa eval --check)", file=sys.stderr)
        return 1
    baseline = None
    if args.baseline:  # read first: --out may name the same folder, and a bad one should not cost a run
        from qa.comparison import BaselineError, load_summary

        try:
            baseline = load_summary(args.baseline)
        except BaselineError as exc:
            print(f"qa: {exc}", file=sys.stderr)
            return 1
    items = load_eval_set(args.eval_set)
    if args.limit is not None:
        items = items[:max(args.limit, 0)]
    from qa.pipeline import Assistant

    assistant = Assistant(config)
    report = assistant.index(progress=False)  # incremental: evaluate the corpus as it is now
    if report.added or report.updated or report.removed:
        print(report.summary(), file=sys.stderr)
    summary = run_eval(assistant, items, args.modes or [config.mode], args.out, eval_set=args.eval_set)
    print(markdown_table(summary_headers(summary), summary_table(summary)))
    out = Path(args.out)
    print(f"report: {out / REPORT_FILE}\nsummary: {out / SUMMARY_FILE}\nresults: {out / RESULTS_FILE}")
    if baseline is not None:
        from qa.comparison import COMPARISON_JSON, COMPARISON_REPORT, compare, render_comparison

        comparison = compare(baseline, summary)
        text = render_comparison(comparison, args.baseline)
        (out / COMPARISON_JSON).write_text(json.dumps(comparison, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / COMPARISON_REPORT).write_text(text, encoding="utf-8")
        print(f"\n{text}\ncomparison: {out / COMPARISON_REPORT}")
    return 0
