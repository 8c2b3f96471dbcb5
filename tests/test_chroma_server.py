"""The assistant against a real Chroma server (``chroma run``) instead of the embedded store.

One server per module, on a free loopback port, with its data in a temporary folder. The
tests run in file order and share one index: build, ask, no-op re-index, CLI, eval, then
modify one document and delete another.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port, stop

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
EVAL_SET = ROOT / "eval" / "qa.jsonl"
CHROMA = Path(sys.executable).with_name("chroma")
STARTUP_TIMEOUT = 60.0
COLLECTION = "server_test"

QUESTION = "How much in dual-use goods does China export to Russia each month?"
ANSWER_DOC = "putins-deadly-gamble-china-north-korea-weapons.md"
MODIFIED_DOC = "china-production-leased-to-russia-north-korea.md"
ADDED_SENTENCE = "The server test appended this sentence about 4,321 leased kilns in Harbin."


def wait_for_heartbeat(host: str, port: int, proc: subprocess.Popen, timeout: float = STARTUP_TIMEOUT) -> None:
    """Poll the server's heartbeat until it answers; fail early if the process died."""
    import chromadb
    from chromadb.config import Settings

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with code {proc.returncode}")
        try:
            chromadb.HttpClient(host=host, port=port, settings=Settings(anonymized_telemetry=False)).heartbeat()
            return
        except Exception as exc:  # connection refused while it starts
            last = exc
            time.sleep(0.5)
    raise TimeoutError(f"chroma server on {host}:{port} gave no heartbeat in {timeout:.0f} s: {last}")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    """A ``chroma run`` server on a free loopback port; yields its URL."""
    if not CHROMA.exists():
        pytest.skip(f"chroma CLI not found at {CHROMA}")
    root = tmp_path_factory.mktemp("chroma_server")
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    log = open(root / "server.log", "wb")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(root / "data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for_heartbeat("127.0.0.1", port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
        log.close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A copy of the corpus the tests may change, and an index folder (for the index log)."""
    root = tmp_path_factory.mktemp("server_ws")
    shutil.copytree(CORPUS, root / "corpus")
    return root


@pytest.fixture(scope="module")
def config(chroma_url, workspace):
    from qa.config import Config

    return Config.load(chroma_url=chroma_url, corpus_dir=workspace / "corpus", index_dir=workspace / "index",
                       collection=COLLECTION)


@pytest.fixture(scope="module")
def assistant(config):
    from qa.pipeline import Assistant

    return Assistant(config)


@pytest.fixture(scope="module")
def first_report(assistant):
    return assistant.index(progress=False)


def doc_text(workspace: Path, doc_id: str) -> str:
    from qa.corpus import load_document

    return load_document(workspace / "corpus" / doc_id, doc_id).text


def test_server_mode_uses_http_client(assistant):
    assert assistant.store.client.get_settings().chroma_api_impl.endswith("FastAPI")  # the HTTP client
    assert not (Path(assistant.config.index_dir) / "chroma").exists(), "server mode must not create an embedded store"


def test_index_real_corpus(first_report, workspace, assistant):
    names = sorted(p.name for p in (workspace / "corpus").iterdir() if p.suffix == ".md")
    assert sorted(first_report.added) == names
    assert not first_report.updated and not first_report.removed and not first_report.skipped
    assert first_report.chunks_written == first_report.chunks_total == assistant.store.count() > 0
    docs = assistant.store.documents()
    assert sorted(docs) == names
    assert all(info.chunks == info.expected for info in docs.values())


def test_answer_cites_exact_span(first_report, assistant, workspace):
    answer = assistant.ask(QUESTION)
    assert not answer.abstained
    hits = [c for c in answer.citations if "$300 million" in c.text]
    assert hits, answer.to_dict()
    for c in answer.citations:
        assert doc_text(workspace, c.doc_id)[c.start:c.end] == c.text
    assert hits[0].doc_id == ANSWER_DOC


def test_reindex_is_noop(first_report, assistant):
    report = assistant.index(progress=False)
    assert report.chunks_written == 0
    assert not report.added and not report.updated and not report.removed
    assert len(report.unchanged) == len(first_report.added)
    assert report.chunks_total == first_report.chunks_total


def test_cli_ask_json(first_report, config, capsys):
    from qa.cli import main

    capsys.readouterr()
    code = main(["ask", "--json", "--chroma-url", config.chroma_url, "--collection", config.collection,
                 "--corpus", str(config.corpus_dir), "--index-dir", str(config.index_dir), QUESTION])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["question"] == QUESTION
    assert any("$300 million" in c["text"] for c in data["citations"])


def test_cli_eval_subset(first_report, config, workspace, capsys):
    if importlib.util.find_spec("qa.evaluation") is None:
        pytest.skip("qa eval is not implemented yet (no qa/evaluation.py)")
    import qa.evaluation

    if not hasattr(qa.evaluation, "cli_eval"):
        pytest.skip("qa/evaluation.py has no cli_eval yet")
    from qa.cli import main

    rows = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    subset = [r for r in rows if r.get("answers") and isinstance(r.get("doc"), str)][:3]
    eval_set = workspace / "subset.jsonl"
    eval_set.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in subset), encoding="utf-8")
    out = workspace / "eval_report"
    code = main(["eval", "--chroma-url", config.chroma_url, "--collection", config.collection,
                 "--corpus", str(config.corpus_dir), "--index-dir", str(config.index_dir),
                 "--set", str(eval_set), "--out", str(out)])
    capsys.readouterr()
    assert code == 0
    assert (out / "summary.json").is_file()
    json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_modified_document_is_replaced(first_report, assistant, workspace):
    before = {c.chunk_id for c in assistant.store.load_chunks() if c.doc_id == MODIFIED_DOC}
    old_version = assistant.store.documents()[MODIFIED_DOC].version
    path = workspace / "corpus" / MODIFIED_DOC
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + ADDED_SENTENCE + "\n", encoding="utf-8")

    report = assistant.index(progress=False)
    assert report.updated == [MODIFIED_DOC]
    assert not report.added and not report.removed
    after_chunks = [c for c in assistant.store.load_chunks() if c.doc_id == MODIFIED_DOC]
    assert report.chunks_written == len(after_chunks) > 0
    assert not before & {c.chunk_id for c in after_chunks}, "old chunks of the modified file are left"
    info = assistant.store.documents()[MODIFIED_DOC]
    assert info.version != old_version and info.chunks == info.expected
    assert any(ADDED_SENTENCE in c.text for c in after_chunks)
    assert report.chunks_total == assistant.store.count()
    # its sentence records were replaced too: none of the old version remain
    old = assistant.store.sentences.get(where={"$and": [{"doc_id": MODIFIED_DOC}, {"version": old_version}]})
    assert old["ids"] == []
    # and the new text is answerable, with an exact citation
    answer = assistant.ask("How many leased kilns are in Harbin?")
    cited = [c for c in answer.citations if "4,321" in c.text]
    assert cited, answer.to_dict()
    assert doc_text(workspace, MODIFIED_DOC)[cited[0].start:cited[0].end] == cited[0].text


def test_deleted_document_is_removed(first_report, assistant, workspace):
    (workspace / "corpus" / ANSWER_DOC).unlink()
    report = assistant.index(progress=False)
    assert report.removed == [ANSWER_DOC]
    assert report.chunks_written == 0 and not report.added and not report.updated
    assert ANSWER_DOC not in assistant.store.documents()
    assert assistant.store.sentences.get(where={"doc_id": ANSWER_DOC})["ids"] == []
    assert report.chunks_total == assistant.store.count()
    answer = assistant.ask(QUESTION)
    assert all(c.doc_id != ANSWER_DOC for c in answer.citations)
    assert all(p.chunk.doc_id != ANSWER_DOC for p in answer.passages)


def test_write_larger_than_server_batch_limit(chroma_url, workspace):
    """A document with more records than the server takes in one request still indexes."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    from qa.config import Config
    from qa.store import ChunkStore

    store = ChunkStore(Config.load(chroma_url=chroma_url, index_dir=workspace / "index_big", collection="big_write"))
    n = store.max_batch + 10
    source = {NodeRelationship.SOURCE: RelatedNodeInfo(node_id="big.md")}  # as the indexer writes them
    nodes = [TextNode(id_=f"s{i}", text=f"sentence {i}", metadata={"doc_id": "big.md"}, relationships=source,
                      embedding=[1.0] + [0.0] * 383) for i in range(n)]
    store.add([], nodes)
    assert store.sentences.count() == n
    store.delete_document("big.md")
    assert store.sentences.count() == 0
