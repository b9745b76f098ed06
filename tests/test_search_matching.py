"""What a search matches: spelling variants, word forms, the curators' synonyms, every part
of a record, known items first, "Did you mean …?", and why each result matched."""

import pytest
from django.urls import reverse

from resources import search
from resources.models import EditorialStatus, Study, SynonymGroup
from resources.search.query import Query, Synonyms
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    StudyAuthorFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def studies_found(q):
    return [study.title for study in search.search_all(q).groups[0].results]


def listed(q):
    return [study.title for study in search.matching(Study.objects.published(), q)]


# Spelling variants and word forms ------------------------------------------------------

SPELLINGS = ["antiracism", "anti-racism", "anti racism", "Anti-Racism"]


@pytest.mark.parametrize("q", SPELLINGS)
@pytest.mark.parametrize("written", ["Antiracism in practice", "Anti-racism in practice"])
def test_a_compound_is_found_joined_hyphenated_or_apart(q, written):
    StudyFactory(title=written, abstract="")
    StudyFactory(title="Racism in the clinic", abstract="")  # the bare word is not the compound
    search.rebuild()

    assert studies_found(q) == [written]
    assert listed(q) == [written]


@pytest.mark.parametrize(
    ("q", "written"), [("curricula", "curriculum"), ("curriculum", "curricula")]
)
def test_irregular_plurals_find_each_other(q, written):
    StudyFactory(title=f"The hidden {written}", abstract="")
    search.rebuild()

    assert studies_found(q) == [f"The hidden {written}"]


@pytest.mark.parametrize("q", ["mentor", "mentoring", "mentorship", "mentors"])
def test_a_word_is_found_in_its_other_forms(q):
    for form in ("mentor", "mentoring", "mentorship"):
        StudyFactory(title=f"On {form}", abstract="")
    search.rebuild()

    assert sorted(studies_found(q)) == ["On mentor", "On mentoring", "On mentorship"]


# Synonyms ------------------------------------------------------------------------------


def test_the_seeded_synonyms_find_residents_by_any_of_their_names():
    written = ["Surgical residents", "A residency programme", "Postgraduate trainees speak"]
    for title in written:
        StudyFactory(title=title, abstract="")
    StudyFactory(title="Medical students", abstract="")
    search.rebuild()

    for q in ["resident", "residents", "residency", "postgraduate", "postgraduate trainee"]:
        assert sorted(studies_found(q)) == sorted(written), q


def test_a_curator_s_synonym_group_takes_effect_at_the_next_search():
    StudyFactory(title="Clerkship feedback", abstract="")
    search.rebuild()
    assert studies_found("clinical placement") == []

    SynonymGroup.objects.create(terms="clerkship, clinical placement")

    assert studies_found("clinical placement") == ["Clerkship feedback"]
    assert studies_found("clinical placements") == ["Clerkship feedback"]


def test_a_synonym_phrase_must_come_as_a_phrase():
    StudyFactory(title="Graduate medical education reform", abstract="")
    StudyFactory(title="Medical education for graduate nurses", abstract="")
    search.rebuild()

    assert studies_found("resident") == ["Graduate medical education reform"]


def test_synonyms_are_parsed_from_the_curators_commas():
    query = Query.parse("PGY trainees", Synonyms([["PGY trainee", "junior doctor"]]))

    (term,) = query.terms
    assert term.own == ("pgy", "trainees")
    assert ("junior", "doctor") in term.alternatives


def test_a_synonym_group_needs_two_searchable_terms(curator_client):
    url = reverse("admin:resources_synonymgroup_add")

    response = curator_client.post(url, {"terms": "resident", "note": ""})
    assert "Give at least two words or phrases" in response.text
    response = curator_client.post(url, {"terms": "resident, ***", "note": ""})
    assert "has no letters or digits" in response.text

    response = curator_client.post(url, {"terms": "clerkship, clinical placement", "note": ""})
    assert response.status_code == 302
    assert SynonymGroup.objects.filter(terms="clerkship, clinical placement").exists()


# Every part of a record ----------------------------------------------------------------


def test_a_study_is_found_by_its_authors_journal_doi_topics_and_findings():
    study = StudyFactory(
        title="Untitled work",
        abstract="",
        journal="Medical Teacher",
        doi="10.1000/xyz.123",
    )
    StudyAuthorFactory(study=study, family_name="Okonkwo", given_names="Ada")
    study.topics.add(TopicFactory(name="Professional resistance"))
    FindingFactory(study=study, statement="Trainees formed a quiet coalition.")
    search.rebuild()

    for q in ["Okonkwo", "medical teacher", "professional resistance", "coalition"]:
        assert studies_found(q) == ["Untitled work"], q


def test_a_title_or_author_match_ranks_above_an_abstract_match():
    StudyFactory(title="Feedback culture", abstract="Wyatt's framework guided the design.")
    by_author = StudyFactory(title="Another feedback study", abstract="")
    StudyAuthorFactory(study=by_author, family_name="Wyatt")
    in_title = StudyFactory(title="Wyatt Earp and the hidden curriculum", abstract="")
    search.rebuild()

    found = studies_found("wyatt")

    assert set(found[:2]) == {"Another feedback study", in_title.title}
    assert found[2] == "Feedback culture"


# Known items ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "10.1111/medu.70055",
        "doi:10.1111/medu.70055",
        "https://doi.org/10.1111/MEDU.70055",
        "http://dx.doi.org/10.1111/medu.70055",
    ],
)
def test_a_doi_in_any_common_form_finds_its_study_alone(q, client):
    StudyFactory(title="As a resistor, you are not alone", doi="10.1111/medu.70055")
    StudyFactory(title="Another study", doi="10.1111/medu.70056", abstract="medu 70055")
    search.rebuild()

    assert studies_found(q) == ["As a resistor, you are not alone"]
    assert listed(q) == ["As a resistor, you are not alone"]
    response = client.get(reverse("resources:search"), {"q": q})
    assert "DOI <mark>10.1111/medu.70055</mark>" in response.text


def test_an_author_s_family_name_puts_their_studies_first():
    for position in range(3):
        StudyFactory(title=f"Wyatt cited {position}", abstract="After Wyatt and Wyatt.")
    theirs = StudyFactory(title="Resistance in surgery", abstract="")
    StudyAuthorFactory(study=theirs, family_name="Wyatt", given_names="Tasha")
    search.rebuild()

    assert studies_found("Wyatt")[0] == "Resistance in surgery"
    assert listed("wyatt")[0] == "Resistance in surgery"


def test_a_phrase_from_a_title_puts_that_study_first():
    StudyFactory(
        title="Notes on many things",
        abstract="You are not alone, a resistor said; not alone, again, and alone.",
    )
    StudyFactory(title="As a resistor, you are not alone", abstract="")
    search.rebuild()

    assert studies_found("you are not alone")[0] == "As a resistor, you are not alone"


# Did you mean …? -----------------------------------------------------------------------


def test_a_misspelt_word_gets_the_library_s_nearest_word(client):
    StudyFactory(title="Reverse mentoring for senior staff", abstract="")
    search.rebuild()

    results = search.search_all("mentorng")

    assert results.found == []
    assert results.suggestion == "mentoring"
    response = client.get(reverse("resources:search"), {"q": "reverse mentorng"})
    assert "Did you mean" in response.text
    assert f'href="{reverse("resources:search")}?q=reverse%20mentoring"' in response.text


def test_no_suggestion_when_results_are_found_or_nothing_is_near():
    StudyFactory(title="Reverse mentoring", abstract="")
    search.rebuild()

    assert search.search_all("mentoring").suggestion == ""
    assert search.search_all("zebrafish").suggestion == ""


def test_a_new_record_s_words_join_the_vocabulary_on_refresh():
    study = StudyFactory(title="Allyship in the wards", abstract="")
    search.refresh([study])

    assert search.search_all("alyship").suggestion == "allyship"


# Why it matched ------------------------------------------------------------------------


def test_a_result_says_why_it_matched_when_the_match_is_not_in_the_abstract():
    study = StudyFactory(title="Untitled work", abstract="Nothing here.")
    StudyAuthorFactory(study=study, family_name="Okonkwo", given_names="Ada")
    search.rebuild()

    (result,) = search.search_all("okonkwo").groups[0].results

    assert "<mark>Okonkwo</mark>" in result.snippet_html


def test_a_synonym_is_marked_in_the_snippet_and_the_data_is_escaped():
    StudyFactory(title="Trainee voices", abstract="Each <b>residency</b> & its programme.")
    search.rebuild()

    (result,) = search.search_all("resident").groups[0].results

    assert "&lt;b&gt;<mark>residency</mark>&lt;/b&gt; &amp;" in result.snippet_html


def test_every_kind_is_searched_with_the_same_forms():
    InterventionFactory(name="Anti-racist curricula", summary="")
    TopicFactory(name="Antiracism", description="")
    search.rebuild()

    results = search.search_all("antiracism curriculum")

    assert [(group.kind.key, group.count) for group in results.found] == [("interventions", 1)]
    assert [(group.kind.key, group.count) for group in search.search_all("anti-racist").found] == [
        ("interventions", 1),
        ("topics", 1),
    ]


# Keeping the index in step ------------------------------------------------------------


def test_refreshing_a_renamed_topic_refreshes_the_records_filed_under_it():
    topic = TopicFactory(name="Allyship")
    study = StudyFactory(title="Untitled work", abstract="")
    study.topics.add(topic)
    intervention = InterventionFactory(name="Untitled practice", summary="")
    intervention.topics.add(topic)
    search.rebuild()
    topic.name = "Solidarity"
    topic.save()

    search.refresh([topic])

    assert studies_found("solidarity") == ["Untitled work"]
    found = search.search_all("solidarity")
    assert [(group.kind.key, group.count) for group in found.found] == [
        ("studies", 1),
        ("interventions", 1),
        ("topics", 1),
    ]
    assert studies_found("allyship") == []


def test_refreshing_many_records_writes_and_removes_their_entries_together():
    kept = StudyFactory.create_batch(3, title="Reverse mentoring", abstract="")
    dropped = StudyFactory(title="Reverse mentoring, withdrawn", abstract="")
    search.rebuild()
    dropped.set_status(EditorialStatus.DRAFT)
    dropped.save()
    new = StudyFactory(title="Reverse mentoring, new", abstract="")

    search.refresh([*kept, dropped, new])

    assert sorted(studies_found("mentoring")) == sorted(
        ["Reverse mentoring"] * 3 + ["Reverse mentoring, new"]
    )
