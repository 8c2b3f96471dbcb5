"""``qa``: the command line, a thin shell over ``qa.pipeline.Assistant``.

    qa index [--corpus DIR]          build or update the index (incremental)
    qa ask [--json] "QUESTION"       answer one question with citations
    qa serve [--port N]              the browser chat UI (indexes first if needed)
    qa eval --set FILE --out DIR     retrieval and answer evals (see eval/README.md);
                                     --baseline DIR compares with an earlier run
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from qa.config import RETRIEVAL_MODES, Config


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", dest="corpus_dir", help="corpus folder (default: corpus/, env QA_CORPUS_DIR)")
    parser.add_argument("--index-dir", dest="index_dir", help="where the embedded store lives (default: index/)")
    parser.add_argument("--chroma-url", dest="chroma_url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--collection", help="Chroma collection name")


def _retrieval(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=RETRIEVAL_MODES, help="retrieval mode (default: rerank)")
    parser.add_argument("--top-k", dest="top_k", type=int, help="passages to retrieve")


def build_parser() -> argparse.ArgumentParser:
    """The ``qa`` argument parser."""
    parser = argparse.ArgumentParser(prog="qa", description="Cited question answering over a folder of documents.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or update the index of the corpus")
    _common(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("ask", help="answer a question with citations")
    _common(p)
    _retrieval(p)
    p.add_argument("--doc", help="only search this document (its file name)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("question")

    p = sub.add_parser("serve", help="the browser chat UI")
    _common(p)
    _retrieval(p)
    p.add_argument("--host", help="bind address (default 127.0.0.1; others need --auth)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--auth", help="user:password, required to bind a non-loopback address")

    p = sub.add_parser("eval", help="run an eval set, or check one with --check")
    _common(p)
    p.add_argument("--top-k", dest="top_k", type=int, help="passages to retrieve")
    p.add_argument("--set", dest="eval_set", default="eval/qa.jsonl", help="eval set (JSONL)")
    p.add_argument("--out", default="eval/reports/latest", help="report folder")
    p.add_argument("--mode", "--modes", dest="modes", nargs="+", choices=RETRIEVAL_MODES,
                   help="retrieval modes to compare side by side (default: the configured mode)")
    p.add_argument("--check", metavar="FILE", help="only validate an eval set against the corpus")
    p.add_argument("--baseline", metavar="DIR",
                   help="a previous report folder: print what got better or worse, and which questions changed")
    p.add_argument("--limit", type=int, help="only the first N questions")
    return parser


def _config(args: argparse.Namespace) -> Config:
    names = ("corpus_dir", "index_dir", "chroma_url", "collection", "mode", "top_k", "host", "port", "auth")
    return Config.load(**{n: getattr(args, n, None) for n in names})


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qa`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        config = _config(args)
        return COMMANDS[args.command](args, config)
    except (ValueError, FileNotFoundError) as exc:
        print(f"qa: {exc}", file=sys.stderr)
        return 2


def cmd_index(args, config: Config) -> int:
    """``qa index``."""
    from qa.pipeline import Assistant

    report = Assistant(config).index(progress=not args.quiet)
    for rel, reason in report.skipped:
        print(f"skipped {rel}: {reason}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_ask(args, config: Config) -> int:
    """``qa ask``."""
    from qa.answer import open_parts
    from qa.pipeline import Assistant, check_question

    check_question(args.question, config.max_question_chars)  # before seconds of model loading
    assistant = Assistant(config)
    if assistant.is_empty():
        assistant.index(progress=not args.json)
    answer = assistant.ask(args.question, doc=args.doc)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
        return 0
    print(answer.answer)
    for note in open_parts(answer):
        print(note)
    print(f"\n(confidence {answer.confidence:.2f}, {answer.latency_ms:.0f} ms)")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print(f"  [{c.marker}] {c.title} — {c.doc_id}, passage {c.chunk}, characters {c.start}–{c.end}")
    return 0


def cmd_serve(args, config: Config) -> int:
    """``qa serve``."""
    from qa.ui import serve

    serve(config)
    return 0


def cmd_eval(args, config: Config) -> int:
    """``qa eval``."""
    from qa.evaluation import cli_eval

    return cli_eval(args, config)


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "serve": cmd_serve, "eval": cmd_eval}

if __name__ == "__main__":
    sys.exit(main())
