"""Does the indexing client keep anything per chunk? (a benchmark, not a test)

    .venv/bin/python bench/index_memory.py --corpus DIR [--runs 4]

Starts ``chroma run`` on a free loopback port, indexes the same corpus into a fresh
collection ``--runs`` times in one process, and prints the client's and the server's RSS
after each run. A client that kept anything per chunk would grow run after run; the
server, which stores every copy, should.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import psutil
from scale import start_server, stop_server

from qa.config import Config
from qa.pipeline import Assistant


def main(argv: list[str] | None = None) -> int:
    """Print RSS (MB) of client and server after each indexing run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa_index_memory_") as work:
        server, url = start_server(Path(work) / "server", Path(work) / "server.log")
        try:
            client, served = psutil.Process(), psutil.Process(server.pid)
            for run in range(args.runs):
                config = Config.load(corpus_dir=args.corpus, chroma_url=url, collection=f"memory{run}",
                                     index_dir=Path(work) / "index")
                report = Assistant(config).index(progress=False)
                print(f"run {run + 1}: {report.chunks_written} chunks in {report.seconds:.0f} s; RSS client "
                      f"{client.memory_info().rss / 2**20:.0f} MB, server {served.memory_info().rss / 2**20:.0f} MB",
                      flush=True)
        finally:
            stop_server(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
