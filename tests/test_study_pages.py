"""The studies list and a study's page, as a visitor and as Zotero or Google Scholar see them."""

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from resources.models import AppraisalStatus, Country, EditorialStatus, LearnerLevel, Study
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


class HeadReader(HTMLParser):
    """Collects <meta name> tags and JSON-LD scripts the way a citation crawler would."""

    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name", "").startswith("citation_"):
            self.meta.append((attrs["name"], attrs["content"]))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json_ld = False


def read_head(response) -> HeadReader:
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def titles(response) -> list[str]:
    return re.findall(r'<h3><a href="/studies/[^"]+/">([^<]+)</a></h3>', response.content.decode())


@pytest.fixture
def full_study():
    study = StudyFactory(
        appraised=True,
        slug="wyatt-2023",
        title="Trainees & allies push back",
        publication_date=date(2023, 5, 2),
        journal="Medical Education",
        volume="57",
        issue="4",
        pages="345-52",
        doi="10.1111/medu.70055",
        abstract="What trainees do when they meet racism.",
    )
    StudyAuthorFactory(study=study, position=1, family_name="Wyatt", given_names="Tasha R.")
    StudyAuthorFactory(study=study, position=2, family_name="Scarlett", given_names="Eve")
    OutcomeFactory(study=study, intervention_n=40, comparison_n=38)
    FindingFactory(study=study, confidence_explanation="Consistent across sites.")
    return study


def test_list_shows_published_studies_with_byline_and_not_appraised_badge(visitor, full_study):
    StudyFactory(title="From a reference list")
    StudyFactory(title="A draft", status=EditorialStatus.DRAFT)
    response = visitor.get("/studies/")
    assert sorted(titles(response)) == ["From a reference list", "Trainees &amp; allies push back"]
    assert "Wyatt TR, Scarlett E" in response.content.decode()
    assert response.content.decode().count(">Not yet appraised</span>") == 1
    assert "2 studies" in response.content.decode()


def test_list_filters_by_design_year_topic_and_appraisal(visitor):
    topic = TopicFactory(slug="mentorship")
    wanted = StudyFactory(title="Wanted", year=2022, appraised=True, design="qualitative")
    wanted.topics.add(topic)
    StudyFactory(title="Too old", year=2010, appraised=True).topics.add(topic)
    StudyFactory(title="Not appraised", year=2022).topics.add(topic)
    StudyFactory(title="Other topic", year=2022, appraised=True)
    query = "?design=qualitative&year_min=2020&topic=mentorship&appraised=true"
    assert titles(visitor.get("/studies/" + query)) == ["Wanted"]


def test_list_filters_by_country_and_learner_level(visitor):
    study = StudyFactory(title="In Canada")
    study.countries.add(Country.objects.create(code="CA", name="Canada"))
    study.learner_levels.create(level=LearnerLevel.POSTGRADUATE)
    StudyFactory(title="Elsewhere")
    assert titles(visitor.get("/studies/?country=CA")) == ["In Canada"]
    assert titles(visitor.get("/studies/?learner_level=postgraduate")) == ["In Canada"]


def test_list_sorts_by_title(visitor):
    StudyFactory(title="Beta")
    StudyFactory(title="Alpha")
    assert titles(visitor.get("/studies/?sort=title")) == ["Alpha", "Beta"]
    assert titles(visitor.get("/studies/?sort=-title")) == ["Beta", "Alpha"]


def test_list_paginates_by_25(visitor):
    StudyFactory.create_batch(26)
    assert len(titles(visitor.get("/studies/"))) == 25
    assert len(titles(visitor.get("/studies/?page=2"))) == 1
    assert visitor.get("/studies/?page=banana").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "year_min=abc",
        "design=nope",
        "sort=shoe-size",
        "topic=" + ",".join(["x"] * 21),
        "q=" + "a" * 300,
    ],
)
def test_list_shows_invalid_filters_as_form_errors_not_500(visitor, query):
    response = visitor.get("/studies/?" + query)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()


def test_list_export_links_carry_the_filters(visitor):
    StudyFactory()
    content = visitor.get("/studies/?design=qualitative&year_min=2020&page=1").content.decode()
    assert 'href="/studies/export/?format=ris&amp;design=qualitative&amp;year_min=2020"' in content


def test_htmx_request_renders_only_the_results_partial(visitor):
    StudyFactory(title="Only the results")
    response = visitor.get("/studies/", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="results"')
    assert "<html" not in content
    assert titles(response) == ["Only the results"]


def test_list_has_one_coins_span_per_study(visitor, full_study):
    StudyFactory()
    content = visitor.get("/studies/").content.decode()
    spans = re.findall(r'<span class="Z3988" title="([^"]+)"></span>', content)
    assert len(spans) == 2
    assert any(
        "rft.aulast=Wyatt" in span and "rft_id=info%3Adoi%2F10.1111%2Fmedu.70055" in span
        for span in spans
    )


def test_draft_and_in_review_studies_are_not_found(visitor):
    StudyFactory(slug="draft", status=EditorialStatus.DRAFT)
    StudyFactory(slug="review", status=EditorialStatus.IN_REVIEW)
    assert visitor.get("/studies/draft/").status_code == 404
    assert visitor.get("/studies/review/").status_code == 404


def test_missing_facts_say_not_reported(visitor):
    study = StudyFactory(abstract="", setting="", participants="", sample_size=None)
    content = visitor.get(study.get_absolute_url()).content.decode()
    assert content.count("Not reported") >= 6


def test_unappraised_study_says_so_plainly(visitor):
    study = StudyFactory(appraisal_status=AppraisalStatus.NOT_APPRAISED)
    assert (
        "A catalogue entry; not yet appraised"
        in visitor.get(study.get_absolute_url()).content.decode()
    )


def test_highwire_tags_match_the_record(visitor, full_study):
    head = read_head(visitor.get(full_study.get_absolute_url()))
    assert head.meta == [
        ("citation_title", full_study.title),
        ("citation_author", "Wyatt, Tasha R."),
        ("citation_author", "Scarlett, Eve"),
        ("citation_publication_date", "2023/05/02"),
        ("citation_date", "2023/05/02"),
        ("citation_journal_title", full_study.journal),
        ("citation_volume", full_study.volume),
        ("citation_issue", full_study.issue),
        ("citation_firstpage", "345"),
        ("citation_lastpage", "352"),
        ("citation_doi", full_study.doi),
        ("citation_abstract_html_url", "http://testserver/studies/wyatt-2023/"),
    ]


def test_highwire_tags_are_omitted_for_missing_values(visitor):
    study = StudyFactory(journal="", year=None)
    names = [name for name, _ in read_head(visitor.get(study.get_absolute_url())).meta]
    assert names == ["citation_title", "citation_abstract_html_url"]


def test_json_ld_matches_the_record(visitor, full_study):
    head = read_head(visitor.get(full_study.get_absolute_url()))
    assert len(head.json_ld) == 1
    data = json.loads(head.json_ld[0])
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == full_study.title
    assert [a["familyName"] for a in data["author"]] == ["Wyatt", "Scarlett"]
    assert data["datePublished"] == "2023-05-02"
    assert data["isPartOf"]["name"] == "Medical Education"
    assert data["identifier"]["value"] == full_study.doi


def test_json_ld_cannot_break_out_of_its_script(visitor):
    study = StudyFactory(title="</script><script>alert(1)</script>")
    content = visitor.get(study.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in content


def test_outcome_chart_writes_names_and_values_as_text_beside_the_table(visitor, full_study):
    content = visitor.get(full_study.get_absolute_url()).content.decode()
    chart = re.search(r'<figure class="outcome-chart".*?</figure>', content, re.S).group(0)
    assert 'aria-labelledby="outcome-chart-title"' in chart
    assert '<p class="chart-measure__name">Increased cultural competence</p>' in chart
    assert "<dt>Intervention (n = 40)</dt>" in chart
    assert '<span class="chart-value">45%</span>' in chart
    assert 'width="45%"' in chart and 'width="12%"' in chart
    assert 'aria-hidden="true"' in chart  # the bars; the text says it all
    assert '<td data-label="Intervention">Intervention: 45% (n = 40)</td>' in content


def test_cite_box_offers_three_styles_and_downloads(visitor, full_study):
    content = visitor.get(full_study.get_absolute_url()).content.decode()
    assert 'id="cite-apa">Wyatt, T. R., &amp; Scarlett, E. (2023).' in content
    assert 'id="cite-vancouver">Wyatt TR, Scarlett E.' in content
    assert 'id="cite-ama">' in content
    assert 'href="/studies/wyatt-2023/cite.ris"' in content
    assert 'href="https://doi.org/10.1111/medu.70055"' in content


def test_findings_show_cerqual_confidence_and_explanation(visitor, full_study):
    content = visitor.get(full_study.get_absolute_url()).content.decode()
    assert "CERQual confidence: <strong>Moderate</strong>" in content
    assert "Consistent across sites." in content


def test_links_show_only_published_interventions_recommendations_and_studies(visitor, full_study):
    InterventionStudyFactory(study=full_study, intervention__name="Reverse mentoring")
    InterventionStudyFactory(
        study=full_study, intervention__name="Hidden", intervention__status=EditorialStatus.DRAFT
    )
    RecommendationEvidenceFactory(study=full_study, recommendation__title="Offer mentoring")
    StudyReferenceFactory(citing=full_study, cited__title="Cited work", numbers="5, 6")
    StudyReferenceFactory(citing=full_study, cited__title="Draft cited", cited__status="draft")
    StudyReferenceFactory(cited=full_study, citing__title="Citing work")
    content = visitor.get(full_study.get_absolute_url()).content.decode()
    assert "Reverse mentoring" in content and "Hidden" not in content
    assert "Offer mentoring" in content
    assert "[5, 6]" in content and "Cited work" in content and "Draft cited" not in content
    assert "Citing work" in content


def test_filter_form_offers_plain_words_for_country_appraisal_and_sort(visitor):
    content = visitor.get("/studies/").content.decode()
    assert re.search(r'<label for="id_country">Country:?</label>', content)
    assert '<option value="false" disabled>Not yet appraised · 0</option>' in content
    assert '<option value="-citations">Most cited first</option>' in content
    assert "id_country_helptext" not in content


def test_the_intervention_pick_list_names_each_intervention_and_keeps_the_choice(visitor):
    InterventionFactory(name="Peer <collectives>", slug="peer-collectives")
    InterventionFactory(name="Reverse mentoring", slug="reverse-mentoring")
    content = visitor.get("/studies/", {"intervention": "reverse-mentoring"}).content.decode()
    assert (
        '<option value="peer-collectives" disabled>Peer &lt;collectives&gt; · 0</option>' in content
    )
    assert '<option value="reverse-mentoring" selected>Reverse mentoring · 0</option>' in content


def test_a_long_intervention_pick_list_offers_the_most_studied_and_the_chosen_one(
    visitor, monkeypatch
):
    monkeypatch.setattr("resources.views.listing.INTERVENTION_PICK_LIST_SIZE", 2)
    InterventionFactory(name="Peer collectives", slug="peer-collectives", published_studies=9)
    InterventionFactory(name="Reverse mentoring", slug="reverse-mentoring", published_studies=5)
    InterventionFactory(name="Curriculum advocacy", slug="curriculum-advocacy", published_studies=1)
    InterventionFactory(name="Book club", slug="book-club", published_studies=0)

    content = visitor.get("/studies/", {"intervention": "book-club"}).content.decode()
    pick_list = re.search(r'<select name="intervention".*?</select>', content, re.S).group()

    assert re.findall(r'<option value="([a-z-]*)"', pick_list) == [
        "",
        "book-club",
        "peer-collectives",
        "reverse-mentoring",
    ]
    assert "curriculum-advocacy" not in content
    assert "The 2 most studied interventions" in content


def test_a_short_intervention_pick_list_offers_every_intervention_without_a_note(visitor):
    InterventionFactory(name="Book club", slug="book-club", published_studies=0)
    content = visitor.get("/studies/").content.decode()
    assert '<option value="book-club" disabled>Book club · 0</option>' in content
    assert "most studied interventions" not in content


def test_most_cited_first_puts_studies_without_a_citation_count_last(visitor):
    StudyFactory(title="Uncounted", citation_count=None)
    StudyFactory(title="Cited twice", citation_count=2)
    StudyFactory(title="Cited once", citation_count=1)
    response = visitor.get("/studies/", {"sort": "-citations"})
    assert titles(response) == ["Cited twice", "Cited once", "Uncounted"]


def cited_by_many(count: int, draft: int = 0) -> Study:
    """A study cited by `count` published studies, one a year from 2000, and `draft` drafts."""
    classic = StudyFactory(slug="classic", title="A classic")
    for year in range(2000, 2000 + count):
        StudyReferenceFactory(cited=classic, citing__title=f"Citing of {year}", citing__year=year)
    for _ in range(draft):
        StudyReferenceFactory(cited=classic, citing__status="draft", citing__title="Draft citing")
    return classic


def test_a_much_cited_study_lists_its_twenty_newest_citers_and_links_to_all(visitor):
    cited_by_many(25, draft=1)
    html = visitor.get("/studies/classic/").content.decode()
    assert "Citing of 2024" in html and "Citing of 2005" in html
    assert "Citing of 2004" not in html and "Draft citing" not in html
    assert "The 20 most recent of 25." in html
    assert '<a href="/studies/?cites=classic">See all 25 studies citing it</a>' in html


def test_a_study_cited_a_few_times_lists_them_all_without_a_link(visitor):
    cited_by_many(3)
    html = visitor.get("/studies/classic/").content.decode()
    assert "Citing of 2002" in html
    assert "most recent of" not in html and "?cites=" not in html


def test_the_studies_list_filtered_by_cites_lists_every_published_citer_and_says_so(visitor):
    cited_by_many(25, draft=1)
    StudyFactory(title="Unrelated")
    response = visitor.get("/studies/", {"cites": "classic"})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 25
    assert 'Studies citing <a href="/studies/classic/">A classic</a>.' in html
    assert '<input type="hidden" name="cites" value="classic"' in html  # kept by the filters


def test_each_visit_sees_the_study_as_it_is_now(visitor):
    study = StudyFactory(slug="s", title="First title")
    assert "First title" in visitor.get("/studies/s/").content.decode()
    study.title = "Second title"
    study.save()
    StudyAuthorFactory(study=study, family_name="Okafor")
    page = visitor.get("/studies/s/").content.decode()
    assert "Second title" in page
    assert "Okafor" in page
