"""Chunking study: index the corpus with several chunk sizes and overlaps, and score passages by
sentence windows of several widths, run the eval set in hybrid and rerank modes, print one table
(recorded in eval/README.md).

    .venv/bin/python eval/chunking_study.py [--set eval/qa.jsonl] [--work /tmp/chunking]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qa.config import Config
from qa.evaluation import load_eval_set, run_eval
from qa.pipeline import Assistant

# (chunk_chars, overlap sentences, w_neighbour; None: as configured). 250 characters is a sentence
# or two: chunks the size of a sentence window. w_neighbour > 0 scores a passage by its best
# sentence together with that sentence's better neighbour (a window of three sentences), 0 by the
# sentence alone.
VARIANTS = [(250, 0, None), (250, 1, None), (400, 0, None), (400, 1, None), (800, 0, None), (800, 1, None),
            (800, 1, 0.0), (800, 1, 0.6), (800, 2, None), (1200, 1, None)]
MODES = ["hybrid", "rerank"]
COLUMNS = [("hit@1", "hit@1"), ("hit@5", "hit@5"), ("MRR@10", "mrr@10"), ("accuracy", "accuracy"),
           ("abstention", "abstention_rate"), ("citation precision", "citation_precision"),
           ("median words", "median_answer_words")]


def main(argv=None) -> int:
    """Run every variant and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="eval/qa.jsonl")
    parser.add_argument("--work", default="/tmp/chunking")
    args = parser.parse_args(argv)
    items = load_eval_set(args.set)
    print("| chunk chars | overlap | sentence window | mode | " + " | ".join(c for c, _ in COLUMNS) + " |")
    print("|---|---|---|---|" + "---|" * len(COLUMNS))
    for chars, overlap, neighbour in VARIANTS:
        work = Path(args.work) / f"{chars}-{overlap}"  # the window changes scoring only: one index per chunking
        config = Config.load(index_dir=work / "index", chunk_chars=chars, chunk_overlap=overlap, w_neighbour=neighbour)
        assistant = Assistant(config)
        assistant.index(progress=False)
        modes = MODES if neighbour is None else ["rerank"]  # hybrid never reads the window weight
        summary = run_eval(assistant, items, modes, work / f"report-{config.w_neighbour}", progress=False)
        for mode in modes:
            metrics = summary["metrics"][mode]
            cells = [f"{metrics[key]:.3f}" if isinstance(metrics[key], float) else str(metrics[key]) for _, key in COLUMNS]
            window = "–" if mode != "rerank" else f"±1 sentence ({config.w_neighbour})" if config.w_neighbour else "sentence"
            print(f"| {chars} | {overlap} | {window} | {mode} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
