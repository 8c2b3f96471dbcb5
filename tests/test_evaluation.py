"""qa.evaluation: the eval-set validator, normalisation, the metrics (cross-checked against
llama-index's), and ``qa eval`` end to end over the real corpus and a real index."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from llama_index.core.evaluation.retrieval.metrics import MRR, NDCG, HitRate

from qa import evaluation as ev
from qa.cli import main
from tests.conftest import CORPUS, ROOT

EVAL_SET = ROOT / "eval" / "qa.jsonl"
ANSWER_KEYS = {"question", "answer", "abstained", "confidence", "citations", "passages", "unanswered", "latency_ms"}
SUBSET_IDS = ("q001", "q005", "q017", "q091", "q109")  # q109 is unanswerable


def real_items() -> list[dict]:
    return ev.load_eval_set(EVAL_SET)


def item(item_id: str) -> dict:
    return next(i for i in real_items() if i["id"] == item_id)


def write_set(path: Path, items: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in items),
                    encoding="utf-8")
    return path


# --- the validator ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted((ROOT / "eval").glob("*.jsonl")), ids=lambda p: p.name)
def test_real_eval_sets_are_valid(path):
    assert ev.check_eval_set(path, CORPUS) == []


def test_check_command_reports_ok(capsys):
    assert main(["eval", "--check", str(EVAL_SET), "--corpus", str(CORPUS)]) == 0
    assert capsys.readouterr().out.strip() == f"OK: {len(real_items())} questions"


def test_broken_eval_set_errors(tmp_path, capsys):
    bad_evidence = {**item("q001"), "evidence": ["South Korean intelligence officials said nothing of the kind."]}
    bad_answer = {**item("q005"), "answers": ["$226 million"]}
    unanswerable = {**item("q109"), "answers": ["Wang Yajun"]}
    missing = {k: v for k, v in item("q017").items() if k != "evidence"}
    bad_kind = {**item("q017"), "id": "q017b", "type": "opinion", "match": "some"}
    path = write_set(tmp_path / "broken.jsonl",
                     [item("q002"), bad_evidence, bad_answer, unanswerable, '{"id": "q200", "question": ', missing,
                      bad_kind, {**item("q002")}])
    errors = ev.check_eval_set(path, CORPUS)
    assert not any(e.startswith("line 1 ") for e in errors)  # a sound item
    assert any(e.startswith("line 2 (q001): evidence not verbatim") for e in errors)
    assert any(e.startswith("line 3 (q005): answer not found in the evidence: '$226 million'") for e in errors)
    assert any(e.startswith("line 4 (q109): an unanswerable item must have") for e in errors)
    assert any(e.startswith("line 5: bad JSON") for e in errors)
    assert any(e.startswith("line 6 (q017): missing keys: evidence") for e in errors)
    assert any(e.startswith("line 7 (q017b): bad type 'opinion'") for e in errors)
    assert any(e.startswith("line 7 (q017b): bad match 'some'") for e in errors)
    assert any(e.startswith("line 8 (q002): duplicate id") for e in errors)
    assert len(errors) == 8, errors

    assert main(["eval", "--check", str(path), "--corpus", str(CORPUS)]) == 1
    assert "bad JSON" in capsys.readouterr().out


def test_multi_doc_evidence_must_span_two_documents(tmp_path):
    multi = item("q091")
    one_doc = {**multi, "evidence": multi["evidence"][:1], "answers": multi["answers"][:1]}
    errors = ev.check_eval_set(write_set(tmp_path / "multi.jsonl", [one_doc]), CORPUS)
    assert errors == ["line 1 (q091): multi_doc evidence must come from at least 2 documents"]


def test_load_eval_set_names_the_bad_line(tmp_path):
    path = write_set(tmp_path / "bad.jsonl", [item("q001"), "", "not json"])
    with pytest.raises(ValueError, match="line 3: bad JSON"):
        ev.load_eval_set(path)


# --- normalisation and matching ------------------------------------------------------------------------

def test_normalise():
    assert ev.normalise("  China’s  “High\u00a0Priority”\nItems ") == "china's \"high priority\" items"
    assert ev.normalise("2022–2024 — a 1‑year − gap") == "2022-2024 - a 1-year - gap"
    assert ev.normalise("300,000 shells") == ev.normalise("300 000 shells") == "300000 shells"
    assert ev.normalise("1,630,000") == "1630000"
    assert ev.normalise("95 percent") == ev.normalise("95 per cent") == ev.normalise("95%") == "95%"
    assert ev.normalise("in 2023, 100 tanks") == "in 2023, 100 tanks"  # a list is not a number


def test_answer_matching():
    text = "Russia pays in grain and Palladium [1] and titanium. [2]"
    assert ev.answer_is_correct(text, ["grain", "palladium", "titanium"], "all")
    assert not ev.answer_is_correct(text, ["grain", "gold"], "all")
    assert ev.answer_is_correct(text, ["grain", "gold"], "any")
    assert ev.answer_is_correct("about 300 000 rounds [1]", ["300,000"], "any")
    assert not ev.answer_is_correct("anything", [], "any")
    assert ev.strip_markers("One. [1] Two. [2]") == "One. Two."


def test_citation_precision_rule():
    evidence = ["It’s not just money—it’s also Russian grain, palladium, titanium. More text follows here."]
    assert ev.citation_is_precise("It's not just money-it's also Russian grain, palladium, titanium.", evidence, [])
    assert ev.citation_is_precise("Payments include palladium from Norilsk.", [], ["palladium"])
    assert not ev.citation_is_precise("Unrelated sentence about coal.", evidence, ["palladium"])


def _cite(document: str, text: str, doc: str = "d.md") -> dict:
    start = document.index(text)
    return {"doc": doc, "start": start, "end": start + len(text), "text": text}


def test_citation_checks_count_a_completing_neighbour_and_verify_offsets():
    document = ("Another official confirms: [3] These arrangements double as foreign exchange channels. "
                "Coal exports fell. Unrelated filler sentence.")
    lead, quote = _cite(document, "Another official confirms:"), _cite(document, "These arrangements double as foreign exchange channels.")
    filler = _cite(document, "Unrelated filler sentence.")
    checks = ev.citation_checks([lead, quote, filler], [], ["foreign exchange channels"], {"d.md": document})
    assert [c["holds"] for c in checks] == [False, True, False]
    # the introduction stands right before the quote (a footnote marker between is no gap);
    # the filler is two sentences away
    assert [c["precise"] for c in checks] == [True, True, False]
    assert all(c["exact"] for c in checks)
    shifted = {**quote, "start": quote["start"] + 1, "end": quote["end"] + 1}  # offsets one character off
    check = ev.citation_checks([shifted], [], ["foreign exchange channels"], {"d.md": document})[0]
    assert check == {"exact": False, "holds": False, "precise": False}
    # without the documents, the span is checked against the citation's own passage
    passage = {**quote, "passage": document[10:], "passage_start": 10}
    assert ev.citation_checks([passage], [], ["foreign exchange channels"])[0]["exact"]


# --- metrics: hand-computed, cross-checked against llama-index -----------------------------------------

RETRIEVED = ["a", "b", "c", "d", "e"]
EXPECTED = ["c", "x"]  # one relevant passage at rank 3, one never retrieved


def test_metrics_by_hand():
    assert [ev.hit_at_k(RETRIEVED, EXPECTED, k) for k in (1, 2, 3, 5)] == [0.0, 0.0, 1.0, 1.0]
    assert ev.mrr_at_k(RETRIEVED, EXPECTED) == pytest.approx(1 / 3)
    # DCG = 1/log2(3+1) = 0.5; ideal DCG of 2 relevant = 1 + 1/log2(3)
    assert ev.ndcg_at_k(RETRIEVED, EXPECTED) == pytest.approx(0.5 / (1 + 1 / math.log2(3)))
    assert ev.ndcg_at_k(["x", "c", "a"], EXPECTED) == pytest.approx(1.0)
    assert ev.ndcg_at_k(RETRIEVED, []) == 0.0 and ev.hit_at_k([], EXPECTED, 3) == 0.0
    assert ev.evidence_recall(["one two", "three four"], ["two", "four", "five"]) == pytest.approx(2 / 3)


def test_metrics_match_llama_index():
    for retrieved, expected in ((RETRIEVED, EXPECTED), (["x", "a", "c"], EXPECTED), (["a", "b"], ["b"])):
        for k in (1, 3, 5):
            assert ev.hit_at_k(retrieved, expected, k) == HitRate().compute(
                expected_ids=expected, retrieved_ids=retrieved[:k]).score
        assert ev.mrr_at_k(retrieved, expected) == MRR().compute(expected_ids=expected, retrieved_ids=retrieved).score
        assert ev.ndcg_at_k(retrieved, expected) == pytest.approx(
            NDCG().compute(expected_ids=expected, retrieved_ids=retrieved).score)
    # more expected than k: llama-index does not cap the ideal DCG at k, we do
    many = ["a", "b", "c"]
    assert ev.ndcg_at_k(["a", "b"], many, k=2) == pytest.approx(1.0)
    assert NDCG().compute(expected_ids=many, retrieved_ids=["a", "b"]).score < 1.0


def test_score_question_and_aggregate():
    q = {"id": "t1", "question": "Q?", "answers": ["palladium"], "match": "any", "doc": "d.md",
         "evidence": ["grain, palladium, titanium"], "type": "list"}
    none = {"id": "t2", "question": "Q2?", "answers": [], "match": "any", "doc": None, "evidence": [], "type": "unanswerable"}
    passages = [{"doc": "d.md", "chunk": 0, "text": "Nothing here."},
                {"doc": "d.md", "chunk": 3, "text": "Paid in grain, palladium, titanium and cash."}]
    document = "Nothing here at all. More. Paid in grain, palladium, titanium and cash."
    cited = _cite(document, "Paid in grain, palladium, titanium and cash.")
    answer = {"answer": "Paid in grain, palladium, titanium and cash. [1]", "abstained": False, "latency_ms": 10.0,
              "confidence": 0.7,
              "citations": [cited, _cite(document, "Nothing here at all.")], "passages": passages}
    declined = {"answer": "The documents do not contain an answer.", "abstained": True, "latency_ms": 30.0,
                "confidence": 0.2,
                "citations": [], "passages": passages[:1]}  # the relevant passage was not retrieved
    row = ev.score_question(q, answer, passages, ["d.md#3"], {"d.md": document})
    assert row["correct"] and row["failures"] == [] and row["precise_citations"] == 1 and row["citations"] == 2
    assert row["strict_citations"] == 1 and row["exact_spans"] == 2
    assert row["retrieval"]["hit@1"] == 0.0 and row["retrieval"]["hit@2"] == 1.0
    assert row["retrieval"][ev.M_MRR] == 0.5 and row["retrieval"][ev.M_RECALL] == 1.0
    missed = ev.score_question(none, answer, passages, [])
    assert missed["failures"] == [ev.FAIL_MISSED_ABSTENTION]
    false = ev.score_question(q, declined, passages[:1], ["d.md#3"])
    assert false["failures"] == [ev.FAIL_RETRIEVAL, ev.FAIL_FALSE_ABSTENTION]

    metrics = ev.aggregate([row, missed, false])
    assert metrics[ev.M_ACCURACY] == 0.5 and metrics[ev.M_FALSE_ABSTENTION] == 0.5
    assert metrics[ev.M_ABSTENTION] == 0.0 and metrics[ev.M_CITATION_PRECISION] == 0.5
    assert metrics["hit@1"] == 0.0 and metrics[ev.M_HIT_CURVE][1] == 0.5
    assert metrics[ev.M_ANSWER_WORDS] == 7.0  # the two answers given, 7 words each (abstention left out)
    assert metrics[ev.M_LATENCY.format(p=50)] == 10.0
    assert ev.percentile([10.0, 10.0, 30.0], 95) == pytest.approx(28.0)
    # confidences 0.7 (answerable), 0.7 (unanswerable, answered), 0.2 (answerable, declined)
    assert metrics[ev.M_AUROC] == 0.25 and metrics[ev.M_BRIER] == pytest.approx((0.09 + 0.49 + 0.64) / 3, abs=1e-4)


def test_confidence_metrics_by_hand():
    conf = [0.95, 0.85, 0.8, 0.3, 0.1]
    answerable = [True, True, False, True, False]
    m = ev.confidence_metrics(conf, answerable)
    # pairs (answerable, unanswerable): 0.95 and 0.85 beat both, 0.3 beats only 0.1: 5 of 6
    assert m[ev.M_AUROC] == pytest.approx(5 / 6, abs=1e-4)
    assert m[ev.M_BRIER] == pytest.approx((0.05 ** 2 + 0.15 ** 2 + 0.8 ** 2 + 0.7 ** 2 + 0.1 ** 2) / 5, abs=1e-4)
    # bins: [0.9, 1) 0.95 vs 1; [0.8, 0.9) mean 0.825 vs 0.5 (two); [0.3, 0.4) 0.3 vs 1; [0.1, 0.2) 0.1 vs 0
    assert m[ev.M_ECE] == pytest.approx((0.05 + 2 * 0.325 + 0.7 + 0.1) / 5, abs=1e-4)
    perfect = ev.confidence_metrics([1.0, 0.0], [True, False])
    assert perfect == {ev.M_AUROC: 1.0, ev.M_BRIER: 0.0, ev.M_ECE: 0.0}
    assert ev.confidence_metrics([0.6, 0.7], [True, True])[ev.M_AUROC] is None  # one class only: no ranking to judge
    summary = {"modes": ["rerank"], "metrics": {"rerank": {**{k: 0.5 for k in ev.METRIC_LABELS}, ev.M_AUROC: None,
                                                          ev.M_ACCURACY_BY_TYPE: {}}}}
    assert [ev.METRIC_LABELS[ev.M_AUROC], ev.NOT_MEASURED] in ev.summary_table(summary)


# --- end to end: a real index, the real pipeline ------------------------------------------------------

@pytest.fixture(scope="module")
def indexed(tmp_path_factory, corpus_copy):
    """An Assistant over the real corpus, indexed into a temporary store."""
    from qa.config import Config
    from qa.pipeline import Assistant

    config = Config.load(corpus_dir=corpus_copy, index_dir=tmp_path_factory.mktemp("eval") / "index")
    assistant = Assistant(config)
    assistant.index(progress=False)
    return assistant


def subset(path: Path) -> Path:
    return write_set(path, [item(i) for i in SUBSET_IDS])


@pytest.mark.slow
def test_qa_eval_end_to_end(indexed, tmp_path, capsys):
    config = indexed.config
    out = tmp_path / "report"
    code = main(["eval", "--set", str(subset(tmp_path / "subset.jsonl")), "--out", str(out),
                 "--mode", "bm25", "rerank", "--index-dir", str(config.index_dir), "--corpus", str(config.corpus_dir)])
    assert code == 0
    assert "| metric | bm25 | rerank |" in capsys.readouterr().out

    for name in ("results.jsonl", "results-bm25.jsonl", "results-rerank.jsonl"):
        lines = [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]
        assert [r["id"] for r in lines] == list(SUBSET_IDS)
        assert all(set(r) == {"id"} | ANSWER_KEYS for r in lines)
    assert (out / "results.jsonl").read_text() == (out / "results-bm25.jsonl").read_text()  # the first mode

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["modes"] == ["bm25", "rerank"] and summary["questions"] == 5 and summary["answerable"] == 4
    for mode in ("bm25", "rerank"):
        m = summary["metrics"][mode]
        assert len(m[ev.M_HIT_CURVE]) == ev.RETRIEVAL_DEPTH
        assert m[ev.M_HIT_CURVE] == sorted(m[ev.M_HIT_CURVE])  # hit@k never falls as k grows
        for key in ("hit@1", "hit@3", "hit@5", ev.M_MRR, ev.M_NDCG, ev.M_RECALL, ev.M_ACCURACY,
                    ev.M_ABSTENTION, ev.M_FALSE_ABSTENTION, ev.M_CITATION_PRECISION):
            assert 0.0 <= m[key] <= 1.0, (mode, key)
        assert m["hit@5"] >= 0.75  # these four are found by every mode
        assert m[ev.M_LATENCY.format(p=95)] >= m[ev.M_LATENCY.format(p=50)] > 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| metric | bm25 | rerank |" in report and "## Failures" in report and "modes.png" in report
    assert (out / "modes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert summary["question_ids"] == list(SUBSET_IDS) and summary["eval_set"].endswith("subset.jsonl")

    # the same set again against this run: answers are deterministic, so nothing changed
    again = tmp_path / "again"
    code = main(["eval", "--set", str(tmp_path / "subset.jsonl"), "--out", str(again), "--mode", "rerank",
                 "--baseline", str(out), "--index-dir", str(config.index_dir), "--corpus", str(config.corpus_dir)])
    assert code == 0
    printed = capsys.readouterr().out
    assert f"# Compared with {out}" in printed and "No question changed." in printed
    compared = json.loads((again / "comparison.json").read_text(encoding="utf-8"))
    assert compared["modes"] == ["rerank"] and compared["same_set"]  # bm25 was measured by the baseline only
    accuracy = next(r for r in compared["metrics"]["rerank"] if r["metric"] == ev.M_ACCURACY)
    assert accuracy["delta"] == 0 and accuracy["before"] == summary["metrics"]["rerank"][ev.M_ACCURACY]
    assert (again / "comparison.md").read_text(encoding="utf-8") in printed


@pytest.mark.slow
def test_run_eval_and_summary_table(indexed, tmp_path):
    items = [item(i) for i in SUBSET_IDS]
    summary = ev.run_eval(indexed, items, ["hybrid"], tmp_path / "out", progress=False)
    assert not (tmp_path / "out" / "results-hybrid.jsonl").exists()  # one mode: results.jsonl only
    assert ev.summary_headers(summary) == ["metric", "hybrid"]
    rows = ev.summary_table(summary)
    assert all(len(r) == 2 for r in rows)
    labels = [r[0] for r in rows]
    assert labels[:3] == ["hit@1", "hit@3", "hit@5"] and "answer accuracy (answerable)" in labels
    assert "accuracy: multi_doc" in labels and "accuracy: unanswerable" not in labels
    assert summary == json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
