"""Speed figures of the default pipeline on this machine (a benchmark, not a test).

    .venv/bin/python bench/latency.py [--questions 20] [--port 7899]

Prints: index time of corpus/ into a fresh store, no-op re-index time, warm answer latency
(p50/p95 over the first N eval questions, after one warm-up question), and the cold start
of ``qa serve`` (process start until the UI answers HTTP) over the index just built.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from qa.config import Config
from qa.evaluation import load_eval_set
from qa.pipeline import Assistant

READY_TIMEOUT_S = 180


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def serve_cold_start(index_dir: Path, port: int) -> float:
    """Seconds from launching ``qa serve`` until its page answers."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "qa"), "serve", "--index-dir", str(index_dir),
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < READY_TIMEOUT_S:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                return time.perf_counter() - started
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("qa serve did not become ready")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv=None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--port", type=int, default=7899)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        t = time.perf_counter()
        assistant = Assistant(Config.load(index_dir=index_dir))
        load_s = time.perf_counter() - t
        first = assistant.index(progress=False)
        again = assistant.index(progress=False)
        questions = [i["question"] for i in load_eval_set("eval/qa.jsonl") if i["answers"]][:args.questions]
        assistant.ask(questions[0])  # warm-up: builds BM25 and the vector index
        latencies = []
        for q in questions:
            t = time.perf_counter()
            assistant.ask(q)
            latencies.append((time.perf_counter() - t) * 1000)
        cold = serve_cold_start(index_dir, args.port)
    print(f"model load:            {load_s:.1f} s")
    print(f"index corpus/:         {first.seconds:.1f} s ({first.chunks_written} chunks)")
    print(f"no-op re-index:        {again.seconds:.2f} s ({again.chunks_written} chunks embedded)")
    print(f"warm answer latency:   p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 95):.0f} ms "
          f"over {len(latencies)} questions")
    print(f"qa serve cold start:   {cold:.1f} s to ready (existing index)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
