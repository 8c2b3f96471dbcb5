import pytest

from qa.chunking import chunk_document, is_reference, split_sentences
from qa.corpus import load_corpus
from qa.schema import Document
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def documents():
    return load_corpus(CORPUS).documents


def test_sentences_keep_offsets_and_drop_list_markers():
    text = "## Key Points\n\n1. China's role: 80% of cases. U.S. officials agree.\n- A bullet item here\n"
    spans = [text[s.start:s.end] for s in split_sentences(text)]
    assert spans == ["Key Points", "China's role: 80% of cases.", "U.S. officials agree.", "A bullet item here"]


@pytest.mark.parametrize("size,overlap", [(400, 0), (800, 1), (1200, 2)])
def test_every_chunk_is_an_exact_span(documents, size, overlap):
    for doc in documents:
        chunks = chunk_document(doc, size, overlap)
        assert chunks and [c.ordinal for c in chunks] == list(range(len(chunks)))
        for chunk in chunks:
            assert doc.text[chunk.start:chunk.end] == chunk.text
            assert len(chunk.text) <= size or len(chunk.sentences) == 1
            for s in chunk.sentences:
                assert chunk.start <= s.start < s.end <= chunk.end
                assert doc.text[s.start:s.end].strip() == doc.text[s.start:s.end]
        # no sentence of the document is lost between chunks
        covered = {s for c in chunks for s in c.sentences}
        assert covered == set(split_sentences(doc.text))


def test_chunk_ids_change_with_content_and_settings():
    doc = Document("d.md", "T", "S", "One sentence here. Another sentence there.\n", "h1")
    changed = Document("d.md", "T", "S", doc.text, "h2")
    assert chunk_document(doc)[0].chunk_id != chunk_document(changed)[0].chunk_id
    assert chunk_document(doc, 800)[0].chunk_id != chunk_document(doc, 400)[0].chunk_id


@pytest.mark.parametrize("line,reference", [
    ("Bernal, G. (2023). “North Korea turns to Russia, China as Asia enters ‘Cold War 2.0’.” Nikkei Asia.", True),
    ("[8] Duchâtel. M, Schell. P (2013) China’s policy on North Korea. Economic engagement, SIPRI, p.17", True),
    ("[1]Rozman. G (2019) Joint U.S-Korea Academic studies. The east Asian whirlpool.", True),
    ("[3] Rumer. E, Sokolsky. R and Vladicic. A (2020) Russia in the Asia-Pacific: Less Than Meets the Eye", True),
    ("[13] U.S.-China Economic and Security Review Commission, The China-North Korea Strategic Rift, p.10", True),
    ("[5] U.S.-China Economic and Security Review Commission, Report to Congress, 11/2017", True),
    # a note that cites a work in passing still states something
    ("[11] In the case of infrastructure, in 2015, a bridge financed by Beijing was opened.", False),
    ("[2]Notable among the tests is the launch in 2022. See Riccardo Rossi (2022), North Korea’s new missile.", False),
    ("China (2023) traded $2.3 billion with North Korea.", False),
    ("Trade rose in 2023 (2022 was lower).", False),
])
def test_bibliography_entries_are_recognised_by_their_opening_authors_and_year(line, reference):
    text = "Intro line.\n" + line + "\n"
    sentences = split_sentences(text)[1:]
    assert sentences and all(is_reference(text, s) == reference for s in sentences)
