"""Comparing two eval runs of the same question set: which metrics moved, which way, and which
questions a change fixed or broke (``qa eval --baseline DIR``).

Plain data in, a dict out: ``compare`` reads two summaries (``summary.json`` of a report folder)
and returns, for every retrieval mode both runs measured, each metric before and after with its
change and whether that is better or worse, and the questions whose failures changed. A metric
that only moves with noise (latency) or that no direction makes better (answer length) is shown,
never judged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from qa.evaluation import (KEY_ID, KEY_QUESTION, KEY_TYPE, LARGE_NUMBER, LATENCY_PERCENTILES, M_ACCURACY,
                           M_ACCURACY_BY_TYPE, M_ANSWER_WORDS, M_BRIER, M_ECE, M_FALSE_ABSTENTION, M_LATENCY,
                           METRIC_LABELS, NOT_MEASURED, QUESTION_TYPES, SUMMARY_FILE, TYPE_ROW, markdown_table)

COMPARISON_JSON = "comparison.json"
COMPARISON_REPORT = "comparison.md"
BETTER, WORSE, SAME = "better", "worse", ""
FIXED, BROKE, CHANGED = "fixed", "broke", "changed"
OK = "ok"  # a question with no failure
LOWER_IS_BETTER = frozenset({M_FALSE_ABSTENTION, M_BRIER, M_ECE})
UNJUDGED = frozenset({M_ANSWER_WORDS, *(M_LATENCY.format(p=p) for p in LATENCY_PERCENTILES)})
EPSILON = 1e-9  # metrics are rounded to 4 digits: a smaller difference is none


class BaselineError(ValueError):
    """The baseline report folder cannot be compared against (missing or unreadable summary)."""


def load_summary(report_dir: str | Path) -> dict:
    """The ``summary.json`` of a report folder written by ``qa eval``; ``BaselineError`` when
    there is none or it is not one."""
    path = Path(report_dir) / SUMMARY_FILE
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path} not found: give the folder a previous `qa eval --out` wrote") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path} is not readable: {exc}") from None
    if not isinstance(summary, dict) or not {"modes", "metrics", "failures", "question_ids"} <= set(summary):
        raise BaselineError(f"{path} is not a `qa eval` summary (or one written before question ids were saved)")
    return summary


def compare(baseline: dict, current: dict) -> dict:
    """What changed from ``baseline`` to ``current`` (two ``run_eval`` summaries): per mode both
    measured, each metric's before, after, change and verdict (``BETTER``, ``WORSE`` or ``SAME``;
    ``SAME`` also for a metric ``UNJUDGED``), and the questions ``FIXED`` (failures before, none
    now), ``BROKE`` (the reverse) or ``CHANGED`` (other failures); plus the question ids only one
    run asked, and whether both ran the same eval set file."""
    modes = [m for m in current["modes"] if m in baseline["modes"]]
    before_ids, after_ids = baseline["question_ids"], current["question_ids"]
    asked_before, asked_now = set(before_ids), set(after_ids)
    shared = [i for i in after_ids if i in asked_before]
    return {
        "baseline_created": baseline.get("created"),
        "created": current.get("created"),
        "same_set": baseline.get("eval_set") == current.get("eval_set"),
        "eval_sets": [baseline.get("eval_set"), current.get("eval_set")],
        "modes": modes,
        "metrics": {m: _metric_changes(baseline["metrics"][m], current["metrics"][m]) for m in modes},
        "questions": {m: _question_changes(baseline["failures"][m], current["failures"][m], shared) for m in modes},
        "only_baseline": [i for i in before_ids if i not in asked_now],
        "only_current": [i for i in after_ids if i not in asked_before],
    }


def _metric_changes(before: dict, after: dict) -> list[dict]:
    """One row per metric of the report (per-type accuracy after the overall one) that either run has."""
    keys = []
    for key in METRIC_LABELS:
        keys.append((key, METRIC_LABELS[key], before.get(key), after.get(key)))
        if key == M_ACCURACY:
            by_before, by_after = before.get(M_ACCURACY_BY_TYPE, {}), after.get(M_ACCURACY_BY_TYPE, {})
            keys += [(f"{M_ACCURACY_BY_TYPE}/{t}", TYPE_ROW.format(type=t), by_before.get(t), by_after.get(t))
                     for t in QUESTION_TYPES if t in by_before or t in by_after]
    rows = []
    for key, label, old, new in keys:
        if old is None and new is None:
            continue
        delta = new - old if old is not None and new is not None else None
        rows.append({"metric": key, "label": label, "before": old, "after": new, "delta": delta,
                     "verdict": _verdict(key, delta)})
    return rows


def _verdict(key: str, delta: float | None) -> str:
    if delta is None or abs(delta) < EPSILON or key in UNJUDGED:
        return SAME
    return BETTER if (delta < 0) == (key in LOWER_IS_BETTER) else WORSE


def _question_changes(before: list[dict], after: list[dict], shared: list[str]) -> dict[str, list[dict]]:
    """The shared questions whose failures differ, by kind of change, in the current run's order."""
    old = {f[KEY_ID]: f for f in before}
    new = {f[KEY_ID]: f for f in after}
    out = {FIXED: [], BROKE: [], CHANGED: []}
    for qid in shared:
        was, now = old.get(qid, {}).get("failures", []), new.get(qid, {}).get("failures", [])
        if sorted(was) == sorted(now):
            continue
        info = new.get(qid) or old[qid]
        kind = FIXED if not now else BROKE if not was else CHANGED
        out[kind].append({KEY_ID: qid, KEY_TYPE: info[KEY_TYPE], KEY_QUESTION: info[KEY_QUESTION],
                          "before": was, "after": now})
    return out


def render_comparison(comparison: dict, baseline: str | Path, escape: Callable[[str], str] = str) -> str:
    """The readable ``comparison.md``: per mode a before/after table and the questions that changed.
    ``baseline`` names the earlier run; ``escape`` makes the eval set's own text (ids, questions,
    file names) safe where it is shown (the UI's Markdown)."""
    parts = [f"# Compared with {baseline}\n",
             f"Baseline run {comparison['baseline_created']}, this run {comparison['created']}.\n"]
    if not comparison["same_set"]:
        before, after = (escape(str(name)) for name in comparison["eval_sets"])
        parts.append(f"**The two runs used different eval sets** ({before} and {after}): "
                     "only the questions both asked are compared one by one.\n")
    for ids, which in ((comparison["only_baseline"], "only the baseline"), (comparison["only_current"], "only this run")):
        if ids:
            parts.append(f"Asked by {which}: {', '.join(escape(i) for i in ids)}.\n")
    if not comparison["modes"]:
        parts.append("No retrieval mode was measured by both runs.\n")
    for mode in comparison["modes"]:
        rows = [[r["label"], *(NOT_MEASURED if v is None else v for v in (r["before"], r["after"])), _change(r)]
                for r in comparison["metrics"][mode]]
        parts.append(f"## {mode}\n")
        parts.append(markdown_table(["metric", "baseline", "now", "change"], rows))
        changes = comparison["questions"][mode]
        for kind in (FIXED, BROKE, CHANGED):
            if changes[kind]:
                parts.append(f"**{kind.capitalize()} ({len(changes[kind])})**\n")
                parts += [f"- {escape(q[KEY_ID])} ({escape(q[KEY_TYPE])}): {_failures(q['before'])} → "
                          f"{_failures(q['after'])}: {escape(q[KEY_QUESTION])}" for q in changes[kind]]
                parts.append("")
        if not any(changes.values()):
            parts.append("No question changed.\n")
    return "\n".join(parts)


def _change(row: dict) -> str:
    delta = row["delta"]
    if delta is None or abs(delta) < EPSILON:
        return ""
    large = max(abs(row["before"]), abs(row["after"])) >= LARGE_NUMBER  # ms and words: one decimal, as the table
    text = f"{delta:+.1f}" if large else f"{delta:+.3f}"
    return f"{text} ({row['verdict']})" if row["verdict"] else text


def _failures(failures: list[str]) -> str:
    return ", ".join(failures) or OK
