"""How the assistant scales with corpus size, embedded store vs Chroma server.

For each corpus size (``--docs``: synthetic documents added to the 5 real ones, see
``bench/make_corpus.py``) and each mode (``embedded``: PersistentClient; ``server``: a
``chroma run`` this script starts on a free loopback port and stops), a fresh worker process:

- indexes the corpus into an empty store: seconds, chunks/s, where the time goes (corpus
  loading, chunking, embedding, Chroma writes and deletes), peak RSS sampled every 0.1 s
  (the worker, and the Chroma server it started);
- re-indexes it unchanged (the no-op time);
- builds the retriever (BM25 over every chunk) and answers ``--latency-questions`` eval
  questions: p50/p95 latency;
- (first mode only) answers every eval question with evidence: hit@5 (a top-5 passage from
  the gold document contains an evidence string) and answer accuracy (eval match rules);
- times the raw encoder right after indexing, ``SentenceTransformer.encode`` with the same
  model object and batch size, on exactly the texts indexing embeds (chunks + sentences),
  so ``ratio`` = indexing chunks/s ÷ encoder-only chunks/s.

    .venv/bin/python bench/scale.py --docs 0 30 145 --modes embedded server

Writes bench/results/scale.json and bench/results/scale.png and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

EVAL_SET = ROOT / "eval" / "qa.jsonl"
RESULTS = ROOT / "bench" / "results"
CHROMA = Path(sys.executable).with_name("chroma")
MODES = ("embedded", "server")
TARGET_CHUNKS = 100_000  # what the extrapolation in the table is for


# -- worker: one (size, mode) run in its own process ---------------------------------------
class PeakRSS:
    """Samples the RSS of this process and of its children (the Chroma server) in a thread."""

    def __init__(self, interval: float = 0.1):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak_self = self.peak_children = self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> tuple[int, int]:
        import psutil

        own = self.proc.memory_info().rss
        children = 0
        for child in self.proc.children(recursive=True):
            try:
                children += child.memory_info().rss
            except psutil.Error:
                pass
        return own, children

    def _run(self):
        while not self._stop.is_set():
            own, children = self.sample()
            self.peak_self = max(self.peak_self, own)
            self.peak_children = max(self.peak_children, children)
            self.peak_total = max(self.peak_total, own + children)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class Timers:
    """Wraps the indexer's steps with accumulating timers."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, owner, name: str, label: str):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
                self.calls[label] = self.calls.get(label, 0) + 1

        setattr(owner, name, timed)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """``chroma run`` on a free loopback port; returns (process, url) once it answers."""
    import chromadb
    from chromadb.config import Settings

    port = free_port()
    log = open(log_path, "wb")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with {proc.returncode}; see {log_path}")
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port, settings=Settings(anonymized_telemetry=False)).heartbeat()
            return proc, f"http://127.0.0.1:{port}"
        except Exception:
            time.sleep(0.5)
    stop_server(proc)
    raise TimeoutError("chroma server gave no heartbeat in 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').split()).lower()


def eval_rows() -> list[dict]:
    return [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def judge(row: dict, answer) -> tuple[bool | None, bool | None]:
    """(hit@5, answer correct) for one eval question; None where it does not apply."""
    gold = row["doc"] if isinstance(row["doc"], list) else [row["doc"]] if row["doc"] else []
    evidence = [norm(e) for e in row.get("evidence") or []]
    hit = None
    if evidence:
        hit = any(p.chunk.doc_id in gold and any(e in norm(p.chunk.text) for e in evidence)
                  for p in answer.passages[:5])
    correct = None
    if row.get("answers"):
        text = norm(answer.answer)
        found = [norm(a) in text for a in row["answers"]]
        correct = all(found) if row.get("match") == "all" else any(found)
    elif row.get("type") == "unanswerable":
        correct = bool(answer.abstained)
    return hit, correct


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def code_version() -> str:
    """The commit the run measured, "+dirty" if qa/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "qa"], cwd=ROOT, capture_output=True, text=True,
                               timeout=10).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def query_timers(assistant) -> Timers:
    """Timers around each step of answering a question (see ``query_profile``)."""
    import qa.pipeline
    import qa.retrieval
    from llama_index.retrievers.bm25 import BM25Retriever
    from llama_index.vector_stores.chroma import ChromaVectorStore

    retriever = assistant.retriever
    timers = Timers()
    timers.wrap(assistant, "ask", "ask")
    timers.wrap(retriever, "candidates", "first_stage")
    timers.wrap(qa.retrieval, "embed_query", "embed_question")
    timers.wrap(BM25Retriever, "_retrieve", "bm25_search")
    timers.wrap(ChromaVectorStore, "query", "vector_search")
    timers.wrap(retriever.reranker, "rerank", "rerank")
    timers.wrap(assistant.store, "embeddings", "stored_embeddings")
    timers.wrap(retriever.reranker, "bm25_scores", "bm25_rescore")
    timers.wrap(qa.pipeline, "compose", "compose_answer")
    return timers


def query_profile(timers: Timers, questions: int) -> dict[str, float]:
    """Mean ms per question in each step; the first stage and the reranker split into parts."""
    ms = {k: 1000 * v / questions for k, v in timers.seconds.items()}
    get = ms.get
    return {
        "embed_question": get("embed_question", 0.0),
        "bm25_search": get("bm25_search", 0.0),
        "vector_search (chunks + sentences)": get("vector_search", 0.0),
        "fusion and the rest of the first stage": get("first_stage", 0.0) - get("embed_question", 0.0)
        - get("bm25_search", 0.0) - get("vector_search", 0.0),
        "stored embeddings of candidates": get("stored_embeddings", 0.0),
        "bm25 rescoring of candidates": get("bm25_rescore", 0.0),
        "sentence scoring and reranking": get("rerank", 0.0) - get("stored_embeddings", 0.0) - get("bm25_rescore", 0.0),
        "answer composition": get("compose_answer", 0.0),
        "other": get("ask", 0.0) - get("first_stage", 0.0) - get("rerank", 0.0) - get("compose_answer", 0.0),
        "total": get("ask", 0.0),
    }


def copy_records(source_path: str, corpus: Path, store) -> int:
    """Copy the records of ``corpus``'s documents, embeddings included, from the embedded store
    at ``source_path`` into ``store``; returns the chunks copied.

    Synthetic document i depends only on (seed, i), so a smaller corpus is a prefix of a larger
    one and its records in the larger store are exactly what indexing it would write (the no-op
    re-index that follows checks this: it must write nothing). Saves re-embedding it.
    """
    import chromadb
    from chromadb.config import Settings

    from qa.corpus import corpus_files
    from qa.store import SENTENCES_SUFFIX

    source = chromadb.PersistentClient(path=source_path, settings=Settings(anonymized_telemetry=False))
    doc_ids = [rel for _, rel in corpus_files(corpus)]
    copied = 0
    for suffix, target in ((SENTENCES_SUFFIX, store.sentences), ("", store.chunks)):  # sentences first, as indexing
        collection = source.get_collection("bench" + suffix)
        for i in range(0, len(doc_ids), 50):
            got = collection.get(where={"doc_id": {"$in": doc_ids[i:i + 50]}},
                                 include=["embeddings", "metadatas", "documents"])
            for j in range(0, len(got["ids"]), store.max_batch):
                part = slice(j, j + store.max_batch)
                target.add(ids=got["ids"][part], embeddings=got["embeddings"][part],
                           metadatas=got["metadatas"][part], documents=got["documents"][part])
            copied += len(got["ids"]) if not suffix else 0
    return copied


def measure_queries(args, assistant, result: dict) -> dict:
    """No-op re-index, retriever build, latency and (with --quality) hit@5 and accuracy."""
    noop = assistant.index(progress=False)
    assert noop.chunks_written == 0, noop.summary()
    result["noop_reindex_s"] = noop.seconds

    started = time.perf_counter()
    _ = assistant.retriever
    result["retriever_build_s"] = time.perf_counter() - started

    rows = eval_rows()
    assistant.ask(rows[0]["question"])  # warm-up, not timed
    asked = rows if args.quality else rows[:args.latency_questions]
    latencies, hits, correct = [], [], []
    timers = query_timers(assistant)
    for i, row in enumerate(asked):
        t = time.perf_counter()
        answer = assistant.ask(row["question"])
        if i < args.latency_questions:
            latencies.append((time.perf_counter() - t) * 1000)
            if i == args.latency_questions - 1 or i == len(asked) - 1:
                result["query_profile_ms"] = query_profile(timers, len(latencies))
        hit, ok = judge(row, answer)
        if hit is not None:
            hits.append(hit)
        if ok is not None:
            correct.append(ok)
    result.update(latency_questions=len(latencies), p50_ms=pct(latencies, 0.5), p95_ms=pct(latencies, 0.95),
                  mean_ms=statistics.fmean(latencies))
    if args.quality:
        result.update(hit_at_5=sum(hits) / len(hits), hit_questions=len(hits),
                      answer_accuracy=sum(correct) / len(correct), answer_questions=len(correct))

    result.setdefault("chunks", assistant.store.count())
    result.setdefault("sentences", assistant.store.sentences.count())
    return result


def worker(args) -> dict:
    import torch

    import qa.corpus
    import qa.indexer
    from qa.chunking import chunk_document
    from qa.config import Config
    from qa.corpus import load_corpus
    from qa.pipeline import Assistant

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    server = None
    result: dict = {"docs_synthetic": args.size, "mode": args.mode, "code": code_version()}
    try:
        url = ""
        if args.mode == "server":
            data = Path(args.reuse_store_path) if args.reuse_store_path else work / "server_data"
            server, url = start_server(data, work / "server.log")
        index_dir = work / "index"
        if args.reuse_store_path and args.mode == "embedded":  # queries on a store built earlier
            index_dir = Path(args.reuse_store_path).parent
        config = Config.load(corpus_dir=args.corpus, index_dir=index_dir, chroma_url=url, collection="bench")
        started = time.perf_counter()
        assistant = Assistant(config)
        result["startup_s"] = time.perf_counter() - started
        assistant.embedder._model.encode(["warm-up"] * 8, show_progress_bar=False)  # first-call costs, untimed
        if args.reuse_store_path:
            result["reused_store"] = args.reuse_store_path
            return measure_queries(args, assistant, result)
        if args.from_store:
            started = time.perf_counter()
            result["copied_chunks"] = copy_records(args.from_store, Path(args.corpus), assistant.store)
            result.update(copied_from=args.from_store, copy_s=time.perf_counter() - started)
            return measure_queries(args, assistant, result)
        timers = Timers()
        timers.wrap(qa.corpus, "load_document", "load_corpus")
        timers.wrap(qa.indexer, "chunk_document", "chunking")
        timers.wrap(qa.indexer, "embed_texts", "embedding")
        for name, label in (("add", "chroma_add"), ("delete_document", "chroma_delete"), ("documents", "chroma_scan")):
            timers.wrap(assistant.store, name, label)
        rss = PeakRSS()
        result["rss_before_mb"] = sum(rss.sample()) / 2**20
        with rss:
            report = assistant.index(progress=False)
        result.update(index_s=report.seconds, chunks=report.chunks_total, chunks_written=report.chunks_written,
                      docs=len(report.added), skipped=len(report.skipped),
                      chunks_per_s=report.chunks_written / report.seconds,
                      peak_rss_mb=rss.peak_total / 2**20, peak_rss_client_mb=rss.peak_self / 2**20,
                      peak_rss_server_mb=rss.peak_children / 2**20)
        profile = dict(timers.seconds)
        profile["other"] = report.seconds - sum(profile.values())
        result["index_profile_s"] = profile
        result["sentences"] = assistant.store.sentences.count()

        if args.baseline:
            chunk_texts, sentence_texts = [], []
            for doc in load_corpus(Path(args.corpus)).documents:
                chunks = chunk_document(doc, config.chunk_chars, config.chunk_overlap)
                chunk_texts.extend(c.text for c in chunks)
                seen = set()
                for c in chunks:
                    for s in c.sentences:
                        if s not in seen:
                            seen.add(s)
                            sentence_texts.append(doc.text[s.start:s.end])
            model = assistant.embedder._model  # the very SentenceTransformer indexing used
            torch.set_num_threads(config.index_threads or os.cpu_count())  # as indexing runs it
            spent = []
            for texts in (chunk_texts, sentence_texts):
                t = time.perf_counter()
                model.encode(texts, batch_size=config.embed_batch_size, normalize_embeddings=True,
                             show_progress_bar=False)
                spent.append(time.perf_counter() - t)
            raw = sum(spent)
            texts = len(chunk_texts) + len(sentence_texts)
            result.update(encoder_s=raw, encoder_chunk_texts_s=spent[0], encoder_sentence_texts_s=spent[1],
                          encoder_texts=texts, encoder_chunks_per_s=report.chunks_written / raw,
                          encoder_chunk_texts_only_per_s=len(chunk_texts) / spent[0],
                          encoder_texts_per_s=texts / raw)
        measure_queries(args, assistant, result)
        store_path = work / "server_data" if server else config.chroma_dir
        result["store_mb"] = dir_bytes(store_path) / 2**20
    finally:
        if server is not None:
            stop_server(server)
    return result


# -- orchestrator ---------------------------------------------------------------------------
def run(args) -> list[dict]:
    from make_corpus import generate

    base = Path(args.work or tempfile.mkdtemp(prefix="qa_bench_"))
    wiped = [base / name for size in args.docs
             for name in (f"corpus_{size}", *(f"run_{size}_{mode}" for mode in args.modes))]
    for kept in filter(None, (args.store, args.from_store)):  # each run's corpus and folder are emptied first
        if any(Path(kept).resolve().is_relative_to(w.resolve()) for w in wiped):
            raise SystemExit(f"{kept} lies in a folder this run would empty: choose another --work than {base}")
    results = []
    for size in args.docs:
        corpus = base / f"corpus_{size}"
        generate(size, corpus, args.seed)
        for i, mode in enumerate(args.modes):
            work = base / f"run_{size}_{mode}"
            if work.exists():
                shutil.rmtree(work)
            cmd = [sys.executable, __file__, "--worker", "--size", str(size), "--mode", mode, "--corpus", str(corpus),
                   "--work", str(work), "--latency-questions", str(args.latency_questions)]
            cmd += ["--baseline"] if not args.no_encoder_baseline else []
            if args.store:
                cmd += ["--reuse-store-path", args.store]
            elif args.from_store:
                cmd += ["--from-store", args.from_store]
            elif mode == "server" and args.reuse_store:
                cmd += ["--reuse-store-path", str(base / f"run_{size}_embedded" / "index" / "chroma")]
            if i == 0:
                cmd += ["--quality"]
            print(f"[{time.strftime('%H:%M:%S')}] docs={size} mode={mode} ...", file=sys.stderr, flush=True)
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(f"  timed out after {args.timeout} s", file=sys.stderr)
                results.append({"docs_synthetic": size, "mode": mode, "error": f"timeout {args.timeout} s"})
                continue
            lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
            if done.returncode != 0 or not lines:
                print(done.stderr[-3000:], file=sys.stderr)
                results.append({"docs_synthetic": size, "mode": mode, "error": f"exit {done.returncode}"})
                continue
            result = json.loads(lines[-1])
            done_what = (f"indexed in {result['index_s']:.1f} s" if "index_s" in result
                         else "copied" if "copy_s" in result else "served")
            print(f"  {result['chunks']} chunks {done_what}, p50 {result['p50_ms']:.0f} ms", file=sys.stderr, flush=True)
            results.append(result)
        if not args.keep:
            shutil.rmtree(corpus, ignore_errors=True)
    if not args.keep and not args.work:
        shutil.rmtree(base, ignore_errors=True)
    return results


def fill_shared(results: list[dict]) -> None:
    """Indexing vs encoder-only throughput, each run against its own encoder timing (the CPU is
    shared, so timings taken minutes apart are not comparable)."""
    for r in results:
        if "chunks_per_s" in r and "encoder_chunks_per_s" in r:
            r["index_to_encoder_ratio"] = r["chunks_per_s"] / r["encoder_chunks_per_s"]


def table(results: list[dict]) -> str:
    head = ("| synthetic docs | chunks | sentences | mode | index s | chunks/s | encoder-only chunks/s | ratio "
            "| encoder, chunk texts only/s "
            "| peak RSS MB (client + server) | no-op re-index s | retriever build s | p50 ms | p95 ms | hit@5 | answer acc "
            "| code |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['docs_synthetic']} | | | {r['mode']} | {r['error']} |" + " |" * 12)
            continue
        enc = f"{r['encoder_chunks_per_s']:.2f}" if "encoder_chunks_per_s" in r else "–"
        ratio = f"{r['index_to_encoder_ratio']:.2f}" if "index_to_encoder_ratio" in r else "–"
        enc_chunks = f"{r['encoder_chunk_texts_only_per_s']:.1f}" if "encoder_chunk_texts_only_per_s" in r else "–"
        quality = (f"{r['hit_at_5']:.3f} ({r['hit_questions']}) | {r['answer_accuracy']:.3f} ({r['answer_questions']})"
                   if "hit_at_5" in r else "– | –")
        if "index_s" in r:
            indexing = f"{r['index_s']:.1f} | {r['chunks_per_s']:.2f}"
            rss = f"{r['peak_rss_mb']:.0f}"
            if r["mode"] == "server":
                rss += f" ({r['peak_rss_client_mb']:.0f} + {r['peak_rss_server_mb']:.0f})"
        elif "copy_s" in r:  # --from-store: records copied from a larger run's store, not embedded again
            indexing, rss = "(copied) | –", "–"
        else:  # --reuse-store: the server served the embedded run's store, nothing was indexed
            indexing, rss = "(embedded store) | –", "–"
        lines.append(f"| {r['docs_synthetic']} | {r['chunks']} | {r['sentences']} | {r['mode']} | {indexing} "
                     f"| {enc} | {ratio} | {enc_chunks} | {rss} "
                     f"| {r['noop_reindex_s']:.2f} | {r['retriever_build_s']:.2f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} "
                     f"| {quality} | {r.get('code', '–')} |")
    return "\n".join(lines)


def profile_table(results: list[dict]) -> str:
    keys = ["load_corpus", "chunking", "embedding", "chroma_add", "chroma_delete", "chroma_scan", "other"]
    lines = ["| synthetic docs | mode | index s | " + " | ".join(keys) + " |", "|" + "---|" * (len(keys) + 3)]
    for r in results:
        if "index_profile_s" not in r:
            continue
        p = r["index_profile_s"]
        cells = [f"{p.get(k, 0):.1f} ({100 * p.get(k, 0) / r['index_s']:.0f}%)" for k in keys]
        lines.append(f"| {r['docs_synthetic']} | {r['mode']} | {r['index_s']:.1f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def query_profile_table(results: list[dict]) -> str:
    """Mean ms per question in each step of answering, per run that recorded it."""
    rows = [r for r in results if "query_profile_ms" in r]
    if not rows:
        return ""
    steps = list(rows[0]["query_profile_ms"])
    lines = ["| step (ms per question) | " + " | ".join(f"{r['chunks']:,} {r['mode']}" for r in rows) + " |",
             "|" + "---|" * (len(rows) + 1)]
    for step in steps:
        lines.append(f"| {step} | " + " | ".join(f"{r['query_profile_ms'].get(step, 0.0):.1f}" for r in rows) + " |")
    return "\n".join(lines)


def extrapolate(results: list[dict]) -> dict:
    """Hours to index TARGET_CHUNKS at the throughput measured on the largest corpus, per mode."""
    out = {}
    for mode in sorted({r["mode"] for r in results if "chunks_per_s" in r}):
        largest = max((r for r in results if r["mode"] == mode and "chunks_per_s" in r), key=lambda r: r["chunks"])
        out[mode] = {"from_chunks": largest["chunks"], "chunks_per_s": largest["chunks_per_s"],
                     "hours_for_100k_chunks": TARGET_CHUNKS / largest["chunks_per_s"] / 3600}
    return out


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latest = {(r["mode"], r["chunks"]): r for r in results if "p50_ms" in r}  # a re-run replaces a point
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode, colour in zip(MODES, ("tab:blue", "tab:orange")):
        rows = sorted((r for (m, _), r in latest.items() if m == mode), key=lambda r: r["chunks"])
        if not rows:
            continue
        x = [r["chunks"] for r in rows]
        ax1.plot(x, [r["p50_ms"] for r in rows], "o-", color=colour, label=f"{mode} p50")
        ax1.plot(x, [r["p95_ms"] for r in rows], "s--", color=colour, label=f"{mode} p95")
        indexed = [r for r in rows if "chunks_per_s" in r]
        ax2.plot([r["chunks"] for r in indexed], [r["chunks_per_s"] for r in indexed], "o-", color=colour,
                 label=f"{mode} indexing")
    enc: dict[int, list[float]] = {}
    for r in results:
        if "encoder_chunks_per_s" in r:
            enc.setdefault(r["chunks"], []).append(r["encoder_chunks_per_s"])
    if enc:
        xs = sorted(enc)
        ax2.plot(xs, [statistics.fmean(enc[x]) for x in xs], "k:", marker="^", label="encoder only (mean of runs)")
    for ax, title, ylabel in ((ax1, "Query latency (rerank mode)", "ms per question"),
                              (ax2, "Indexing throughput", "chunks / s")):
        ax.set_xscale("log")
        ax.set_xlabel("chunks in the index (log)")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    ax2.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scale benchmark: embedded vs server Chroma.")
    parser.add_argument("--docs", type=int, nargs="+", default=[0, 30, 145],
                        help="synthetic documents per corpus size (~13 chunks each, plus 98 real chunks); "
                             "1k/10k/100k chunks is about 70/760/7700")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-questions", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per (size, mode) run")
    parser.add_argument("--work", help="work folder (default: a temporary one, removed)")
    parser.add_argument("--keep", action="store_true", help="keep corpora and stores")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--append", action="store_true",
                        help="add these runs to an existing scale.json in --out instead of replacing it")
    parser.add_argument("--replot", action="store_true",
                        help="only redraw the plot and tables from an existing scale.json in --out")
    parser.add_argument("--reuse-store", action="store_true",
                        help="server mode serves the store the embedded run just built (`chroma run --path` on "
                             "it) and measures queries only, instead of indexing again: for the largest sizes")
    parser.add_argument("--store", metavar="PATH",
                        help="measure queries only, on the embedded store at PATH (an index/chroma folder) built "
                             "earlier for this corpus, e.g. by a resumed `qa index`; server mode serves it")
    parser.add_argument("--from-store", metavar="PATH",
                        help="instead of indexing, copy the corpus's records from the embedded store of a larger "
                             "run of the same seed (PATH: its index/chroma folder), then measure queries")
    parser.add_argument("--no-encoder-baseline", action="store_true",
                        help="skip the encoder-only timing (saves about half an indexing run each)")
    # worker (internal)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--quality", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reuse-store-path", dest="reuse_store_path", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args)))
        return 0

    if args.replot:
        saved = json.loads((args.out / "scale.json").read_text(encoding="utf-8"))
        results, extra = saved["runs"], saved["extrapolation"]
    else:
        started = time.time()
        results = run(args)
        fill_shared(results)
        args.out.mkdir(parents=True, exist_ok=True)
        import torch

        from qa.config import Config

        config = Config.load()
        meta = {"command": "python bench/scale.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "wall_s": time.time() - started,
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                            "python": platform.python_version(), "torch_threads_query": config.torch_threads,
                            "torch_threads_index": config.index_threads or os.cpu_count(),
                            "embed_batch_size": config.embed_batch_size,
                            "torch": torch.__version__},
                "seed": args.seed, "eval_set": str(EVAL_SET.relative_to(ROOT))}
        if args.append and (args.out / "scale.json").exists():
            saved = json.loads((args.out / "scale.json").read_text(encoding="utf-8"))
            earlier = saved["meta"] if isinstance(saved["meta"], list) else [saved["meta"]]
            meta = earlier + [meta]
            results = saved["runs"] + results
        extra = extrapolate(results)
        (args.out / "scale.json").write_text(json.dumps({"meta": meta, "runs": results, "extrapolation": extra},
                                                        indent=2), encoding="utf-8")
    if any("p50_ms" in r for r in results):
        plot(results, args.out / "scale.png")
    print(table(results))
    print()
    print(profile_table(results))
    print()
    print(query_profile_table(results))
    print()
    for mode, e in sorted(extra.items()):
        print(f"{mode}: {e['chunks_per_s']:.2f} chunks/s at {e['from_chunks']} chunks -> "
              f"~{e['hours_for_100k_chunks']:.1f} h for {TARGET_CHUNKS:,} chunks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
