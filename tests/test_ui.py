"""The UI's rendering (hostile text stays inert), upload names, exposure rules, and a launched app
asked through ``gradio_client`` — real components, no mocks."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import Config
from qa.schema import Answer, Citation
from qa.ui import (ALL_DOCUMENTS, CPU_BOUND, ChatApp, answer_markdown, build, check_exposure, default_eval_set,
                   document_html, escape_markdown, launch, safe_upload_name, sources_html)
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](http://example.invalid/x.png)",
    '" onmouseover="alert(1)',
    "<a href='javascript:alert(1)'>x</a>",
    "**bold** _em_ `code` # heading $x$ | table |",
]


def hostile_answer(text: str) -> Answer:
    passage = f"Before. {text} [3] after. Tail."
    start = passage.index(text)
    citation = Citation(marker=1, doc_id=f"{text}.md", title=f"Title {text}", chunk=0, start=100 + start,
                        end=100 + start + len(text), text=text, passage=passage, passage_start=100, score=0.9)
    return Answer(question=text, answer=f"{text} [3] [1]", abstained=False, confidence=0.9, citations=[citation])


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_markdown_leaves_no_markup(text):
    out = escape_markdown(text)
    assert "<" not in out and ">" not in out
    for ch in "[]()*_`#$|!":
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c == ch), (text, out)


@pytest.mark.parametrize("text", HOSTILE)
def test_answer_markdown_links_only_real_markers(text):
    out = answer_markdown(hostile_answer(text))
    assert "<script" not in out and "<img" not in out and "<a " not in out
    assert out.count("](#qa-src-1 ") == 1  # the citation's marker is a link to its source
    assert "\\[3\\]" in out  # a bracketed number from the text stays text
    title = out.split('](#qa-src-1 "', 1)[1]
    assert title.endswith('")')
    assert not any(ch in title[:-2] for ch in '"[]()<>\\')  # the hover text is one inert attribute value
    assert "](javascript" not in out


@pytest.mark.parametrize("text", HOSTILE)
def test_answer_markdown_names_each_part_left_open_inertly(text):
    answer = dataclasses.replace(hostile_answer(text), unanswered=[f"and {text}?"])
    out = answer_markdown(answer)
    note = out.split("\n\n", 1)[1]
    assert note.startswith("_The documents do not answer this part:") and note.endswith("_")
    assert "<script" not in note and "<img" not in note and "](" not in note
    assert escape_markdown(text) in note


@pytest.mark.parametrize("text", HOSTILE)
def test_sources_html_escapes_document_text(text):
    out = sources_html(hostile_answer(text))
    assert "<script" not in out and "<img" not in out and "<a " not in out and "onmouseover=\"" not in out
    assert 'id="qa-src-1"' in out
    assert "<mark>" + __import__("html").escape(text) + "</mark>" in out


def test_sources_html_states():
    assert "appear here" in sources_html(None)
    refusal = Answer(question="q", answer="I cannot find that.", abstained=True, confidence=0.1)
    assert "do not answer" in sources_html(refusal)


def test_document_html_highlights_and_escapes():
    from qa.schema import Chunk, Sentence

    text = "<script>alert(1)</script> First sentence. Second <img src=x onerror=alert(1)> sentence."
    mid = text.index("Second")
    chunks = [Chunk("c0", "d.md", "<b>T</b>", 0, 0, mid, text[:mid], (Sentence(0, mid),)),
              Chunk("c1", "d.md", "<b>T</b>", 1, mid, len(text), text[mid:], (Sentence(mid, len(text)),))]
    spans = [{"start": mid, "end": len(text), "label": '"><script>'}, {"start": mid + 2, "end": mid + 5, "label": "x"}]
    out = document_html("d.md", chunks, spans)
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert out.count("<mark") == 1  # overlapping spans merged
    assert "&lt;img src=x onerror=alert(1)&gt; sentence.</mark>" in out
    assert "No indexed document" in document_html("<x>", [], [])


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.md", "passwd.md"),
    ("..\\..\\windows\\evil.txt", "evil.txt"),
    ("/abs/path/notes.TXT", "notes.txt"),
    ("my report (final)!.md", "my-report-final.md"),
    ("....md", "upload.md"),
    (".hidden.md", "hidden.md"),
    ("名前.txt", "upload.txt"),
    ("a" * 300 + ".md", "a" * 80 + ".md"),
    ("x.md\x00.exe", "x.md.exe"),
    ("report.t xt", "report"),
    ("..", "upload"),
    ("", "upload"),
])
def test_safe_upload_name(name, expected):
    out = safe_upload_name(name)
    assert "/" not in out and "\\" not in out and not out.startswith(".")
    assert out == expected


def test_non_loopback_needs_auth(tmp_path):
    with pytest.raises(ValueError, match="--auth"):
        check_exposure(Config.load(host="0.0.0.0", index_dir=tmp_path))
    with pytest.raises(ValueError, match="user:password"):
        check_exposure(Config.load(host="0.0.0.0", auth="nopassword", index_dir=tmp_path))
    check_exposure(Config.load(host="0.0.0.0", auth="user:secret", index_dir=tmp_path))
    check_exposure(Config.load(index_dir=tmp_path))  # 127.0.0.1 by default
    assert Config.load(index_dir=tmp_path).host == "127.0.0.1"


def test_serve_refuses_exposure_before_loading_anything(tmp_path):
    """``qa serve --host 0.0.0.0`` without --auth exits at once with the reason."""
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "serve", "--host", "0.0.0.0", "--port", str(free_port()),
                           "--index-dir", str(tmp_path / "index")], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert proc.returncode == 2
    assert "--auth" in proc.stderr
    assert not (tmp_path / "index").exists()


@pytest.mark.slow
def test_ask_json_validates_settings(assistant):
    app = ChatApp(assistant)
    assert "error" in app.ask_json("What?", mode="nonsense")
    assert "error" in app.ask_json("What?", top_k=500)
    assert "error" in app.ask_json("What?", doc="../../etc/passwd")
    assert "error" in app.ask_json("   ")
    ok = app.ask_json("What does South Korean intelligence say Chinese firms signed with Russian companies?", doc=ALL_DOCUMENTS)
    assert "error" not in ok and ok["citations"]


@pytest.mark.slow
def test_launched_app_answers_over_the_api(assistant):
    from gradio_client import Client

    config = assistant.config.replace(port=free_port())
    demo = build(assistant)
    launch(demo, config, prevent_thread_lock=True)
    try:
        client = Client(f"http://127.0.0.1:{config.port}/", verbose=False)
        question = "Whose intelligence officials reported capacity lease agreements with Russian companies?"
        got = client.predict(question, "", 0, "", api_name="/ask")
        expected = assistant.ask(question).to_dict()
        assert set(got) == set(expected)
        assert got["answer"] == expected["answer"] and got["citations"]
        assert [c["doc"] for c in got["citations"]] == [c["doc"] for c in expected["citations"]]
        refused = client.predict("", "", 0, "", api_name="/ask")
        assert set(refused) == {"question", "error"}
        groups = demo._queue.event_queue_per_concurrency_id
        assert groups[CPU_BOUND].concurrency_limit == config.concurrency  # answers: one per core
        cpu_bound = [fn.name for fn in demo.fns.values() if fn.concurrency_id == CPU_BOUND]
        assert {"ask_json", "respond", "upload"} <= set(cpu_bound)
    finally:
        demo.close()


@pytest.mark.slow
def test_eval_tab_runs_the_eval_set(assistant, tmp_path):
    app = ChatApp(assistant)
    status, table, plot, changes = app.run_eval(None, ["bm25", "nonsense"], 3)
    assert status.startswith("Evaluated 3 questions in bm25"), status
    assert list(table.columns) == ["metric", "bm25"] and len(table) > 5
    assert plot is not None and plot.size[0] > 100
    status, _, _, changes = app.run_eval(None, ["bm25"], 3)
    assert changes.startswith("# Compared with the previous run") and "No question changed." in changes
    # a run of another set in between: the next run of the default set still finds its own last run
    other = tmp_path / "other.jsonl"
    other.write_text("".join(default_eval_set().read_text(encoding="utf-8").splitlines(keepends=True)[:2]),
                     encoding="utf-8")
    assert app.run_eval(str(other), ["bm25"], 0)[3] == ""  # no earlier run of other.jsonl
    status, _, _, changes = app.run_eval(None, ["bm25"], 3)
    assert changes.startswith("# Compared with the previous run") and "No question changed." in changes


@pytest.mark.parametrize("content, message", [
    ("not json\n", "problem"),
    ('{"id": "x"}\n', "problem"),
    ("", "problem"),
])
@pytest.mark.slow
def test_eval_tab_reports_a_bad_eval_set(assistant, tmp_path, content, message):
    path = tmp_path / "set.jsonl"
    path.write_text(content, encoding="utf-8")
    status, table, plot, changes = ChatApp(assistant).run_eval(str(path), ["bm25"], 0)
    assert message in status and table is None and plot is None and changes == ""
    wrong = tmp_path / "set.csv"
    wrong.write_text("a,b\n")
    assert "must be a .jsonl" in ChatApp(assistant).run_eval(str(wrong), ["bm25"], 0)[0]


@pytest.mark.slow
def test_launched_app_with_auth_refuses_anonymous_clients(assistant):
    import httpx
    from gradio_client import Client

    config = assistant.config.replace(port=free_port(), auth="tester:s3cret")
    demo = build(assistant)
    launch(demo, config, prevent_thread_lock=True)
    try:
        url = f"http://127.0.0.1:{config.port}/"
        assert httpx.get(url + "config").status_code in (401, 403)
        with pytest.raises(Exception):
            Client(url, verbose=False)
        client = Client(url, auth=("tester", "s3cret"), verbose=False)
        assert "answer" in client.predict("What did Russia supply to North Korea?", "", 0, "", api_name="/ask")
    finally:
        demo.close()
