"""A large, deterministic benchmark corpus: the 5 real articles plus N synthetic ones.

Each synthetic document recombines sentences of the seed articles (from all five, shuffled)
and perturbs them: numbers are swapped in from other sentences, named entities are swapped
for other entities of the corpus, years are shifted. The result reads like the real corpus
(same vocabulary, same kinds of facts) without repeating its facts, so it works as a set of
hard distractors for retrieval, and its size is set by ``--docs``.

    python bench/make_corpus.py --docs 1000 --out /tmp/bench_corpus --seed 7

Document i depends only on (seed, i): a corpus of N documents is a prefix of one of M > N.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.chunking import split_sentences  # noqa: E402
from qa.cleaning import clean_text, split_front_matter  # noqa: E402

SEED_CORPUS = ROOT / "corpus"
DEFAULT_SEED = 7
DOC_CHARS = (3000, 9000)  # body length of a synthetic document, uniform in this range

ENTITIES = [
    "China", "Russia", "North Korea", "South Korea", "Japan", "Iran", "Ukraine", "the United States",
    "the European Union", "the United Kingdom", "Beijing", "Moscow", "Pyongyang", "Seoul", "Tokyo",
    "Washington", "Kim Jong Un", "Vladimir Putin", "Xi Jinping", "Vladivostok", "Rason", "Dandong",
    "Khabarovsk", "Harbin", "Shenyang", "Rosatom", "Rostec", "Huawei", "the Kremlin", "NATO",
]
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?(?:%| ?(?:million|billion|trillion|percent))?(?![\w])")
ENTITY = re.compile(r"\b(?:" + "|".join(re.escape(e) for e in sorted(ENTITIES, key=len, reverse=True)) + r")\b")
HEADING = re.compile(r"^#{1,6}\s+")


def seed_material(corpus: Path = SEED_CORPUS) -> tuple[list[str], list[str], list[str]]:
    """Sentences, headings and numbers of the seed articles."""
    sentences, headings, numbers = [], [], []
    for path in sorted(corpus.glob("*.md")):
        _, body = split_front_matter(path.read_text(encoding="utf-8"))
        text = clean_text(body)
        for span in split_sentences(text):
            line_start = text.rfind("\n", 0, span.start) + 1
            piece = text[span.start:span.end].strip()
            if HEADING.match(text[line_start:span.start + 1]) or text[line_start:span.start].startswith("#"):
                headings.append(piece)
            elif len(piece) >= 40:
                sentences.append(piece)
    for s in sentences:
        numbers.extend(m.group(0) for m in NUMBER.finditer(s) if not YEAR.fullmatch(m.group(0)))
    return sentences, headings, numbers


def perturb(sentence: str, rng: random.Random, numbers: list[str]) -> str:
    """Shift years, swap numbers and named entities."""
    shift = rng.choice([-7, -5, -3, -2, -1, 1, 2, 3, 4, 6])
    out = YEAR.sub(lambda m: str(int(m.group(0)) + shift), sentence)
    out = NUMBER.sub(lambda m: m.group(0) if YEAR.fullmatch(m.group(0)) or rng.random() < 0.2
                     else rng.choice(numbers), out)
    return ENTITY.sub(lambda m: m.group(0) if rng.random() < 0.3 else rng.choice(ENTITIES), out)


def synthetic_document(i: int, seed: int, material) -> tuple[str, str]:
    """(title, markdown body) of synthetic document ``i``."""
    sentences, headings, numbers = material
    rng = random.Random(f"{seed}:{i}")
    target = rng.randint(*DOC_CHARS)
    title = f"{perturb(rng.choice(headings), rng, numbers).rstrip('.:')} ({i:05d})"
    parts: list[str] = []
    size = 0
    while size < target:
        if not parts or rng.random() < 0.3:
            parts.append("## " + perturb(rng.choice(headings), rng, numbers))
        paragraph = " ".join(perturb(rng.choice(sentences), rng, numbers) for _ in range(rng.randint(2, 6)))
        parts.append(paragraph)
        size += len(paragraph)
    return title, "\n\n".join(parts) + "\n"


def generate(n_docs: int, out: Path, seed: int = DEFAULT_SEED, corpus: Path = SEED_CORPUS) -> list[Path]:
    """Write the seed articles and ``n_docs`` synthetic ones into ``out`` (emptied first)."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = []
    for path in sorted(corpus.glob("*.md")):
        shutil.copy2(path, out / path.name)
        written.append(out / path.name)
    material = seed_material(corpus)
    for i in range(n_docs):
        title, body = synthetic_document(i, seed, material)
        path = out / f"synthetic-{i:05d}.md"
        path.write_text(f"---\ntitle: {title}\nsource: synthetic (bench/make_corpus.py seed {seed})\n---\n\n{body}",
                        encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, required=True, help="number of synthetic documents")
    parser.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    files = generate(args.docs, args.out, args.seed)
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} documents ({size / 1e6:.1f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
