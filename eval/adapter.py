"""Fit the query adapter (qa/adapter.py) and the confidence that goes with it, reproducibly.

    .venv/bin/python eval/adapter.py [--set eval/qa.jsonl …] [--index-dir DIR] [--out FILE] [--loso [--details FILE]]

1. Retrieves each question part's candidates once, with the adapter off (``eval/tune.py``'s
   ``collect``), and labels each candidate sentence relevant when it holds an evidence string or a
   gold answer (the test of a precise citation).
2. Fits the adapter on every answerable part of the sets and writes it (default:
   ``qa/adapter.ADAPTER_FILE``, which the assistant loads).
3. Fits the logistic confidence (``eval/tune.py``'s model and threshold rule) on features whose
   rankings come from adapters that never saw the set: for each set, an adapter fitted on the
   others (cross-fitting). Fitted on the full adapter's own rankings the confidence trusts
   rankings that are better on the fitting questions than on new ones. For the same reason the
   threshold is set on out-of-set confidences: each set scored by the model fitted on the others.
4. ``--loso``: leave one set out, for each set: the adapter and the confidence fitted on the other
   sets (the confidence cross-fitted as in 3), that set answered with and without the adapter.
   This is the figure that says whether the adapter generalises to questions it never saw.
   ``--details FILE`` writes each question's outcome there (JSON lines): the failures to study,
   each met by an adapter and a confidence that never saw its set.

Prints the confidence values to put in ``qa/config.py`` (then run ``eval/calibrate.py``).
Never fitted on the held-out sets (``holdout``, ``unseen``, ``novel``, ``sealed``, ``tail``, ``plus``, ``keen``, ``gauge``,
``audit``, ``memo``, ``desk``, ``quill``, ``vault``, ``ember``, ``orbit``, ``prism``): they measure what the fit
generalises to.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from qa.adapter import ADAPTER_FILE, OFF, Example, QueryAdapter, fit_adapter
from qa.answer import CONFIDENCE_FEATURES, combine, compose
from qa.config import Config
from qa.evaluation import answer_is_correct, citation_checks, citation_is_precise, load_eval_set
from qa.pipeline import Assistant
from qa.rerank import sentence_weights
from qa.scoring import analyse
from qa.store import sentence_id

import tune

SETS = ["eval/qa.jsonl", "eval/dev.jsonl", "eval/fit.jsonl", "eval/fresh.jsonl", "eval/blind.jsonl",
        "eval/abstain.jsonl", "eval/extra.jsonl", "eval/more.jsonl", "eval/wide.jsonl", "eval/crisp.jsonl",
        "eval/lens.jsonl", "eval/probe.jsonl", "eval/slip.jsonl", "eval/essay.jsonl", "eval/host.jsonl",
        "eval/scope.jsonl", "eval/brief.jsonl", "eval/grain.jsonl", "eval/ledger.jsonl", "eval/tally.jsonl",
        "eval/sieve.jsonl", "eval/crude.jsonl", "eval/envoy.jsonl", "eval/forge.jsonl", "eval/kestrel.jsonl",
        "eval/lumen.jsonl", "eval/mosaic.jsonl", "eval/nimbus.jsonl"]


def sentence_vectors(assistant: Assistant, cands) -> np.ndarray:
    """The stored vectors of a question part's candidate sentences, in order."""
    ids = [sentence_id(s.passage.chunk, s.sentence) for s in cands.sentences]
    _, vectors = assistant.retriever.store.embeddings([], ids)
    return np.array([vectors[i] for i in ids], dtype=np.float32)


def examples(assistant: Assistant, rows, config: Config) -> list[Example]:
    """The fitting data of every answerable question part with a relevant candidate sentence."""
    weights = sentence_weights(config)
    found = []
    for item, parts in rows:
        for _, cands in parts:
            relevant = np.array([bool(item["answers"])
                                 and citation_is_precise(s.text, item["evidence"], item["answers"])
                                 for s in cands.sentences])
            if not relevant.any():
                continue
            # collected with the adapter off: the score's similarity term is the model's own
            rest = np.array([s.weigh(weights) - config.w_semantic * s.semantic for s in cands.sentences],
                            dtype=np.float32)
            found.append(Example(np.asarray(cands.query, dtype=np.float32), sentence_vectors(assistant, cands),
                                 relevant, rest))
    return found


def adapt(assistant: Assistant, rows, adapter: QueryAdapter | None) -> None:
    """Set every candidate sentence's ``adapted`` similarity under ``adapter`` (None: none)."""
    for _, parts in rows:
        for _, cands in parts:
            similarities = sentence_vectors(assistant, cands) @ adapter.apply(cands.query) if adapter else None
            for i, s in enumerate(cands.sentences):
                s.adapted = None if similarities is None else float(similarities[i])


def fitted_confidence(matrices: list[tuple[np.ndarray, np.ndarray]], config: Config) -> Config:
    """``config`` with the logistic confidence fitted on every set's (features, answerable) pairs, and
    its threshold on out-of-set confidences: each set's questions scored by the model fitted on the
    other sets. On the questions it was fitted on the model is surer than on new ones, and a
    threshold set there lets more false abstentions through on new questions (step 3)."""
    x, y = np.vstack([m[0] for m in matrices]), np.concatenate([m[1] for m in matrices])
    w = tune.fit_logistic(x, y)
    out_of_set = [tune.predict(tune.fit_logistic(*_pooled(matrices, i)), m[0]) for i, m in enumerate(matrices)]
    threshold = tune.pick_threshold(np.concatenate(out_of_set), y)
    return config.replace(confidence=tuple(float(v) for v in w), abstain_threshold=threshold)


def _pooled(matrices: list[tuple[np.ndarray, np.ndarray]], left_out: int) -> tuple[np.ndarray, np.ndarray]:
    """The (features, answerable) pairs of every set but ``matrices[left_out]``."""
    others = [m for i, m in enumerate(matrices) if i != left_out]
    return np.vstack([m[0] for m in others]), np.concatenate([m[1] for m in others])


def cross_fitted_adapters(data: dict, config: Config) -> dict:
    """Each set's adapter, fitted on the other sets' examples."""
    return {name: fit_adapter([e for other, found in data.items() if other != name for e in found], config.w_semantic)
            for name in data}


def cross_fitted_confidence(assistant: Assistant, rows_by_set: dict, data: dict, config: Config) -> Config:
    """``config`` with the confidence fitted on cross-fitted rankings (step 3)."""
    matrices = []
    for name, adapter in cross_fitted_adapters(data, config).items():
        adapt(assistant, rows_by_set[name], adapter)
        matrices.append(tune.feature_matrix(rows_by_set[name], config, assistant.retriever.stats))
    return fitted_confidence(matrices, config)


def answer_set(assistant: Assistant, rows, config: Config, details: list | None = None) -> dict:
    """Right answers, false abstentions, abstentions and precise citations of ``rows``'s questions
    answered under ``config``, from their collected candidates (as ``Assistant.ask`` answers).
    ``details``: a list to append each question's outcome to."""
    counts = dict.fromkeys(("answerable", "right", "false_abstentions", "unanswerable", "abstentions", "cited",
                            "precise"), 0)
    stats = assistant.retriever.stats
    for item, parts in rows:
        answers = [compose(q, *tune.rank_part(cands, config), stats, config) for q, cands in parts]
        answer = answers[0] if len(answers) == 1 else combine(analyse(item["question"]), answers)
        right = False
        if not item["answers"]:
            counts["unanswerable"] += 1
            counts["abstentions"] += answer.abstained
        else:
            counts["answerable"] += 1
            counts["false_abstentions"] += answer.abstained
            if not answer.abstained:
                right = answer_is_correct(answer.answer, item["answers"], item["match"])
                counts["right"] += right
                checks = citation_checks([c.to_dict() for c in answer.citations], item["evidence"], item["answers"])
                counts["cited"] += len(checks)
                counts["precise"] += sum(c["precise"] for c in checks)
        if details is not None:
            details.append({"id": item["id"], "type": item["type"], "question": item["question"],
                            "answerable": bool(item["answers"]), "abstained": answer.abstained,
                            "confidence": round(answer.confidence, 4), "right": right, "answer": answer.answer})
    return counts


def _line(c: dict) -> str:
    return (f"right {c['right']}/{c['answerable']}, false abstentions {c['false_abstentions']}, "
            f"abstentions {c['abstentions']}/{c['unanswerable']}, citation precision {c['precise'] / max(c['cited'], 1):.3f}")


def _report(name: str, results: dict, totals: dict) -> None:
    """Print one set's (or "all") figures without and with the adapter, and add them to ``totals``."""
    for label in totals:
        totals[label].update(results[label])
    print(f"{name}: without {_line(results['without'])}\n{' ' * len(name)}  with    {_line(results['with'])}",
          flush=True)


def leave_one_set_out(assistant: Assistant, rows_by_set: dict, data: dict, config: Config,
                      details: list | None = None) -> None:
    """Step 4: print each set answered without and with an adapter fitted on the others.
    ``details``: a list to append each question's outcome with the adapter to (its set named)."""
    totals = {"without": Counter(), "with": Counter()}
    for name, rows in rows_by_set.items():
        others_rows = {n: r for n, r in rows_by_set.items() if n != name}
        others_data = {n: d for n, d in data.items() if n != name}
        for r in others_rows.values():
            adapt(assistant, r, None)
        plain = fitted_confidence([tune.feature_matrix(r, config, assistant.retriever.stats)
                                   for r in others_rows.values()], config)
        adapted = cross_fitted_confidence(assistant, others_rows, others_data, config)
        adapter = fit_adapter([e for d in others_data.values() for e in d], config.w_semantic)
        results, found = {}, []
        for label, fold_adapter, fold in (("without", None, plain), ("with", adapter, adapted)):
            adapt(assistant, rows, fold_adapter)
            results[label] = answer_set(assistant, rows, fold, found if label == "with" else None)
        if details is not None:
            details += [{"set": name, **outcome} for outcome in found]
        _report(name, results, totals)
    _report("all", totals, {})


def quick_leave_one_set_out(assistant: Assistant, rows_by_set: dict, data: dict, config: Config,
                            details: list | None = None) -> Config:
    """Step 4 in minutes (``--loso --fast``): every set ranked once, by an adapter fitted on the
    other sets, and answered by a confidence fitted on the other sets' features under their own
    such rankings. Unlike ``leave_one_set_out`` those rankings come from adapters that saw the set
    left out (one adapter per set, not one per pair of sets): a screen for ideas, an hour quicker
    with nine sets; ``--loso`` gives the figures to report. Returns what ``cross_fitted_confidence``
    would, fitted on the same rankings (the adapters are not fitted twice)."""
    stats = assistant.retriever.stats
    adapters = cross_fitted_adapters(data, config)
    matrices = {"without": {}, "with": {}}
    for label in matrices:
        for name, rows in rows_by_set.items():
            adapt(assistant, rows, adapters[name] if label == "with" else None)
            matrices[label][name] = tune.feature_matrix(rows, config, stats)
    totals = {"without": Counter(), "with": Counter()}
    for name, rows in rows_by_set.items():
        results, found = {}, []
        for label in matrices:
            fold = fitted_confidence([m for other, m in matrices[label].items() if other != name], config)
            adapt(assistant, rows, adapters[name] if label == "with" else None)
            results[label] = answer_set(assistant, rows, fold, found if label == "with" else None)
        if details is not None:
            details += [{"set": name, **outcome} for outcome in found]
        _report(name, results, totals)
    _report("all", totals, {})
    return fitted_confidence(list(matrices["with"].values()), config)


def main(argv=None) -> int:
    """Run the procedure, write the adapter and print the confidence."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", nargs="+", default=SETS,
                        help="eval sets to fit on (never the held-out holdout, unseen, novel, sealed, tail, plus, keen, "
                             "gauge, audit, memo, desk, quill, vault, ember, orbit or prism)")
    parser.add_argument("--index-dir", default=None)
    parser.add_argument("--out", default=str(ADAPTER_FILE))
    parser.add_argument("--loso", action="store_true", help="also report leave-one-set-out figures (step 4)")
    parser.add_argument("--fast", action="store_true",
                        help="with --loso: one adapter per set, not per pair of sets (minutes, not an hour; "
                             "slightly flattering: a screen for ideas)")
    parser.add_argument("--details", metavar="FILE",
                        help="with --loso: write each question's outcome with the adapter as JSON lines, to study "
                             "the failures of questions no part of the fit saw")
    args = parser.parse_args(argv)
    if len(args.set) < (3 if args.loso else 2):  # a set is left out, and in --loso one more inside the fold
        parser.error("the cross-fitted confidence needs two sets, --loso three")
    if (args.details or args.fast) and not args.loso:
        parser.error("--details and --fast go with --loso: give both")
    config = Config.load(index_dir=args.index_dir, query_adapter=OFF)
    assistant = Assistant(config)
    assistant.index(progress=False)
    rows_by_set = {path: tune.collect(assistant, load_eval_set(path)) for path in args.set}
    data = {path: examples(assistant, rows, config) for path, rows in rows_by_set.items()}
    print(f"{sum(len(d) for d in data.values())} question parts with a relevant candidate sentence", flush=True)
    adapter = fit_adapter([e for d in data.values() for e in d], config.w_semantic)
    adapter.meta["sets"] = args.set
    adapter.save(args.out)
    print(f"wrote {args.out}", flush=True)
    fitted = None
    if args.loso:
        details = [] if args.details else None
        if args.fast:
            fitted = quick_leave_one_set_out(assistant, rows_by_set, data, config, details)
        else:
            leave_one_set_out(assistant, rows_by_set, data, config, details)
        if details is not None:
            Path(args.details).write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in details),
                                          encoding="utf-8")
            print(f"wrote {args.details}", flush=True)
    fitted = fitted or cross_fitted_confidence(assistant, rows_by_set, data, config)
    print("\nPut in qa/config.py (then calibrate with eval/calibrate.py):")
    print(f"    abstain_threshold = {math.floor(fitted.abstain_threshold * 1e4) / 1e4}")
    print(f"    confidence = ({', '.join(f'{v:.3f}' for v in fitted.confidence)})  "
          f"# bias, {', '.join(CONFIDENCE_FEATURES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
