"""Load test of ``qa serve``: many concurrent API clients asking eval questions through ``/ask``.

Starts ``qa serve`` on a free loopback port over its own temporary index (a copy of corpus/),
runs ``--clients`` concurrent ``gradio_client`` clients that each ask ``--questions`` questions
from eval/qa.jsonl, bounded in time, and reports errors (target 0), client-side latency p50/p95
and the server's resident memory (RSS of the server process and its children, sampled every
``SAMPLE_S`` seconds). Stops the server at the end.

    .venv/bin/python bench/load.py --clients 20 --questions 10
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qa.config  # noqa: E402,F401  (offline environment before gradio_client is imported)

EVAL_SET = ROOT / "eval" / "qa.jsonl"
START_TIMEOUT_S = 300  # model load + indexing on a busy 2-core machine
SAMPLE_S = 0.5
MB = 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"qa serve exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise TimeoutError(f"qa serve did not listen within {timeout:.0f} s")


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its children."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


class RssSampler(threading.Thread):
    """Samples the server's RSS until stopped; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.samples = pid, 0, []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            rss = tree_rss(self.pid)
            self.samples.append(rss)
            self.peak = max(self.peak, rss)
            self.stopping.wait(SAMPLE_S)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def client_run(url: str, questions: list[str], request_timeout: float, deadline: float) -> list[dict]:
    """One client: a ``gradio_client.Client`` asking its questions one after another."""
    from gradio_client import Client

    results = []
    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001  (counted as errors, reported)
        return [{"ok": False, "error": f"connect: {type(exc).__name__}: {exc}", "s": 0.0} for _ in questions]
    for question in questions:
        if time.monotonic() > deadline:
            results.append({"ok": False, "error": "not asked: time budget spent", "s": 0.0})
            continue
        started = time.perf_counter()
        try:
            job = client.submit(question, "", 0, "", api_name="/ask")
            answer = job.result(timeout=min(request_timeout, max(1.0, deadline - time.monotonic())))
            ok = isinstance(answer, dict) and "error" not in answer and "answer" in answer
            results.append({"ok": ok, "error": "" if ok else f"answer: {str(answer)[:200]}",
                            "s": time.perf_counter() - started,
                            "server_ms": answer.get("latency_ms") if isinstance(answer, dict) else None})
        except Exception as exc:  # noqa: BLE001
            results.append({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200], "s": time.perf_counter() - started})
    try:
        client.close()
    except Exception:  # noqa: BLE001
        pass
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="questions per client")
    parser.add_argument("--budget", type=float, default=900, help="seconds for the whole load phase")
    parser.add_argument("--request-timeout", type=float, default=300, help="seconds for one answer")
    parser.add_argument("--json", dest="json_out", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    questions = [json.loads(line)["question"] for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    work = Path(tempfile.mkdtemp(prefix="qa-load-"))
    corpus = work / "corpus"
    corpus.mkdir()
    for path in (ROOT / "corpus").glob("*.md"):
        if path.name.lower() != "readme.md":
            shutil.copy(path, corpus / path.name)
    port = free_port()
    log_path = work / "serve.log"
    started = time.monotonic()
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--index-dir", str(work / "index"),
                                   "--corpus", str(corpus), "--port", str(port)], stdout=log,
                                  stderr=subprocess.STDOUT, cwd=ROOT, env=os.environ.copy())
    sampler = RssSampler(server.pid)
    try:
        wait_for_port(port, server, START_TIMEOUT_S)
        ready_s = time.monotonic() - started
        time.sleep(1.0)
        idle_rss = tree_rss(server.pid)
        sampler.start()
        url = f"http://127.0.0.1:{port}/"
        plan = [[questions[(c * args.questions + j) % len(questions)] for j in range(args.questions)]
                for c in range(args.clients)]
        load_started = time.monotonic()
        deadline = load_started + args.budget
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            futures = [pool.submit(client_run, url, qs, args.request_timeout, deadline) for qs in plan]
            done, not_done = wait(futures, timeout=args.budget + 60)
        wall = time.monotonic() - load_started
        results = [r for f in done for r in f.result()]
        results += [{"ok": False, "error": "client did not finish", "s": 0.0}
                    for f in not_done for _ in range(args.questions)]
    except Exception:
        print(log_path.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        sampler.stopping.set()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    ok = [r for r in results if r["ok"]]
    errors = [r for r in results if not r["ok"]]
    latencies = [r["s"] for r in ok]
    server_ms = [r["server_ms"] for r in ok if r.get("server_ms") is not None]
    figures = {
        "clients": args.clients, "questions_per_client": args.questions, "requests": len(results),
        "ok": len(ok), "errors": len(errors), "server_ready_s": round(ready_s, 1), "load_wall_s": round(wall, 1),
        "throughput_rps": round(len(ok) / wall, 2) if wall else 0.0,
        "latency_p50_s": round(percentile(latencies, 50), 2), "latency_p95_s": round(percentile(latencies, 95), 2),
        "latency_max_s": round(max(latencies), 2) if latencies else None,
        "server_compute_p50_ms": round(statistics.median(server_ms), 1) if server_ms else None,
        "server_compute_p95_ms": round(percentile(server_ms, 95), 1) if server_ms else None,
        "rss_idle_mb": round(idle_rss / MB), "rss_peak_mb": round(sampler.peak / MB),
    }
    print(f"qa serve under load: {args.clients} clients × {args.questions} questions through /ask")
    for key, value in figures.items():
        print(f"  {key:24} {value}")
    for message in sorted({r["error"] for r in errors})[:10]:
        print(f"  error: {message}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
