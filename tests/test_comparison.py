"""qa.comparison: two eval summaries in, what got better or worse and which questions changed out;
and ``qa eval --baseline`` refusing a folder that holds no summary before it runs anything."""

from __future__ import annotations

import copy
import json

import pytest

from qa import comparison as cmp
from qa import evaluation as ev
from qa.cli import main
from tests.conftest import CORPUS, ROOT


def summary(accuracy: float, false_abstention: float, latency: float, failures: list[dict],
            ids=("q1", "q2", "q3", "q4"), modes=("rerank",), eval_set="eval/qa.jsonl") -> dict:
    metrics = {"hit@1": 0.5, ev.M_ACCURACY: accuracy, ev.M_ACCURACY_BY_TYPE: {"numeric": accuracy},
               ev.M_FALSE_ABSTENTION: false_abstention, ev.M_AUROC: None, ev.M_LATENCY.format(p=50): latency}
    return {"created": "t", "eval_set": eval_set, "question_ids": list(ids), "modes": list(modes),
            "metrics": {m: dict(metrics) for m in modes}, "failures": {m: copy.deepcopy(failures) for m in modes}}


def failure(qid: str, *kinds: str) -> dict:
    return {"id": qid, "type": "numeric", "question": f"How many {qid}?", "failures": list(kinds)}


BEFORE = summary(0.5, 0.25, 50.0, [failure("q1", ev.FAIL_WRONG), failure("q3", ev.FAIL_FALSE_ABSTENTION)])
AFTER = summary(0.75, 0.0, 60.0, [failure("q2", ev.FAIL_WRONG),
                                  failure("q3", ev.FAIL_RETRIEVAL, ev.FAIL_WRONG)])


def test_questions_fixed_broken_and_changed():
    changes = cmp.compare(BEFORE, AFTER)["questions"]["rerank"]
    assert [q["id"] for q in changes[cmp.FIXED]] == ["q1"]
    assert [q["id"] for q in changes[cmp.BROKE]] == ["q2"]
    assert [(q["id"], q["before"], q["after"]) for q in changes[cmp.CHANGED]] == [
        ("q3", [ev.FAIL_FALSE_ABSTENTION], [ev.FAIL_RETRIEVAL, ev.FAIL_WRONG])]
    assert changes[cmp.FIXED][0]["question"] == "How many q1?"  # taken from the run that failed it


def test_metric_verdicts_follow_each_metric_direction():
    rows = {r["label"]: r for r in cmp.compare(BEFORE, AFTER)["metrics"]["rerank"]}
    assert rows["answer accuracy (answerable)"]["delta"] == pytest.approx(0.25)
    assert rows["answer accuracy (answerable)"]["verdict"] == cmp.BETTER
    assert rows["accuracy: numeric"]["verdict"] == cmp.BETTER
    assert rows["false abstention (answerable)"]["verdict"] == cmp.BETTER  # lower is better
    assert rows["latency p50 (ms)"]["verdict"] == cmp.SAME  # noise: shown, never judged
    assert rows["hit@1"]["delta"] == 0 and rows["hit@1"]["verdict"] == cmp.SAME
    assert "confidence AUROC (answerable vs not)" not in rows  # measured by neither run
    worse = {r["label"]: r["verdict"] for r in cmp.compare(AFTER, BEFORE)["metrics"]["rerank"]}
    assert worse["answer accuracy (answerable)"] == worse["false abstention (answerable)"] == cmp.WORSE


def test_different_sets_and_modes_are_compared_where_they_overlap():
    other = summary(0.5, 0.0, 50.0, [failure("q2", ev.FAIL_WRONG)], ids=("q2", "q3", "q9"),
                    modes=("bm25", "rerank"), eval_set="eval/dev.jsonl")
    result = cmp.compare(BEFORE, other)
    assert result["modes"] == ["rerank"] and not result["same_set"]
    assert result["only_baseline"] == ["q1", "q4"] and result["only_current"] == ["q9"]
    changes = result["questions"]["rerank"]
    assert [q["id"] for q in changes[cmp.BROKE]] == ["q2"] and [q["id"] for q in changes[cmp.FIXED]] == ["q3"]
    text = cmp.render_comparison(result, "old")
    assert "different eval sets" in text and "q9" in text and "## bm25" not in text


def test_rendered_comparison_and_escaping():
    text = cmp.render_comparison(cmp.compare(BEFORE, AFTER), "eval/reports/old")
    assert text.startswith("# Compared with eval/reports/old")
    assert "| answer accuracy (answerable) | 0.500 | 0.750 | +0.250 (better) |" in text
    assert "| latency p50 (ms) | 50.0 | 60.0 | +10.0 |" in text
    assert "**Fixed (1)**" in text and "- q1 (numeric): wrong answer → ok: How many q1?" in text
    assert "- q2 (numeric): ok → wrong answer" in text
    same = cmp.render_comparison(cmp.compare(BEFORE, BEFORE), "x")
    assert "No question changed." in same and "(better)" not in same and "(worse)" not in same
    shouting = cmp.render_comparison(cmp.compare(BEFORE, AFTER), "x", escape=str.upper)
    assert "HOW MANY Q1?" in shouting and "How many q1?" not in shouting


def test_load_summary_refuses_what_is_not_a_report(tmp_path):
    with pytest.raises(cmp.BaselineError, match="not found"):
        cmp.load_summary(tmp_path)
    (tmp_path / ev.SUMMARY_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(cmp.BaselineError, match="not readable"):
        cmp.load_summary(tmp_path)
    (tmp_path / ev.SUMMARY_FILE).write_text(json.dumps({"modes": ["rerank"]}), encoding="utf-8")
    with pytest.raises(cmp.BaselineError, match="not a `qa eval` summary"):
        cmp.load_summary(tmp_path)
    (tmp_path / ev.SUMMARY_FILE).write_text(json.dumps(BEFORE), encoding="utf-8")
    assert cmp.load_summary(tmp_path) == BEFORE


def test_eval_refuses_a_bad_baseline_before_running(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["eval", "--set", str(ROOT / "eval" / "qa.jsonl"), "--corpus", str(CORPUS), "--out", str(out),
                 "--index-dir", str(tmp_path / "index"), "--baseline", str(tmp_path / "nowhere")])
    assert code == 1 and "not found" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "index").exists()  # nothing was indexed or run
