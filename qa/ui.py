"""``qa serve``: the Gradio chat UI, a thin shell over the same ``Assistant`` as the CLI.

Document text is untrusted web text: everything taken from a document is escaped before it
reaches the page (HTML and Markdown), so a ``<script>`` in a corpus file shows as text.
Every callback turns bad input into a message for the user; nothing shows a traceback.
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from qa.answer import open_parts
from qa.config import RETRIEVAL_MODES, Config
from qa.corpus import SUPPORTED_SUFFIXES, DocumentError
from qa.pipeline import Assistant, QuestionError
from qa.schema import Answer, Citation

import gradio as gr  # after qa.config, which pins the process offline

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "localhost", "::1")
FEEDBACK_FILE = "feedback.jsonl"
ALL_DOCUMENTS = "(all documents)"
EXAMPLE_COUNT = 4
STREAM_WORDS = 4  # words per streamed update
MAX_TOP_K = 20  # the top-k slider's upper end, and the /ask endpoint's
MAX_SHOWN_QUESTION = 2000  # characters of a (too long) question echoed in the chat
MAX_COMMENT_CHARS = 2000
HOVER_CHARS = 240  # characters of the cited sentence in a marker's hover text
# Answers, uploads and /ask share one concurrency group of config.concurrency (one per core);
# an eval run is one more, at most one at a time.
CPU_BOUND = "cpu-bound"
MAX_QUEUE = 64  # events waiting beyond this are refused ("queue full") instead of piling up
UPLOAD_HARD_LIMIT_FACTOR = 2  # Gradio itself refuses uploads above this multiple of max_upload_mb
EVAL_SET = Path("eval") / "qa.jsonl"
EVAL_SUFFIX = ".jsonl"
EVAL_MAX_BYTES = 5 * 2**20
EVAL_OUT = "eval-ui"  # under the index folder
EVAL_SHOWN_ERRORS = 5
FAILED = "Something went wrong on the server ({kind}); the details are in the server log. Please try again."
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
ESCAPED_MARKER = re.compile(r"\\\[(\d+)\\\]")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
LINE_BREAKS = re.compile(r"\s+")
GAP = "\x00"  # text between indexed chunks (whitespace), shown as one paragraph break
GAPS = re.compile(r"\s*\x00[\x00\s]*")
# Markdown-active characters as entities: a link title stays one inert attribute value.
ATTRIBUTE_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "\\[]()*_`$<>"})
CSS = """
.qa-source { border-left: 3px solid #888; padding: 6px 10px; margin: 8px 0; scroll-margin-top: 12px; }
.qa-source:target { border-left-color: #d08c00; background: rgba(255, 229, 138, 0.25); }
.qa-source mark, .qa-doc mark { background: #ffe58a; color: inherit; }
.qa-source summary { cursor: pointer; }
.qa-source .qa-title { font-weight: 600; }
.qa-doc .qa-text { white-space: pre-wrap; line-height: 1.5; max-height: 600px; overflow-y: auto; }
"""


# -- rendering: every document-derived string is escaped here ------------------------------------
def escape_markdown(text: str) -> str:
    """Untrusted text, safe to show through Markdown: HTML escaped, Markdown syntax neutralised."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def escape_attribute(text: str, limit: int = HOVER_CHARS) -> str:
    """Untrusted text for a quoted attribute or Markdown link title: one line, entities only."""
    text = LINE_BREAKS.sub(" ", str(text)).strip()
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return html.escape(text, quote=True).translate(ATTRIBUTE_ENTITIES)


def citation_hover(c: Citation) -> str:
    """What hovering a ``[n]`` marker shows: title, position and the cited sentence."""
    return f"{c.title} — passage {c.chunk}, characters {c.start}–{c.end}: “{c.text}”"


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat: escaped text; each ``[n]`` marker of a citation becomes a link to
    its entry in the sources panel, with the cited sentence, title and position as hover text;
    then, in italics, each part of the question the documents do not answer."""
    cited = {c.marker: c for c in answer.citations}

    def link(m: re.Match) -> str:
        c = cited.get(int(m.group(1)))
        if c is None:  # a bracketed number quoted from a document, not a marker
            return m.group(0)
        return f'[[{c.marker}]](#qa-src-{c.marker} "{escape_attribute(citation_hover(c))}")'

    notes = "".join(f"\n\n_{escape_markdown(note)}_" for note in open_parts(answer))
    return ESCAPED_MARKER.sub(link, escape_markdown(answer.answer)) + notes


def highlighted(text: str, start: int, end: int) -> str:
    """``text`` escaped, with ``text[start:end]`` in a ``<mark>``."""
    start, end = max(0, start), max(start, min(end, len(text)))
    return html.escape(text[:start]) + "<mark>" + html.escape(text[start:end]) + "</mark>" + html.escape(text[end:])


def sources_html(answer: Answer | None) -> str:
    """The sources panel: each cited passage (the target of its ``[n]`` link) with its title,
    position and the cited sentence highlighted."""
    if answer is None:
        return "<p>Sources of the answer appear here. Click or hover a [n] marker to see its passage.</p>"
    if not answer.citations:
        return "<p>No sources: the documents do not answer this question.</p>" if answer.abstained else ""
    blocks = []
    for c in answer.citations:
        passage = highlighted(c.passage, c.start - c.passage_start, c.end - c.passage_start)
        blocks.append(f'<details class="qa-source" id="qa-src-{c.marker}" open><summary><span class="qa-title">'
                      f'[{c.marker}] {html.escape(c.title)}</span></summary><div><small>{html.escape(c.doc_id)} · '
                      f'passage {c.chunk} · characters {c.start}–{c.end}</small></div><p>{passage}</p></details>')
    return "\n".join(blocks)


def confidence_markdown(answer: Answer | None) -> str:
    """One line on how sure the assistant is."""
    if answer is None:
        return ""
    verdict = "declined: below the confidence threshold" if answer.abstained else "answered"
    return f"**Confidence:** {answer.confidence:.2f} ({verdict}) · {answer.latency_ms:.0f} ms"


def document_html(doc_id: str, chunks: list, spans: list[dict]) -> str:
    """A document's full text rebuilt from its indexed chunks (offsets are into the document
    text, so gaps between chunks are whitespace), with the cited ``spans`` highlighted."""
    if not chunks:
        return f"<p>No indexed document named {html.escape(doc_id)}.</p>"
    length = max(c.end for c in chunks)
    chars = [GAP] * length
    for c in chunks:
        chars[c.start:c.end] = c.text
    text = "".join(chars)

    def shown(a: int, b: int) -> str:
        return GAPS.sub("\n\n", html.escape(text[a:b]))

    parts, pos = [], 0
    for i, (start, end, labels) in enumerate(_merge_spans(spans)):
        if start < pos or end > length:
            continue  # a span from an older version of the document
        parts.append(shown(pos, start))
        parts.append(f'<mark id="qa-cite-{i + 1}" title="{escape_attribute(", ".join(labels))}">{shown(start, end)}</mark>')
        pos = end
    parts.append(shown(pos, length))
    title = html.escape(chunks[0].title)
    note = f"{len(_merge_spans(spans))} cited span(s) highlighted" if spans else "nothing cited from it in this chat yet"
    return (f'<div class="qa-doc"><h3>{title}</h3><p><small>{html.escape(doc_id)} · {len(chunks)} passages · '
            f'{note}</small></p><div class="qa-text">{"".join(parts)}</div></div>')


def _merge_spans(spans: list[dict]) -> list[tuple[int, int, list[str]]]:
    """Overlapping cited spans merged, in document order, with their labels."""
    merged: list[tuple[int, int, list[str]]] = []
    for s in sorted(spans, key=lambda s: (s["start"], s["end"])):
        if merged and s["start"] < merged[-1][1]:
            start, end, labels = merged[-1]
            merged[-1] = (start, max(end, s["end"]), labels + [s["label"]])
        else:
            merged.append((s["start"], s["end"], [s["label"]]))
    return merged


def example_questions(assistant: Assistant, n: int = EXAMPLE_COUNT) -> list[str]:
    """Questions drawn from the corpus: the eval set's questions about indexed documents (one
    per document), else one per document from its title."""
    docs = sorted(assistant.store.documents().values(), key=lambda d: d.doc_id)
    indexed = {d.doc_id for d in docs}
    examples: dict[str, str] = {}
    path = default_eval_set()
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            doc = item.get("doc") if isinstance(item, dict) else None
            if isinstance(doc, str) and doc in indexed and item.get("answers") and doc not in examples:
                examples[doc] = str(item.get("question", ""))
    for d in docs:
        examples.setdefault(d.doc_id, f"What does “{d.title[:70]}” report?")
    return list(examples.values())[:n]


def safe_upload_name(name: str) -> str:
    """A file name with no directories and no unusual characters (no path traversal)."""
    base = Path(str(name).replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = SAFE_NAME.sub("-", stem).strip(".-") or "upload"
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""
    return f"{stem[:80]}{suffix}"


def check_exposure(config: Config) -> None:
    """Refuse to serve beyond this machine without a password."""
    if config.host not in LOOPBACK and not config.auth:
        raise ValueError(f"binding {config.host} exposes the assistant beyond this machine: set --auth user:password "
                         "(or QA_AUTH)")
    if config.auth and ":" not in config.auth:
        raise ValueError("--auth must be user:password")


def shown_question(question: str) -> str:
    """The question as echoed in the chat: escaped, and cut if very long."""
    if len(question) > MAX_SHOWN_QUESTION:
        question = question[:MAX_SHOWN_QUESTION] + f" … ({len(question):,} characters)"
    return escape_markdown(question)


class ChatApp:
    """The callbacks of the UI, each a plain function over the assistant."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.config = assistant.config

    # -- questions ------------------------------------------------------------------------------
    def settings(self, mode, top_k, doc) -> tuple[str, int, str | None]:
        """Mode, top-k and document filter checked; ``QuestionError`` says what is wrong."""
        mode = mode or self.config.mode
        if not isinstance(mode, str) or mode not in RETRIEVAL_MODES:
            raise QuestionError(f"Unknown retrieval mode; choose one of {', '.join(RETRIEVAL_MODES)}.")
        try:
            top_k = int(top_k or self.config.top_k)
        except (TypeError, ValueError):
            raise QuestionError(f"top-k must be a whole number from 1 to {MAX_TOP_K}.") from None
        if not 1 <= top_k <= MAX_TOP_K:
            raise QuestionError(f"top-k must be a whole number from 1 to {MAX_TOP_K}.")
        if doc in (None, "", ALL_DOCUMENTS):
            return mode, top_k, None
        if not isinstance(doc, str) or doc not in self.assistant.retriever.docs:
            raise QuestionError("That document is not in the index; choose one from the list.")
        return mode, top_k, doc

    def ask_json(self, question: str, mode: str = "", top_k: int = 0, doc: str = "") -> dict:
        """The ``/ask`` endpoint: the same JSON object as ``qa ask --json``, or ``{"question", "error"}``."""
        try:
            mode, top_k, doc = self.settings(mode, top_k, doc)
            return self.assistant.ask(question, mode=mode, top_k=top_k, doc=doc).to_dict()
        except QuestionError as exc:
            return {"question": question, "error": str(exc)}
        except Exception as exc:  # noqa: BLE001  (a client gets a message, the log the traceback)
            log.exception("/ask failed")
            return {"question": question, "error": FAILED.format(kind=type(exc).__name__)}

    def respond(self, message, history: list, mode: str, top_k: float, doc: str, cited: dict | None = None):
        """Chat turn: streams the answer, then fills the sources panel, the confidence line, the
        last answer and the spans cited so far (for the documents view)."""
        cited = dict(cited or {})
        history = list(history or [])
        question = _message_text(message)
        previous = [_message_text(m.get("content")) for m in history if isinstance(m, dict) and m.get("role") == "user"]
        history.append({"role": "user", "content": shown_question(question)})
        try:
            mode, top_k, doc = self.settings(mode, top_k, doc)
            answer = self.assistant.ask(question, history=previous, mode=mode, top_k=top_k, doc=doc)
        except QuestionError as exc:
            history.append({"role": "assistant", "content": f"⚠️ {escape_markdown(str(exc))}"})
            yield history, "", "", None, cited
            return
        except Exception as exc:  # noqa: BLE001
            log.exception("chat turn failed")
            history.append({"role": "assistant", "content": f"⚠️ {FAILED.format(kind=type(exc).__name__)}"})
            yield history, "", "", None, cited
            return
        full = answer_markdown(answer)
        words = full.split(" ")
        history.append({"role": "assistant", "content": ""})
        for i in range(0, len(words), STREAM_WORDS):
            history[-1] = {"role": "assistant", "content": " ".join(words[:i + STREAM_WORDS])}
            yield history, "", "", None, cited
        history[-1] = {"role": "assistant", "content": full}
        yield history, sources_html(answer), confidence_markdown(answer), answer.to_dict(), remember(cited, answer)

    # -- documents ------------------------------------------------------------------------------
    def documents_table(self) -> list[list]:
        """Rows of the documents view."""
        return [[d.doc_id, d.title, d.source, d.chunks, d.indexed_at]
                for d in sorted(self.assistant.store.documents().values(), key=lambda d: d.doc_id)]

    def document_choices(self) -> list[str]:
        """Choices of the document filter."""
        return [ALL_DOCUMENTS] + sorted(self.assistant.store.documents())

    def open_document(self, doc_id: str | None, cited: dict | None) -> str:
        """The documents view: one document's full text with the spans cited in this chat highlighted."""
        if not doc_id or doc_id == ALL_DOCUMENTS:
            return "<p>Choose a document to read it; passages cited in this chat are highlighted.</p>"
        try:
            chunks = [c for c in self.assistant.retriever.chunks if c.doc_id == doc_id]
            return document_html(doc_id, chunks, (cited or {}).get(doc_id, []))
        except Exception as exc:  # noqa: BLE001
            log.exception("opening %s failed", doc_id)
            return f"<p>{html.escape(FAILED.format(kind=type(exc).__name__))}</p>"

    def upload(self, path: str | None) -> str:
        """Copy an uploaded file into the corpus folder and index it now."""
        if not path:
            return "Choose a file first."
        try:
            return self._upload(Path(path))
        except Exception as exc:  # noqa: BLE001
            log.exception("upload failed")
            return FAILED.format(kind=type(exc).__name__)

    def _upload(self, source: Path) -> str:
        name = safe_upload_name(source.name)
        if Path(name).suffix not in SUPPORTED_SUFFIXES:
            return f"Refused: only {', '.join(SUPPORTED_SUFFIXES)} files can be added."
        size = source.stat().st_size
        if size > self.config.max_upload_mb * 2**20:
            return (f"Refused: the file is {size / 2**20:.2f} MB; the limit is "
                    f"{self.config.max_upload_mb:g} MB.")
        target = self.config.corpus_dir / name
        with tempfile.TemporaryDirectory() as tmp:  # validate before it enters the corpus
            staged = Path(tmp) / name
            shutil.copyfile(source, staged)
            try:
                chunks = self.assistant.add_document(staged, name)
            except DocumentError as exc:
                return f"Refused: {escape_markdown(str(exc))}."
            self.config.corpus_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged, target)
        return f"Indexed {escape_markdown(name)}: {chunks} passages. You can ask about it now."

    # -- feedback -------------------------------------------------------------------------------
    def feedback(self, last: dict | None, rating: str, comment: str) -> str:
        """Append a rating of the last answer to ``index/feedback.jsonl``."""
        if not last:
            return "Ask a question first."
        entry = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "rating": str(rating),
                 "comment": str(comment or "").strip()[:MAX_COMMENT_CHARS], "question": last.get("question"),
                 "answer": last.get("answer"),
                 "citations": [{k: c[k] for k in ("doc", "start", "end", "text")} for c in last.get("citations", [])]}
        try:
            self.config.index_dir.mkdir(parents=True, exist_ok=True)
            with open(self.config.index_dir / FEEDBACK_FILE, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        except OSError as exc:
            log.exception("feedback not saved")
            return FAILED.format(kind=type(exc).__name__)
        return "Thank you: feedback saved."

    # -- eval -----------------------------------------------------------------------------------
    def run_eval(self, upload: str | None, modes: list[str] | None, limit: float = 0):
        """The Eval tab: run the eval set (or an uploaded one) in ``modes``; returns a status line,
        the metrics table, the modes plot and what changed since the previous run in the tab."""
        modes = [m for m in (modes or []) if m in RETRIEVAL_MODES]
        if not modes:
            return "Choose at least one retrieval mode.", None, None, ""
        try:
            from qa import comparison, evaluation
        except ImportError:
            return "The evaluation module is not available in this installation.", None, None, ""
        try:
            path = Path(upload) if upload else default_eval_set()
            problem = eval_set_problem(path, self.config.corpus_dir, evaluation)
            if problem:
                return problem, None, None, ""
            items = evaluation.load_eval_set(path)
            if limit and int(limit) > 0:
                items = items[:int(limit)]
            out = self.config.index_dir / EVAL_OUT / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S-%f")
            started = time.perf_counter()
            # by file name: an upload lands in a new temporary folder each time
            summary = evaluation.run_eval(self.assistant, items, modes, out, progress=True, eval_set=path.name)
            table = _table(evaluation.summary_headers(summary), evaluation.summary_table(summary))
            plot = _image(out / evaluation.PLOT_FILE)
            changes = _changes_since_last_run(out, summary, comparison)
        except Exception as exc:  # noqa: BLE001
            log.exception("eval failed")
            return FAILED.format(kind=type(exc).__name__), None, None, ""
        return (f"Evaluated {len(items)} questions in {', '.join(modes)} ({time.perf_counter() - started:.0f} s); "
                f"report in the index folder: `{out.relative_to(self.config.index_dir)}`"), table, plot, changes


def remember(cited: dict, answer: Answer) -> dict:
    """The cited spans of this chat, by document, with this answer's added."""
    cited = {doc: list(spans) for doc, spans in cited.items()}
    for c in answer.citations:
        label = f"[{c.marker}] {answer.question[:60]}"
        cited.setdefault(c.doc_id, []).append({"start": c.start, "end": c.end, "label": label})
    return cited


def _changes_since_last_run(out: Path, summary: dict, comparison) -> str:
    """Markdown of what changed since the latest earlier run of the Eval tab (its folders sit
    next to ``out``, named by start time) of the same eval set in a mode this run measured; "" if none."""
    root = out.parent
    for previous in sorted((p for p in root.iterdir() if p.is_dir() and p.name < out.name), reverse=True):
        try:
            baseline = comparison.load_summary(previous)
        except comparison.BaselineError:  # a run that crashed midway, or an older report
            continue
        changes = comparison.compare(baseline, summary)
        if changes["same_set"] and changes["modes"]:
            return comparison.render_comparison(changes, f"the previous run ({previous.name})", escape_markdown)
    return ""


def default_eval_set() -> Path:
    """``eval/qa.jsonl`` of the working folder, else of the source checkout."""
    for path in (EVAL_SET, Path(__file__).resolve().parent.parent / EVAL_SET):
        if path.is_file():
            return path
    return EVAL_SET


def eval_set_problem(path: Path, corpus_dir: Path, evaluation) -> str:
    """Why ``path`` cannot be evaluated, or "" when it can."""
    if not path.is_file():
        return f"No eval set at {escape_markdown(str(path))}; upload a {EVAL_SUFFIX} file."
    if path.suffix.lower() != EVAL_SUFFIX:
        return f"The eval set must be a {EVAL_SUFFIX} file."
    if path.stat().st_size > EVAL_MAX_BYTES:
        return f"The eval set is larger than {EVAL_MAX_BYTES // 2**20} MB."
    try:
        errors = evaluation.check_eval_set(path, corpus_dir)
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        errors = [str(exc)]
    if not errors:
        return ""
    shown = "\n".join(f"- {escape_markdown(e)}" for e in errors[:EVAL_SHOWN_ERRORS])
    return f"The eval set has {len(errors)} problem(s):\n{shown}"


def _table(headers: list[str], rows: list[list]):
    import pandas as pd

    return pd.DataFrame(rows, columns=headers)


def _image(path: Path):
    """The plot as an image object, so Gradio serves it without exposing the index folder."""
    from PIL import Image

    if not path.is_file():
        return None
    with Image.open(path) as img:
        return img.copy()


def _message_text(content) -> str:
    """Gradio 6 gives message content as a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, list):
        return " ".join(_message_text(part) for part in content)
    return "" if content is None else str(content)


# -- layout ------------------------------------------------------------------------------------------
def build(assistant: Assistant):
    """The Gradio Blocks app."""
    app = ChatApp(assistant)
    config = assistant.config
    with gr.Blocks(title="Document QA") as demo:
        gr.Markdown("## Ask the documents\nEvery sentence of an answer is quoted from a document and cited.")
        last_answer = gr.State(None)
        cited = gr.State({})
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, buttons=["copy"], feedback_options=None,
                                         elem_id="qa-chat", sanitize_html=True, allow_tags=False,
                                         latex_delimiters=[])
                    question = gr.Textbox(label="Question", placeholder="Ask about the documents…", elem_id="qa-question")
                    with gr.Row():
                        ask = gr.Button("Ask", variant="primary", elem_id="qa-ask")
                        clear = gr.Button("Clear chat", elem_id="qa-clear")
                    gr.Examples(example_questions(assistant), inputs=question, label="Examples")
                    with gr.Accordion("Settings", open=False):
                        mode = gr.Dropdown(list(RETRIEVAL_MODES), value=config.mode, label="Retrieval mode")
                        top_k = gr.Slider(1, MAX_TOP_K, value=config.top_k, step=1, label="Passages (top-k)")
                        doc = gr.Dropdown(app.document_choices(), value=ALL_DOCUMENTS, label="Only this document")
                    with gr.Accordion("Feedback on the last answer", open=False):
                        rating = gr.Radio(["👍 helpful", "👎 wrong or unhelpful"], label="Rating", value="👍 helpful")
                        comment = gr.Textbox(label="Comment (optional)", max_length=MAX_COMMENT_CHARS)
                        send = gr.Button("Send feedback")
                        feedback_status = gr.Markdown()
                with gr.Column(scale=2):
                    confidence = gr.Markdown(elem_id="qa-confidence")
                    sources = gr.HTML(sources_html(None), label="Sources", elem_id="qa-sources")
            outputs = [chatbot, sources, confidence, last_answer, cited]
            inputs = [question, chatbot, mode, top_k, doc, cited]
            for event in (ask.click, question.submit):
                event(app.respond, inputs, outputs, api_visibility="private", concurrency_id=CPU_BOUND).then(
                    lambda: "", None, question, api_visibility="private")
            clear.click(lambda: ([], sources_html(None), "", None, {}), None, outputs, api_visibility="private")
            chatbot.clear(lambda: (sources_html(None), "", None, {}), None, outputs[1:], api_visibility="private")
            send.click(app.feedback, [last_answer, rating, comment], feedback_status, api_visibility="private")
        with gr.Tab("Documents") as documents_tab:
            docs = gr.Dataframe(app.documents_table(), headers=["file", "title", "source", "passages", "indexed"],
                                interactive=False, label="Indexed documents")
            with gr.Row():
                reader = gr.Dropdown(app.document_choices(), value=ALL_DOCUMENTS, label="Read a document",
                                     elem_id="qa-reader", scale=3)
                open_doc = gr.Button("Open", elem_id="qa-open", scale=1)
            view = gr.HTML(app.open_document(None, None), elem_id="qa-document")
            upload = gr.File(label=f"Add a document ({', '.join(SUPPORTED_SUFFIXES)}; up to "
                                   f"{config.max_upload_mb:g} MB)", file_types=list(SUPPORTED_SUFFIXES),
                             elem_id="qa-upload")
            upload_status = gr.Markdown(elem_id="qa-upload-status")
            for event in (open_doc.click, reader.change, documents_tab.select):
                event(app.open_document, [reader, cited], view, api_visibility="private")
            docs.select(_selected_document, None, reader, api_visibility="private")
            refresh = lambda: (app.documents_table(), gr.Dropdown(choices=app.document_choices()),  # noqa: E731
                               gr.Dropdown(choices=app.document_choices()))
            upload.upload(app.upload, upload, upload_status, api_visibility="private", concurrency_id=CPU_BOUND).then(
                refresh, None, [docs, doc, reader], api_visibility="private")
        with gr.Tab("Eval"):
            gr.Markdown(f"Run the eval set (`{EVAL_SET}`, or upload another {EVAL_SUFFIX}) and compare retrieval "
                        "modes. A full run asks every question once or twice per mode: minutes on a small machine.")
            with gr.Row():
                eval_file = gr.File(label=f"Eval set ({EVAL_SUFFIX}, optional)", file_types=[EVAL_SUFFIX])
                with gr.Column():
                    eval_modes = gr.CheckboxGroup(list(RETRIEVAL_MODES), value=[config.mode], label="Modes")
                    eval_limit = gr.Number(0, precision=0, minimum=0, label="Only the first N questions (0: all)",
                                           elem_id="qa-eval-limit")
                    run = gr.Button("Run eval", variant="primary", elem_id="qa-eval-run")
            eval_status = gr.Markdown(elem_id="qa-eval-status")
            eval_table = gr.Dataframe(label="Metrics per mode", interactive=False, elem_id="qa-eval-table")
            eval_plot = gr.Image(label="Modes", type="pil", interactive=False, elem_id="qa-eval-plot")
            eval_changes = gr.Markdown(elem_id="qa-eval-changes")

            def run_eval(upload, modes, limit, progress=gr.Progress(track_tqdm=True)):
                return app.run_eval(upload, modes, limit)

            run.click(run_eval, [eval_file, eval_modes, eval_limit], [eval_status, eval_table, eval_plot, eval_changes],
                      api_visibility="private", concurrency_limit=1)
        gr.api(app.ask_json, api_name="ask", concurrency_id=CPU_BOUND)
    return demo


def _selected_document(evt: gr.SelectData) -> str:
    """A click on a row of the documents table selects that document for reading."""
    row = getattr(evt, "row_value", None) or []
    return str(row[0]) if row else ALL_DOCUMENTS


def launch(demo, config: Config, prevent_thread_lock: bool = False):
    """Queue (``config.concurrency`` answers at a time: one per core) and start the server."""
    check_exposure(config)
    auth = tuple(config.auth.split(":", 1)) if config.auth else None
    hard_limit = int(config.max_upload_mb * UPLOAD_HARD_LIMIT_FACTOR * 2**20) + 2**20
    demo.queue(default_concurrency_limit=max(1, config.concurrency), max_size=MAX_QUEUE)
    return demo.launch(server_name=config.host, server_port=config.port, auth=auth, css=CSS, show_error=False,
                       inbrowser=False, prevent_thread_lock=prevent_thread_lock, max_file_size=hard_limit,
                       quiet=prevent_thread_lock)


def serve(config: Config) -> None:
    """Index the corpus if needed, then serve the UI until interrupted."""
    check_exposure(config)  # before seconds of model loading
    started = time.perf_counter()
    assistant = Assistant(config)
    report = assistant.index(progress=True)
    print(report.summary(), flush=True)
    assistant.retriever  # build BM25 and the vector index before the first question
    demo = build(assistant)
    print(f"ready in {time.perf_counter() - started:.1f} s", flush=True)
    launch(demo, config)
