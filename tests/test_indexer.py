import shutil

import pytest

from qa.config import Config
from qa.indexer import document_version, is_current
from qa.pipeline import Assistant
from qa.schema import Document
from qa.store import DocumentInfo
from tests.conftest import CORPUS


def _doc(doc_id: str, content: str) -> Document:
    return Document(doc_id, "t", "s", "text", content)


def test_is_current_decides_what_to_rewrite():
    config = Config.load()
    a, b, c, d = _doc("a.md", "h1"), _doc("b.md", "h2"), _doc("c.md", "h3"), _doc("d.md", "h4")
    stored = {
        "a.md": DocumentInfo("a.md", "t", "s", document_version(a, config), 3, 3, ""),  # unchanged
        "b.md": DocumentInfo("b.md", "t", "s", "old-version", 3, 3, ""),  # changed
        "c.md": DocumentInfo("c.md", "t", "s", document_version(c, config), 2, 3, ""),  # half-written
    }
    assert [x.doc_id for x in (a, b, c, d) if is_current(x, stored, config)] == ["a.md"]  # d.md: new
    # other chunking settings make every document stale
    assert not is_current(a, stored, config.replace(chunk_chars=400))


@pytest.mark.slow
def test_incremental_index_follows_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    assistant = Assistant(Config.load(corpus_dir=corpus, index_dir=tmp_path / "index"))
    first = assistant.index(progress=False)
    assert len(first.added) == 5 and first.chunks_written == first.chunks_total > 50

    again = assistant.index(progress=False)
    assert again.chunks_written == 0 and len(again.unchanged) == 5

    name = "putins-deadly-gamble-china-north-korea-weapons.md"
    path = corpus / name
    path.write_text(path.read_text().replace("$300 million", "$310 million"))
    (corpus / "north-korea-china-economic-relations-un-sanctions.md").unlink()
    changed = assistant.index(progress=False)
    assert changed.updated == [name] and changed.removed == ["north-korea-china-economic-relations-un-sanctions.md"]
    docs = assistant.store.documents()
    assert set(docs) == {p.name for p in corpus.glob("*.md")}
    assert all(d.chunks == d.expected for d in docs.values())
    assert changed.chunks_total == sum(d.chunks for d in docs.values())

    answer = assistant.ask("How much in dual-use goods does China export to Russia each month?")
    assert "$310 million" in answer.citations[0].text


@pytest.mark.slow
def test_interrupted_write_is_repaired(tmp_path, corpus_copy):
    assistant = Assistant(Config.load(corpus_dir=corpus_copy, index_dir=tmp_path / "index"))
    assistant.index(progress=False)
    total = assistant.store.count()
    # simulate a crash half-way through writing one document's chunks
    victim = "dprk-russia-china-economic-triangle.md"
    ids = assistant.store.chunks.get(where={"doc_id": victim})["ids"]
    assistant.store.chunks.delete(ids=ids[: len(ids) // 2])
    repaired = assistant.index(progress=False)
    assert repaired.updated == [victim]
    assert assistant.store.count() == total
    ids_after = assistant.store.chunks.get()["ids"]
    assert len(ids_after) == len(set(ids_after)) == total


def test_broken_file_keeps_its_previous_chunks(tmp_path, assistant):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text("Sanctions on widgets began in 2031. Widgets were then smuggled by sea.\n")
    config = assistant.config.replace(corpus_dir=corpus, index_dir=tmp_path / "index", collection="broken_test")
    small = Assistant(config)
    assert small.index(progress=False).added == ["note.txt"]
    (corpus / "note.txt").write_bytes(b"\x00\x00binary now")
    report = small.index(progress=False)
    assert report.removed == [] and "note.txt" in dict(report.skipped)
    assert small.store.count() == 1


def test_indexing_streams_the_corpus(tmp_path, assistant, corpus_copy, monkeypatch):
    """Batches are written while later files are still unread: memory does not hold the corpus."""
    import qa.corpus
    import qa.indexer

    events = []
    load_document = qa.corpus.load_document
    monkeypatch.setattr(qa.corpus, "load_document", lambda *a, **k: events.append("read") or load_document(*a, **k))
    monkeypatch.setattr(qa.indexer, "BATCH_CHUNKS", 10)
    small = Assistant(assistant.config.replace(corpus_dir=corpus_copy, index_dir=tmp_path / "index",
                                               collection="stream_test"))
    add = small.store.add
    monkeypatch.setattr(small.store, "add", lambda *a, **k: events.append("write") or add(*a, **k))
    report = small.index(progress=False)
    assert len(report.added) == 5 and report.chunks_written == report.chunks_total
    assert events.index("write") < len(events) - 1 - events[::-1].index("read")  # a write before the last read
