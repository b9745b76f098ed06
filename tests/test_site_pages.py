"""The public pages an educator reads: what each shows, and what it never shows."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape

from resources.certainty import CERQUAL_RULES, GRADE_RULES
from resources.evidence_map import refresh_cells
from resources.models import (
    Certainty,
    EditorialStatus,
    EffectCertainty,
    InterventionType,
    KirkpatrickLevel,
    LinkType,
    Study,
    StudyDesign,
    Topic,
)
from resources.rating import refresh_rating
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = {"status": EditorialStatus.DRAFT, "published_at": None}
IN_REVIEW = {"status": EditorialStatus.IN_REVIEW, "published_at": None}


@pytest.fixture
def library():
    """A small library with one published item of each kind and hidden ones beside them."""
    topic = TopicFactory(
        name="Mentorship", slug="mentorship", description="Learning from each other."
    )
    intervention = InterventionFactory(
        name="Reverse mentoring",
        slug="reverse-mentoring",
        implementation_steps="Recruit student mentors\nPair them with senior staff",
    )
    intervention.topics.add(topic)
    qualitative = InterventionStudyFactory(
        intervention=intervention,
        study=StudyFactory(title="Students teach the dean", slug="students-teach", appraised=True),
    )
    OutcomeFactory(study=qualitative.study, kirkpatrick_level="2a")
    InterventionStudyFactory(
        intervention=intervention,
        study=StudyFactory(
            title="Mixed views of mentoring", slug="mixed-views", design=StudyDesign.MIXED_METHODS
        ),
    )
    hidden_study = StudyFactory(title="Hidden draft study", slug="hidden-study", **DRAFT)
    InterventionStudyFactory(intervention=intervention, study=hidden_study)
    refresh_rating(intervention)
    refresh_cells([intervention])
    related = InterventionFactory(name="Peer collectives", slug="peer-collectives")
    related.topics.add(topic)
    hidden_intervention = InterventionFactory(name="Secret committee", slug="secret", **DRAFT)
    hidden_intervention.topics.add(topic)
    InterventionFactory(name="Pending outreach", slug="pending", **IN_REVIEW).topics.add(topic)
    recommendation = RecommendationFactory(
        title="Offer reverse mentoring", slug="offer-reverse-mentoring"
    )
    recommendation.interventions.add(intervention, hidden_intervention)
    recommendation.topics.add(topic)
    RecommendationEvidenceFactory(recommendation=recommendation, study=qualitative.study)
    RecommendationEvidenceFactory(recommendation=recommendation, study=hidden_study)
    hidden_recommendation = RecommendationFactory(
        title="Unreviewed advice", slug="unreviewed", **DRAFT
    )
    hidden_recommendation.interventions.add(intervention)
    hidden_recommendation.topics.add(topic)
    TopicFactory(name="Hidden topic", slug="hidden-topic", **DRAFT)
    intervention.refresh_from_db()
    return intervention


HIDDEN_WORDS = [
    "Hidden draft study",
    "Secret committee",
    "Pending outreach",
    "Unreviewed advice",
    "Hidden topic",
]


def assert_nothing_hidden(response):
    for words in HIDDEN_WORDS:
        assert words not in response.content.decode(), words


def test_home_says_what_the_library_is_and_counts_only_published_items(visitor, library):
    response = visitor.get("/")
    assert response.status_code == 200
    assert response.context["counts"] == {
        "interventions": 2,
        "studies": 2,
        "recommendations": 1,
        "topics": 1,
    }
    assert_nothing_hidden(response)


def test_home_lists_strongest_interventions_and_recent_studies(visitor, library):
    response = visitor.get("/")
    assert next(iter(response.context["strongest"])) == library
    assertions = ["Reverse mentoring", "Students teach the dean", "Offer reverse mentoring"]
    for text in assertions:
        assert text in response.content.decode()


def test_home_has_a_search_box_that_submits_to_search(visitor, library):
    response = visitor.get("/")
    assert b'action="/search/"' in response.content
    assert b'name="q"' in response.content


def test_every_page_has_the_main_navigation(visitor, library):
    response = visitor.get("/about/")
    for label in ["Interventions", "Studies", "Recommendations", "Evidence map", "About"]:
        assert f">{label}</a>" in response.content.decode()


def test_htmx_is_served_by_the_app_and_loaded_without_inline_script(visitor, library):
    response = visitor.get("/")
    html = response.content.decode()
    assert '<script src="/static/library/vendor/htmx.min.js" defer></script>' in html
    assert html.count("<script") == 1


def test_intervention_list_shows_the_rating_in_words_with_its_studies(visitor, library):
    response = visitor.get(reverse("resources:intervention-list"))
    assert response.status_code == 200
    html = response.content.decode()
    # one appraised qualitative study evaluated it: non-randomised (Low), no numbers (imprecise)
    assert "Does it work?" in html and "Very low certainty" in html
    assert "What is it like?" in html and "No qualitative evidence yet" in html
    assert "2 studies: 2 evaluated it · 1 of 2 appraised" in html
    assert "2 interventions" in html
    assert_nothing_hidden(response)


def test_intervention_list_filters_narrow_the_results(visitor, library):
    InterventionFactory(name="Curriculum audit", intervention_type=InterventionType.CURRICULUM)
    response = visitor.get("/interventions/", {"type": "curriculum"})
    assert [i.name for i in response.context["page"]] == ["Curriculum audit"]
    response = visitor.get("/interventions/", {"rating": EffectCertainty.VERY_LOW})
    assert [i.name for i in response.context["page"]] == ["Reverse mentoring"]
    response = visitor.get("/interventions/", {"topic": "mentorship"})
    assert {i.name for i in response.context["page"]} == {"Reverse mentoring", "Peer collectives"}
    response = visitor.get("/interventions/", {"outcome_level": "2a"})
    assert [i.name for i in response.context["page"]] == ["Reverse mentoring"]


def test_intervention_list_outcome_level_counts_published_studies_only(visitor, library):
    OutcomeFactory(study=Study.objects.get(slug="hidden-study"), kirkpatrick_level="4a")
    refresh_cells([library])
    response = visitor.get("/interventions/", {"outcome_level": "4a"})
    assert list(response.context["page"]) == []


def test_intervention_list_keeps_filters_in_the_form_it_shows(visitor, library):
    response = visitor.get("/interventions/", {"type": "mentoring", "q": "mentoring"})
    html = response.content.decode()
    assert 'name="type" value="mentoring" id="id_type_0" checked' in html
    assert 'name="q" value="mentoring"' in html


def test_intervention_list_sorts_strongest_first_by_default(visitor, library):
    response = visitor.get("/interventions/")
    assert [i.name for i in response.context["page"]] == ["Reverse mentoring", "Peer collectives"]
    response = visitor.get("/interventions/", {"sort": "name"})
    assert [i.name for i in response.context["page"]] == ["Peer collectives", "Reverse mentoring"]


def test_strongest_first_ranks_an_overridden_rating_by_its_override(visitor):
    InterventionFactory(name="Computed moderate", computed_rating=EffectCertainty.MODERATE)
    InterventionFactory(
        name="Overridden from high to low",
        computed_rating=EffectCertainty.HIGH,
        rating_override=EffectCertainty.LOW,
        rating_override_justification="Both studies share one cohort.",
    )
    InterventionFactory(name="Computed low", computed_rating=EffectCertainty.LOW)
    response = visitor.get("/interventions/")
    assert [i.name for i in response.context["page"]] == [
        "Computed moderate",
        "Computed low",
        "Overridden from high to low",
    ]


def test_intervention_list_shows_an_error_for_an_invalid_filter_value(visitor, library):
    response = visitor.get("/interventions/", {"rating": "excellent", "sort": "random"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_intervention_list_shows_an_error_for_too_many_topics(visitor, library):
    response = visitor.get("/interventions/", {"topic": ",".join(f"t{n}" for n in range(25))})
    assert response.status_code == 200
    assert "Give at most 20 values." in response.content.decode()


def test_intervention_list_pages_past_the_end_show_the_last_page(visitor, library):
    response = visitor.get("/interventions/", {"page": "999"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_htmx_request_gets_only_the_results_partial(visitor, library):
    response = visitor.get("/interventions/", {"type": "mentoring"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "<form" not in html
    assert "Reverse mentoring" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(visitor, library):
    response = visitor.get(
        "/interventions/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_intervention_page_shows_implementation_evidence_and_reasons(visitor, library):
    response = visitor.get(library.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<li>Recruit student mentors</li>" in html
    assert "Not reported" in html  # barriers, facilitators, resources are empty
    for reason in library.computed_rating_reasons:
        assert reason in html
    assert "Very low certainty" in html
    # the Summary of Findings: its one outcome level, the study and the reasons
    assert "Summary of findings" in html
    assert "Starts Low: non-randomised evidence (qualitative study)." in html
    assert "Rated down one level for imprecision: participant numbers are not reported." in html
    assert_nothing_hidden(response)


def test_intervention_page_links_published_studies_with_what_they_did(visitor, library):
    response = visitor.get(library.get_absolute_url())
    html = response.content.decode()
    assert 'href="/studies/students-teach/"' in html
    assert 'href="/studies/mixed-views/"' in html
    assert '<td data-label="What the study did">Evaluated</td>' in html
    assert "2a Attitudes and perceptions" in html  # its Summary of Findings row
    assert "CASP qualitative checklist; risk of bias: low" in html
    assert "Not yet appraised" in html


def test_a_studys_outcome_levels_join_its_outcomes_and_findings_lowest_first():
    study, other, bare = StudyFactory.create_batch(3)
    OutcomeFactory(study=study, kirkpatrick_level=KirkpatrickLevel.BEHAVIOUR)
    OutcomeFactory(study=study, kirkpatrick_level=KirkpatrickLevel.BEHAVIOUR)
    FindingFactory(study=study, kirkpatrick_level=KirkpatrickLevel.REACTION)
    FindingFactory(study=other, kirkpatrick_level="")
    OutcomeFactory(study=other, kirkpatrick_level=KirkpatrickLevel.PATIENTS)
    levels = Study.objects.filter(pk__in=[study.pk, other.pk, bare.pk]).outcome_levels()
    assert levels == {
        study.pk: ["1 Reaction", "3 Behaviour"],
        other.pk: ["4b Benefit to patients"],
    }


def test_intervention_page_shows_the_newest_studies_and_links_to_all_of_them(visitor, monkeypatch):
    monkeypatch.setattr("resources.views.interventions.EVIDENCE_TABLE_SIZE", 2)
    intervention = InterventionFactory(slug="reverse-mentoring")
    for year in (2019, 2021, 2020):
        InterventionStudyFactory(intervention=intervention, study__year=year)
    refresh_rating(intervention)  # as every change to its studies does
    response = visitor.get(intervention.get_absolute_url())
    assert [link.study.year for link in response.context["links"]] == [2021, 2020]
    html = response.content.decode()
    assert "The newest 2 of 3 studies" in html
    assert 'href="/studies/?intervention=reverse-mentoring">See all 3 in the studies list' in html


def test_a_summary_of_findings_row_names_some_studies_and_links_to_the_rest(visitor, monkeypatch):
    """A row names at most ROW_STUDIES studies, and a downgrade DOWNGRADE_STUDIES; the rest
    are in the studies list, narrowed to the practice and the row's outcome level."""
    monkeypatch.setattr("resources.certainty.ROW_STUDIES", 2)
    monkeypatch.setattr("resources.certainty.DOWNGRADE_STUDIES", 1)
    intervention = InterventionFactory(slug="reverse-mentoring")
    for size in (30, 20, 10, 40, 50):
        link = InterventionStudyFactory(
            intervention=intervention, study__sample_size=size, study__title=f"Of {size}"
        )
        OutcomeFactory(study=link.study, kirkpatrick_level="2a", measure=f"Measured in {size}")
    refresh_rating(intervention)

    html = visitor.get(intervention.get_absolute_url()).content.decode()
    (row,) = intervention.effectiveness

    assert [study["title"] for study in row["studies"]] == ["Of 50", "Of 40"]
    assert (row["study_count"], row["outcome_count"]) == (5, 5)
    level = "/studies/?intervention=reverse-mentoring&amp;outcome_level=2a"
    assert f'<a href="{level}">and 3 more<span class="visually-hidden"> studies at' in html
    assert f'<a href="{level}">and 3 more<span class="visually-hidden"> outcomes at' in html
    assert f'<a href="{level}">and 4 more<span class="visually-hidden"> studies at' in html
    assert "150 participants (5 studies)" in html
    assert "Measured in 40" in html and "Measured in 30" not in html
    assert ">Of 30<" not in html.split('id="studies"')[0]  # named only in the studies table


def test_the_summary_of_qualitative_findings_shows_the_most_confident_and_counts_them_all(
    visitor, monkeypatch
):
    monkeypatch.setattr("resources.views.interventions.FINDINGS_TABLE_SIZE", 2)
    intervention = InterventionFactory(slug="reverse-mentoring")
    for confidence in (Certainty.LOW, Certainty.HIGH, Certainty.MODERATE):
        link = InterventionStudyFactory(
            intervention=intervention, link_type=LinkType.EXPLORED, direction=""
        )
        FindingFactory(study=link.study, confidence=confidence, statement=f"A {confidence} one")
    refresh_rating(intervention)

    response = visitor.get(intervention.get_absolute_url())

    shown = [finding.statement for finding in response.context["qualitative_findings"]]
    assert shown == ["A high one", "A moderate one"]
    html = response.content.decode()
    assert "The 2 most confident of 3 findings" in html
    assert 'href="/studies/?intervention=reverse-mentoring">See all 3 studies' in html


def test_intervention_page_shows_an_override_with_its_justification_and_the_rules_result(
    visitor, library
):
    library.rating_override = EffectCertainty.LOW
    library.rating_override_justification = "The mixed-methods study reports no comparison."
    library.save()
    response = visitor.get(library.get_absolute_url())
    html = response.content.decode()
    assert "Low certainty" in html
    assert "The mixed-methods study reports no comparison." in html
    assert "The rules' own answer is “Very low”." in html


def test_intervention_page_lists_published_recommendations_and_related_interventions(
    visitor, library
):
    response = visitor.get(library.get_absolute_url())
    assert [other.slug for other in response.context["related"]] == ["peer-collectives"]
    assert "Offer reverse mentoring" in response.content.decode()
    assert_nothing_hidden(response)


@pytest.mark.parametrize("status", [EditorialStatus.DRAFT, EditorialStatus.IN_REVIEW])
def test_unpublished_detail_pages_are_not_found(visitor, status):
    intervention = InterventionFactory(status=status, published_at=None)
    recommendation = RecommendationFactory(status=status, published_at=None)
    topic = TopicFactory(status=status, published_at=None)
    for item in (intervention, recommendation, topic):
        assert visitor.get(item.get_absolute_url()).status_code == 404


def test_recommendation_list_shows_published_recommendations(visitor, library):
    response = visitor.get(reverse("resources:recommendation-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Offer reverse mentoring" in html
    assert "Conditional recommendation" in html
    assert_nothing_hidden(response)


def test_recommendation_list_filters_narrow_the_results(visitor, library):
    RecommendationFactory(title="Fund learner groups", strength="strong")
    response = visitor.get("/recommendations/", {"strength": "strong"})
    assert [r.title for r in response.context["page"]] == ["Fund learner groups"]
    response = visitor.get("/recommendations/", {"intervention": "reverse-mentoring"})
    assert [r.title for r in response.context["page"]] == ["Offer reverse mentoring"]


def test_recommendation_list_offers_the_most_studied_interventions_to_filter_by(
    visitor, monkeypatch
):
    monkeypatch.setattr("resources.views.listing.INTERVENTION_PICK_LIST_SIZE", 1)
    InterventionFactory(name="Peer collectives", published_studies=9)
    InterventionFactory(name="Book club", published_studies=0)
    html = visitor.get("/recommendations/").content.decode()
    assert "Peer collectives · 0</option>" in html  # no recommendation concerns it yet
    assert "Book club" not in html
    assert "The 1 most studied interventions" in html


def test_recommendation_list_shows_an_error_for_an_invalid_filter_value(visitor, library):
    response = visitor.get("/recommendations/", {"certainty": "certain"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_recommendation_page_groups_supporting_and_contradicting_studies(visitor, library):
    recommendation = library.recommendations.get(slug="offer-reverse-mentoring")
    RecommendationEvidenceFactory(
        recommendation=recommendation,
        study=StudyFactory(title="A dissenting survey"),
        relation="contradicts",
    )
    response = visitor.get(recommendation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Studies that support" in html
    assert "Studies that contradict" in html
    assert html.index("Students teach the dean") < html.index("Studies that contradict")
    assert html.index("A dissenting survey") > html.index("Studies that contradict")
    assert "Certainty of the evidence" in html
    for layer in ("Key information", "Rationale", "Evidence profile", "Last changed"):
        assert layer in html
    assert 'href="/interventions/reverse-mentoring/"' in html
    assert_nothing_hidden(response)


def test_topic_page_lists_its_published_interventions_studies_and_recommendations(visitor, library):
    library.study_links.get(study__slug="students-teach").study.topics.add(library.topics.get())
    response = visitor.get("/topics/mentorship/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Learning from each other.", "Reverse mentoring", "Peer collectives"]:
        assert text in html
    assert "Students teach the dean" in html
    assert "Offer reverse mentoring" in html
    assert_nothing_hidden(response)


def test_topic_page_shows_the_newest_twenty_studies_and_links_to_all_of_them(visitor):
    topic = TopicFactory(slug="feedback")
    for year in range(2000, 2025):
        StudyFactory(title=f"Feedback study of {year}", year=year).topics.add(topic)
    Topic.objects.recount_studies()  # as every write path does; factories do not
    html = visitor.get("/topics/feedback/").content.decode()
    assert "Feedback study of 2024" in html
    assert "Feedback study of 2005" in html
    assert "Feedback study of 2004" not in html
    assert "The 20 most recent of 25." in html
    assert '<a href="/studies/?topic=feedback">See all 25 studies</a>' in html


def test_topic_index_lists_published_topics(visitor, library):
    response = visitor.get("/topics/")
    assert "Mentorship" in response.content.decode()
    assert_nothing_hidden(response)


def test_about_page_renders_the_rules_the_code_applies(visitor):
    response = visitor.get(reverse("resources:about"))
    assert response.status_code == 200
    html = response.content.decode()
    for name, text in [*GRADE_RULES, *CERQUAL_RULES]:
        assert name in html
        assert escape(text) in html
    for section in ("Does it work?", "What is it like?", "What the library does not claim"):
        assert section in html
    for words in ["BEME", "GRADE-CERQual", "MERSQI", "CASP", "SRQR", "MMAT", "Not reported"]:
        assert words in html
    assert "2b Knowledge and skills" in html or "Knowledge and skills" in html


def test_feed_lists_newly_published_items_only(visitor, library):
    response = visitor.get(reverse("feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    for text in ["Reverse mentoring", "Students teach the dean", "Offer reverse mentoring"]:
        assert text in xml
    assert_nothing_hidden(response)


def test_sitemap_lists_published_items_only(visitor, library):
    response = visitor.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for path in [
        "/interventions/reverse-mentoring/",
        "/studies/students-teach/",
        "/recommendations/offer-reverse-mentoring/",
        "/topics/mentorship/",
        "/evidence-map/",
    ]:
        assert path in xml
    for path in ["/studies/hidden-study/", "/interventions/secret/", "/interventions/pending/"]:
        assert path not in xml
    assert "/recommendations/unreviewed/" not in xml
    assert "/topics/hidden-topic/" not in xml


def test_robots_txt_points_to_the_sitemap(visitor):
    response = visitor.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_missing_page_uses_the_site_404_template(visitor, settings):
    settings.DEBUG = False
    response = visitor.get("/interventions/no-such-practice/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_500_template_renders_without_a_request(settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "/static/library/site.css" in html


def test_finding_levels_show_on_the_intervention_page(visitor, library):
    study = library.study_links.get(study__slug="students-teach").study
    FindingFactory(study=study, kirkpatrick_level="4a")
    response = visitor.get(library.get_absolute_url())
    assert "4a Organisational practice" in response.content.decode()


def test_feed_shows_curator_markdown_through_the_sanitised_rendering(visitor):
    """Feed readers show an entry as HTML: the pages' sanitised rendering, escaped into
    the XML (tests/test_feeds.py sends every stored-XSS payload through it)."""
    InterventionFactory(summary="Students **mentor** senior staff.")
    body = visitor.get(reverse("feed")).content.decode()
    assert "Students &lt;strong&gt;mentor&lt;/strong&gt; senior staff." in body
    assert "**mentor**" not in body


def test_dates_read_the_british_way_with_translation_off(settings):
    """USE_I18N is off (the site has no translations); en-GB's formats still apply."""
    assert not settings.USE_I18N
    assert formats.date_format(date(2026, 12, 8)) == "8 Dec 2026"
    assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
