"""``qa serve``: the Gradio chat UI, a thin shell over the same ``Assistant`` as the CLI.

Document text is untrusted web text: everything taken from a document is escaped before it
reaches the page (HTML and Markdown), so a ``<script>`` in a corpus file shows as text.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from qa.config import RETRIEVAL_MODES, Config
from qa.corpus import SUPPORTED_SUFFIXES, DocumentError
from qa.pipeline import Assistant, QuestionError
from qa.schema import Answer

LOOPBACK = ("127.0.0.1", "localhost", "::1")
FEEDBACK_FILE = "feedback.jsonl"
ALL_DOCUMENTS = "(all documents)"
EXAMPLE_COUNT = 4
STREAM_WORDS = 4  # words per streamed update
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
MARKER = re.compile(r"\[(\d+)\]")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
CSS = """
.qa-source { border-left: 3px solid #888; padding: 6px 10px; margin: 8px 0; }
.qa-source mark { background: #ffe58a; color: inherit; }
.qa-source .qa-title { font-weight: 600; }
.qa-doc mark { background: #ffe58a; color: inherit; }
"""


def escape_markdown(text: str) -> str:
    """Untrusted text, safe to show through Markdown: HTML escaped, Markdown syntax neutralised."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat: escaped text, ``[n]`` markers linked to the sources panel."""
    text = escape_markdown(answer.answer)
    return re.sub(r"\\\[(\d+)\\\]", lambda m: f"[[{m.group(1)}]](#qa-src-{m.group(1)})", text)


def sources_html(answer: Answer | None) -> str:
    """The sources panel: each cited passage with the cited sentence highlighted."""
    if answer is None:
        return "<p>Sources of the answer appear here.</p>"
    if not answer.citations:
        return "<p>No sources: the documents do not answer this question.</p>" if answer.abstained else ""
    blocks = []
    for c in answer.citations:
        a, b = c.start - c.passage_start, c.end - c.passage_start
        passage = (html.escape(c.passage[:a]) + "<mark>" + html.escape(c.passage[a:b]) + "</mark>"
                   + html.escape(c.passage[b:]))
        blocks.append(f'<div class="qa-source" id="qa-src-{c.marker}"><div class="qa-title">[{c.marker}] '
                      f'{html.escape(c.title)}</div><div><small>{html.escape(c.doc_id)} · passage {c.chunk} · '
                      f'characters {c.start}–{c.end}</small></div><p>{passage}</p></div>')
    return "\n".join(blocks)


def confidence_markdown(answer: Answer | None) -> str:
    """One line on how sure the assistant is."""
    if answer is None:
        return ""
    verdict = "declined: below the confidence threshold" if answer.abstained else "answered"
    return f"**Confidence:** {answer.confidence:.2f} ({verdict}) · {answer.latency_ms:.0f} ms"


def example_questions(assistant: Assistant, n: int = EXAMPLE_COUNT) -> list[str]:
    """Questions drawn from the corpus: one per document, from its title."""
    docs = sorted(assistant.store.documents().values(), key=lambda d: d.doc_id)[:n]
    return [f"What does “{d.title}” say about sanctions?" if len(d.title) < 80 else
            f"What is the main point of {d.doc_id}?" for d in docs]


def safe_upload_name(name: str) -> str:
    """A file name with no directories and no unusual characters (no path traversal)."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = SAFE_NAME.sub("-", stem).strip(".-") or "upload"
    return f"{stem[:80]}{suffix}"


class ChatApp:
    """The callbacks of the UI, each a plain function over the assistant."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.config = assistant.config

    def ask_json(self, question: str, mode: str = "", top_k: int = 0, doc: str = "") -> dict:
        """The ``/ask`` endpoint: the same JSON object as ``qa ask --json``."""
        try:
            answer = self.assistant.ask(question, mode=mode or None, top_k=top_k or None,
                                        doc=None if doc in ("", ALL_DOCUMENTS) else doc)
        except QuestionError as exc:
            return {"question": question, "error": str(exc)}
        return answer.to_dict()

    def respond(self, message, history: list, mode: str, top_k: float, doc: str):
        """Chat turn: streams the answer, then fills the sources panel and the confidence line."""
        question = _message_text(message)
        history = list(history or [])
        previous = [_message_text(m["content"]) for m in history if m.get("role") == "user"]
        history.append({"role": "user", "content": escape_markdown(question)})
        try:
            answer = self.assistant.ask(question, history=previous, mode=mode, top_k=int(top_k),
                                        doc=None if doc in ("", ALL_DOCUMENTS) else doc)
        except QuestionError as exc:
            history.append({"role": "assistant", "content": f"⚠️ {exc}"})
            yield history, "", "", None
            return
        full = answer_markdown(answer)
        words = full.split(" ")
        history.append({"role": "assistant", "content": ""})
        for i in range(0, len(words), STREAM_WORDS):
            history[-1] = {"role": "assistant", "content": " ".join(words[:i + STREAM_WORDS])}
            yield history, "", "", None
        history[-1] = {"role": "assistant", "content": full}
        yield history, sources_html(answer), confidence_markdown(answer), answer.to_dict()

    def documents_table(self) -> list[list]:
        """Rows of the documents view."""
        return [[d.doc_id, d.title, d.source, d.chunks, d.indexed_at]
                for d in sorted(self.assistant.store.documents().values(), key=lambda d: d.doc_id)]

    def document_choices(self) -> list[str]:
        """Choices of the document filter."""
        return [ALL_DOCUMENTS] + sorted(self.assistant.store.documents())

    def upload(self, path: str | None) -> str:
        """Copy an uploaded file into the corpus folder and index it now."""
        if not path:
            return "Choose a file first."
        source = Path(path)
        name = safe_upload_name(source.name)
        if Path(name).suffix not in SUPPORTED_SUFFIXES:
            return f"Refused: only {', '.join(SUPPORTED_SUFFIXES)} files can be added."
        size = source.stat().st_size
        if size > self.config.max_upload_mb * 2**20:
            return f"Refused: the file is {size / 2**20:.1f} MB; the limit is {self.config.max_upload_mb:g} MB."
        target = self.config.corpus_dir / name
        with tempfile.TemporaryDirectory() as tmp:  # validate before it enters the corpus
            staged = Path(tmp) / name
            shutil.copyfile(source, staged)
            try:
                chunks = self.assistant.add_document(staged, name)
            except DocumentError as exc:
                return f"Refused: {exc}."
            self.config.corpus_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged, target)
        return f"Indexed {name}: {chunks} passages. You can ask about it now."

    def feedback(self, last: dict | None, rating: str, comment: str) -> str:
        """Append a rating of the last answer to ``index/feedback.jsonl``."""
        if not last:
            return "Ask a question first."
        entry = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "rating": rating,
                 "comment": comment.strip(), "question": last.get("question"), "answer": last.get("answer"),
                 "citations": [{k: c[k] for k in ("doc", "start", "end", "text")} for c in last.get("citations", [])]}
        self.config.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.config.index_dir / FEEDBACK_FILE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return "Thank you: feedback saved."


def _message_text(content) -> str:
    """Gradio 6 gives message content as a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, list):
        return " ".join(_message_text(part) for part in content)
    return "" if content is None else str(content)


def build(assistant: Assistant):
    """The Gradio Blocks app."""
    import gradio as gr

    app = ChatApp(assistant)
    config = assistant.config
    with gr.Blocks(title="Document QA") as demo:
        gr.Markdown("## Ask the documents\nEvery sentence of an answer is quoted from a document and cited.")
        last_answer = gr.State(None)
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, buttons=["copy"], feedback_options=None,
                                         elem_id="qa-chat")
                    question = gr.Textbox(label="Question", placeholder="Ask about the documents…", elem_id="qa-question")
                    with gr.Row():
                        ask = gr.Button("Ask", variant="primary", elem_id="qa-ask")
                        clear = gr.Button("Clear chat", elem_id="qa-clear")
                    gr.Examples(example_questions(assistant), inputs=question, label="Examples")
                    with gr.Accordion("Settings", open=False):
                        mode = gr.Dropdown(list(RETRIEVAL_MODES), value=config.mode, label="Retrieval mode")
                        top_k = gr.Slider(1, 20, value=config.top_k, step=1, label="Passages (top-k)")
                        doc = gr.Dropdown(app.document_choices(), value=ALL_DOCUMENTS, label="Only this document")
                    with gr.Accordion("Feedback on the last answer", open=False):
                        rating = gr.Radio(["👍 helpful", "👎 wrong or unhelpful"], label="Rating", value="👍 helpful")
                        comment = gr.Textbox(label="Comment (optional)")
                        send = gr.Button("Send feedback")
                        feedback_status = gr.Markdown()
                with gr.Column(scale=2):
                    confidence = gr.Markdown(elem_id="qa-confidence")
                    sources = gr.HTML(sources_html(None), label="Sources", elem_id="qa-sources")
            outputs = [chatbot, sources, confidence, last_answer]
            inputs = [question, chatbot, mode, top_k, doc]
            for event in (ask.click, question.submit):
                event(app.respond, inputs, outputs, api_visibility="private").then(lambda: "", None, question)
            clear.click(lambda: ([], sources_html(None), "", None), None, outputs, api_visibility="private")
            send.click(app.feedback, [last_answer, rating, comment], feedback_status, api_visibility="private")
        with gr.Tab("Documents"):
            docs = gr.Dataframe(app.documents_table(), headers=["file", "title", "source", "passages", "indexed"],
                                interactive=False, label="Indexed documents")
            upload = gr.File(label=f"Add a document ({', '.join(SUPPORTED_SUFFIXES)}; up to "
                                   f"{config.max_upload_mb:g} MB)", file_types=list(SUPPORTED_SUFFIXES))
            upload_status = gr.Markdown(elem_id="qa-upload-status")
            upload.upload(app.upload, upload, upload_status, api_visibility="private").then(
                lambda: (app.documents_table(), gr.Dropdown(choices=app.document_choices())), None, [docs, doc])
        gr.api(app.ask_json, api_name="ask")
    return demo


def serve(config: Config) -> None:
    """Index the corpus if needed, then serve the UI until interrupted."""
    if config.host not in LOOPBACK and not config.auth:
        raise ValueError(f"binding {config.host} exposes the assistant beyond this machine: set --auth user:password "
                         "(or QA_AUTH)")
    started = time.perf_counter()
    assistant = Assistant(config)
    report = assistant.index(progress=True)
    print(report.summary(), flush=True)
    assistant.retriever  # build BM25 and the vector index before the first question
    demo = build(assistant)
    auth = tuple(config.auth.split(":", 1)) if config.auth else None
    demo.queue(default_concurrency_limit=config.concurrency)
    print(f"ready in {time.perf_counter() - started:.1f} s", flush=True)
    demo.launch(server_name=config.host, server_port=config.port, auth=auth, css=CSS, show_error=False,
                inbrowser=False, prevent_thread_lock=False)
