"""Turning raw web text into clean document text: drop page chrome, keep every real sentence."""

from __future__ import annotations

import re

# Whole lines that are website furniture, never article content (matched case-insensitively).
CHROME_LINES = (
    r"top of page", r"bottom of page", r"skip to (main )?content", r"leave a (reply|comment)",
    r"(post a )?comments?", r"bình luận", r"commenti", r"kommentare", r"tagged:?", r"tags:?",
    r"related posts?", r"share( this)?:?", r"print", r"menu", r"search", r"subscribe",
    r"cancel reply", r"you must be logged in to post a comment\.?", r"©.*", r"copyright .*",
    r"home\s*/.*",  # breadcrumbs: "Home / War / …"
)
_CHROME = re.compile(r"^\s*(?:" + "|".join(CHROME_LINES) + r")\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[•·▪●◦‣∙]\s*")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")


def clean_text(raw: str) -> str:
    """Clean one document's text.

    Drops chrome lines (see ``CHROME_LINES``), a line repeated right after itself (a caption
    shown twice), control characters; normalises bullets and runs of spaces and blank lines.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    kept: list[str] = []
    previous = None
    for line in text.split("\n"):
        line = _SPACES.sub(" ", _BULLET.sub("- ", line)).strip()
        if _CHROME.match(line):
            continue
        if line and line == previous:
            continue  # repeated caption or heading
        kept.append(line)
        if line:
            previous = line
    return _BLANKS.sub("\n\n", "\n".join(kept)).strip() + "\n"


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---``-fenced ``key: value`` front matter from the body."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    meta = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip()
    return meta, text[end + 5:].lstrip("\n")
