"""Does encoding grow the process? RSS while embedding batches of texts (a benchmark, not a test).

    .venv/bin/python bench/encoder_memory.py [--texts 10240] [--lengths varied|fixed] [--no-trim]

Embeds batches of 256 texts cut from the default corpus with ``qa.embedding.embed_texts``,
as indexing does, and prints the process's RSS every 1,280 texts. ``--lengths varied``
(3–220 words, as chunks and sentences are) is what fragments the heap; ``--no-trim`` skips
``release_freed_memory`` after each batch to show what it saves.
"""

from __future__ import annotations

import argparse
import contextlib
import random
from pathlib import Path
from unittest import mock

import psutil

from qa import embedding

BATCH = 256
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def main(argv: list[str] | None = None) -> int:
    """Print RSS (MB) as batches are embedded."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=10240)
    parser.add_argument("--lengths", choices=("varied", "fixed"), default="varied")
    parser.add_argument("--no-trim", action="store_true")
    args = parser.parse_args(argv)
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md"))).split()
    rng = random.Random(0)

    def text(n: int) -> str:
        start = rng.randrange(len(words) - n)
        return " ".join(words[start:start + n])

    embedder = embedding.load_embedder("", 16, 1)
    process = psutil.Process()
    embedding.embed_texts(embedder, [text(20)] * 16)  # model warm
    print(f"start: {process.memory_info().rss / 2**20:.0f} MB")
    with mock.patch.object(embedding, "release_freed_memory") if args.no_trim else contextlib.nullcontext():
        for done in range(BATCH, args.texts + 1, BATCH):
            lengths = [rng.randint(3, 220) if args.lengths == "varied" else 60 for _ in range(BATCH)]
            embedding.embed_texts(embedder, [text(n) for n in lengths])
            if done % (5 * BATCH) == 0:
                print(f"{done} texts: {process.memory_info().rss / 2**20:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
