"""The seed-trace checks catch what they claim to: one planted error of each kind, put
into an in-memory copy of the fixtures, is reported by the check for that kind."""

import copy

import pytest

from tests import seed_trace

ORIGINAL = seed_trace.Fixtures.load()
WYATT = "wyatt-2025-as-a-resistor-you-are-not-alone"
SHAHZAD = "shahzad-medical-learners-anti-racist-activism"
BMJ = "challenging-deficit-discourse-reverse-mentoring-2021"


def one(records, model, **match):
    """The fields of the single record of the model whose fields match."""
    found = [
        r["fields"]
        for r in records
        if r["model"] == f"resources.{model}"
        and all(r["fields"].get(k) == v for k, v in match.items())
    ]
    assert len(found) == 1, (model, match, len(found))
    return found[0]


def study(records, slug):
    return one(records, "study", slug=slug)


def setter(model, match, **values):
    def plant(records):
        one(records, model, **match).update(values)

    return plant


def set_study(slug, **values):
    return setter("study", {"slug": slug}, **values)


def swap_authors(slug, first, second):
    def plant(records):
        a = one(records, "studyauthor", study=[slug], position=first)
        b = one(records, "studyauthor", study=[slug], position=second)
        a["position"], b["position"] = second, first

    return plant


def add_record(model, **values):
    def plant(records):
        records.append({"model": f"resources.{model}", "fields": values})

    return plant


CERQUAL_COMPONENTS = "methodological_limitations" in one(
    ORIGINAL.records, "finding", study=[WYATT], position=1
)
LYNN = "lynn-2023-impact-of-a-student-led-anti-racism-programme"
OUTCOME_1 = {"study": [SHAHZAD], "position": 1}
OUTCOME_3 = {"study": [SHAHZAD], "position": 3}
OUTCOME_4 = {"study": [SHAHZAD], "position": 4}
SOTTO = "sotto-santiago-2021-framework-antiracist-medical-educators"
BOUTIN = "boutin-foster-2022-react-framework-role-modeling-anti-racism"

# (kind that must report it, what is planted, how)
MUTATIONS = [
    # a fact the seed does not give, where the field must stay empty
    ("source", "a journal for Shahzad et al.", set_study(SHAHZAD, journal="Medical Teacher")),
    ("source", "a year for Shahzad et al.", set_study(SHAHZAD, year=2023)),
    ("source", "a date for Shahzad et al.", set_study(SHAHZAD, publication_date="2023-03-01")),
    ("source", "a DOI for Shahzad et al.", set_study(SHAHZAD, doi="10.1000/shahzad.2023")),
    (
        "source",
        "authors for the BMJ Open study",
        add_record(
            "studyauthor",
            study=[BMJ],
            position=1,
            family_name="Smith",
            given_names="J",
            literal_name="",
        ),
    ),
    ("source", "a journal for the BMJ Open study", set_study(BMJ, journal="BMJ Open")),
    ("source", "a volume for Wyatt et al.", set_study(WYATT, volume="59")),
    ("source", "pages for Wyatt et al.", set_study(WYATT, pages="1-12")),
    # a source study's facts found only in its reference list
    ("source", "Shahzad's year from its reference list", set_study(SHAHZAD, year=2021)),
    (
        "source",
        "Shahzad's journal from its reference list",
        set_study(SHAHZAD, journal="Academic Medicine"),
    ),
    (
        "source",
        "Shahzad's date from its reference list",
        set_study(SHAHZAD, publication_date="2021-05-25"),
    ),
    ("source", "a wrong year for Wyatt et al.", set_study(WYATT, year=2024)),
    ("source", "a wrong date for Wyatt et al.", set_study(WYATT, publication_date="2025-10-12")),
    ("source", "source authors' order swapped", swap_authors(WYATT, 2, 3)),
    ("source", "Shahzad's authors' order swapped", swap_authors(SHAHZAD, 1, 2)),
    # reference lines, field by field
    ("reference", "a day cut to a prefix", set_study(SOTTO, publication_date="2021-12-02")),
    (
        "reference",
        "a month-only date given a day",
        set_study("lemieux-2021-the-time-is-now", publication_date="2021-06-01"),
    ),
    ("reference", "a volume changed", set_study(BOUTIN, volume="4")),
    (
        "reference",
        "an issue cut short",
        set_study("ona-2020-struggles-and-tensions-in-antiracism-education", issue="12"),
    ),
    ("reference", "pages cut short", set_study(BOUTIN, pages="1347-5")),
    (
        "reference",
        "a journal re-cased",
        set_study(
            "lynn-2023-impact-of-a-student-led-anti-racism-programme",
            journal="Medical Education Online",
        ),
    ),
    ("reference", "a journal abbreviated", set_study(SOTTO, journal="Acad Med")),
    ("reference", "a year changed", set_study(BOUTIN, year=2021)),
    (
        "reference",
        "a reference's authors' order swapped",
        swap_authors("afolabi-2021-student-led-efforts-anti-racist-medical-education", 1, 2),
    ),
    (
        "reference",
        "findings for a study known by its title",
        set_study(LYNN, key_findings="Awareness of racial bias rose after the programme."),
    ),
    ("reference", "a DOI the line does not give", set_study(BOUTIN, doi="10.1080/x.2022.1")),
    ("reference", "a design the line does not give", set_study(BOUTIN, design="randomised_trial")),
    # countries, sample size, learner levels, design and address of the source studies
    (
        "span",
        "a country for Shahzad et al.",
        setter("study", {"slug": SHAHZAD}, countries=[["PK"]]),
    ),
    (
        "span",
        "a country changed for Wyatt et al.",
        setter("study", {"slug": WYATT}, countries=[["US"], ["GB"]]),
    ),
    ("span", "a total sample for Shahzad et al.", set_study(SHAHZAD, sample_size=200)),
    ("span", "the re-interviewed as Wyatt's sample", set_study(WYATT, sample_size=13)),
    (
        "span",
        "a learner level for Wyatt et al.",
        add_record("studylearnerlevel", study=[WYATT], level="postgraduate"),
    ),
    (
        "span",
        "a randomised design for Shahzad et al.",
        set_study(SHAHZAD, design="randomised_trial"),
    ),
    ("span", "a before-and-after design for Shahzad", set_study(SHAHZAD, design="pre_post")),
    ("span", "a cohort design for the BMJ Open study", set_study(BMJ, design="cohort")),
    (
        "source",
        "an address for the BMJ Open study",
        set_study(BMJ, url="https://bmjopen.bmj.com/content/11/12/e054890"),
    ),
    ("source", "a volume and issue for Shahzad", set_study(SHAHZAD, volume="12", issue="1")),
    ("source", "pages for the BMJ Open study", set_study(BMJ, pages="e054890")),
    # outcomes
    (
        "outcome",
        "a Kirkpatrick level raised to 2b",
        setter("outcome", OUTCOME_1, kirkpatrick_level="2b"),
    ),
    (
        "outcome",
        "a behaviour level raised to 4a",
        setter("outcome", OUTCOME_3, kirkpatrick_level="4a"),
    ),
    ("outcome", "a perception raised to 4a", setter("outcome", OUTCOME_4, kirkpatrick_level="4a")),
    (
        "outcome",
        "an intervention figure changed",
        setter("outcome", OUTCOME_1, intervention_value="55"),
    ),
    ("outcome", "a comparison figure changed", setter("outcome", OUTCOME_3, comparison_value="15")),
    ("outcome", "a group size changed", setter("outcome", OUTCOME_4, intervention_n=120)),
    ("outcome", "an invented effect size", setter("outcome", OUTCOME_1, effect_size="OR 6.0")),
    ("outcome", "a direction against the figures", setter("outcome", OUTCOME_3, direction="worse")),
    # a seed sentence pasted into a text field, quoted or not
    (
        "copying",
        "a finding that pastes the abstract",
        setter(
            "finding",
            {"study": [WYATT], "position": 3},
            statement="Trainees drew from this collective a shared identity and a unifying "
            "'injustice frame' for understanding social harm.",
        ),
    ),
    (
        "copying",
        "a rationale that quotes a whole seed sentence",
        setter(
            "recommendation",
            {"slug": "partner-with-communities-in-learners-anti-racist-work"},
            rationale="Shahzad et al. write: \u201cThe study identifies key strategies employed "
            "by medical learners, including curriculum advocacy, community outreach, and "
            "collaboration with institutional stakeholders.\u201d",
        ),
    ),
    (
        "copying",
        "a practice named with a seed sentence",
        setter(
            "intervention",
            {"slug": "dei-committees"},
            name="The establishment of diversity, equity, and inclusion committees within medical "
            "institutions",
        ),
    ),
    (
        "copying",
        "a recommendation titled with a seed sentence",
        setter(
            "recommendation",
            {"slug": "recognise-trainees-self-curated-collectives"},
            title="Uncoordinated resistance is not an isolated endeavour but is sustained by a "
            "dynamic, reciprocal relationship",
        ),
    ),
    (
        "copying",
        "source-document notes that paste the seed",
        setter(
            "sourcedocument",
            {"slug": "seed-002-reverse-mentoring-2021"},
            notes="In trying to ascertain why this under-representation persists, literature "
            "focuses on the barriers.",
        ),
    ),
    (
        "copying",
        "a topic described in the seed's words",
        setter(
            "topic",
            {"slug": "curriculum-reform"},
            description="Medical learners are demanding a curriculum that goes beyond a "
            "superficial acknowledgment of cultural competence.",
        ),
    ),
    # prose facts the seed does not give
    (
        "prose",
        "a finding that invents who the participants were",
        setter(
            "finding",
            {"study": [WYATT], "position": 5},
            statement="The collectives did not give the surgical residents emotional support.",
        ),
    ),
    (
        "prose",
        "a finding that invents a place",
        setter(
            "finding",
            {"study": [WYATT], "position": 5},
            statement="Trainees in Ontario did not get emotional support from the collectives.",
        ),
    ),
    (
        "prose",
        "a finding that invents a number",
        setter(
            "finding",
            {"study": [SHAHZAD], "position": 3},
            statement="Learners met resistance; 42 of them needed continuing mentorship.",
        ),
    ),
    (
        "prose",
        "a number written as a word",
        setter(
            "finding",
            {"study": [WYATT], "position": 5},
            statement="Forty trainees did not get emotional support from the collectives.",
        ),
    ),
    (
        "prose",
        "a stage of training the seed does not give",
        setter(
            "finding",
            {"study": [SHAHZAD], "position": 3},
            statement="Junior, preclinical learners met resistance from established structures.",
        ),
    ),
    (
        "prose",
        "participants described as medical students",
        setter(
            "study",
            {"slug": WYATT},
            participants="Eighteen medical students engaged in professional resistance.",
        ),
    ),
    (
        "prose",
        "a practice summary that names a population the seed does not",
        setter(
            "interventionstudy",
            {"study": [WYATT], "intervention": ["self-curated-peer-collectives"]},
            what_it_found="Black and Indigenous trainees relied on self-curated collectives.",
        ),
    ),
    # a direction, level, design, strength or certainty above what the evidence allows
    (
        "rules",
        "an effect credited from a qualitative study",
        setter(
            "interventionstudy",
            {"study": [WYATT], "intervention": ["self-curated-peer-collectives"]},
            direction="improved",
        ),
    ),
    (
        "rules",
        "an effect credited from a study not yet appraised",
        setter(
            "interventionstudy",
            {"study": [LYNN], "intervention": ["student-led-anti-racism-programmes"]},
            direction="improved",
        ),
    ),
    (
        "rules",
        "an effect credited to a practice the study never names",
        setter(
            "interventionstudy",
            {"study": [SHAHZAD], "intervention": ["curriculum-advocacy"]},
            direction="improved",
        ),
    ),
    (
        "rules",
        "a Kirkpatrick level on a finding about experience",
        setter("finding", {"study": [WYATT], "position": 1}, kirkpatrick_level="2a"),
    ),
    (
        "rules",
        "a recommendation's certainty above its evidence",
        setter(
            "recommendation",
            {"slug": "recognise-trainees-self-curated-collectives"},
            certainty="moderate",
        ),
    ),
    (
        "rules",
        "a recommendation on one high-risk study raised to low",
        setter(
            "recommendation",
            {"slug": "partner-with-communities-in-learners-anti-racist-work"},
            certainty="low",
        ),
    ),
    (
        "rules",
        "a strong recommendation on very low certainty",
        setter(
            "recommendation",
            {"slug": "evaluate-learner-led-anti-racism-programmes-transparently"},
            strength="strong",
        ),
    ),
    (
        "rules",
        "a randomised design with no randomisation",
        set_study(WYATT, design="randomised_trial"),
    ),
    (
        "rules",
        "a qualitative study typed as an evaluation",
        setter(
            "interventionstudy",
            {"study": [WYATT], "intervention": ["self-curated-peer-collectives"]},
            link_type="evaluated",
        ),
    ),
    (
        "rules",
        "an unnamed intervention typed as an evaluation of a practice",
        setter(
            "interventionstudy",
            {"study": [SHAHZAD], "intervention": ["dei-committees"]},
            link_type="evaluated",
        ),
    ),
    (
        "rules",
        "an outcome credited to a practice its study did not evaluate",
        setter("outcome", OUTCOME_1, intervention=["student-led-anti-racism-programmes"]),
    ),
    (
        "span",
        "the BMJ Open study held as full text",
        set_study(BMJ, holdings="full_text"),
    ),
    (
        "reference",
        "a reference held as an abstract",
        set_study(BOUTIN, holdings="abstract"),
    ),
    *(
        [
            (
                "rules",
                "a high-risk study's methods judged without concerns",
                setter(
                    "finding",
                    {"study": [SHAHZAD], "position": 2},
                    methodological_limitations="none",
                ),
            ),
            (
                "rules",
                "a finding's components judged so it rises above one study's reach",
                setter(
                    "finding",
                    {"study": [WYATT], "position": 1},
                    methodological_limitations="minor",
                    adequacy="minor",
                ),
            ),
        ]
        if "methodological_limitations"
        in one(ORIGINAL.records, "finding", study=[WYATT], position=1)
        else []
    ),
]


def test_the_unmodified_fixtures_pass_every_check():
    problems = seed_trace.check(ORIGINAL)
    assert not problems, "\n".join(map(str, problems))


def test_every_kind_has_a_planted_error():
    assert {kind for kind, _, _ in MUTATIONS} == set(seed_trace.KINDS)


@pytest.mark.parametrize(
    ("kind", "plant"), [(k, p) for k, _, p in MUTATIONS], ids=[d for _, d, _ in MUTATIONS]
)
def test_a_planted_error_is_reported(kind, plant):
    records = copy.deepcopy(ORIGINAL.records)
    plant(records)
    problems = seed_trace.check(seed_trace.Fixtures(records), kind)
    assert problems, "the planted error went unnoticed"
