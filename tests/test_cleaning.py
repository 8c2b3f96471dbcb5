from qa.cleaning import clean_text, split_front_matter

RAW = """top of page
lhpgop

Home / War / China: Production Leased

A real paragraph.   With two  sentences.
Photo caption here
Photo caption here

  • a bullet point

Tagged:

Leave a Reply
Bình luận
©2020 di extrema ratio. Creato con Wix.com
bottom of page"""


def test_clean_text_drops_chrome_and_keeps_content():
    text = clean_text(RAW)
    for chrome in ("top of page", "bottom of page", "Leave a Reply", "Tagged", "Bình luận", "Wix.com", "Home / War"):
        assert chrome not in text
    assert "A real paragraph. With two sentences." in text
    assert text.count("Photo caption here") == 1
    assert "- a bullet point" in text
    assert "\n\n\n" not in text


def test_clean_text_drops_control_characters():
    assert clean_text("a\x00b\x07c\n") == "abc\n"


def test_front_matter_split():
    meta, body = split_front_matter("---\ntitle: A: B\nsource: Somewhere\n---\n\nBody text.\n")
    assert meta == {"title": "A: B", "source": "Somewhere"}
    assert body == "Body text.\n"
    assert split_front_matter("No front matter.") == ({}, "No front matter.")
