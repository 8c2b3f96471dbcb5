"""Crash safety: ``qa index`` killed with SIGKILL mid-run, then run again, leaves every chunk
present exactly once, the same as a clean index of the same corpus built separately."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
GENERATED_DOCS = 30
SENTENCES_PER_DOC = 40
FIRST_WRITE_S = 400  # model load + the first batch on a busy 2-core machine
RUN_S = 900
WORDS = ("harbour ledger copper freight tariff lease refinery quota mill barge ore railway depot cargo audit "
         "broker permit levy convoy granary foundry dockyard turbine smelter customs bond invoice pipeline "
         "warehouse timber cobalt nickel wheat barley shipment clause treaty envoy ministry province").split()


def generate_corpus(target: Path) -> None:
    """corpus/ plus GENERATED_DOCS synthetic documents (several index batches in all)."""
    target.mkdir()
    for path in (ROOT / "corpus").glob("*.md"):
        if path.name.lower() != "readme.md":
            shutil.copy(path, target / path.name)
    rng = random.Random(7)
    for i in range(GENERATED_DOCS):
        lines = [f"# Synthetic report {i}", ""]
        for j in range(SENTENCES_PER_DOC):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 22)))
            lines.append(f"Report {i} item {j} notes that the {words} totalled {rng.randint(10, 99999)} units.")
            if j % 6 == 5:
                lines.append("")
        (target / f"synthetic-{i:02d}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def qa_index(corpus: Path, index: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qa.cli", "index", "--quiet", "--corpus", str(corpus),
                             "--index-dir", str(index)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=ROOT)


def records_written(index: Path) -> int:
    """Records in the embedded Chroma store, read from its SQLite file without opening Chroma."""
    db = index / "chroma" / "chroma.sqlite3"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    except sqlite3.Error:
        return 0


def stored(index: Path, corpus: Path) -> tuple[list[str], list[str], dict]:
    """Chunk ids, sentence ids and per-document info of an index."""
    from qa.config import Config
    from qa.store import ChunkStore

    store = ChunkStore(Config.load(corpus_dir=corpus, index_dir=index))
    chunk_ids = store.chunks.get(include=[])["ids"]
    sentence_ids = store.sentences.get(include=[])["ids"]
    return chunk_ids, sentence_ids, store.documents()


def chunks(index: Path, corpus: Path) -> list:
    from qa.config import Config
    from qa.store import ChunkStore

    return ChunkStore(Config.load(corpus_dir=corpus, index_dir=index)).load_chunks()


def test_index_killed_mid_run_is_repaired_by_the_next_run(tmp_path):
    corpus = tmp_path / "corpus"
    generate_corpus(corpus)
    crashed, clean = tmp_path / "crashed", tmp_path / "clean"

    victim = qa_index(corpus, crashed)
    deadline = time.monotonic() + FIRST_WRITE_S
    while records_written(crashed) == 0 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert victim.poll() is None, f"qa index finished before it could be killed:\n{victim.stdout.read()}"
    assert records_written(crashed) > 0, "no batch written in time"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    partial = records_written(crashed)

    resumed = qa_index(corpus, crashed)
    out, _ = resumed.communicate(timeout=RUN_S)
    assert resumed.returncode == 0, out
    reference = qa_index(corpus, clean)
    ref_out, _ = reference.communicate(timeout=RUN_S)
    assert reference.returncode == 0, ref_out

    chunk_ids, sentence_ids, docs = stored(crashed, corpus)
    ref_chunks, ref_sentences, ref_docs = stored(clean, corpus)
    assert len(chunk_ids) == len(set(chunk_ids)) and len(sentence_ids) == len(set(sentence_ids))
    assert sorted(chunk_ids) == sorted(ref_chunks)
    assert sorted(sentence_ids) == sorted(ref_sentences)
    assert len(docs) == GENERATED_DOCS + 5 == len(ref_docs)
    for doc_id, info in docs.items():
        assert info.chunks == info.expected == ref_docs[doc_id].expected, doc_id
        assert info.version == ref_docs[doc_id].version, doc_id
    positions = Counter((c.doc_id, c.ordinal) for c in chunks(crashed, corpus))
    assert set(positions.values()) == {1}  # every (document, passage) exactly once
    assert sorted(positions) == sorted((d, i) for d, info in docs.items() for i in range(info.expected))
    assert 0 < partial < records_written(clean)  # the kill really interrupted the run
