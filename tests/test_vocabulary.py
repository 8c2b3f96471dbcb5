"""Related words under the real bundled bi-encoder: a word the documents never use is mapped to
the document words nearest in meaning; names and words the documents use are not."""

import pytest

from qa.schema import Chunk
from qa.vocabulary import CACHE_FILE, LongerForms, Vocabulary, merge

pytestmark = pytest.mark.slow

TEXT = ("Thousands of North Korean workers toil in factories. Beijing invested in solar power in January. "
        "The Solar Company of Dandong sells panels.")


@pytest.fixture(scope="module")
def embedder():
    from qa.embedding import load_embedder

    return load_embedder("", 16, 1)


def _vocabulary(embedder, cache_dir=None) -> Vocabulary:
    return Vocabulary([Chunk("d#0", "d", "T", 0, 0, len(TEXT), TEXT, ())], embedder, cache_dir, "minilm")


def test_an_unknown_word_stands_for_the_document_words_nearest_to_it(embedder):
    vocabulary = _vocabulary(embedder)
    assert "januari" not in vocabulary.stems and "dandong" not in vocabulary.stems  # names are no common words
    known = set(vocabulary.stems) | {"januari", "dandong"}
    related = dict(vocabulary.related("How many labourers work in photovoltaic plants?", known, 0.6))
    assert related["labour"][0][0] == "worker" and related["labour"][0][1] >= 0.6
    assert related["photovolta"][0][0] == "solar"
    assert "plant" not in related or all(sim >= 0.6 for _, sim in related["plant"])
    # a name is never mapped ("December" would come out next to "January"), nor a word the documents use
    assert "decemb" not in dict(vocabulary.related("What happened in December to the workers?", known, 0.6))
    assert "worker" not in dict(vocabulary.related("What happened to the workers?", known, 0.6))
    assert vocabulary.related("How many labourers?", known, 1.01) == ()  # > 1: off
    # a compound names something by words the documents use one by one; a form of a question's own
    # word ("explains") asks, it says nothing of the answer
    asked = dict(vocabulary.related("What explains the factory-workers' photovoltaic plans?", known, 0.6))
    assert "photovolta" in asked and not {"explain", "factory-work"} & set(asked)


def test_the_document_words_nearest_to_any_word_used_or_not(embedder):
    vocabulary = _vocabulary(embedder)
    assert vocabulary.nearest("labourers", 0.5, 3)[0][0] == "worker"
    assert vocabulary.nearest("workers", 0.5, 3)[0] == ("worker", 1.0)  # a word the documents use: itself first
    assert len(vocabulary.nearest("workers", 0.0, 2)) == 2 and vocabulary.nearest("workers", 1.01, 3) == ()

def test_the_vectors_are_kept_in_the_index_folder_and_only_new_words_embedded(embedder, tmp_path, monkeypatch):
    first = _vocabulary(embedder, tmp_path)
    files = list(tmp_path.glob(CACHE_FILE.format(key="*")))
    assert len(files) == 1
    import qa.vocabulary

    embedded = []
    real = qa.vocabulary.embed_texts
    monkeypatch.setattr(qa.vocabulary, "embed_texts", lambda model, texts: embedded.extend(texts) or real(model, texts))
    again = _vocabulary(embedder, tmp_path)
    assert embedded == [] and (again.vectors == first.vectors).all()  # read back, nothing embedded
    text = TEXT + " Most farmers grow grain."
    more = Vocabulary([Chunk("d#0", "d", "T", 0, 0, len(text), text, ())], embedder, tmp_path, "minilm")
    assert sorted(embedded) == ["farmers", "grain", "grow"]  # only the new words
    assert more.vectors.shape == (len(more.stems), first.vectors.shape[1])
    files[0].write_bytes(b"broken")  # a damaged cache is rebuilt, not fatal
    embedded.clear()
    rebuilt = _vocabulary(embedder, tmp_path)
    assert len(embedded) == len(rebuilt.stems)
    assert float(abs(rebuilt.vectors - first.vectors).max()) < 1e-5


def test_a_question_term_stands_for_the_longer_document_terms_it_begins():
    forms = LongerForms({"border", "borderlin", "borders", "metal", "metallurg", "sanction", "sanctions", "trade"})
    related = dict(forms.related({"border", "metal", "trade", "sanctions"}, 0.8))
    assert related == {"border": (("borderlin", 0.8), ("borders", 0.8))}  # "metal" is too short a stem to begin words
    assert forms.related({"border"}, 0.0) == ()  # 0: off
    # a term related both ways keeps both
    assert merge((("defenc", (("defens", 0.9),)),), (("defenc", (("defenceless", 0.8),)),)) == (
        ("defenc", (("defens", 0.9), ("defenceless", 0.8))),)
