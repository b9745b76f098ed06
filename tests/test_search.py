"""Site-wide search: the database's full-text engine, published records only, safe highlights."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from resources import search
from resources.filters import StudyFilterSet
from resources.models import (
    EditorialStatus,
    Intervention,
    Recommendation,
    SearchEntry,
    Study,
    Topic,
)
from resources.search import postgres
from resources.search.query import Query
from resources.seeding import load_seed
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    '"',
    '"reverse mentoring',
    "(",
    "mentoring)",
    "AND",
    "mentoring OR",
    "NOT mentoring",
    "NEAR(",
    "NEAR(mentoring staff, 2)",
    "*",
    "mentor*",
    "-",
    "-mentoring",
    "title:mentoring",
    "^mentoring",
    "'; DROP TABLE resources_study; --",
    "a & b | !c <-> d:*",
    "\\",
    "x" * 500,
    "mentoring " * 60,
    "🙂",
    "mentoring 🙂 staff",
    "\ue000mentoring\ue001",
    "".join(chr(ord(c) + 0xFEE0) for c in "mentoring"),  # full-width letters
]


def studies_found(q):
    return [study.title for study in search.search_all(q).groups[0].results]


def search_page(client, q):
    return client.get(reverse("resources:search"), {"q": q})


# Ranking and matching -----------------------------------------------------------------


def test_a_title_match_ranks_above_a_body_match():
    in_body = StudyFactory(
        title="Trainee voices in surgery", abstract="Reverse mentoring paired trainees with staff."
    )
    in_title = StudyFactory(title="Reverse mentoring for senior staff", abstract="A short report.")
    search.reindex_all()

    assert studies_found("reverse mentoring") == [in_title.title, in_body.title]


def test_matching_ranks_a_filtered_list_best_first():
    in_body = StudyFactory(title="Trainee voices", abstract="On reverse mentoring.")
    in_title = StudyFactory(title="Reverse mentoring", abstract="A short report.")
    StudyFactory(title="Curriculum reform", abstract="Nothing about the practice.")
    search.reindex_all()

    found = search.matching(Study.objects.published(), "reverse mentoring")

    assert list(found) == [in_title, in_body]
    assert found[0].search_rank > found[1].search_rank


@pytest.mark.parametrize(
    ("factory", "model", "text_field"),
    [
        (StudyFactory, Study, "abstract"),
        (InterventionFactory, Intervention, "how_it_works"),
        (RecommendationFactory, Recommendation, "rationale"),
        (TopicFactory, Topic, "description"),
    ],
)
def test_matching_filters_each_kind_of_record(factory, model, text_field):
    match = factory(**{text_field: "Learners organised a collective against injustice."})
    factory(**{text_field: "Nothing relevant here."})
    search.reindex_all()

    assert list(search.matching(model.objects.published(), "collective injustice")) == [match]


def test_a_study_is_found_by_the_statement_of_one_of_its_findings():
    study = StudyFactory(title="Trainee voices", abstract="")
    FindingFactory(study=study, statement="Trainees drew a shared identity from the collective.")
    StudyFactory(title="Another study")
    search.reindex_all()

    assert studies_found("shared identity") == ["Trainee voices"]


def test_the_last_word_matches_as_the_start_of_a_word():
    StudyFactory(title="Curriculum reform led by students")
    search.reindex_all()

    assert studies_found("curric") == ["Curriculum reform led by students"]


def test_every_word_of_the_query_must_match():
    StudyFactory(title="Reverse mentoring")
    StudyFactory(title="Peer mentoring")
    search.reindex_all()

    assert studies_found("reverse mentoring") == ["Reverse mentoring"]


def test_an_explicit_sort_on_the_list_wins_over_the_rank():
    StudyFactory(title="B: mentoring in the title", abstract="")
    StudyFactory(title="A: something else", abstract="About mentoring.")
    search.reindex_all()

    ranked = filtered_study_titles({"q": "mentoring"})
    sorted_by_title = filtered_study_titles({"q": "mentoring", "sort": "title"})

    assert ranked == ["B: mentoring in the title", "A: something else"]
    assert sorted_by_title == ["A: something else", "B: mentoring in the title"]


def test_a_list_of_more_matches_than_the_cap_is_complete_and_newest_first(monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    oldest = StudyFactory(title="Reverse mentoring")
    middle = StudyFactory(title="Trainee voices", abstract="On mentoring.")
    newest = StudyFactory(title="Mentorships in surgery")  # found as the start of a word
    StudyFactory(title="Curriculum reform")
    search.reindex_all()

    found = search.matching(Study.objects.published(), "mentor")

    assert list(found) == [newest, middle, oldest]
    assert filtered_study_titles({"q": "mentor", "sort": "title"}) == [
        "Mentorships in surgery",
        "Reverse mentoring",
        "Trainee voices",
    ]


def filtered_study_titles(params):
    filterset = StudyFilterSet(params, queryset=Study.objects.published())
    return [study.title for study in filterset.qs]


# Visibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [EditorialStatus.DRAFT, EditorialStatus.IN_REVIEW])
def test_unpublished_records_never_appear_in_results_or_counts(status):
    StudyFactory(title="Reverse mentoring, published")
    StudyFactory(title="Reverse mentoring, not yet published", status=status)
    InterventionFactory(name="Reverse mentoring draft", status=status)
    RecommendationFactory(title="Offer reverse mentoring", status=status)
    TopicFactory(name="Mentoring topic", status=status)
    search.reindex_all()

    results = search.search_all("mentoring")

    assert [(group.kind.key, group.count) for group in results.found] == [("studies", 1)]
    assert studies_found("mentoring") == ["Reverse mentoring, published"]


def test_a_stale_entry_for_an_unpublished_record_is_still_not_shown():
    draft = StudyFactory(title="Reverse mentoring draft", status=EditorialStatus.DRAFT)
    SearchEntry.objects.create(study=draft, title=draft.title)

    assert search.search_all("mentoring").found == []
    assert list(search.matching(Study.objects.published(), "mentoring")) == []


# Keeping the index in step ------------------------------------------------------------


def test_reindex_brings_an_edited_record_in_step():
    study = StudyFactory(title="Reverse mentoring")
    search.reindex(study)
    study.title = "Peer collectives"
    study.save()

    assert studies_found("collectives") == []  # not until the index is told
    search.reindex(study)
    assert studies_found("collectives") == ["Peer collectives"]
    assert studies_found("reverse") == []


def test_reindex_picks_up_a_new_finding():
    study = StudyFactory(title="Trainee voices")
    search.reindex(study)
    FindingFactory(study=study, statement="Trainees reframed injustice as shared.")
    search.reindex(study)

    assert studies_found("injustice") == ["Trainee voices"]


def test_reindex_drops_a_record_once_it_is_unpublished():
    study = StudyFactory(title="Reverse mentoring")
    search.reindex(study)
    study.set_status(EditorialStatus.DRAFT)
    study.save()
    search.reindex(study)

    assert not SearchEntry.objects.filter(study=study).exists()
    assert studies_found("mentoring") == []


def test_deleting_a_record_deletes_its_entry():
    topic = TopicFactory(name="Mentorship")
    search.reindex(topic)
    topic.delete()
    search.reindex(topic)  # harmless after a delete

    assert not SearchEntry.objects.exists()


def test_loading_the_seed_indexes_what_it_publishes(tmp_path):
    fixture = tmp_path / "topics.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "resources.topic",
                    "fields": {
                        "name": "Resource mobilisation",
                        "slug": "resource-mobilisation",
                        "status": "published",
                        "description": "How student groups gather money, time and allies.",
                    },
                }
            ]
        )
    )
    load_seed([fixture])

    assert [t.name for t in search.matching(Topic.objects.published(), "allies")] == [
        "Resource mobilisation"
    ]


# Counts -------------------------------------------------------------------------------


def test_a_count_beyond_the_cap_is_given_as_more_than_the_cap(monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    StudyFactory.create_batch(3, title="Reverse mentoring")
    search.reindex_all()

    group = search.search_all("mentoring").groups[0]

    assert group.count_text == "more than 2"
    assert len(group.results) == 3


def test_a_word_more_common_than_the_cap_is_still_found_best_first(monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    in_body = StudyFactory(title="Trainee voices", abstract="Mentoring of senior staff.")
    in_title = StudyFactory(title="Reverse mentoring", abstract="A short report.")
    search.reindex_all()

    group = search.search_all("mentoring").groups[0]

    assert group.count_text == "more than 1"
    assert [study.title for study in group.results] == [in_title.title, in_body.title]


def test_only_the_newest_matches_up_to_the_ranked_limit_are_scored(monkeypatch):
    monkeypatch.setattr(search, "RANKED", 3)
    studies = StudyFactory.create_batch(5, title="Reverse mentoring")
    search.reindex_all()

    group = search.search_all("mentoring").groups[0]

    assert group.count == 5  # every match is counted, up to the cap
    # the three newest are scored; they tie, and the tie is broken by the oldest first
    assert group.results == sorted(studies[2:], key=lambda study: study.pk)


# Hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize("cap", [search.COUNT_CAP, 0], ids=["few-matches", "many-matches"])
@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_odd_queries_never_raise(q, cap, client, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", cap)  # 0: every match is more than the cap
    StudyFactory(title="Reverse mentoring", abstract="Staff and trainees, 2 groups.")
    search.reindex_all()

    search.search_all(q)
    list(search.matching(Study.objects.published(), q))
    assert search_page(client, q).status_code == 200


def test_a_query_of_symbols_only_finds_nothing():
    StudyFactory(title="Reverse mentoring")
    search.reindex_all()

    assert search.search_all('"()*-').found == []
    assert not search.matching(Study.objects.published(), '"()*-').exists()


# Highlights ---------------------------------------------------------------------------


def test_highlights_escape_the_text_and_mark_the_matched_words():
    StudyFactory(
        title="<script>alert('x')</script> Reverse mentoring",
        abstract="Staff <b>listened</b> & mentoring changed them.",
    )
    search.reindex_all()

    (result,) = search.search_all("mentoring").groups[0].results

    assert result.title_html.startswith("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;")
    assert result.title_html.endswith("Reverse <mark>mentoring</mark>")
    assert "<mark>mentoring</mark>" in result.snippet_html
    assert "&amp;" in result.snippet_html
    assert "<b>" not in result.snippet_html
    assert "<script>" not in result.title_html


def test_the_page_shows_an_escaped_title_with_its_highlight(client):
    StudyFactory(title="<script>alert(1)</script> Reverse mentoring")
    search.reindex_all()

    response = search_page(client, "mentoring")

    assert b"<script>alert(1)" not in response.content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Reverse <mark>mentoring</mark>" in (response.text)


def test_private_use_marker_characters_in_the_text_cannot_forge_a_highlight():
    StudyFactory(title="Reverse \ue000mentoring\ue001 \ue002b\ue003 staff")
    search.reindex_all()

    (result,) = search.search_all("staff").groups[0].results

    assert result.title_html == "Reverse mentoring b <mark>staff</mark>"


# The page -----------------------------------------------------------------------------


def test_results_are_grouped_by_kind_with_counts(client):
    StudyFactory.create_batch(2, title="Reverse mentoring")
    InterventionFactory(name="Reverse mentoring")
    TopicFactory(name="Mentoring")
    search.reindex_all()

    response = search_page(client, "mentoring")

    assert response.status_code == 200
    assert 'Studies <span class="muted">(2)</span>' in response.text
    assert 'Interventions <span class="muted">(1)</span>' in response.text
    assert 'Topics <span class="muted">(1)</span>' in response.text
    assert "group-recommendations" not in response.text


def test_an_intervention_result_shows_its_rating_in_words(client):
    InterventionFactory(name="Reverse mentoring")
    search.reindex_all()

    response = search_page(client, "mentoring")

    assert "No evaluation yet" in response.text


def test_a_query_without_results_says_so_and_suggests_what_to_try(client):
    StudyFactory(title="Reverse mentoring")
    search.reindex_all()

    response = search_page(client, "zebrafish")

    assert response.status_code == 200
    assert "Nothing published matches “zebrafish”." in response.text
    assert "fewer words" in response.text
    assert "Check the spelling" in response.text
    assert f'href="{reverse("resources:intervention-list")}"' in response.text
    assert f'href="{reverse("resources:study-list")}"' in response.text


def test_an_empty_query_shows_the_form_only(client):
    response = client.get(reverse("resources:search"))

    assert response.status_code == 200
    assert 'name="q"' in response.text
    assert "Nothing published matches" not in response.text


def test_a_query_over_200_characters_is_a_form_error(client):
    response = search_page(client, "mentoring " * 30)

    assert response.status_code == 200
    assert "Searches are at most 200 characters" in response.text
    assert "Nothing published matches" not in response.text


def test_more_matches_than_shown_link_to_the_filtered_list(client):
    StudyFactory.create_batch(search.RESULTS_PER_KIND + 1, title="Reverse mentoring")
    search.reindex_all()

    response = search_page(client, "mentoring")

    assert f'href="{reverse("resources:study-list")}?q=mentoring"' in response.text


def test_results_come_best_first_each_with_its_own_highlights():
    StudyFactory(title="Peer assessment", abstract="Mentoring appears once, in the abstract.")
    StudyFactory(title="Mentoring circles", abstract="About mentoring, and mentoring again.")
    StudyFactory(title="Reverse mentoring", abstract="Mentoring by juniors.")
    search.reindex_all()
    studies_found("mentoring")

    results = search.search_all("mentoring").groups[0].results
    assert [study.title for study in results][-1] == "Peer assessment"  # a body match only
    assert all("<mark>" in study.snippet_html for study in results)
    assert {str(study.title_html) for study in results[:2]} == {
        "<mark>Mentoring</mark> circles",
        "Reverse <mark>mentoring</mark>",
    }


def test_a_last_word_under_three_letters_matches_whole_words_only():
    StudyFactory(title="Mentoring in UK medical schools")
    search.reindex_all()

    assert studies_found("me") == []
    assert studies_found("uk") == ["Mentoring in UK medical schools"]


def test_the_summary_line_counts_each_kind_in_words(client):
    StudyFactory.create_batch(2, title="Reverse mentoring")
    InterventionFactory(name="Reverse mentoring")
    search.reindex_all()

    response = search_page(client, "mentoring")

    assert "Results for “mentoring”: 2 studies, 1 intervention." in response.text


def test_a_full_reindex_gives_sqlite_statistics_for_the_link_tables_too():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its own planner statistics")
    RecommendationEvidenceFactory()
    search.reindex_all()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'resources_recommendationevidence'"
        )
        assert cursor.fetchone()[0] > 0


def test_a_full_reindex_gives_postgresql_statistics_for_the_index_without_waiting():
    """Autovacuum analyses in its own time, or never where it is off; until then the
    planner guessed, and a rare word's search took three times as long."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite analyses every table (the test above)")
    StudyFactory.create_batch(3)
    search.reindex_all()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class "
            "WHERE relname IN ('resources_searchentry', 'resources_searchword')"
        )
        counted = dict(cursor.fetchall())
    assert counted["resources_searchentry"] >= 3  # -1 until a table is first analysed
    assert counted["resources_searchword"] > 0


@pytest.mark.parametrize("model", [Study, Intervention, Recommendation, Topic])
def test_postgresql_searches_each_kind_in_its_own_index(model):
    """One index over every entry left PostgreSQL reading the vector of every intervention
    for a rare word; each kind has its own, and its search names the kind so that it fits."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one FTS5 table per kind")
    kind = model._meta.model_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'resources_searchentry' "
            "AND indexdef LIKE '%%USING gin%%'"
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert len(definitions) == 4
    assert any(f"WHERE ({kind}_id IS NOT NULL)" in definition for definition in definitions)
    condition = postgres.Engine(model, Query.parse("mentoring")).condition()
    sql = str(model.objects.filter(condition).query)
    assert f'"resources_searchentry"."{kind}_id" IS NOT NULL' in sql
