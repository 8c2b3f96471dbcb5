"""Calibrate the shown confidence: Platt scaling of the configured logistic model, reproducibly.

    .venv/bin/python eval/calibrate.py [--set eval/qa.jsonl eval/dev.jsonl …] [--index-dir DIR]

``eval/tune.py`` fits the confidence with the two classes weighted to balance, so its output
reads as a probability under a 50/50 prior, while most questions asked of the documents are
answerable: an answer shown at 0.70 was right far more often than 70 % of the time. This asks
every question of the sets through the pipeline (``Assistant.ask``), takes the model's log-odds
z of each (the off-topic guard's zeros aside), and fits a and b of sigmoid(a·z + b) to whether the
question is answerable (unweighted log loss, Newton's method). It prints the coefficients and
the threshold rescaled by the same map: a > 0 keeps the order, so every answer and every
abstention stays as it was and only the number shown changes. Changes nothing itself.

The fitted map depends on the share of answerable questions in the sets, as any calibration
does: the studied sets (never the held-out ``holdout``, ``unseen``, ``novel``, ``sealed``, ``tail``, ``plus``,
``keen``, ``gauge``, ``audit``, ``memo``, ``desk``, ``quill``, ``vault``, ``ember``, ``orbit`` or ``prism``,
which measure what it generalises to) are the closest thing to the questions users ask.
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np

from qa.answer import CONFIDENCE_FEATURES
from qa.config import Config
from qa.evaluation import M_BRIER, M_ECE, confidence_metrics, load_eval_set
from qa.pipeline import Assistant

from adapter import SETS  # the sets the confidence is fitted on


EPSILON = 1e-6  # keeps a confidence of exactly 0 or 1 off the log-odds' infinities
DECIMALS = 5  # of the printed coefficients: coarser rounding could move a question across the threshold


def fit_platt(z: np.ndarray, y: np.ndarray, steps: int = 50) -> tuple[float, float]:
    """a and b minimising the log loss of sigmoid(a·z + b) against ``y`` (Newton's method)."""
    x = np.column_stack([z, np.ones_like(z)])
    w = np.array([1.0, 0.0])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (p - y)
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + 1e-9 * np.eye(2)
        w -= np.linalg.solve(hessian, gradient)
    return float(w[0]), float(w[1])


def sigmoid(z: float) -> float:
    """The probability of log-odds ``z``."""
    return 1 / (1 + math.exp(-z))


def logit(p: float) -> float:
    """The log-odds of ``p``."""
    p = min(max(p, EPSILON), 1 - EPSILON)
    return math.log(p / (1 - p))


def main(argv=None) -> int:
    """Ask the sets' questions, fit the map and print the rescaled values."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", nargs="+", default=SETS)
    parser.add_argument("--index-dir", default=None)
    args = parser.parse_args(argv)
    config = Config.load(index_dir=args.index_dir)
    assistant = Assistant(config)
    assistant.index(progress=False)
    items = [item for path in args.set for item in load_eval_set(path)]
    confidences = [assistant.ask(item["question"]).confidence for item in items]
    answerable = [bool(item["answers"]) for item in items]
    scored = [(logit(c), y) for c, y in zip(confidences, answerable) if c > 0.0]  # 0.0: the off-topic guard
    z, y = (np.array(v, dtype=float) for v in zip(*scored))
    a, b = fit_platt(z, y)
    if a <= 0:
        print(f"a = {a:.4f} would reverse the order of the confidences; nothing to put in qa/config.py")
        return 1
    rescaled = [a * config.confidence[0] + b, *(a * w for w in config.confidence[1:])]
    threshold = sigmoid(a * logit(config.abstain_threshold) + b)
    calibrated = [0.0 if c == 0.0 else sigmoid(a * logit(c) + b) for c in confidences]
    before, after = confidence_metrics(confidences, answerable), confidence_metrics(calibrated, answerable)
    print(f"{len(items)} questions ({sum(answerable)} answerable), {len(scored)} past the off-topic guard")
    print(f"map: sigmoid({a:.4f} * z + {b:.4f})")
    print(f"Brier {before[M_BRIER]:.4f} -> {after[M_BRIER]:.4f}, ECE {before[M_ECE]:.4f} -> {after[M_ECE]:.4f}")
    print("\nPut in qa/config.py:")
    # rounded down: a question exactly at the threshold is still answered
    print(f"    abstain_threshold = {math.floor(threshold * 10 ** DECIMALS) / 10 ** DECIMALS}")
    print(f"    confidence = ({', '.join(f'{v:.{DECIMALS}f}' for v in rescaled)})  # bias, {', '.join(CONFIDENCE_FEATURES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
