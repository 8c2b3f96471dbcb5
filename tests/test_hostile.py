"""Bad and hostile input: odd questions through the Assistant and the chat callback, and bad files
in a corpus folder. Each gets a clear message or a normal answer, never an exception."""

from __future__ import annotations

import json
import shutil

import pytest

from qa.pipeline import QuestionError
from qa.ui import ChatApp

pytestmark = pytest.mark.slow

REFUSED = "refused"  # a QuestionError with a message for the user
ANSWERED = "answered"  # a normal Answer (possibly an abstention)
QUESTIONS = {
    "empty": ("", REFUSED),
    "whitespace": (" \t\n\u00a0  \r\n", REFUSED),
    "control chars only": ("\x00\x01\x02\x1b\x7f", REFUSED),
    "100 KB": ("Why? " * 20_480, REFUSED),
    "control chars inside": ("Whose\x00 intelligence\x07 officials\x1b[31m reported capacity lease agreements?", ANSWERED),
    "RTL Arabic": ("ما هي العقوبات المفروضة على كوريا الشمالية؟", ANSWERED),
    "RTL Hebrew with override": ("\u202eמה הסנקציות על צפון קוריאה?\u202c", ANSWERED),
    "CJK": ("中国向俄罗斯出租了哪些生产能力？", ANSWERED),
    "emoji and zero-width": ("🚀\u200b\u200d What did Russia supply to North Korea? 🤔", ANSWERED),
    "markup": ("<script>alert(1)</script> [x](javascript:alert(1)) what about sanctions?", ANSWERED),
    "single character": ("?", ANSWERED),
}


@pytest.mark.parametrize("name", QUESTIONS)
def test_question_through_the_assistant(assistant, name):
    question, expected = QUESTIONS[name]
    if expected == REFUSED:
        with pytest.raises(QuestionError) as info:
            assistant.ask(question)
        assert str(info.value) and len(str(info.value)) < 200
    else:
        answer = assistant.ask(question)
        assert isinstance(answer.answer, str) and answer.answer
        for c in answer.citations:
            assert c.text in c.passage


@pytest.mark.parametrize("name", QUESTIONS)
def test_question_through_the_chat_callback(assistant, name):
    question, expected = QUESTIONS[name]
    turns = list(ChatApp(assistant).respond(question, [], "rerank", 5, "", {}))
    history, sources, confidence, last, cited = turns[-1]
    assert [m["role"] for m in history] == ["user", "assistant"]
    reply = history[-1]["content"]
    assert reply and "Traceback" not in reply
    assert len(history[0]["content"]) < 3000  # a 100 KB question is not echoed whole
    assert "<script" not in history[0]["content"] and "<script" not in reply
    if expected == REFUSED:
        assert reply.startswith("⚠️") and last is None
    else:
        assert last is not None and last["question"]  # the question as asked, control characters removed
        assert confidence.startswith("**Confidence:**")


@pytest.mark.parametrize("mode, top_k, doc, message", [
    ("nonsense", 5, "", "retrieval mode"),
    ("rerank", 0.5, "", "top-k"),
    ("rerank", 500, "", "top-k"),
    ("rerank", "many", "", "top-k"),
    ("rerank", 5, "../../etc/passwd", "not in the index"),
    (None, None, None, None),
])
def test_chat_callback_checks_settings(assistant, mode, top_k, doc, message):
    turns = list(ChatApp(assistant).respond("What did Russia supply to North Korea?", None, mode, top_k, doc, None))
    reply = turns[-1][0][-1]["content"]
    if message:
        assert reply.startswith("⚠️") and message in reply
    else:
        assert not reply.startswith("⚠️")


def test_follow_up_history_with_odd_messages(assistant):
    """History from the browser may hold parts, None or dicts; the callback copes."""
    history = [{"role": "user", "content": [{"type": "text", "text": "What did Russia supply?"}]},
               {"role": "assistant", "content": None}, {"role": "user", "content": None}, "junk"]
    turns = list(ChatApp(assistant).respond("And to whom?", history, "rerank", 5, "", {}))
    assert turns[-1][0][-1]["role"] == "assistant"


def test_ask_json_never_raises(assistant):
    app = ChatApp(assistant)
    for question, _ in QUESTIONS.values():
        out = app.ask_json(question)
        assert ("error" in out) != ("answer" in out)


def test_feedback_and_open_document_with_bad_input(assistant):
    app = ChatApp(assistant)
    assert "Ask a question first" in app.feedback(None, "👍 helpful", "")
    assert "Choose a document" in app.open_document(None, None)
    assert "No indexed document" in app.open_document("../../etc/passwd", {"x": [{"start": 0, "end": 5, "label": "<x>"}]})
    assert "Choose a file" in app.upload(None)
    assert "Choose at least one" in app.run_eval(None, [], 0)[0]


def test_bad_upload_files_are_refused(assistant, tmp_path):
    app = ChatApp(assistant)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "tool.exe").write_bytes(b"MZ")
    (tmp_path / "fake.pdf").write_bytes(b"%PDF-1.4 not really")
    for name in ("empty.txt", "binary.txt", "tool.exe", "fake.pdf"):
        status = app.upload(str(tmp_path / name))
        assert status.startswith("Refused"), (name, status)
        assert not (assistant.config.corpus_dir / name).exists()


def test_bad_corpus_files_are_skipped_with_reasons(assistant, tmp_path):
    """Binary, empty, non-UTF-8, 50 MB and unsupported files next to a good one: the good
    ones are indexed, the bad ones skipped with a reason in index_log.jsonl."""
    from qa.config import Config
    from qa.indexer import INDEX_LOG, sync
    from qa.store import ChunkStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sorted(assistant.config.corpus_dir.glob("*.md"))[0], corpus / "good.md")
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "latin1.txt").write_bytes("Le café de la Gare sert un crème brûlée à 4 €.".encode("cp1252"))
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n% garbage")
    (corpus / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with open(corpus / "huge.txt", "wb") as fh:
        fh.truncate(50 * 2**20)  # 50 MB (sparse)
    config = Config.load(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = sync(config, ChunkStore(config), assistant.embedder, progress=False)
    assert sorted(report.added) == ["good.md", "latin1.txt"]
    skipped = dict(report.skipped)
    assert set(skipped) == {"empty.md", "binary.txt", "broken.pdf", "image.png", "huge.txt"}
    assert "empty" in skipped["empty.md"]
    assert "binary" in skipped["binary.txt"]
    assert "too large" in skipped["huge.txt"]
    assert "unsupported" in skipped["image.png"]
    log = [json.loads(line) for line in (config.index_dir / INDEX_LOG).read_text().splitlines()]
    assert {rel for rel, _ in log[-1]["skipped"]} == set(skipped)
    chunks = ChunkStore(config).load_chunks()
    assert any("café" in c.text and "€" in c.text for c in chunks if c.doc_id == "latin1.txt")
