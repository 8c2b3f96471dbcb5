"""Sentence-scoring signals that need no model: term statistics over titles and sources, answer
kinds, question parts."""

import math

import pytest

from qa.chunking import split_sentences
from qa.schema import Chunk, Passage, Sentence
from qa.scoring import (asks_which_one, answer_focus, ScoredSentence, SentenceWeights, TermStats, analyse, analyse_parts, answer_kind, as_asked,
                        asking_sentence, asks_category, counted, counted_state, counted_terms, extremes, holds_kind, lacks_extreme, names_focus, one_edit,
                        score_sentences, split_parts, terms)


def _chunk(doc_id: str, title: str, source: str) -> Chunk:
    text = "Trade between the two countries grew."
    return Chunk(f"{doc_id}#0", doc_id, title, 0, 0, len(text), text, (Sentence(0, len(text)),), source=source)


def test_source_match_prefers_the_document_a_question_names():
    stats = TermStats([_chunk("a.md", "China and Russia: the economic triangle", "Example Analysis"),
                       _chunk("b.md", "China and Russia trade in 2024", "lhpgop (website)"),
                       _chunk("c.md", "North Korea and China", "Example News")])
    named = analyse("What does the triangle analysis say about exports?").terms
    assert stats.source_match(named, "a.md") == 1.0  # "triangle": no other title has it
    assert stats.source_match(named, "b.md") == 0.0
    by_site = analyse("According to lhpgop, how much did exports grow?").terms
    assert stats.source_match(by_site, "b.md") == 1.0
    # a word every title shares says nothing about which document is meant
    shared = analyse("How much did China export?").terms
    assert all(stats.source_match(shared, d) <= 0.5 for d in ("a.md", "b.md", "c.md"))


NAMED_DOCS = [_chunk("tri.md", "DPRK-Russia-China Economic Triangle", "unnamed website, (Analysis) of November 8, 2023"),
              _chunk("lease.md", "China: Production Leased to Russia & North Korea", "unnamed news website"),
              _chunk("se.md", "North Korea-China economic relations and the UN sanctions", "SpecialEurasia report"),
              _chunk("axis.md", "The Beijing-Moscow axis - Report", "Extrema Ratio")]


@pytest.mark.parametrize("question,docs", [
    ("What does the economic-triangle analysis say about trade?", ["tri.md"]),  # a compound, word by word
    ("What do the SpecialEurasia report and the capacity-leasing article say?", ["se.md", "lease.md"]),
    ("Which share comes from China according to Extrema Ratio?", ["axis.md"]),  # a source by its name
    ("What did the November 2023 analysis report?", ["tri.md"]),  # by its date line
    # a document noun alone, a topic after "report on", a title's ordinary words outside a phrase
    ("What does the report say about exports?", []),
    ("Who leaked the report on sanctions evasion?", []),
    ("How did trade with Russia grow according to South Korea's National Intelligence Service?", []),
    ("What production was leased to Russia?", []),
])
def test_a_question_names_a_document_by_a_phrase_only_its_title_or_source_fits(question, docs):
    assert [d for d, _, _ in TermStats(NAMED_DOCS).named_documents(question)] == docs


def test_a_question_naming_two_documents_in_one_clause_is_asked_of_each():
    stats = TermStats(NAMED_DOCS)
    each = stats.ask_each("How many rounds do the triangle analysis (citing Seoul) and the Extrema Ratio report each give?")
    assert each == [("tri.md", "How many rounds do the triangle analysis (citing Seoul) each give?"),
                    ("axis.md", "How many rounds do and the Extrema Ratio report each give?")]
    # what stands between the phrases after "and" concerns the second document
    each = stats.ask_each("Which ores flow to China according to the SpecialEurasia report and according to a "
                          "defector in the capacity-leasing article?")
    assert each[0] == ("se.md", "Which ores flow to China according to the SpecialEurasia report ?")
    assert each[1][1].endswith("and according to a defector in the capacity-leasing article ?")
    assert stats.ask_each("What does the triangle analysis say about trade?") == []


def test_conflicting_numbers_flags_other_figures_of_the_same_kind():
    from qa.scoring import conflicting_numbers

    question = analyse("Which exports were banned by Resolution 2270?").figures
    assert conflicting_numbers(question, "Resolution 2375, passed in 2017, restricted oil.") == 1.0
    assert conflicting_numbers(question, "Resolutions 2270 and 2375 were passed.") == 0.0  # the asked one is there
    assert conflicting_numbers(question, "It banned coal, iron and gold.") == 0.0  # no figure at all
    assert conflicting_numbers(question, "About 40 percent of exports.") == 0.0  # not the same kind of figure
    assert conflicting_numbers(analyse("Which exports were banned?").figures, "Resolution 2375 banned oil.") == 0.0  # none asked


def test_footnote_markers_are_not_figures():
    from qa.scoring import conflicting_numbers, figures, holds_kind

    assert figures("Trade grew 40 percent in 2023.[17]") == {"40", "2023"}
    # "[17]" is a reference: it neither answers "how long" nor names another figure
    assert holds_kind("number", "Moscow and Beijing guard their respective borders.[17]") == 0.0
    assert holds_kind("number", "The border is about 840 miles long.[17]") == 1.0
    assert conflicting_numbers(analyse("What did Resolution 2270 ban?").figures, "Coal was banned.[2375]") == 0.0


def test_a_name_written_with_hyphens_has_the_terms_of_its_words():
    assert terms("Kim Jong-Un’s regime") == terms("Kim-Jong-Un’s regime") == terms("Kim Jong Un's regime")
    assert terms("Sino-Russian trade") == ["sino", "russian", "trade"]
    assert terms("dual-use goods, the Hwasong-15") == ["dual-us", "good", "hwasong-15"]  # not names: one word


def test_terms_naming_the_document_count_less_in_overlap():
    stats = TermStats([_chunk("a.md", "Geopolitical report on sanctions", "Example"),
                       _chunk("b.md", "Arms trade", "Example")])
    question = set(analyse("Who authored the geopolitical report on sanctions?").terms)
    named = stats.source_terms["a.md"]
    byline, restating = {"author", "rossi"}, {"geopolit", "report", "sanction"}
    # by plain overlap the sentence restating the title wins; with title terms discounted the byline does
    assert stats.coverage(question, restating) > stats.coverage(question, byline)
    assert stats.coverage(question, byline, named, 0.25) > stats.coverage(question, restating, named, 0.25)
    assert stats.coverage(question, byline, named, 1.0) == stats.coverage(question, byline)


def test_a_year_alone_does_not_answer_how_many():
    question = "How many North Korean workers are employed in Russia?"
    assert answer_kind(question) == "number"
    assert holds_kind("number", "Resolution 2375, passed in 2017, banned their employment.", question) == 0.0
    assert holds_kind("number", "Some 50,000 workers were employed in 2017.", question) == 1.0
    assert answer_kind("What price per shell does Russia pay?") == "number"
    # the noun may stand a few words after "what"
    assert answer_kind("What was the total value of China–Russia trade in 2023?") == "number"
    assert answer_kind("What was the combined value of their commerce?") == "number"
    # five words may stand between, dash-joined names among them
    assert answer_kind("What officially reported China–North Korea trade figure does the article give?") == "number"
    assert answer_kind("What year-on-year growth rate is reported for their trade?") == "number"  # no "what year"


def test_when_asks_for_a_date_only_where_it_opens_the_question_or_a_part():
    assert answer_kind("When was Resolution 2270 passed?") == "date"
    assert [q.kind for q in analyse_parts("Since what year have sanctions been imposed on the DPRK, "
                                          "and when was Resolution 2270 passed?")] == ["date", "date"]
    # a clause: the quarantine is asked for, not the date the borders reopened
    assert answer_kind("What quarantine would foreigners face when the borders reopened?") is None
    assert answer_kind("When Pyongyang let foreigners back in, how long a quarantine did they face?") == "number"
    assert answer_kind("When did Pyongyang let foreigners back in, and what did they face?") == "date"


def test_a_lead_in_before_a_colon_is_no_part_of_what_is_asked():
    assert as_asked("Quick one: who's running the interagency group Beijing set up?").startswith("who's running")
    assert analyse("For my timeline: in what year did Kim Jong Un take power?").kind == "date"
    # whoever runs a body is asked for: no country answers it
    question = "Quick one: who's running the interagency group Beijing set up?"
    assert holds_kind("entity", "China established an interagency group to study Western sanctions on Russia.",
                      as_asked(question)) == 0.0


def test_a_figure_joined_to_a_word_is_part_of_a_name_and_record_as_a_verb_asks_no_extreme():
    question = "What did China–North Korea trade total in 2020, the first pandemic year?"
    assert holds_kind("number", "The border closed in response to the COVID-19 pandemic of early 2020.", question) == 0.0
    assert holds_kind("number", "Trade totalled $539 million in 2020.", question) == 1.0
    assert holds_kind("number", "The orchard grows ninety-three pear trees.", "How many pear trees grow there?") == 1.0
    assert not lacks_extreme("Quick one before we record: how did the RCC dress up its copper wire?",
                             "The RCC disguised copper wire as scrap metal.")
    assert lacks_extreme("What was the record monthly value?", "The value was $600 million in March.")


def test_a_number_question_that_also_asks_when_needs_a_date_too():
    question = "What was the peak monthly value of the exports, and in which month was it reached?"
    assert answer_kind(question) == "number"
    assert holds_kind("number", "China exports over $300 million worth of these goods every month.", question) == 0.0
    assert holds_kind("number", "Exports peaked at over $600 million in December 2023.", question) == 1.0


def test_a_figure_the_question_names_does_not_answer_how_many():
    question = "How many Desertcross 1000-3 vehicles did China deliver?"
    assert holds_kind("number", "China supplied Desertcross 1000-3 off-road vehicles.", question) == 0.0
    assert holds_kind("number", "China supplied 40 Desertcross 1000-3 vehicles.", question) == 1.0
    # a measure asked for, or set side by side
    assert answer_kind("Compare the length of China's border with North Korea to Russia's.") == "number"
    assert answer_kind("What is the distance between Dandong and Sinuiju?") == "number"


@pytest.mark.parametrize("text, holds", [
    ("China supplied Desertcross 1000-3 off-road vehicles and “Tiger” armored trucks.", 0.0),  # a model's number
    ("The launch on March 24th, 2022, of the Hwasong-17 could reach 10000 km.", 0.0),  # a day, a name, a length
    ("The trucks cost $40 million, 15% of the deal.", 0.0),  # money and a share count no things
    ("China supplied 40 “Tiger” trucks.", 1.0),
    ("Some 155 Chinese citizens drive them.", 1.0),  # a sentence's first word is no name
    ("Over 3 million rounds of 152 mm shells came with them.", 1.0),
])
def test_how_many_asks_for_a_count_of_things(text, holds):
    assert holds_kind("number", text, "How many “Tiger” armored trucks did China deliver?") == holds


def test_the_state_a_how_many_question_counts_in():
    assert counted_state("How many of the Chinese citizens fighting for Russia have been killed or captured?") == "killed"
    assert counted_state("How many North Korean workers are employed in Russia?") == "employed"
    assert counted_state("How many soldiers has Pyongyang sent?") is None  # no state: what is sent is counted
    # a hedge is no state; the participle after it is
    assert counted_state("How many troops are estimated to have been deployed?") == "deployed"
    assert counted_state("How many shells are believed to be stored there?") == "stored"
    assert counted_state("How many soldiers were reported killed?") == "killed"
    assert counted_state("Why were the sanctions passed?") is None


def test_a_value_at_an_extreme_is_given_with_a_word_for_it():
    question = "What was the highest monthly value of the exports?"
    assert holds_kind("number", "China exports over $300 million worth every month.", question) == 0.0
    assert holds_kind("number", "Exports reached a peak of over $600 million.", question) == 1.0
    assert holds_kind("number", "Exports fell to their lowest, $100 million.", question) == 0.0  # the other extreme
    assert holds_kind("date", "Pressure peaked in 2017.", "In what year did the pressure peak?") == 1.0
    assert holds_kind("number", "Some 155 citizens fight.", "How many citizens fight?") == 1.0  # no extreme asked
    # a name asked at an extreme too: the mine with the largest reserves, not the list of mines
    largest = "Which mine complex in South Hamgyong holds the largest rare earth reserves?"
    assert holds_kind("entity", "The complexes, Sangnong and Musan, hold rare earths.", largest) == 0.0
    assert holds_kind("entity", "Of them, Musan holds the largest reserves.", largest) == 1.0
    # "at least" gives a minimum
    minimum = "What minimum number of rounds have South Korean authorities confirmed?"
    assert holds_kind("number", "They confirmed at least three hundred thousand rounds.", minimum) == 1.0
    # a leader is a person or a body, never a country
    group = "China established an interagency group to prepare for sanctions related to Taiwan."
    assert holds_kind("entity", group, "Who leads the interagency group China set up?") == 0.0
    assert holds_kind("entity", group, "Who set up an interagency group?") == 1.0
    assert holds_kind("entity", "It is headed by Oleh Ivashchenko.", "Who is the head of Ukraine's service?") == 1.0
    # a choice between alternatives: one must be named, and compared where the question compares
    exceptions = "Turkey, Malaysia and Armenia are notable exceptions among exporters to Russia."
    assert holds_kind("entity", exceptions, "Who exports more to Russia, Malaysia or Armenia?") == 0.0
    assert holds_kind("entity", "Malaysia exports more than Armenia.", "Who exports more, Malaysia or Armenia?") == 1.0
    assert holds_kind("entity", exceptions, "Which is an exception, Malaysia or Peru?") == 1.0
    assert holds_kind("entity", "Russia began using cryptocurrencies in 2024 with China.",
                      "What cryptocurrency does Russia use with China, bitcoin or USDT?") == 0.0
    assert holds_kind("number", "Five were killed.", "How many were killed or captured?") == 1.0  # no choice offered
    related = dict(extremes(frozenset({"highest", "month", "valu"})))
    assert set(related) == {"highest"} and ("peak", 1.0) in related["highest"] and ("lowest", 1.0) not in related["highest"]


def test_a_question_on_what_is_given_in_return_asks_for_an_exchange():
    for question in ("What does North Korea get from Russia in return for its artillery shells?",
                     "What does North Korea offer China in exchange for industrial plant capacity?",
                     "What does Pyongyang receive from Moscow for its shells?"):
        assert answer_kind(question) == "exchange", question
    assert answer_kind("How much does Russia pay for the shells?") == "number"  # a price is a number
    # an amount asked, whatever it is given in exchange for; an investment is a sum of money
    invest = "How much did China invest in solar energy in exchange for access to a mine?"
    assert answer_kind(invest) == "number"
    assert holds_kind("number", "The DPRK granted access to one of its mines in exchange for solar investment.",
                      invest) == 0.0
    assert holds_kind("number", "China invested $20 million in solar plants.", invest) == 1.0
    assert answer_kind("What does North Korea export to Russia?") is None
    assert holds_kind("exchange", "North Korea provides shells in exchange for food and fuel.") == 1.0
    assert holds_kind("exchange", "In return, Chinese firms operate plants.") == 1.0
    assert holds_kind("exchange", "North Korea has shipped 6,700 containers to Russia.") == 0.0
    assert holds_kind("exchange", "It used the foreign exchange to buy parts.") == 0.0  # money, not a swap


def test_which_one_asked_in_exchange_for_something_asks_a_name():
    mine = "Which rare earth mine did North Korea open to China in exchange for investment in solar energy?"
    assert answer_kind(mine) == "entity"
    # "one of its rare earth mines": the countries the question names are no name of a mine
    assert holds_kind("entity", "The DPRK would have granted the PRC access to one of its rare earth mines in "
                      "exchange for investment in solar energy.", mine) == 0.0
    assert answer_kind("In which month did North Korea ship the most shells in exchange for oil?") == "date"


def test_a_category_after_a_pair_of_words_is_asked_for_by_name():
    firms = "Which Chinese chemical and metallurgical companies signed capacity lease agreements with Russia?"
    assert answer_kind(firms) == "entity" and asks_category(firms)
    assert asks_category("Which Chinese or Russian bank settles the payments?")
    # "state-linked" is no state: the category is what it qualifies
    assert answer_focus("Which Chinese state-linked firms have leased capacity?") == "firm"
    # an order asks as "which" does, past its article
    ordered = "Name the Chinese chemical and metallurgical firms that signed capacity lease agreements."
    assert answer_kind(ordered) == "entity" and asks_category(ordered)
    # the nationalities of the firms are no names of firms
    assert holds_kind("entity", "According to South Korean intelligence officials, multiple Chinese chemical and "
                      "metallurgical firms have inked capacity lease agreements with Russian counterparts.", firms) == 0.0


def test_the_last_sentence_asks_when_the_whole_question_tells_no_kind():
    question = ("We have a client that buys copper from the Russian Copper Company (RCC). "
                "Who is RCC's beneficial owner or general director?")
    assert asking_sentence(question) == "Who is RCC's beneficial owner or general director?"  # after a bracket
    assert analyse(question).kind == "entity"
    # a body's owner is a person or a body, never a country; the company asked is no answer to itself
    assert holds_kind("entity", "Disguised Copper Trade: The Russian Copper Company (RCC) and Chinese companies "
                      "disguised the trade of copper wire as scrap metal.", question) == 0.0
    # the whole question's kind stands ("Give the length" is what a yes-no question wants)
    assert analyse("Is the border longer than 20 miles? Give the length stated in the report.").kind == "number"


def test_a_source_named_is_no_bank_port_or_manufacturer():
    said = ("According to Oleh Ivashchenko, head of Ukraine's Foreign Intelligence Service, China provides "
            "essential materials to Russian military factories, including gunpowder.")
    assert holds_kind("entity", said, "Which Chinese manufacturer produces the gunpowder for Russian arms plants?") == 0.0
    # but it answers who tells, or a category a source belongs to
    assert holds_kind("entity", said, "Who heads Ukraine's intelligence service?") == 1.0
    assert holds_kind("entity", said, "Which Ukrainian agency says China supplies gunpowder?") == 1.0
    released = ("In a fact sheet released by the US State Department, North Korea has delivered over 10,000 "
                "containers of munitions to Russia since September.")
    assert holds_kind("entity", released, "Through which Russian port are the North Korean munitions offloaded?") == 0.0
    assert holds_kind("entity", "In August 2017, Treasury reported that North Korean coal was sold for dollars.",
                      "Which bank did the North Korean coal dealers use?") == 0.0


def test_a_name_the_question_gives_is_no_answer_however_the_documents_spell_it():
    bridge = ("In 2015, a cable-stayed bridge financed by Beijing was opened over the YaluRiver, connecting the "
              "Chinese metropolis of Dandong and the North Korean city of Sinŭiju.")
    question = "Which Chinese contractor built the Yalu River bridge between Dandong and Sinuiju?"
    assert asks_which_one(question)  # "built" ends the noun as a participle does
    assert holds_kind("entity", bridge, question) == 0.0  # run together, with an accent: the same names
    assert holds_kind("entity", bridge, "Which city lies across the river from Dandong?") == 1.0


def test_a_point_of_the_compass_opening_a_sentence_belongs_to_the_name_after_it():
    said = "South Korean intelligence confirms that some payments are denominated in renminbi."
    assert holds_kind("entity", said, "Which Chinese bank processes the payments?") == 0.0  # South Korea's, no bank
    assert holds_kind("entity", said, "Whose intelligence says payments are made in renminbi?") == 1.0


def test_the_asking_sentence_is_the_question_not_the_background_after_it():
    # the years after the question are what the asker has, not what is asked
    question = "What was China's total trade with North Korea in 2019? I've got the 2017 and 2018 numbers."
    assert asking_sentence(question) == "What was China's total trade with North Korea in 2019?"
    # a request after a yes-no question asks
    assert asking_sentence("Is it longer than 20 miles? Give the length.") == "Give the length."
    assert asking_sentence("Who supplies Russia — and why") == "and why"  # no question mark: the last


def test_share_as_a_verb_asks_for_no_percentage():
    frontiers = "How long are the frontiers that China and Russia each share with North Korea?"
    assert holds_kind("number", "China shares a border of about 840 miles with North Korea.", frontiers) == 1.0
    assert holds_kind("number", "China shares a border of about 840 miles.", "What share of trade is China's?") == 0.0


def test_a_leading_phrase_is_no_part_of_its_own():
    question = "Under the 2016 livelihood exemption, how much North Korean iron ore did China import?"
    assert split_parts(question) == [question]
    assert split_parts("dual-use exports china russia monthly, how many countries still export") == [
        "dual-use exports china russia monthly", "how many countries still export"]  # a search, then a question


def test_a_second_part_may_open_with_into():
    question = "What did Beijing spend on the Yalu bridge, and into how many zones is the quarantine site split?"
    assert split_parts(question) == ["What did Beijing spend on the Yalu bridge",
                                     "into how many zones is the quarantine site split?"]


def test_occasions_counted_are_times():
    assert names_focus(analyse("How many separate ammunition deliveries had Pyongyang made?").focus, {"time"})
    assert not names_focus(analyse("How many soldiers had Pyongyang sent?").focus, {"time"})


def test_what_asks_for_a_number_and_what_does_not():
    assert answer_kind("what ruble/yuan exchange rate is used for the gas invoices?") == "number"
    assert answer_kind("What was the recorded tally of votes in the Security Council?") == "number"
    assert answer_kind("what is the annual iron ore output of the Musan mine?") == "number"
    # "per the FVEY source" is whose word it is, not a rate
    assert answer_kind("what russian commodities are used as barter payment per the FVEY source?") != "number"
    tonnage = "what tonnage of north korean coal did china take in during 2016?"
    assert holds_kind("number", "Beijing imported more than $1 billion worth of North Korean coal.", tonnage) == 0.0
    assert holds_kind("number", "Beijing imported 2 million tonnes of North Korean coal.", tonnage) == 1.0
    assert answer_kind("seoul spy agency told legislators what about the north's output 2020-22") != "number"
    assert counted("Zelenskyy says Chinese nationals fight for Russia. How many did he cite?") is None
    assert analyse("gazprom settling gas in rubles and renminbi - what was the point of that?").focus is None
    assert answer_kind("What caused the 15 percent rise in China–North Korea trade in 2024?") == "reason"
    # "what's", a cap or a ceiling, and a unit asked all ask for a quantity
    assert answer_kind("Turkey still exports to Russia. What's the monthly value of those Turkish exports?") == "number"
    ceiling = "What ceiling did Resolution 2375 put on refined petroleum shipments to North Korea?"
    assert answer_kind(ceiling) == "number"
    assert holds_kind("number", "Resolution 2375, passed in September 2017, restricted the export of oil to North "
                      "Korea.", ceiling) == 0.0
    assert answer_kind("What did Resolution 2375 allow North Korea to import, in barrels?") == "number"
    assert answer_kind("Exports of tungsten jumped — what were the actual dollar values?") == "number"
    assert answer_kind("What areas did Resolution 2375 place restrictions on?") is None  # domains, not a measure


def test_a_second_part_may_open_with_a_leading_phrase_and_no_comma():
    assert split_parts("what did RCC disguise its copper wire as, and besides copper which minerals did china "
                       "acquire from the dprk?") == ["what did RCC disguise its copper wire as",
                                                     "besides copper which minerals did china acquire from the dprk?"]


def test_a_date_a_series_runs_since_answers_only_when_it_began():
    text = "North Korea has delivered over 10,000 containers of munitions to Russia since September."
    assert holds_kind("date", text, "When did the State Department issue its fact sheet on the deliveries?") == 0.0
    assert holds_kind("date", text, "When did North Korea start delivering munitions to Russia?") == 1.0
    assert holds_kind("date", "The fact sheet was issued in September.", "When was the fact sheet issued?") == 1.0


def test_the_full_name_of_someone_the_question_names_is_no_answer():
    companies = "Zelenskyy's accusations led to sanctions on Chinese entities. Which companies were named?"
    assert holds_kind("entity", "Ukrainian President Volodymyr Zelenskyy accused China of support to Russia, leading "
                      "to sanctions against Chinese entities.", companies) == 0.0
    # a name that opens with one the question names is another thing
    assert holds_kind("entity", "This document summarizes the findings of the EU Foreign Affairs Council meeting.",
                      "The document summarised the findings of which EU meeting?") == 1.0


def test_a_designation_answers_a_question_for_its_number():
    question = ("Was it Resolution 2270 or a later Security Council resolution that restricted oil exports? "
                "Give the resolution number.")
    assert holds_kind("number", "In the case of Resolution 2375, passed in September 2017, oil exports were "
                      "restricted.", question) == 1.0
    # not the one the question names, nor a year for how many
    assert holds_kind("number", "Resolution 2270 banned coal exports.", question) == 0.0
    assert holds_kind("number", "It was passed in 2017.", "How many resolutions were passed?") == 0.0


def test_a_hedge_in_the_question_is_no_term_to_match():
    assert terms("Which technologies is North Korea reportedly seeking?") == terms(
        "Which technologies is North Korea seeking?")
    # a hedge on a quantity: "roughly how long" must not match "lags … by roughly 30%"
    assert terms("Roughly how long is the border?") == terms("How long is the border?")
    assert terms("Approximately how many shells were sent?") == terms("How many shells were sent?")


def test_how_long_needs_a_length_or_a_span_of_time():
    question = "Roughly how long is the land border between China and North Korea?"
    assert answer_kind(question) == "number"
    assert holds_kind("number", "Trade lags behind pre-closure levels by roughly 30%.", question) == 0.0
    assert holds_kind("number", "The PRC shares a borderline with Pyongyang of about 840 miles.", question) == 1.0
    assert holds_kind("number", "The closure lasted five years.", "How long did the closure last?") == 1.0
    assert holds_kind("number", "The 1,334-km border runs along the Yalu.", question) == 1.0
    # "how far below its earlier level" asks for a gap, which a percentage gives
    gap = "How far below its pre-pandemic level is their trade still running?"
    assert holds_kind("number", "Trade lags behind pre-closure levels by roughly 30%.", gap) == 1.0


def test_a_name_question_asks_for_a_name_the_question_lacks_under_any_of_its_names():
    question = "What is the name of the mine North Korea opened to Chinese firms in exchange for investment?"
    assert answer_kind(question) == "entity"  # not "exchange": it asks for the mine's name
    assert answer_kind("What was the 2024 treaty between the two countries called?") == "entity"
    assert holds_kind("entity", "The DPRK granted the PRC’s firms access to one of its mines.", question) == 0.0
    assert holds_kind("entity", "The DPRK granted Russia access to the Ryongdung mine.", question) == 1.0
    # a longer name holding a country's is another body
    assert holds_kind("entity", "South Korean Defense Minister Kim said so.", "Which South Korean official said it?") == 1.0


def test_an_entity_question_s_category_noun_may_be_plural_and_a_do_verb_makes_it_the_subject():
    assert analyse("In which Chinese provinces are the factories located?").focus == "provinc"
    assert analyse("Which cities host the plants?").focus == "citi"
    # what the companies send is asked, not a company
    sent = analyse("What do Chinese companies running factories send back to Pyongyang?")
    assert sent.kind is None and sent.focus is None
    assert analyse("What is the company that built the trucks?").focus == "compani"
    # "official" before a word for data is an adjective
    assert analyse("What official figures do the articles give for trade?").focus is None
    assert analyse("Which North Korean official met Lavrov?").focus == "offici"
    assert analyse("What official value did Chinese customs give for their trade?").focus is None
    # an imperative asks for the name all the same
    assert analyse("Name the Chinese company that supplied satellite imagery to Russia.").kind == "entity"
    assert analyse("Identify the bank that handled the payments.").focus == "bank"


def test_no_name_the_question_already_gives_answers_an_entity_question():
    question = "Which Chinese company partnered with the Russian Copper Company in passing off copper wire?"
    # its acronym, a label's heading words, a country it names: none is the company asked for
    assert holds_kind("entity", "Disguised Trade: The Russian Copper Company (RCC) and Chinese firms did it.",
                      question) == 0.0
    assert holds_kind("entity", "The Russian Copper Company and Jiangsu Metals did it.", question) == 1.0
    # a label may run to several heading words
    assert holds_kind("entity", "Critical Minerals for Military Production: Chinese companies supplied Russia.",
                      "Which Chinese companies supplied minerals to Russia?") == 0.0
    # a country is no city, company or bank, though it answers "which country", "whose" or a plain "who"
    city = "In which Chinese city does IEMZ Kupol produce its drones?"
    assert holds_kind("entity", "Drone Production: IEMZ Kupol produced drones in Russia.", city) == 0.0
    assert holds_kind("entity", "IEMZ Kupol produced drones in Xiamen.", city) == 1.0
    bank = "Which Chinese bank processes the payments?"
    assert holds_kind("entity", "Payments from South Korean firms pass through Chinese banks.", bank) == 0.0
    assert holds_kind("entity", "The payments pass through the Bank of Dandong.", bank) == 1.0
    assert holds_kind("entity", "The drones were built in Russia.", "Which country builds the drones?") == 1.0
    # and only a country's name answers "which country": not a newspaper, nor a body of a country asked
    second = "After China, which country supplies Russia most, according to the German report?"
    assert holds_kind("entity", "The report, revealed by Süddeutsche Zeitung, names China.", second) == 0.0
    assert holds_kind("entity", "The report names China, then Turkey.", second) == 1.0
    assert holds_kind("entity", "The German Foreign Ministry wrote it.", "Which country's ministry wrote it?") == 1.0
    assert holds_kind("entity", "According to South Korean officials, it was signed.", "Whose officials said so?") == 1.0
    assert holds_kind("entity", "The drones came from Russia.", "Who supplies the drones?") == 1.0
    # a month is no name
    assert holds_kind("entity", "The payments resumed in February.", bank) == 0.0


@pytest.mark.parametrize("question, kind", [
    ("Which cryptocurrency has Russia been using to settle its trade with China?", "entity"),
    ("Which Brookings analyst warned that Beijing will not act?", "entity"),
    ("Which North Korean rare earth mine was China granted access to?", "entity"),
    # common nouns answer a plural ("gallium, germanium"), a kind answers a vague noun
    ("Which critical minerals do Chinese companies supply to Russia?", None),
    ("Which metals flow from China to Russia?", None),
    ("Which category of equipment drove the growth?", None),
    ("Which type of factory equipment drove the growth?", None),
    # a description answers "what sort of …", not a name
    ("What sort of body did Beijing set up to study Western sanctions?", None),
    ("What kind of companies lease their capacity to Russia?", None),
])
def test_which_with_one_thing_of_a_kind_asks_for_its_name(question, kind):
    assert answer_kind(question) == kind


def test_a_sentence_naming_no_one_thing_of_the_kind_asked_does_not_answer_which():
    question = "Which cryptocurrency has Russia been using to settle its trade with China?"
    assert holds_kind("entity", "Russia began using cryptocurrencies for trade with China.", question) == 0.0
    assert holds_kind("entity", "Russia settles part of its trade with China in Tether.", question) == 1.0


def test_a_name_the_question_gives_by_its_acronym_is_no_answer():
    question = "What is the name of the Chinese firm that helped RCC disguise copper wire?"
    assert holds_kind("entity", "The Russian Copper Company (RCC) and Chinese firms disguised copper wire.", question) == 0.0
    assert holds_kind("entity", "Xinjiang Metals helped the RCC disguise copper wire.", question) == 1.0
    # in full asked, the acronym said; a one-word name is no acronym ("Donetsk" is not "Dandong")
    assert holds_kind("entity", "The RCC and its partners disguised copper wire.",
                      "Which firm helped the Russian Copper Company disguise copper wire?") == 0.0
    assert holds_kind("entity", "The plant in Donetsk disguised copper wire.", "Which firm in Dandong disguised wire?") == 1.0


def test_a_name_opening_a_sentence_answers_who_but_not_a_category():
    text = ("According to Oleh Ivashchenko, head of the service, China supplies drones. Ivashchenko confirmed "
            "cooperation in 20 factories. Payments: Starting in 2024, trade grew. Starting now, the factories grow.")
    names = TermStats([Chunk("c", "d.md", "T", 0, 0, len(text), text, ())]).opening_names
    # written capitalised inside a sentence, never in lower case; not a word after a label's colon
    assert "Ivashchenko" in names and "Starting" not in names
    said = "Ivashchenko confirmed cooperation in 20 factories."
    assert holds_kind("entity", said, "Which Ukrainian intelligence chief confirmed the cooperation?", names) == 1.0
    assert holds_kind("entity", said, "Which Ukrainian intelligence chief confirmed the cooperation?") == 0.0
    # a category's members are named in full: a bare name opening a sentence is a person
    assert holds_kind("entity", said, "In which Chinese provinces are the 20 factories?", names) == 0.0


def test_a_country_answers_no_noun_for_one_thing_of_another_kind():
    question = "Which cryptocurrency do the traders use?"
    assert holds_kind("entity", "The traders in Iran use them too.", question) == 0.0
    assert holds_kind("entity", "The traders use Tether.", question) == 1.0
    assert holds_kind("entity", "The traders in Iran use them too.", "Which state do the traders use?") == 1.0


def test_a_name_made_of_the_question_s_common_words_answers_it():
    question = "To which US export-control list were numerous Chinese entities added?"
    assert holds_kind("entity", 'The US added Chinese entities to the "Entity List".', question) == 1.0
    assert holds_kind("entity", "The US added Chinese entities to its export-control list.", question) == 0.0


def test_the_thing_asked_for_is_named_by_its_own_word_or_another_for_it():
    focus = analyse("Who is the Ukrainian intelligence chief that said China supplies gunpowder?").focus
    assert names_focus(focus, set(terms("Oleh Ivashchenko, head of Ukraine's Foreign Intelligence Service")))
    assert not names_focus(analyse("Who is China's ambassador to North Korea?").focus, set(terms("a Chinese diplomat")))
    assert not names_focus(focus, set(terms("Oleh Ivashchenko of Ukraine's Foreign Intelligence Service")))
    # a country's people, by either word
    counted = analyse("According to Zelenskyy, how many Chinese nationals are fighting for Russia?").focus
    assert names_focus(counted, set(terms("at least 155 Chinese citizens are fighting for the Russian army")))
    assert not names_focus(analyse("How many North Korean soldiers are fighting for Russia?").focus,
                           set(terms("at least 155 Chinese citizens are fighting for the Russian army")))


def test_what_is_paid_per_thing_asks_for_a_rate_in_money():
    question = "What's Moscow paying Pyongyang per artillery shell?"
    assert answer_kind(question) == "number"
    assert holds_kind("number", "North Korea provides millions of shells in exchange for food.", question) == 0.0
    assert holds_kind("number", "Russia pays about $800 per shell.", question) == 1.0


def test_what_something_is_worth_asks_for_an_amount_of_money():
    question = "What was China–North Korea trade worth in the first three quarters of 2023?"
    assert answer_kind(question) == "number"
    assert holds_kind("number", "Trade totalled $1.63 billion for the first three quarters of 2023.", question) == 1.0
    assert holds_kind("number", "Trade rose by 15% in the first three quarters of 2023.", question) == 0.0


def test_a_who_question_asks_for_the_role_it_names():
    assert analyse("Who is China's ambassador to North Korea?").focus == "ambassador"
    assert analyse("Who was the North Korean official that Lavrov met?").focus == "offici"
    assert analyse("Who is the head of Ukraine's intelligence service?").focus == "head"
    assert analyse("Which Chinese bank processes the payments?").focus == "bank"
    assert analyse("Who is Kim Jong Un?").focus is None  # a person, not a role


BANKS, TONNES, BARRELS = ("Which Russian banks were cut off from SWIFT?", "How many tonnes of coal did China import?",
                          "How many barrels of oil did Russia deliver?")


@pytest.mark.parametrize("kind,text,question,holds", [
    # a point of the compass is no name
    ("entity", "As Russia faces Western sanctions, it has turned to China.", BANKS, 0.0),
    ("entity", "It sustains the war despite Western-sanctioned shortages.", BANKS, 0.0),
    ("entity", "Sberbank and VTB were cut off.", BANKS, 1.0),
    ("entity", "The mines lie in South Hamgyong.", "Which province holds the mines?", 1.0),
    # a quantity asked in a unit of mass or volume is given in one; a price per unit is money
    ("number", "China imported 2.5 million tonnes of coal in 2016.", TONNES, 1.0),
    ("number", "Beijing imported $1 billion worth of North Korean coal in 2016.", TONNES, 0.0),
    ("number", "Russia delivered 1 million barrels of oil.", BARRELS, 1.0),
    ("number", "Russia delivered oil worth $5 million.", BARRELS, 0.0),
    ("number", "It pays $230 per thousand cubic metres.", "What price per thousand cubic metres?", 1.0),
    # money asked is a sum, not "one of its mines"
    ("number", "The DPRK granted the PRC access to one of its mines.", "How much money did China put in?", 0.0),
    ("number", "China invested $20 million in the mine.", "How much money did China put in?", 1.0),
    # a year asked is answered by a year, not by a day of a month
    ("date", "On September 13, Kim Jong Un held a summit with Putin.", "In what year did Kim Jong Un take power?", 0.0),
    ("date", "With the 2011 inauguration of Kim Jong-Un, …", "In what year did Kim Jong Un take power?", 1.0),
    ("date", "On September 13, Kim Jong Un held a summit with Putin.", "On what date did Kim meet Putin?", 1.0),
])
def test_what_holds_the_kind_of_answer_asked_for(kind, text, question, holds):
    assert holds_kind(kind, text, question) == holds


def test_where_asks_for_a_place_named_after_a_word_for_where():
    question = "Where did Kim Jong Un and Vladimir Putin hold their summit?"
    assert answer_kind(question) == "place"
    assert answer_kind("When and where was the meeting held?") == "date"  # its date is checked
    assert answer_kind("Who decides where the money goes?") != "place"  # "where" in a clause
    assert holds_kind("place", "The meeting was held on May 20 in Brussels.", question) == 1.0
    assert holds_kind("place", "On September 13, Kim held a summit with Russian President Putin.", question) == 0.0
    assert holds_kind("place", "The summit took place in May 2023.", question) == 0.0  # a month is no place


def test_what_is_the_attribute_of_something_asks_for_that_attribute():
    assert analyse("What is the range of the attack drones?").focus == "rang"
    assert analyse("What was the outcome of the summit?").focus == "outcom"
    assert analyse("What was the role of China in the talks?").focus is None  # too vague to be named
    assert analyse("What penalties did the authorities impose?").focus is None  # a category: members answer it
    assert analyse("What is the value of the exports?").focus is None  # a figure is asked: its kind says so


def test_how_many_counts_the_noun_before_a_participle_phrase():
    assert analyse("How many Chinese citizens fighting for Russia have been killed?").focus == "citizen"
    assert analyse("How many artillery rounds sent to Russia did Seoul confirm?").focus == "round"
    assert analyse("How many armed drones did it build?").focus == "drone"  # a participle before the noun
    assert analyse("How many Chinese mining firms invested?").focus != "chines"  # an -ing word inside the noun
    # typed without "did": the noun before the subject's name
    assert analyse("How many North Korean soldiers NK sent to fight for Russia").focus == "soldier"


def test_how_much_asks_for_an_amount_of_the_thing_it_names():
    assert analyse("How much oil did Russia export to North Korea in 2023?").focus == "oil"
    assert analyse("How much did North Korea earn from coal exports to China in 2018?").focus == "coal"
    assert analyse("How much did North Korea earn from selling minerals to China?").focus == "miner"
    assert analyse("How much money did North Korea earn from selling minerals to China?").focus == "miner"
    # money is answered by any sum; a name is no thing ("for Russian gas"), nor a change ("grown")
    assert analyse("How much money did Beijing put up for the bridge?").focus is None
    assert analyse("How much did China invest in North Korean solar energy?").focus is None
    assert analyse("How much have Chinese exports to Russia grown?").focus is None


def test_a_question_splits_into_parts_that_stand_alone():
    assert split_parts("What does Russia get for its shells, and what does China get for its raw materials?") == [
        "What does Russia get for its shells", "what does China get for its raw materials?"]
    # a part too short to ask anything stays with its neighbour
    assert split_parts("When and where was the EU Foreign Affairs Council held?") == [
        "When and where was the EU Foreign Affairs Council held?"]
    assert split_parts("In which month did shipments to Russia peak, and at what value?") == [
        "In which month did shipments to Russia peak, and at what value?"]
    # a second question opening with a preposition
    assert split_parts("What did China set up to study sanctions, and in which arena will the rivalry unfold?") == [
        "What did China set up to study sanctions", "in which arena will the rivalry unfold?"]
    # past an adverb or a leading phrase the second question opens with
    assert split_parts("How many drones did Iran send, and roughly how many did Russia build?") == [
        "How many drones did Iran send", "roughly how many did Russia build?"]
    assert split_parts("How many times did the DPRK ship ammunition, and about how many containers did it ship?") == [
        "How many times did the DPRK ship ammunition", "about how many containers did it ship?"]
    # a request naming what it asks for twice, in parallel; not two things of one ("the share of China and Russia")
    assert split_parts("Give the share of Russia's microchips that came from China and the share of its "
                       "high-priority imports sourced there.") == [
        "Give the share of Russia's microchips that came from China", "the share of its high-priority imports sourced there."]
    assert len(split_parts("What is the share of China and Russia in North Korea's trade?")) == 1
    assert len(split_parts("What was the value of North Korean trade and the share of coal in it?")) == 1
    # past a leading phrase and an adverb; after a semicolon and "also"; not after a partitive phrase
    assert split_parts("When did Kim and Putin hold their summit — and while we're at it, roughly how many "
                       "containers has Pyongyang shipped?")[0] == "When did Kim and Putin hold their summit"
    assert split_parts("Whose officials are behind the capacity-lease story; also, which ministry blamed China?") == [
        "Whose officials are behind the capacity-lease story", "which ministry blamed China?"]
    assert len(split_parts("Of those Chinese citizens fighting for Russia, how many have been killed?")) == 1
    assert split_parts("Which bank paid in rubles, and apart from rubles, what currencies were used in the deals?") == [
        "Which bank paid in rubles", "apart from rubles, what currencies were used in the deals?"]
    # a relative clause is no second question
    assert split_parts("RUSI says NK supplied ammunition how many times, and the State Department says how many "
                       "containers were delivered?") == ["RUSI says NK supplied ammunition how many times",
                                                          "the State Department says how many containers were delivered?"]
    assert split_parts("What did Russia and China sign in May, which the report calls historic?") == [
        "What did Russia and China sign in May, which the report calls historic?"]


def test_a_short_part_naming_another_figure_asks_the_part_before_s_question_of_it():
    question = "What was China–North Korea trade worth in the first three quarters of 2023, and what was it in 2024?"
    assert split_parts(question) == ["What was China–North Korea trade worth in the first three quarters of 2023",
                                     "what was it in 2024?"]
    first, second = analyse_parts(question)
    assert second.kind == first.kind == "number"  # "what was it" asks for what the part before asks for
    assert second.figures == frozenset({"2024"})
    assert {"trade", "worth", "quarter"} <= second.terms and "2023" not in second.terms  # its words, not its year
    # or with no question word at all
    assert split_parts("What did the official figures put trade at for 2023, and for 2024?") == [
        "What did the official figures put trade at for 2023", "for 2024?"]
    # a short part naming no new figure asks more of the same fact: one part
    assert len(analyse_parts("In which month did shipments to Russia peak in 2023, and at what value?")) == 1


def test_a_related_term_counts_by_its_similarity():
    stats = TermStats([Chunk("c", "d", "T", 0, 0, 40, "workers factories provinces solar", ())])
    question = frozenset({"labour", "factori"})
    plain = stats.coverage(question, {"worker", "factori"})
    related = {"labour": (("worker", 0.8),)}
    total = stats.weight("labour") + stats.weight("factori")
    assert plain == pytest.approx(stats.weight("factori") / total)
    assert stats.coverage(question, {"worker", "factori"}, related=related) == pytest.approx(
        (0.8 * stats.weight("labour") + stats.weight("factori")) / total)
    assert stats.coverage(question, {"factori"}, related=related) == plain  # the related term must be there
    missing = stats.missing(question, {"worker", "factori"}, related)
    assert missing == [pytest.approx(stats.weight("labour") * 0.2)]


def test_a_later_part_s_pronoun_stands_for_the_first_name_of_the_part_before():
    first, second = analyse_parts("What does North Korea get for its shells from Russia, and what does it "
                                  "receive for its raw materials from China?")
    assert first.antecedent == "" and first.named == first.text
    assert second.antecedent == "North Korea" and second.named.startswith("North Korea what does it")
    assert second.terms == frozenset(terms(second.text))  # what it retrieves and scores by stays its own
    assert analyse_parts("What do Chinese customs report on trade, and what does Russia report on trade?")[1].antecedent == ""


def test_reason_questions_are_recognised_however_they_are_worded():
    for question in ("According to the report, why are Moscow and Pyongyang using barter?",
                     "How come the windfall is expected to be limited?",
                     "According to the report, what is the first likely explanation for the fall in trade?",
                     "What was the original justification for sealing the border?"):
        assert answer_kind(question) == "reason", question
    assert holds_kind("reason", "The label is intended to mitigate overdependence on the PRC.") == 1.0


def test_a_share_or_a_price_needs_a_percent_or_an_amount_of_money():
    price = "What price per shell does Russia pay North Korea?"
    assert holds_kind("number", "North Korea shipped over 3 million rounds of 152 mm shells.", price) == 0.0
    assert holds_kind("number", "Gazprom agreed to be paid in rubles and renminbi.", price) == 0.0
    assert holds_kind("number", "Each shell cost Russia about $800.", price) == 1.0
    share = "What share of Russia's microchips came from China?"
    assert holds_kind("number", "China supplied 3 million microchips in 2024.", share) == 0.0
    assert holds_kind("number", "In 2024, 80% of the microchips came from China.", share) == 1.0


def test_names_are_the_capitalised_words_after_the_first_and_known_by_titles_too():
    from qa.scoring import names

    assert names("What is the capital of Peru?") == {"peru"}
    assert names("Which US-China deals did the Yalu River bridge need?") == {"us", "china", "yalu", "river"}
    assert names("Where did trade grow?") == frozenset()
    stats = TermStats([_chunk("a.md", "Economic triangle", "SpecialEurasia")])
    assert {"trade", "triangl", "specialeurasia"} <= stats.known and "peru" not in stats.known


def test_a_cue_counts_only_its_configured_share():
    text = "Beijing backs Moscow because of trade. Backing Moscow diverts Western attention from Asia."
    chunk = Chunk("doc.md#0", "doc.md", "Doc", 0, 0, len(text), text, tuple(split_sentences(text)))
    question = analyse("Why does Beijing back Moscow?")
    vectors = {s.start: [1.0, 0.0] for s in chunk.sentences}  # equally near the question in meaning

    def scored(cue: float) -> list[ScoredSentence]:
        return score_sentences(question, [1.0, 0.0], [Passage(chunk, 1.0, rank=1)], vectors, TermStats([chunk]),
                               SentenceWeights(cue=cue), key=lambda chunk, sentence: sentence.start)

    (cued, plain), (uncued, plain_again) = scored(1.0), scored(0.0)
    assert cued.cue and cued.typed == 1.0 and plain.typed == 0.0
    assert plain.score == plain_again.score
    assert math.isclose(cued.score - uncued.score, SentenceWeights().typed)  # the cue counts fully, then not at all


def test_what_a_how_many_question_counts_and_what_a_text_counts():
    assert counted("Roughly how many labourers from Pyongyang were put to work?") == ("labourers", "labour")
    assert counted("How many North Korean troops were sent to Russia?") == ("troops", "troop")
    assert counted("Which labourers work in China?") is None
    # a participle after the noun qualifies it; citizens are the people counted
    people = counted("How many people holding PRC passports are said to be fighting for Moscow?")
    assert people == ("people", "peopl") and names_focus(people[1], {"citizen", "chines"})
    text = "North Korea has since sent over 6,700 containers to Russia, and a workforce (between 50,000-150,000) in hubs."
    assert counted_terms(text) == {"sent", "contain", "workforc", "hub"}  # two tokens either side of a figure
    assert counted_terms("No figure here at all.") == frozenset()


def test_a_request_is_read_as_the_question_it_stands_for():
    assert as_asked("Give me the year UN sanctions on the DPRK began.") == "What year UN sanctions on the DPRK began."
    assert analyse("Give me the year UN sanctions on the DPRK began.").kind == "date"
    assert analyse("Give the monthly value of Chinese dual-use exports to Russia.").kind == "number"
    assert analyse("I need the date of the Kim-Putin summit.").kind == "date"
    assert analyse("Please give me the share of Russian microchip imports that came from China.").kind == "number"
    assert analyse("Could you tell me which bank processes the payments?").focus == "bank"
    # the question it holds, asked indirectly: a name after the counted noun is its subject
    asked = analyse("Tell me how many containers North Korea shipped to Russia.")
    assert (asked.kind, asked.focus) == ("number", "contain")
    assert analyse("How many North Korean troops are in Kursk?").focus == "troop"  # a name before the noun qualifies it
    # a question stays as asked, and a request for nothing in particular asks for no kind
    assert as_asked("What did China ban in December 2024?") == "What did China ban in December 2024?"
    assert analyse("Tell me about Dandong Zhicheng.").kind is None


def test_a_search_without_a_question_word_asks_what_it_names():
    # typed as into a search box: the noun that opens it says what is asked for
    assert as_asked("date of the Kim Putin summit in 2023") == "What date of the Kim Putin summit in 2023"
    searches = {"date of the Kim Putin summit in 2023": "date",
                "name of the Chinese firm that helped RCC disguise copper wire": "entity",
                "headcount of North Korean labourers in Liaoning": "number",
                "price Russia pays Pyongyang per artillery shell": "number",
                "DPRK gdp decline % 2020": "number"}  # a percentage, after no figure
    assert {search: analyse(search).kind for search in searches} == searches
    assert holds_kind("number", "The economy shrank in 2020, by $2 billion.", "DPRK gdp decline % 2020") == 0.0
    assert holds_kind("number", "The economy shrank by 4.5% in 2020.", "DPRK gdp decline % 2020") == 1.0
    assert analyse("Did trade fall 15% in 2018?").kind is None
    assert analyse("Dandong firm that used coal money to buy missile parts").focus == "firm"
    # an order or a yes-no question is no search
    assert as_asked("Name the Chinese company that supplied satellite imagery.") == (
        "Name the Chinese company that supplied satellite imagery.")
    assert as_asked("Compare the trade figures for 2017 and 2024.") == "Compare the trade figures for 2017 and 2024."
    assert as_asked("Did China ban gallium exports?") == "Did China ban gallium exports?"
    # a search's two questions joined by a plus
    assert split_parts("gazprom gas payment currency + metal russia barters for refining capacity") == [
        "gazprom gas payment currency", "metal russia barters for refining capacity"]
    assert split_parts("ammo to russia since 2023 - deliveries per rusi, how many containers shipped") == [
        "ammo to russia since 2023 - deliveries per rusi", "how many containers shipped"]


def _stats_of(text: str) -> TermStats:
    """Term statistics of a corpus of one chunk holding ``text``."""
    return TermStats([Chunk("c", "d.md", "Report", 0, 0, len(text), text, ())])


def test_a_name_typed_in_lower_case_is_read_as_the_documents_write_it():
    text = ("The North Korean workers went north. “The Chinese firms paid,” said Oleh Ivashchenko of the DPRK. "
            "He told us that the US Treasury and NK News agreed.")
    stats = _stats_of(text)
    assert stats.recase("how many north korean workers did the dprk send north") == (
        "how many North Korean workers did the DPRK send north")
    # a run of capitalised words only whole, and without the article a quote opened it with
    assert stats.recase("what did ivashchenko say of chinese firms") == "what did ivashchenko say of Chinese firms"
    assert stats.recase("what did oleh ivashchenko say") == "what did Oleh Ivashchenko say"
    assert stats.recase("what did the us treasury say") == "what did the US Treasury say"
    # a word the documents write in lower case, "us" alone, the part of a longer name
    assert stats.recase("did they tell us the news") == "did they tell us the news"
    # a country by a name the documents never use, or one they never mention
    assert stats.recase("what does nk sell to peru") == "what does NK sell to Peru"
    assert stats.recase("What did the DPRK send?") == "What did the DPRK send?"
    # a country's code typed in capitals, where the documents name that country; not a word ("IT")
    text = "Russia buys from China, and Italy sells to both."
    coded = _stats_of(text)
    assert coded.recase("Did RU buy IT goods from CN or TR?") == "Did Russia buy IT goods from China or TR?"
    # and a month abbreviated before a figure, as a search is typed
    assert stats.as_written("nk coal china imported mar-dec 2016") == "NK coal China imported March-December 2016"
    assert stats.as_written("may 2024 shipments, since aug. 2023") == "may 2024 shipments, since August 2023"


def test_a_name_misspelt_by_a_letter_is_read_as_the_documents_spell_it():
    text = "Zelenskyy said China and the Sinotruk plant in Dandong supplied Hwasong-17 parts; the Kremlin denied it."
    stats = _stats_of(text)
    assert stats.respell("What did Zelensky say about Chian?") == "What did Zelenskyy say about China?"
    assert stats.respell("What did Sinotrukk trucks carry from Dnadong?") == "What did Sinotruk trucks carry from Dandong?"
    assert stats.respell("Who was Zelensky's envoy to Chian’s capital?") == "Who was Zelenskyy's envoy to China’s capital?"
    # a figure makes another model, a short name another place, a known word is no typo
    assert stats.respell("What is the range of the Hwasong-18?") == "What is the range of the Hwasong-18?"
    assert stats.respell("Where did Iraq send Kremlin envoys?") == "Where did Iraq send Kremlin envoys?"
    assert stats.respell("Which Chinese firm supplies Kazakhstan?") == "Which Chinese firm supplies Kazakhstan?"
    assert one_edit("Chian", "China") and one_edit("Zelensky", "Zelenskyy") and one_edit("Dandong", "Dangdong")
    assert not one_edit("Sinotrack", "Sinotruk") and not one_edit("China", "China")
