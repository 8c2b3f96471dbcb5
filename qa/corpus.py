"""Reading a folder of documents (.txt, .md, .html, .pdf) into clean ``Document`` records.

A file that cannot be used (binary, empty, unreadable, too large, broken) is skipped with
a reason; the rest of the folder still loads.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qa.cleaning import clean_text, split_front_matter
from qa.schema import Document

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TITLE_CHARS = 150


class DocumentError(ValueError):
    """A file that cannot become a document; the message says why."""


@dataclass
class LoadResult:
    """Documents that loaded, and the files skipped with their reasons."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def content_hash(data: bytes) -> str:
    """The hash incremental indexing compares."""
    return hashlib.sha256(data).hexdigest()


def corpus_files(folder: Path) -> list[tuple[Path, str]]:
    """Every file under ``folder`` (recursively) the loader looks at, as (path, relative id)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {folder}")
    return [(path, path.relative_to(folder).as_posix())
            for path in sorted(p for p in folder.rglob("*") if p.is_file())
            if not path.name.startswith(".") and path.name.lower() != "readme.md"]


def iter_corpus(files: list[tuple[Path, str]], skipped: list[tuple[str, str]]) -> Iterator[Document]:
    """The documents of ``files`` (from ``corpus_files``) one at a time, so memory does not grow
    with the corpus; every file that cannot be used is appended to ``skipped`` as (relative id,
    reason) and logged."""
    for path, rel in files:
        reason = ""
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            reason = f"unsupported file type {path.suffix or '(none)'}"
        else:
            try:
                doc = load_document(path, rel)
            except (DocumentError, OSError) as exc:
                reason = str(exc)
        if reason:
            skipped.append((rel, reason))
            log.warning("skipped %s: %s", rel, reason)
        else:
            yield doc


def load_corpus(folder: Path) -> LoadResult:
    """Load every supported file under ``folder`` (recursively), skipping bad ones with a warning."""
    result = LoadResult()
    result.documents = list(iter_corpus(corpus_files(folder), result.skipped))
    return result


def load_document(path: Path, doc_id: str | None = None) -> Document:
    """Read one file into a ``Document``; raise ``DocumentError`` if it cannot be used."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise DocumentError("empty file")
    if size > MAX_FILE_BYTES:
        raise DocumentError(f"file too large ({size / 2**20:.1f} MB > {MAX_FILE_BYTES / 2**20:.0f} MB)")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        meta, body = {}, _pdf_text(data)
    else:
        if b"\x00" in data[:8192]:
            raise DocumentError("binary content (NUL bytes) in a text file")
        raw = _decode(data)
        if suffix in HTML_SUFFIXES:
            meta, body = _html_text(raw)
        else:
            meta, body = split_front_matter(raw)
    text = clean_text(body)
    if not text.strip():
        raise DocumentError("no text after cleaning")
    title = meta.get("title") or _first_line_title(text) or path.stem
    return Document(doc_id=doc_id or path.name, title=title, source=meta.get("source") or path.name,
                    text=text, content_hash=content_hash(data))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Old web pages are often Windows-1252; latin-1 never fails, so nothing is lost.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _first_line_title(text: str) -> str:
    first = text.lstrip().split("\n", 1)[0].lstrip("# ").strip()
    return first if 0 < len(first) <= MAX_TITLE_CHARS else ""


def _html_text(raw: str) -> tuple[dict[str, str], str]:
    """HTML to text: scripts, styles and navigation dropped, one block element per line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "svg"]):
        tag.decompose()
    meta = {}
    heading = soup.find("h1")
    if soup.title and soup.title.get_text(strip=True):
        meta["title"] = soup.title.get_text(" ", strip=True)
    elif heading:
        meta["title"] = heading.get_text(" ", strip=True)
    if soup.title:
        soup.title.decompose()
    body = soup.body or soup
    return meta, body.get_text("\n")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DocumentError(f"unreadable PDF: {exc}") from exc
