"""Answer composition on hand-made scored sentences (no model): what may lead an answer, what
joins it."""

import dataclasses

import pytest

from qa.answer import NO_ANSWER, combine, compose, confidence_features, confidence_of, open_parts
from qa.chunking import split_sentences
from qa.config import Config
from qa.rerank import sentence_weights
from qa.schema import Answer, Chunk, Citation, Passage
from qa.scoring import ScoredSentence, TermStats, analyse, analyse_parts, score_sentences

TEXT = ("WILL CHINA AND NORTH KOREA CONSUME RUSSIA?\n"
        "Russia buys artillery shells from North Korea and pays in food and fuel.")
CONFIG = Config(abstain_threshold=0.0, second_ratio=1.01, neighbour_ratio=1.01)  # always answer, the lead alone


def _sentences(text: str, scores: list[float]) -> tuple[Passage, list[ScoredSentence]]:
    spans = tuple(split_sentences(text))
    assert len(spans) == len(scores)
    chunk = Chunk("doc.md#0", "doc.md", "Doc", 0, 0, len(text), text, spans)
    passage = Passage(chunk, 1.0, rank=1)
    scored = [ScoredSentence(passage, i, span, text[span.start:span.end], semantic=0.8, lexical=0.8, typed=0.0,
                             score=score) for i, (span, score) in enumerate(zip(spans, scores))]
    return passage, scored


def _answer(question: str, text: str, scores: list[float], config: Config = CONFIG) -> list[str]:
    passage, sentences = _sentences(text, scores)
    answer = compose(analyse(question), [passage], sentences, TermStats([passage.chunk]), config)
    assert answer.answer != NO_ANSWER
    return [c.text for c in answer.citations]


def test_a_question_in_the_text_never_leads_the_answer():
    cited = _answer("What does Russia pay North Korea with?", TEXT, [0.9, 0.6])  # the rhetorical question scores best
    assert cited[0].startswith("Russia buys artillery shells")
    assert all(not c.endswith("?") for c in cited)


def test_a_lead_that_refers_back_brings_the_sentence_it_refers_to():
    text = ("Resolution 2270 banned coal exports. This clause allowed Beijing to import $1 billion of coal. "
            "Trade fell later.")
    cited = _answer("How much coal did Beijing import?", text, [0.3, 0.9, 0.2])
    assert cited == ["Resolution 2270 banned coal exports.", "This clause allowed Beijing to import $1 billion of coal."]


def test_a_lead_opening_in_return_brings_what_it_is_given_for():
    text = ("“North Korea sends raw coal and rare metals north across the border. "
            "In return, Chinese firms operate plants and remit salaries.”")
    cited = _answer("What does Pyongyang ship in return for plants run by Chinese firms?", text, [0.2, 0.9])
    assert cited[0].startswith("“North Korea sends raw coal") and cited[1].startswith("In return")
    # "in return for" names what it is for itself
    text = "Trade between the two countries grew last year. In return for coal, Chinese firms operate plants."
    assert _answer("What do Chinese firms get?", text, [0.2, 0.9]) == ["In return for coal, Chinese firms operate plants."]


def test_a_close_runner_up_that_restates_the_best_with_more_detail_leads():
    text = ("Disguised Trade: Russian and Chinese firms disguised copper wire trade as scrap metal to evade sanctions. "
            "Elsewhere, trade grew fast. "
            "Russian and Chinese firms disguised the copper wire trade as scrap metal to evade taxes and sanctions.")
    question = "Why did the firms pass off copper wire as scrap?"
    assert _answer(question, text, [0.9, 0.1, 0.85])[0].endswith("evade taxes and sanctions.")
    assert _answer(question, text, [0.9, 0.1, 0.7])[0].startswith("Disguised Trade")  # not close enough


def test_a_lead_opening_with_a_connective_stands_alone():
    text = "Trade still lags behind earlier levels. However, trade reached $216 million in September."
    cited = _answer("What did trade reach in September?", text, [0.3, 0.9])
    assert cited == ["However, trade reached $216 million in September."]


def test_an_extra_part_must_add_enough_of_what_is_missing():
    text = ("Under sanctions, the DPRK may not sell gold, titanium and vanadium. "
            "Enforcement of the minerals ban on coal, iron and lead is failing. "
            "Sanctions triangle analysts expect more minerals trade in copper, zinc and nickel.")
    question = "List the minerals the DPRK may not sell under sanctions, per the triangle analysis."
    # the second sentence adds "minerals" alone, the third "minerals" and "triangle"
    assert len(_answer(question, text, [0.9, 0.8, 0.8], CONFIG.replace(extra_share=0.0))) > 1
    assert _answer(question, text, [0.9, 0.8, 0.3], CONFIG.replace(extra_share=0.9)) == [
        "Under sanctions, the DPRK may not sell gold, titanium and vanadium."]
    # a plural alone asks for no list: the sentence that names them all answers it
    assert _answer("Which minerals may the DPRK not sell under sanctions, per the triangle analysis?", text,
                   [0.9, 0.8, 0.8], CONFIG.replace(extra_share=0.0)) == [
        "Under sanctions, the DPRK may not sell gold, titanium and vanadium."]


@pytest.mark.parametrize("question, text, expected", [
    # the second sentence adds the question's words and no item: context, not a further form
    ("What other forms do Russian repayments for leased capacity take?",
     "South Korean intelligence says Russia pays in timber, steel and equity. "
     "Russian repayments for leased capacity have grown. "
     "Russian clients also repay in grain, palladium and titanium.",
     ["South Korean intelligence says Russia pays in timber, steel and equity.",
      "Russian clients also repay in grain, palladium and titanium."]),
    # the second sentence is someone else's word than the source asked for
    ("What other forms do Russian repayments take, according to South Korean intelligence?",
     "South Korean intelligence says Russia pays in timber and steel. "
     "Russian clients repay China in grain and titanium, according to an anonymous FVEY source. "
     "Russian firms repay China in palladium and grain.",
     ["South Korean intelligence says Russia pays in timber and steel.",
      "Russian firms repay China in palladium and grain."]),
])
def test_a_list_s_extra_part_is_a_further_item_from_the_source_asked_for(question, text, expected):
    assert _answer(question, text, [0.9, 0.85, 0.8]) == expected


def test_the_other_side_of_a_comparison_takes_the_place_of_the_lead_s_neighbour():
    filler = " ".join(["word"] * 30)
    text = (f"China's trade with North Korea fell to $5.3 billion in 2017 {filler}. "
            f"China remained the main partner of North Korea in every later year {filler}. "
            "Customs put the 2024 trade at $225 million.")
    question = "Compare the 2017 trade figure with the one for 2024."
    config = CONFIG.replace(neighbour_ratio=0.8)
    assert _answer(question, text, [0.9, 0.85, 0.8], config) == [
        f"China's trade with North Korea fell to $5.3 billion in 2017 {filler}.", "Customs put the 2024 trade at $225 million."]
    # with room for all three, the neighbour stays
    assert len(_answer(question, text, [0.9, 0.85, 0.8], config.replace(max_answer_words=200))) == 3


def test_a_why_lead_that_gives_no_reason_comes_with_the_sentence_after_it():
    text = ("Who controls the border trade is a concern for policymakers. "
            "The deep links between the state and private firms blur the line. Trade grew in 2023.")
    question = "Why is it hard for policymakers to tell who controls the border trade?"
    assert _answer(question, text, [0.9, 0.5, 0.4]) == [
        "Who controls the border trade is a concern for policymakers.",
        "The deep links between the state and private firms blur the line."]
    passage, sentences = _sentences(text, [0.9, 0.5, 0.4])
    sentences[0] = dataclasses.replace(sentences[0], typed=1.0)  # it holds a reason cue itself
    answer = compose(analyse(question), [passage], sentences, TermStats([passage.chunk]), CONFIG)
    assert [c.text for c in answer.citations] == ["Who controls the border trade is a concern for policymakers."]


def test_a_why_lead_does_not_take_the_next_bullet_point():
    text = ("Support: China set up a group to study sanctions on Russia.\n"
            "Entities: The United States listed Chinese firms. Trade grew in 2023.")
    assert _answer("Why did China set up a group to study sanctions on Russia?", text, [0.9, 0.5, 0.4]) == [
        "Support: China set up a group to study sanctions on Russia."]


def test_a_strong_neighbour_joins_the_lead_and_a_weak_one_does_not():
    text = ("South Hamgyong Province holds enormous mineral resources. "
            "The mine complexes there are Sangnong, Geomdeok and Musan. Trade grew in 2023.")
    question = "Which mine complexes does South Hamgyong Province hold?"
    with_neighbour = CONFIG.replace(neighbour_ratio=0.8)
    # the sentence before the lead scores below 0.8 of it, the one after above: the one after joins
    assert _answer(question, text, [0.5, 0.9, 0.75], with_neighbour) == [
        "The mine complexes there are Sangnong, Geomdeok and Musan.", "Trade grew in 2023."]
    assert _answer(question, text, [0.9, 0.75, 0.1], with_neighbour) == [
        "South Hamgyong Province holds enormous mineral resources.",
        "The mine complexes there are Sangnong, Geomdeok and Musan."]
    assert _answer(question, text, [0.9, 0.7, 0.1], with_neighbour) == [
        "South Hamgyong Province holds enormous mineral resources."]
    # the better of the two neighbours is the one that may join
    assert _answer(question, text, [0.75, 0.9, 0.74], with_neighbour)[0] == (
        "South Hamgyong Province holds enormous mineral resources.")

def test_a_neighbour_that_introduces_a_quote_brings_it():
    text = ("Chinese firms lease capacity to Russian counterparts. "
            "Russian clients repay China in a blend of currencies, an FVEY source says:\n\n"
            "“It’s also Russian grain, palladium, titanium.” Trade grew in 2023.")
    cited = _answer("Which Russian commodities pay for leased Chinese capacity?", text, [0.9, 0.8, 0.3, 0.2],
                    CONFIG.replace(neighbour_ratio=0.8))
    assert cited == ["Chinese firms lease capacity to Russian counterparts.",
                     "Russian clients repay China in a blend of currencies, an FVEY source says:",
                     "“It’s also Russian grain, palladium, titanium.”"]


def test_a_near_tie_that_repeats_the_lead_is_left_out():
    text = ("Strategy: China set up an interagency group to study sanctions on Russia. "
            "Support: China set up an interagency group to study the sanctions on Russia. "
            "In 2024 China set up a second group on Taiwan.")
    near_tie = CONFIG.replace(second_ratio=0.9)
    question = "What did China set up to study sanctions on Russia?"
    assert _answer(question, text, [0.9, 0.89, 0.1], near_tie) == [
        "Strategy: China set up an interagency group to study sanctions on Russia."]
    # a runner-up that names a new figure says something new
    assert len(_answer(question, text, [0.9, 0.1, 0.89], near_tie)) == 2


def test_a_split_part_is_not_padded_for_the_comparison_it_came_from():
    text = ("Trade with the DPRK reached $225 million in 2024. "
            "Official trade estimates and DPRK trade values differ widely.")
    question = "Compare the trade figures: what value does the article give for DPRK trade in 2024"
    whole, part = analyse(question), analyse(question, part=True)
    passage, sentences = _sentences(text, [0.9, 0.8])
    stats = TermStats([passage.chunk])
    config = CONFIG.replace(extra_share=0.0)
    assert len(compose(whole, [passage], sentences, stats, config).citations) == 2
    assert len(compose(part, [passage], sentences, stats, config).citations) == 1


def test_a_question_naming_only_what_the_documents_never_mention_is_declined():
    passage, sentences = _sentences(TEXT, [0.6, 0.9])
    stats = TermStats([passage.chunk])
    config = CONFIG.replace(abstain_threshold=0.01)
    # "shells" ties the best sentence to the question, but Peru is named nowhere
    declined = compose(analyse("What shells does Peru buy?"), [passage], sentences, stats, config)
    assert declined.abstained and declined.confidence == 0.0
    answered = compose(analyse("What shells does North Korea sell to Peru?"), [passage], sentences, stats, config)
    assert not answered.abstained  # one name the documents know is enough
    # a country the documents name by another of its names
    assert not compose(analyse("What shells does NK sell?"), [passage], sentences, stats, config).abstained


def test_a_best_sentence_sharing_no_question_term_is_declined():
    passage, sentences = _sentences(TEXT, [0.6, 0.9])
    answer = compose(analyse("What is the population of Lima?"), [passage], sentences, TermStats([passage.chunk]),
                     CONFIG.replace(abstain_threshold=0.01))
    assert answer.abstained and answer.confidence == 0.0 and answer.answer == NO_ANSWER


def test_a_bibliography_entry_never_leads_the_answer():
    text = ("Wang Yajun became Beijing's ambassador in Pyongyang in 2021.\n"
            "Bernal, G. (2023). “China's ambassador to North Korea speaks.” Nikkei Asia.\n")
    passage, _ = _sentences(text, [0.0] * len(split_sentences(text)))
    statement_end = text.index("\n")
    # the reference line is nearest the question in meaning and words; only real scoring flags it
    vectors = {s.start: [0.8, 0.6] if s.start < statement_end else [1.0, 0.0] for s in passage.chunk.sentences}
    question = analyse("Who is China's ambassador to North Korea?")
    stats = TermStats([passage.chunk])
    scored = score_sentences(question, [1.0, 0.0], [passage], vectors, stats, sentence_weights(CONFIG),
                             key=lambda chunk, sentence: sentence.start)
    statement, best = scored[0], max(scored, key=lambda s: s.score)
    assert best.reference and best.score > statement.score and not statement.reference
    answer = compose(question, [passage], scored, stats, CONFIG)
    assert [c.text for c in answer.citations] == [text[:statement_end]]


def _features(question: str, text: str, scores: list[float] | None = None, lead: int = 0,
              typed: bool = False) -> dict[str, float]:
    """Confidence features of ``question`` with sentence ``lead`` of ``text`` as the best; ``typed``:
    every sentence holds the kind asked, so that only the check under test counts."""
    passage, sentences = _sentences(text, scores or [0.9])
    if typed:
        sentences = [dataclasses.replace(s, typed=1.0) for s in sentences]
    return confidence_features(analyse(question), sentences[lead], sentences, TermStats([passage.chunk]))


def _features_on_text(question: str) -> dict[str, float]:
    """Confidence features of ``question`` with TEXT's statement as the best sentence:
    "Russia buys artillery shells from North Korea and pays in food and fuel." """
    return _features(question, TEXT, [0.6, 0.9], lead=1)


def test_another_country_where_the_question_puts_one_lowers_the_confidence():
    near_miss = _features_on_text("What does Russia buy from China?")
    same = _features_on_text("What does Russia buy from Pyongyang?")
    assert near_miss["name_conflict"] == 1.0 and same["name_conflict"] == 0.0
    assert confidence_of(near_miss, Config()) < confidence_of(same, Config())


def test_goods_going_the_other_way_lower_the_confidence():
    """TEXT has Russia buying from North Korea: North Korea's purchases from Russia are not there."""
    near_miss = _features_on_text("What does North Korea buy from Russia?")
    same = _features_on_text("What does North Korea sell to Russia?")
    assert near_miss["name_conflict"] == 1.0 and same["name_conflict"] == 0.0


def test_a_part_about_the_country_named_before_is_checked_for_another_country():
    """ "…, and how much food does it send to Russia?" asks about North Korea (TEXT's statement
    is about Russia and North Korea): once its pronoun stands for China, that statement is about another."""
    passage, sentences = _sentences(TEXT, [0.6, 0.9])
    _, part = analyse_parts("What does China export to Iran, and how much food does it send to Russia?")
    features = confidence_features(part, sentences[1], sentences, TermStats([passage.chunk]))
    assert part.antecedent == "China" and features["other_country"] == 1.0


def test_a_best_sentence_on_another_country_lowers_the_confidence():
    elsewhere = _features_on_text("How much food does China send to Russia?")
    here = _features_on_text("How much food does Pyongyang get from Russia?")
    assert elsewhere["other_country"] == 1.0 and elsewhere["name_conflict"] == 0.0
    assert here["other_country"] == 0.0
    assert confidence_of(elsewhere, Config()) < confidence_of(here, Config())


@pytest.mark.parametrize("question, other", [
    # TEXT is on Russia and North Korea: the background's countries are there, the one asked of is not
    ("Russia buys shells from North Korea. How many shells does China buy from North Korea?", 1.0),
    ("China buys coal from North Korea. How many shells does Russia buy from North Korea?", 0.0),
    ("How many shells have the U.S. and the EU seen Russia buy from North Korea?", 0.0),  # one sentence
])
def test_the_countries_of_a_background_sentence_do_not_keep_the_question_on_topic(question, other):
    assert _features_on_text(question)["other_country"] == other


def test_something_asked_at_an_extreme_and_not_said_to_be_one_is_a_missing_kind():
    """"Which goods … in the largest amounts" is no name question (a common noun may answer it),
    yet a sentence that says nothing of amounts does not answer it."""
    assert _features_on_text("What does Russia buy from Pyongyang?")["kind_missing"] == 0.0
    assert _features_on_text("Which goods does Russia buy in the largest amounts from Pyongyang?")["kind_missing"] == 1.0


@pytest.mark.parametrize("break_, conflict", [(" ", False), ("\n\n", True)])
def test_the_country_asked_about_counts_nearby_only_within_the_paragraph(break_, conflict):
    """The sentence after the best one names the country asked about: in the same paragraph it
    may carry on the fact; after a paragraph break it is about something else."""
    text = "The PRC’s trade with the DPRK reached $1.63 billion." + break_ + "Russia’s ties with the DPRK grew."
    passage, sentences = _sentences(text, [0.9, 0.5])
    features = confidence_features(analyse("What was the value of Russia’s trade with North Korea?"), sentences[0],
                                   sentences, TermStats([passage.chunk]))
    assert features["name_conflict"] == float(conflict)


@pytest.mark.parametrize("question, missing", [
    ("When did Kim meet Putin, as reported in the November 2023 analysis?", 0.0),  # names the document
    ("When did Kim meet Putin in 2023?", 1.0),  # "in 2023" is about the events: the source's date is no answer
])
def test_a_figure_that_names_the_document_by_its_date_is_not_missing(question, missing):
    text = "On September 13, Kim held a summit with Putin."
    passage, sentences = _sentences(text, [0.9])
    chunk = dataclasses.replace(passage.chunk, source='geopolitics website, "(Analysis)" of November 8, 2023')
    sentences = [dataclasses.replace(s, passage=dataclasses.replace(passage, chunk=chunk)) for s in sentences]
    features = confidence_features(analyse(question), sentences[0], sentences, TermStats([chunk]))
    assert features["figure_missing"] == missing


WHY_BANNED = "Why were gallium and germanium banned for export to the United States in December 2024?"
EFFECT_OF_BAN = "What impact has the December 2024 ban on gallium exports to the United States had on drone output?"


@pytest.mark.parametrize("asked, text, novelty, missing", [
    (WHY_BANNED, "These same minerals were banned for export to the United States by China in December 2024.", 0.12, 1.0),
    (WHY_BANNED, "These same minerals were banned for export to the United States to protect Chinese industry.", 0.12, 0.0),
    (WHY_BANNED, "These minerals were banned for export after Washington restricted chip sales to Beijing.", 0.5, 0.0),
    (EFFECT_OF_BAN, "These same minerals were banned for export to the United States by China in December 2024.", 0.12,
     1.0),  # an effect asked: the event restated gives none either
])
def test_a_sentence_restating_a_why_question_s_event_gives_no_reason(asked, text, novelty, missing):
    """Little that is new (``novelty``: share of the sentence's words the question lacks) and no
    word of a reason: the sentence restates the event asked about."""
    passage, sentences = _sentences(text, [0.9])
    best = dataclasses.replace(sentences[0], novelty=novelty)
    question = analyse(asked)
    assert confidence_features(question, best, [best], TermStats([passage.chunk]))["kind_missing"] == missing


@pytest.mark.parametrize("question, missing", [
    ("What did the commission decide when it reconvened in November 2023?", 1.0),  # only planned for November
    ("What did the ministers agree to at their October 2023 meeting?", 0.0),  # held in October
    ("What did the ministers agree to take up at the commission planned for November?", 0.0),  # asked as a plan
    ("They agreed to meet again in November. What did they decide in that commission?", 1.0),  # background
    ("Lavrov and Choe agreed to reconvene in November — what did that commission actually sign off on?", 1.0),
])
def test_a_month_named_only_as_a_plan_s_date_does_not_say_what_came_of_it(question, missing):
    text = ("The ministers met on October 19, 2023, in Pyongyang. They agreed to re-convene in November as part of "
            "an intergovernmental commission to discuss geological exploration.")
    features = _features(question, text, [0.5, 0.9], lead=1)
    assert features["figure_missing"] == missing


@pytest.mark.parametrize("question, text, missing", [
    ("What did the Council decide at its May meeting?",
     "The Council met in May, where the effectiveness of the sanctions was discussed.", 1.0),
    ("What did the Council decide at its May meeting?", "In May the Council decided to extend the sanctions.", 0.0),
    ("Which agreements did the two leaders sign at their summit?",
     "At the summit, discussions likely revolved around weapons exports.", 1.0),
    ("What penalties were imposed on the company?", "The company disguised copper wire as scrap metal.", 1.0),
    ("Did the meeting end up agreeing to extend the sanctions?", "The meeting discussed extending the sanctions.", 1.0),
    ("Since what year have sanctions been imposed on the company?", "The company was listed in 2016.", 0.0),  # a date
    ("What did the company pass its copper wire off as?", "The company disguised copper wire as scrap metal.", 0.0),
    ("Which sanctions have the U.S. and the EU adopted against the firms?",
     "U.S. and EU frameworks targeting the firms facilitating these barter-deals may emerge.", 1.0),
    ("What kind of digital money did Moscow adopt for its trade?", "Russia began using cryptocurrencies.", 0.0),
    ("What penalty was imposed on the railway builder?",
     "The railway builder was included in the list of international sponsors of war.", 0.0),  # an act all the same
    # how someone responded: the event alone is no response, a hypothetical reaction is asked otherwise
    ("How did Beijing respond to Zelenskyy's claim about Chinese fighters?",
     "Zelenskyy also stated that at least 155 Chinese citizens are fighting for the Russian army.", 1.0),
    ("How did Beijing respond to Zelenskyy's claim about Chinese fighters?",
     "Beijing denied that its citizens were fighting for the Russian army.", 0.0),
    ("How might Taipei and Seoul react to the leases?", "Taiwan and Seoul may pivot toward security assurances.", 0.0),
    ("How did the Chinese Foreign Ministry react to the German report?",  # responsible is no response
     "A German report revealed that China is responsible for 80% of the cases of sanctions evasion.", 1.0),
])
def test_an_outcome_asked_and_only_a_discussion_said_is_a_missing_kind(question, text, missing):
    """What a meeting decided is not in the sentence on what it discussed."""
    features = _features(question, text, typed=True)  # the kind asked is there: only the outcome counts
    assert features["kind_missing"] == missing


@pytest.mark.parametrize("question, missing", [
    ("How much have Chinese exports to Russia grown since the February 2022 attack?", 0.0),
    ("Since Moscow's troops crossed into Ukraine in 2022, by how much have Chinese exports to Russia grown?", 0.0),
    ("How much had Chinese exports to Russia grown by 2022?", 1.0),  # a year asked, not an event's
])
def test_the_year_of_the_event_a_change_is_counted_from_is_named_by_the_event(question, missing):
    text = "Chinese exports to Russia have surged by more than 60% since the invasion of Ukraine."
    features = _features(question, text)
    assert features["figure_missing"] == missing


@pytest.mark.parametrize("question, missing", [
    ("On what date did Kim Jong Un and Putin hold their 2023 summit?", 0.0),  # the paragraph's year
    ("On what date did Kim Jong Un and Putin hold their 2022 summit?", 1.0),
    ("How many containers had North Korea shipped by 2022?", 1.0),  # a date answers no count
])
def test_a_day_given_without_its_year_takes_the_year_of_its_passage(question, missing):
    text = ("Relations between the two countries are at their best since the Cold War. Notably, on September 13, "
            "Kim Jong Un held a summit with Putin. The talks likely turned to weapons exports to Russia. The RUSI "
            "reports deliveries of ammunition at least five times since August 2023.")
    features = _features(question, text, [0.1, 0.9, 0.1, 0.1], lead=1, typed=True)
    assert features["figure_missing"] == missing


@pytest.mark.parametrize("question, missing", [
    ("What value of North Korean iron ore did China import in 2016?", 1.0),  # the worth of coal given
    ("What value of North Korean coal did China import in 2016?", 0.0),
    ("What was the value of China's imports from North Korea in 2016?", 0.0),  # no other thing valued
])
def test_the_worth_of_another_thing_is_no_value_of_the_one_asked(question, missing):
    text = "In 2016 Beijing imported more than $1 billion worth of North Korean coal."
    features = _features(question, text)
    assert features["focus_missing"] == missing


@pytest.mark.parametrize("question, missing", [
    ("Official figures put the trade at $225 million in 2024. What do intelligence sources estimate it to be?", 0.0),
    ("Is the trade worth more than $5 billion? Give the estimate of intelligence sources.", 0.0),  # supposed
    ("What do intelligence sources estimate the trade to be in 2024?", 1.0),  # asked
])
def test_a_figure_of_a_sentence_before_the_one_that_asks_is_not_asked_for(question, missing):
    text = "Intelligence sources estimate trade to exceed $3 billion per year."
    features = _features(question, text)
    assert features["figure_missing"] == missing


def test_a_neighbour_ending_on_a_colon_without_what_it_introduces_is_left_out():
    """"… the report, which states:" says nothing when the quote after it is too long to follow."""
    quote = "“" + " ".join(["Chinese state-owned enterprises kept trading with the North"] * 12) + ".”"
    text = ("China approved the UN sanctions on Pyongyang but did not enforce them fully. "
            "This claim is confirmed by the 2017 commission report, which states:\n" + quote)
    cited = _answer("Why does China keep supporting Pyongyang despite the UN sanctions?", text, [0.9, 0.5, 0.4])
    assert cited == ["China approved the UN sanctions on Pyongyang but did not enforce them fully."]


@pytest.mark.parametrize("question, missing", [
    ("Which newspaper reported what the Kremlin buys from Pyongyang?", 0.0),  # a name answers a category
    ("Who is the ambassador that reported the purchases?", 1.0),  # a role must be named near the answer
])
def test_a_name_answers_the_category_asked_for_without_naming_it(question, missing):
    text = "Izvestia reported that Russia buys shells from North Korea and pays in food."
    features = _features(question, text, typed=True)
    assert features["focus_missing"] == missing


@pytest.mark.parametrize("text, missing", [
    ("The Council met on May 20 in Strasbourg to review the sanctions.", 0.0),  # a name answers "which city"
    ("The Council met on May 20 to review the sanctions.", 1.0),
])
def test_a_name_answers_the_category_a_question_asks_beside_a_date(text, missing):
    """"On what date and in which city …" asks for a date first: a name still answers its city."""
    question = analyse("On what date and in which city did the EU Foreign Affairs Council meet?")
    assert question.kind == "date" and question.focus == "citi"
    passage, sentences = _sentences(text, [0.9])
    features = confidence_features(question, sentences[0], sentences, TermStats([passage.chunk]))
    assert features["focus_missing"] == missing


@pytest.mark.parametrize("text, counted_as, missing", [
    # the figure counts the asked-for labourers by another word: the thing asked for is there
    ("Beijing employs part of the North Korean workforce (between 50,000-150,000) in its production hubs.",
     {"workforc"}, 0.0),
    ("Beijing employs part of the North Korean workforce (between 50,000-150,000) in its production hubs.",
     set(), 1.0),  # no word of the documents stands for "labourers"
    # the word is there, but what the figure counts is something else
    ("The North Korean workforce of Liaoning earned the regime money through the hubs set up in 2016.",
     {"workforc"}, 1.0),
])
def test_a_figure_may_count_the_thing_asked_for_by_another_word(text, counted_as, missing):
    question = dataclasses.replace(analyse("How many labourers from North Korea work in Chinese factories?"),
                                   counted_as=frozenset(counted_as))
    passage, sentences = _sentences(text, [0.9])
    sentences = [dataclasses.replace(s, typed=1.0) for s in sentences]
    features = confidence_features(question, sentences[0], sentences, TermStats([passage.chunk]))
    assert features["focus_missing"] == missing


@pytest.mark.parametrize("state_as, missing", [({"kill"}, 1.0), ({"kill", "fight"}, 0.0), (set(), 0.0)])
def test_a_count_in_another_state_than_the_one_asked_is_no_answer(state_as, missing):
    """155 citizens fighting for Russia are no count of those killed."""
    question = dataclasses.replace(analyse("How many Chinese citizens fighting for Russia have been killed?"),
                                   state_as=frozenset(state_as))
    passage, sentences = _sentences("At least 155 Chinese citizens are fighting for the Russian army.", [0.9])
    features = confidence_features(question, sentences[0], sentences, TermStats([passage.chunk]))
    assert features["focus_missing"] == missing


def test_a_paraphrase_sharing_only_a_country_by_another_name_is_no_off_topic_question():
    """Every word but the countries paraphrased ("Moscow" for "Russia"): the model decides, the guard does not."""
    text = "Starting in 2024, Russia began using cryptocurrencies for trade with China."
    passage, sentences = _sentences(text, [0.9])
    elsewhere = "Officials in Moscow and Beijing met."  # the documents name both cities, not near the answer
    stats = TermStats([passage.chunk, Chunk("other.md#0", "other.md", "Other", 0, 0, len(elsewhere), elsewhere, ())])
    asked = compose(analyse("What kind of digital money has Moscow turned to for settling its commerce with Beijing?"),
                    [passage], sentences, stats, CONFIG)
    assert asked.confidence > 0.0
    # no country in common either: tied to the question by the bi-encoder alone
    assert compose(analyse("What kind of digital money has Peru turned to for its commerce?"), [passage], sentences,
                   stats, CONFIG).confidence == 0.0


@pytest.mark.parametrize("question, other", [
    ("Why did China–North Korea trade fall sharply in 2017?", 0.0),  # a reason, in another country's words
    ("How much did China–North Korea trade fall in 2017?", 1.0),
])
def test_a_reason_keeping_one_of_the_countries_asked_about_is_on_topic(question, other):
    text = "The U.S. commission traced the fall to the shared aim of stabilising Pyongyang."
    features = _features(question, text)
    assert features["other_country"] == other


def test_a_part_the_documents_do_not_answer_is_named_not_dropped():
    passage, _ = _sentences(TEXT, [0.1, 0.9])
    sentence = "Russia buys artillery shells from North Korea and pays in food and fuel."
    start = TEXT.index(sentence)
    cited = Citation(marker=1, doc_id="doc.md", title="Doc", chunk=0, start=start, end=start + len(sentence),
                     text=sentence, passage=TEXT, passage_start=0, score=0.9)
    first = Answer("What does Russia pay North Korea with", f"{sentence} [1]", False, 0.9, [cited], [passage])
    second = Answer("what does Iran pay China with?", NO_ANSWER, True, 0.2, passages=[passage])
    question = analyse("What does Russia pay North Korea with, and what does Iran pay China with?")
    answer = combine(question, [first, second])
    assert not answer.abstained and answer.answer == f"{sentence} [1]"  # the answer stays verbatim spans
    assert answer.unanswered == ["what does Iran pay China with?"]
    assert open_parts(answer) == ["The documents do not answer this part: “What does Iran pay China with?”"]
    assert answer.to_dict()["unanswered"] == ["what does Iran pay China with?"]
    # declined as a whole, it says so once
    declined = combine(question, [dataclasses.replace(first, answer=NO_ANSWER, abstained=True, citations=[]), second])
    assert declined.abstained and declined.unanswered == [] and open_parts(declined) == []


CRYPTO = "Starting in 2024, Russia began using cryptocurrencies for trade with China."


@pytest.mark.parametrize("question, text, missing", [
    ("Which cryptocurrencies is Russia using to settle its trade with China?", CRYPTO, 1.0),  # the category again
    ("Which cryptocurrencies or stablecoins is Russia using for its trade with China?", CRYPTO, 1.0),
    ("Which cryptocurrencies is Russia using to settle its trade with China?",
     "Russia began using cryptocurrencies such as Tether for trade with China.", 0.0),  # a member after it
    ("Which cryptocurrencies is Russia using to settle its trade with China?",
     "Russia began using stable cryptocurrencies for trade with China.", 0.0),  # a kind of its own
    ("Which minerals did Chinese companies supply to Russia?",
     "Chinese companies have supplied Russia with gallium, germanium, and antimony, minerals for drones.", 0.0),
    ("In which month did Russia first use cryptocurrencies?", CRYPTO, 0.0),  # a date asked: its own check
])
def test_a_category_named_again_names_none_of_its_members(question, text, missing):
    assert _features(question, text, typed=True)["kind_missing"] == missing


@pytest.mark.parametrize("question, missing", [
    ("What share of Russia's microchip imports came from China in 2023, before the 2024 figure?", 1.0),
    ("What share of Russia's microchip imports came from China in 2024?", 0.0),
    ("What share of Russia's microchip imports came from China?", 0.0),  # no year asked
    ("Compare the share of microchips from China in 2023 with the 2024 one.", 0.0),  # the other year is half of it
])
def test_a_figure_of_another_year_does_not_answer_for_the_year_asked(question, missing):
    text = "In 2024, 80% of the microchips imported by Russia came from China."
    assert _features(question, text, typed=True)["figure_missing"] == missing


def test_the_worth_of_another_thing_does_not_say_how_much_of_the_one_asked():
    text = "Beijing imported more than $1 billion worth of North Korean coal between March and December 2016."
    asked = "How much North Korean iron ore did China import between March and December 2016?"
    assert _features(asked, text, typed=True)["focus_missing"] == 1.0
    assert _features("How much North Korean coal did China import in 2016?", text, typed=True)["focus_missing"] == 0.0
    assert _features("How much money did China spend on North Korean coal in 2016?", text,
                     typed=True)["focus_missing"] == 0.0
