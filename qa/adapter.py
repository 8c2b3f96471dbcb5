"""The query adapter: a linear map, fitted on questions whose evidence sentences are known, that
turns the bi-encoder's question vector into one nearer the sentences that answer such questions.

all-MiniLM-L6-v2 places a question near the sentences that restate it more than near the one that
answers it. A map ``q -> normalise(q + D q)`` learned from (question, evidence sentence,
other candidate sentences) triples corrects part of that (the "embedding adapter" of Chroma's
research, fitted here to the reranker's own sentence score). It moves only the similarity that
ranks sentences: the confidence and the off-topic guard keep reading the model's own similarity.

``eval/adapter.py`` fits it on the studied eval sets and writes ``ADAPTER_FILE``; its
leave-one-set-out figures are in eval/README.md. It is fitted to the default corpus's questions:
for another corpus, refit it on that corpus's eval set or switch it off (``QA_QUERY_ADAPTER=off``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ADAPTER_FILE = Path(__file__).with_name("query_adapter.npz")
OFF = "off"
# The fit (chosen by leave-one-set-out on the studied sets, eval/README.md): sharpness of the
# softmax over a question's candidate sentences, L2 pull towards no change, Adam steps and rate.
TEMPERATURE = 20.0
L2 = 0.01
STEPS = 150
LEARNING_RATE = 3e-3


@dataclass
class Example:
    """One question part's fitting data: its vector, its candidate sentences' vectors, which of
    them hold the evidence, and the rest of each one's score (all but the weighted similarity)."""

    query: np.ndarray  # (d,)
    sentences: np.ndarray  # (n, d)
    relevant: np.ndarray  # (n,) bool, at least one True
    rest: np.ndarray  # (n,)


@dataclass
class QueryAdapter:
    """``q -> normalise(q + delta @ q)``."""

    delta: np.ndarray  # (d, d)
    meta: dict = field(default_factory=dict)

    def apply(self, vector) -> np.ndarray:
        """The adapted, unit-length question vector."""
        q = np.asarray(vector, dtype=np.float32)
        if q.shape[0] != self.delta.shape[0]:
            raise ValueError(f"the query adapter expects {self.delta.shape[0]}-d vectors, the model gives "
                             f"{q.shape[0]}-d: refit it (eval/adapter.py) or set QA_QUERY_ADAPTER={OFF}")
        v = q + self.delta @ q
        return v / np.linalg.norm(v)

    def save(self, path: Path) -> None:
        """Write the adapter and what it was fitted on."""
        np.savez(path, delta=self.delta.astype(np.float32), meta=json.dumps(self.meta))


def load_adapter(setting: str) -> QueryAdapter | None:
    """The adapter ``Config.query_adapter`` names: "" the fitted one shipped with the package,
    ``OFF`` none, else a path to an ``.npz`` written by ``QueryAdapter.save``."""
    if setting == OFF:
        return None
    path = Path(setting) if setting else ADAPTER_FILE
    if not path.is_file():
        raise FileNotFoundError(f"query adapter {path} not found: fit one with eval/adapter.py "
                                f"or set QA_QUERY_ADAPTER={OFF}")
    with np.load(path) as data:
        return QueryAdapter(data["delta"].astype(np.float32), json.loads(str(data["meta"])))


def fit_adapter(examples: list[Example], w_semantic: float, l2: float = L2, steps: int = STEPS,
                seed: int = 0) -> QueryAdapter:
    """Fit ``delta`` so that each example's relevant sentences win the softmax over its candidates
    of ``TEMPERATURE * (w_semantic * similarity + rest)``, with an L2 pull towards no change.
    Full-batch Adam from zero: deterministic for a given seed."""
    if not examples:
        raise ValueError("no question with a relevant candidate sentence to fit the query adapter on")
    import torch

    torch.manual_seed(seed)
    d = examples[0].query.shape[0]
    delta = torch.zeros(d, d, requires_grad=True)
    optimiser = torch.optim.Adam([delta], lr=LEARNING_RATE)
    batch = [(torch.from_numpy(e.query), torch.from_numpy(e.sentences), torch.from_numpy(e.relevant),
              torch.from_numpy(e.rest)) for e in examples]
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.zeros(())
        for q, sentences, relevant, rest in batch:
            adapted = q + delta @ q
            logits = TEMPERATURE * (w_semantic * (sentences @ (adapted / adapted.norm())) + rest)
            loss = loss - (torch.logsumexp(logits[relevant], 0) - torch.logsumexp(logits, 0))
        loss = loss / len(batch) + l2 * (delta ** 2).sum()
        loss.backward()
        optimiser.step()
    return QueryAdapter(delta.detach().numpy().astype(np.float32), {"examples": len(examples), "l2": l2,
                                                                    "steps": steps, "seed": seed})
