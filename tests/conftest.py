"""Shared fixtures: one real index of the real corpus per test session (real model, real Chroma)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory) -> Path:
    """A private copy of the default corpus (tests may not touch the real one)."""
    target = tmp_path_factory.mktemp("corpus")
    for path in CORPUS.glob("*.md"):
        if path.name.lower() != "readme.md":
            shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, corpus_copy):
    """An Assistant over the default corpus, indexed into a temporary embedded store."""
    from qa.config import Config
    from qa.pipeline import Assistant

    config = Config.load(corpus_dir=corpus_copy, index_dir=tmp_path_factory.mktemp("index"))
    assistant = Assistant(config)
    assistant.index(progress=False)
    return assistant


def document_text(name: str) -> str:
    """The cleaned text of a default-corpus document, as citations index it."""
    from qa.corpus import load_document

    return load_document(CORPUS / name).text


def eval_script(name: str):
    """The script ``eval/<name>.py`` as a module, with its neighbours (``tune``, ``adapter``) importable
    as they are when it runs."""
    import importlib.util
    import sys

    sys.path.insert(0, str(ROOT / "eval"))
    try:
        spec = importlib.util.spec_from_file_location(f"eval_{name}", ROOT / "eval" / f"{name}.py")
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        return script
    finally:
        sys.path.remove(str(ROOT / "eval"))


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate a server started by a test; kill it if it does not stop."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
