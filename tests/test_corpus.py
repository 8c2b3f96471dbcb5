from qa.corpus import load_corpus, load_document
from tests.conftest import CORPUS


def test_default_corpus_loads_with_titles_and_sources():
    result = load_corpus(CORPUS)
    assert len(result.documents) == 5 and not result.skipped
    for doc in result.documents:
        assert doc.title and doc.source and len(doc.text) > 2000
        assert "top of page" not in doc.text and "Leave a Reply" not in doc.text


def test_bad_files_are_skipped_with_reasons_and_the_rest_loads(tmp_path):
    (tmp_path / "good.txt").write_text("A good document about sanctions. It has two sentences.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02garbage" * 100)
    (tmp_path / "blank.md").write_text("\n\n   \n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 talks in Pyongyang went on.\n".encode("latin-1"))
    result = load_corpus(tmp_path)
    assert sorted(d.doc_id for d in result.documents) == ["good.txt", "latin1.txt"]
    reasons = dict(result.skipped)
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.md"]
    assert "no text" in reasons["blank.md"]
    assert "unsupported" in reasons["image.png"]
    assert "Café" in next(d for d in result.documents if d.doc_id == "latin1.txt").text


def test_html_becomes_text_without_scripts(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>A Title</title><script>alert(1)</script></head><body><nav>Menu</nav>"
                    "<h1>Heading</h1><p>First paragraph.</p><p>Second <b>bold</b> one.</p></body></html>")
    doc = load_document(page)
    assert doc.title == "A Title"
    assert "alert" not in doc.text and "Menu" not in doc.text
    assert "First paragraph." in doc.text and "Second" in doc.text
