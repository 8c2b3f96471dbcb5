"""The query adapter: its arithmetic, its file, its fit on data with a known answer, and that the
reranker ranks sentences by it while the confidence keeps the model's own similarity."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.adapter import ADAPTER_FILE, OFF, Example, QueryAdapter, fit_adapter, load_adapter
from qa.config import Config
from qa.evaluation import load_eval_set
from qa.scoring import analyse
from qa.store import sentence_id


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def test_no_change_is_the_identity_and_vectors_stay_unit_length():
    q = _unit(np.arange(1, 5, dtype=np.float32))
    assert np.allclose(QueryAdapter(np.zeros((4, 4), np.float32)).apply(q), q)
    turned = QueryAdapter(np.eye(4, dtype=np.float32)[::-1]).apply(q)
    assert np.linalg.norm(turned) == pytest.approx(1.0) and not np.allclose(turned, q)


def test_a_vector_of_another_size_is_a_clear_error():
    with pytest.raises(ValueError, match="QA_QUERY_ADAPTER=off"):
        QueryAdapter(np.zeros((4, 4), np.float32)).apply(np.ones(3))


def test_save_load_round_trip_off_and_missing(tmp_path):
    adapter = QueryAdapter(np.random.default_rng(0).normal(size=(4, 4)).astype(np.float32), {"sets": ["a"]})
    adapter.save(tmp_path / "a.npz")
    loaded = load_adapter(str(tmp_path / "a.npz"))
    assert np.array_equal(loaded.delta, adapter.delta) and loaded.meta == {"sets": ["a"]}
    assert load_adapter(OFF) is None
    with pytest.raises(FileNotFoundError, match="eval/adapter.py"):
        load_adapter(str(tmp_path / "missing.npz"))


def test_the_shipped_adapter_fits_the_model_and_never_saw_the_held_out_sets():
    adapter = load_adapter("")
    assert adapter.delta.shape == (384, 384)
    held_out = {"eval/holdout.jsonl", "eval/unseen.jsonl", "eval/novel.jsonl", "eval/sealed.jsonl", "eval/tail.jsonl",
                "eval/plus.jsonl", "eval/keen.jsonl", "eval/gauge.jsonl", "eval/audit.jsonl",
                "eval/memo.jsonl", "eval/desk.jsonl", "eval/quill.jsonl", "eval/vault.jsonl", "eval/ember.jsonl",
                "eval/orbit.jsonl", "eval/prism.jsonl"}
    assert not held_out & set(adapter.meta["sets"])
    assert json.dumps(adapter.meta)  # what it was fitted on travels with it
    assert ADAPTER_FILE.is_file()


def _synthetic(rng, turn: np.ndarray, n: int) -> list[Example]:
    """Questions whose answer sentence is the question vector turned by ``turn``; among the
    distractors, one restates the question (the question's own vector, slightly blurred)."""
    found = []
    for _ in range(n):
        q = _unit(rng.normal(size=8))
        answer = _unit(turn @ q)
        restating = _unit(q + 0.05 * rng.normal(size=8))
        others = _unit(rng.normal(size=(4, 8)))
        sentences = np.vstack([answer, restating, others]).astype(np.float32)
        found.append(Example(q, sentences, np.array([True] + [False] * 5), np.zeros(6, np.float32)))
    return found


def test_the_fit_learns_a_turn_that_holds_for_questions_it_never_saw():
    rng = np.random.default_rng(0)
    turn = np.linalg.qr(rng.normal(size=(8, 8)))[0]
    turn = _unit(np.eye(8) + 1.5 * turn)  # answers lean away from the question's own direction
    train, test = _synthetic(rng, turn, 200), _synthetic(rng, turn, 100)

    def top1(adapter):
        hits = 0
        for e in test:
            q = e.query if adapter is None else adapter.apply(e.query)
            hits += int(np.argmax(e.sentences @ q) == 0)
        return hits / len(test)

    before = top1(None)
    after = top1(fit_adapter(train, w_semantic=1.0, l2=1e-4, steps=200))
    assert before < 0.5  # the restating sentence wins without the adapter
    assert after > 0.9


@pytest.mark.slow
def test_sentences_are_ranked_by_the_adapted_similarity_and_the_confidence_reads_the_model_s(assistant):
    from qa.pipeline import Assistant

    q = analyse("Why did China keep supporting North Korea's economy?")
    retriever = assistant.retriever
    pool, embedding = retriever.candidates(q, "rerank", 5, None)
    adapted = retriever.reranker.features(q, embedding, pool).sentences
    adapter = load_adapter("")
    query = adapter.apply(embedding)
    s = adapted[0]
    _, vectors = retriever.store.embeddings([], [sentence_id(s.passage.chunk, s.sentence)])
    vector = np.asarray(vectors[sentence_id(s.passage.chunk, s.sentence)], dtype=np.float32)
    assert s.adapted == pytest.approx(float(query @ vector), abs=1e-5)
    assert s.semantic == pytest.approx(float(np.asarray(embedding, dtype=np.float32) @ vector), abs=1e-5)
    assert any(abs(x.adapted - x.semantic) > 1e-3 for x in adapted)

    plain = Assistant(assistant.config.replace(query_adapter=OFF)).retriever
    assert plain.reranker.adapter is None
    assert all(x.adapted is None for x in plain.reranker.features(q, embedding, pool).sentences)


def test_fitting_nothing_is_a_clear_error():
    with pytest.raises(ValueError, match="no question"):
        fit_adapter([], w_semantic=0.45)


def _fitting_script():
    """eval/adapter.py as a module."""
    from tests.conftest import eval_script

    return eval_script("adapter")


@pytest.mark.slow
def test_the_fitting_script_writes_an_adapter_the_assistant_loads(tmp_path, corpus_copy, capsys, monkeypatch):
    """eval/adapter.py end to end on two small sets (the shipped fit uses nine)."""
    from tests.conftest import ROOT

    monkeypatch.setenv("QA_CORPUS_DIR", str(corpus_copy))
    script = _fitting_script()
    out = tmp_path / "adapter.npz"
    assert script.main(["--set", str(ROOT / "eval" / "blind.jsonl"), str(ROOT / "eval" / "abstain.jsonl"),
                        "--index-dir", str(tmp_path / "index"), "--out", str(out)]) == 0
    adapter = load_adapter(str(out))
    assert adapter.delta.shape == (384, 384) and np.abs(adapter.delta).max() > 0
    assert adapter.meta["examples"] > 50
    printed = capsys.readouterr().out
    assert "abstain_threshold = " in printed and "confidence = (" in printed


@pytest.mark.slow
def test_each_question_s_outcome_is_recorded_as_counted(assistant):
    """What --loso --details writes: one record per question, agreeing with the counts."""
    from tests.conftest import ROOT

    script = _fitting_script()
    items = load_eval_set(ROOT / "eval" / "abstain.jsonl")[:8]  # answerable questions and near misses
    rows = script.tune.collect(assistant, items)
    details = []
    counts = script.answer_set(assistant, rows, assistant.config, details)
    assert [d["id"] for d in details] == [i["id"] for i in items]
    assert counts["right"] == sum(d["right"] for d in details)
    assert counts["abstentions"] == sum(d["abstained"] for d in details if not d["answerable"])
    assert counts["false_abstentions"] == sum(d["abstained"] for d in details if d["answerable"])
    assert counts["unanswerable"] == sum(not d["answerable"] for d in details) > 0


def test_the_threshold_is_set_on_confidences_of_sets_the_model_never_saw():
    """A set whose answerable questions look like another set's near misses: fitted with them in,
    the model is sure of them; fitted without them, it is not, and the threshold is set there."""
    script, rng = _fitting_script(), np.random.default_rng(0)
    config = Config()
    features = len(script.CONFIDENCE_FEATURES)

    def a_set(answerable_at: float, near_miss_at: float) -> tuple[np.ndarray, np.ndarray]:
        x = rng.uniform(0, 0.2, size=(40, features))
        x[:20, 0], x[20:, 0] = answerable_at, near_miss_at  # the first feature is the similarity
        return x, np.r_[np.ones(20), np.zeros(20)]

    matrices = [a_set(0.9, 0.5), a_set(0.9, 0.5), a_set(0.55, 0.3)]
    fitted = script.fitted_confidence(matrices, config)
    x, y = np.vstack([m[0] for m in matrices]), np.concatenate([m[1] for m in matrices])
    out_of_set = np.concatenate([script.tune.predict(script.tune.fit_logistic(*script._pooled(matrices, i)), m[0])
                                 for i, m in enumerate(matrices)])
    assert fitted.abstain_threshold == pytest.approx(script.tune.pick_threshold(out_of_set, y))
    in_sample = script.tune.pick_threshold(script.tune.predict(np.array(fitted.confidence), x), y)
    assert fitted.abstain_threshold != pytest.approx(in_sample)  # the third set's answers are less sure than the fit thinks


def test_the_threshold_errs_least_and_is_the_highest_of_equals():
    """A declined answerable question and an answered unanswerable one cost alike: at 0.6 one near
    miss is answered, at 0.8 one answerable question declined; 0.8 is the higher."""
    script = _fitting_script()
    conf, y = np.array([0.1, 0.2, 0.6, 0.7, 0.8, 0.9]), np.array([0, 0, 1, 0, 1, 1])
    assert script.tune.pick_threshold(conf, y) == pytest.approx(0.8, abs=1e-5)
    assert script.tune.pick_threshold(np.array([0.3, 0.9]), np.array([0, 1])) == pytest.approx(0.9, abs=1e-5)


def test_details_without_loso_is_a_clear_error(capsys):
    with pytest.raises(SystemExit):
        _fitting_script().main(["--details", "out.jsonl"])
    assert "--details and --fast go with --loso" in capsys.readouterr().err


@pytest.mark.slow
def test_the_quick_leave_one_set_out_answers_each_set_with_a_fold_that_never_saw_it(assistant, capsys):
    """--loso --fast: every set's questions recorded once, the totals the sum of the sets'."""
    from qa.pipeline import Assistant
    from tests.conftest import ROOT

    script = _fitting_script()
    config = assistant.config.replace(query_adapter=OFF)
    plain = Assistant(config)  # collected with the adapter off, as the script collects
    rows_by_set = {name: script.tune.collect(plain, load_eval_set(ROOT / "eval" / f"{name}.jsonl")[:10])
                   for name in ("abstain", "blind", "fit")}
    data = {name: script.examples(plain, rows, config) for name, rows in rows_by_set.items()}
    details = []
    script.quick_leave_one_set_out(plain, rows_by_set, data, config, details)
    assert [(d["set"], d["id"]) for d in details] == [(name, item["id"]) for name, rows in rows_by_set.items()
                                                      for item, _ in rows]
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in printed if not line.startswith(" ")] == ["abstain", "blind", "fit", "all"]
    right = sum(d["right"] for d in details)
    assert f"with    right {right}/{sum(d['answerable'] for d in details)}," in printed[-1]
