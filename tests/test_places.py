"""Country mentions by the gazetteer, and the near-miss check built on them (qa/places.py)."""

import pytest

from qa.places import conflicting_country, mentions


@pytest.mark.parametrize("text, country", [
    ("Beijing’s shipments grew", "china"),
    ("the PRC’s trade volume", "china"),
    ("Chinese firms", "china"),
    ("the People’s Republic of China", "china"),
    ("the DPRK has devised", "north korea"),
    ("Democratic People's Republic of Korea", "north korea"),
    ("officials in Pyongyang", "north korea"),
    ("North Korean workers", "north korea"),
    ("U.S. policymakers", "united states"),
    ("Moscow's war", "russia"),
])
def test_every_name_of_a_country_names_it(text, country):
    assert [m.country for m in mentions(text)] == [country]


def test_the_longest_name_wins_and_words_around_it_are_kept():
    found = mentions("trade between China and the Republic of Korea")
    assert [(m.country, m.before, m.after) for m in found] == [("china", "between", "and"),
                                                                ("south korea", "and", "")]


def test_iso_codes_and_parts_of_words_are_no_mention():
    assert mentions("IT firms in Chinatown") == ()


def _conflict(question: str, sentence: str, window: str | None = None) -> bool:
    return conflicting_country(mentions(question), sentence, window or sentence)


@pytest.mark.parametrize("question, sentence", [
    ("What share of the components in Russian drones comes from North Korea?",
     "Additionally, 80% of the critical electronic components in Russian drones come from China."),
    ("How many North Korean citizens are fighting for the Russian army?",
     "Zelenskyy also stated that at least 155 Chinese citizens are fighting for the Russian army."),
    ("In how many factories are Russia and North Korea cooperating?",
     "Ivashchenko confirmed cooperation between Russia and China in at least 20 factories."),
])
def test_another_country_in_the_same_place_is_a_conflict(question, sentence):
    assert _conflict(question, sentence)


def test_another_name_for_the_same_country_is_no_conflict():
    assert not _conflict("How much have Beijing's shipments to Moscow grown?",
                         "Chinese exports to Russia have surged by more than 60%.")


def test_the_country_asked_about_named_nearby_is_no_conflict():
    sentence = "Additionally, 80% of the components come from China."
    assert not _conflict("What share of the components comes from North Korea?", sentence,
                         window=sentence + " North Korea supplies the rest.")


def test_a_country_in_another_place_is_no_conflict():
    assert not _conflict("What does North Korea export?", "China buys the coal that comes from Russia.")
    assert not _conflict("What is the capital of Peru?", "Trade grew.")
