"""Countries by the gazetteer, other names, and the near-miss check built on them (qa/mentions.py)."""

import pytest

from qa.mentions import (conflicting_mention, countries_in, flows, initials, mentions, missing_country, other_source,
                         reversed_flow, unshared_border, without_countries)


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
    # a demonym several share is the most populous one's
    ("American officials", "united states"),
    ("Indian refiners", "india"),
])
def test_every_name_of_a_country_names_it(text, country):
    assert [(m.key, m.country) for m in mentions(text)] == [(country, True)]


def test_the_longest_name_wins_and_words_around_it_are_kept():
    found = mentions("trade between China and the Republic of Korea")
    assert [(m.key, m.before, m.after) for m in found] == [("china", "between", "and"), ("south korea", "and", "")]


def test_other_names_are_known_by_their_initials_and_a_month_is_no_name():
    assert initials("UN Security Council") == initials("UNSC") == "UNSC"
    assert initials("China National Petroleum Corporation") == "CNPC"
    found = mentions("In May, Xi Jinping met the China National Petroleum Corporation in Beijing.")
    assert [(m.key, m.country, m.before) for m in found] == [("XJ", False, "may"), ("CNPC", False, "met"),
                                                             ("china", True, "in")]
    assert [m.country for m in mentions("IT firms and Chinatown")] == [False]  # an ISO code is no country


def _conflict(question: str, sentence: str, window: str | None = None) -> bool:
    return conflicting_mention(question, sentence, window or sentence)


@pytest.mark.parametrize("question, sentence", [
    ("What share of the components in Russian drones comes from North Korea?",
     "Additionally, 80% of the critical electronic components in Russian drones come from China."),
    ("How many North Korean citizens are fighting for the Russian army?",
     "Zelenskyy also stated that at least 155 Chinese citizens are fighting for the Russian army."),
    ("In how many factories are Russia and North Korea cooperating?",
     "Ivashchenko confirmed cooperation between Russia and China in at least 20 factories."),
    ("On what date did Kim Jong Un hold a summit with Xi Jinping?",
     "Notably, on September 13, Kim Jong Un held a summit with Russian President Vladimir Putin."),
    ("Which minerals did China ban for export to the European Union?",
     "These same minerals were banned for export to the United States by China."),
    # a name the question uses elsewhere ("Russia's invasion"), put where it puts another
    ("By what percentage have Chinese exports to North Korea grown since Russia's invasion of Ukraine?",
     "Chinese exports to Russia have surged by more than 60% since the invasion of Ukraine."),
])
def test_another_name_in_the_same_place_is_a_conflict(question, sentence):
    assert _conflict(question, sentence)


@pytest.mark.parametrize("question, sentence", [
    ("How much have Beijing's shipments to Moscow grown?", "Chinese exports to Russia have surged by more than 60%."),
    ("Since when have UN Security Council sanctions applied?", "Given the above, the UNSC sanctions imposed since 2006."),
    ("In which currencies did Gazprom and CNPC agree to settle?",
     "Agreements: Gazprom and the China National Petroleum Corporation agreed to pay in rubles."),
    ("How much have Chinese exports to Russia grown since Russia's invasion of Ukraine?",
     "Chinese exports to Russia have surged by more than 60% since the invasion of Ukraine."),
    # a date typed straight after a place is not part of its name
    # a one-word name often stands for a country, as its leader or its seat; a possessive fills no slot
    ("Which minister said Kim's munitions plants are running flat out for Russia?",
     "According to the minister, North Korean munitions factories are operating at full capacity for Russia."),
    ("What's Kim getting back from the Kremlin for all those shells?",
     "North Korea provides shells in exchange for food from Russia."),
    ("From Xi's point of view, what's the upside of backing Putin's war?",
     "From Beijing’s perspective, it diverts Western attention away from the Indo-Pacific."),
    ("Who was Lavrov's North Korean counterpart he met in Pyongyang October 2023?",
     "Worth noting is the discussion on October 19, 2023, between Russia’s Minister of Foreign Affairs, Sergei Lavrov, "
     "and his DPRK counterpart, Choe Son Hui, in Pyongyang."),
])
def test_another_name_for_the_same_one_is_no_conflict(question, sentence):
    assert not _conflict(question, sentence)


def test_the_name_asked_about_nearby_is_no_conflict():
    sentence = "Additionally, 80% of the components come from China."
    assert not _conflict("What share of the components comes from North Korea?", sentence,
                         window=sentence + " North Korea supplies the rest.")


def test_a_name_in_another_place_is_no_conflict():
    assert not _conflict("What does North Korea export?", "China buys the coal that comes from Russia.")
    assert not _conflict("What is the capital of Peru?", "Trade grew.")
    # whose word it is fills no slot: "according to the SpecialEurasia report" against "to the DRPC"
    assert not _conflict("How long is the border China shares with North Korea, according to the SpecialEurasia report?",
                         "The PRC shares a borderline with Pyongyang of about 840 miles, owing to its contiguity to the DRPC.")


def test_a_country_counts_inside_a_longer_name_and_before_a_hyphen():
    assert countries_in("According to South Korea’s Defense Minister Shin Won-sik") == {"south korea"}
    assert countries_in("the U.S. State Department") == {"united states"}
    assert countries_in("China-United States entente on North Korea") == {"china", "united states", "north korea"}
    assert countries_in("Chinatown and IT firms") == set()
    # initials that are another country's code name neither: "RU" is not the Republic of Uganda
    assert countries_in("RU imports") == set() and countries_in("the US and the USA") == {"united states"}


def test_countries_joined_by_a_hyphen_are_those_countries_not_another_name():
    assert [(m.key, m.country) for m in mentions("Beijing won't discourage Russia-NK ties")] == [
        ("china", True), ("russia", True), ("north korea", True)]
    # a longer name holding a country's is another body
    assert [(m.key, m.country) for m in mentions("It paid the China National Petroleum Corporation")] == [("CNPC", False)]


def test_a_sentence_on_another_country_misses_the_one_asked_about():
    question = "How many tonnes of food aid did China send to North Korea in 2023?"
    sentence = "Since August 2023, North Korea has shipped 6,700 containers to Russia."
    assert missing_country(question, sentence, sentence)
    # China named by the next sentence, or by another of its names: not missing
    assert not missing_country(question, sentence, sentence + " Beijing sent grain in return.")
    # no other country named: the sentence may still be about China's aid
    assert not missing_country(question, "North Korea received 10,000 tonnes of food aid.",
                               "North Korea received 10,000 tonnes of food aid.")



def test_a_sentence_keeping_two_of_the_countries_asked_about_is_on_their_relation():
    # a third country the question names is missing, and the war it mentions is context, not another topic
    question = "Why does Beijing evade the sanctions on North Korea more discreetly than Moscow does?"
    sentence = "While Russia has a tarnished reputation due to the War in Ukraine, the PRC still wants legitimacy."
    assert not missing_country(question, sentence, sentence)
    # one of two kept, another named instead: another topic
    assert missing_country("How many North Korean workers are employed in Russia?",
                           "Beijing employs a portion of the North Korean workforce.",
                           "Beijing employs a portion of the North Korean workforce.")


def test_a_reason_may_keep_just_one_of_the_countries_asked_about():
    question = "What explains the sharp fall in China–North Korea trade in 2017?"
    sentence = "A first explanation for the data of the U.S. commission is the shared aim of stabilising Pyongyang."
    assert missing_country(question, sentence, sentence)
    assert not missing_country(question, sentence, sentence, kept=1)  # as a why-question asks it
    # none kept: another topic all the same
    assert missing_country("Why did the Philippines leave the initiative?", "Italy left the initiative in 2023.",
                           "Italy left the initiative in 2023.", kept=1)

def test_the_word_of_a_source_from_another_country_than_the_one_asked_for():
    question = "What forms do repayments take according to South Korean intelligence?"
    assert other_source(question, "Russia repays China in grain, according to an anonymous FVEY source.")
    assert not other_source(question, "According to Seoul’s spy agency, Russia repays China in grain.")
    assert not other_source(question, "Russia repays China in grain.")  # nobody's word in particular
    # the question names no country's source: nothing to tell apart
    assert not other_source("What forms do repayments take according to the FVEY source?",
                            "According to South Korean intelligence, Russia repays China in grain.")


@pytest.mark.parametrize("text, expected", [
    ("Chinese exports to Russia have surged", {("china", "russia")}),
    ("China is exporting over $300 million worth of dual-use products to Russia every month.", {("china", "russia")}),
    ("Since August 2023, North Korea has shipped approximately 6,700 containers to Russia", {("north korea", "russia")}),
    ("This clause allowed Beijing to import more than $1 billion worth of North Korean coal",
     {("north korea", "china")}),  # a demonym before the goods: where they come from
    ("These minerals were banned for export to the United States by China.", {("china", "united states")}),
    ("80% of the microchips imported by Russia in 2024 came from China", {("china", "russia")}),
    ("Russia buys artillery shells from North Korea.", {("north korea", "russia")}),
    ("China remains Russia’s largest supplier of these products.", {(None, "russia")}),  # a trader's partner
    ("Moscow bought chips from foreign suppliers.", {(None, "russia")}),  # "suppliers" is not Moscow's
    ("The resolution banned NK imports.", set()),  # what North Korea buys, or what it sells
    ("Chinese firms were listed over Russia supplies.", set()),  # what Russia is sent, or what it sends
    ("What share of Russia's imports of G7 goods is attributed to China?", {(None, "russia")}),  # past the verb
    ("Chinese exports to Russia rose, and so did imports from Russia.", {("china", "russia"), ("russia", None)}),
])
def test_a_flow_of_goods_has_a_direction(text, expected):
    assert flows(text) == expected


@pytest.mark.parametrize("question, sentence, reversed_", [
    ("Tell me the monthly value of dual-use goods that Russia exports to China.",
     "China is exporting over $300 million worth of dual-use products to Russia every month.", True),
    ("By how much have Chinese imports from Russia grown?", "Chinese exports to Russia have surged by 60%.", True),
    ("By how much have Chinese exports to Russia grown?", "Chinese exports to Russia have surged by 60%.", False),
    ("How much do China's imports from Russia amount to?",
     "China's exports to Russia rose 10% while its imports from Russia rose 5%.", False),  # both ways said
    ("How many containers has North Korea shipped to Russia?", "Russia buys artillery shells from North Korea.", False),
])
def test_a_flow_stated_the_other_way_round_only(question, sentence, reversed_):
    assert reversed_flow(question, sentence) == reversed_


@pytest.mark.parametrize("question, unshared", [
    ("How long is the land border between China and Russia?", True),
    ("How long is the Russia–China land border?", True),
    ("How long is the border between China and North Korea?", False),  # both in one clause
    ("How long are the frontiers that China and Russia each share with North Korea?", False),  # each with a third
])
def test_a_border_asked_between_two_countries_that_no_clause_names_together(question, unshared):
    sentence = ("Specifically, the PRC shares a borderline with Pyongyang of about 840 miles, while Moscow shares a "
                "borderline of about 11 miles with North Korea.")
    assert unshared_border(question, sentence) == unshared


def test_a_text_without_its_countries_keeps_what_they_qualify():
    assert without_countries("North Korean iron ore from the U.S.").split() == ["iron", "ore", "from", "the"]
