"""The synthetic corpus generator: a smoke run at 50 studies (the benchmark runs it at scale)."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from resources.models import (
    AppraisalStatus,
    EditorialStatus,
    Finding,
    Intervention,
    InterventionStudy,
    Outcome,
    Recommendation,
    RecommendationEvidence,
    SearchEntry,
    Study,
    StudyAuthor,
    StudyReference,
    Topic,
)
from resources.views.topics import TOPIC_SECTION_SIZE
from tests.benchmarks.corpus import (
    MIDDLING_WORD,
    RARE_STUDIES,
    RARE_WORD,
    SLUG_PREFIX,
    SYNTHETIC_SOURCE_SLUG,
    CorpusRefused,
    generate,
    write_ris,
)
from tests.benchmarks.management.commands.generate_corpus import Command as GenerateCorpus
from tests.factories import StudyFactory

pytestmark = pytest.mark.django_db

STUDIES = 50


@pytest.fixture
def corpus():
    return generate(STUDIES, seed=7)


def _snapshot() -> list[tuple]:
    return list(
        Study.objects.order_by("slug").values_list(
            "slug", "title", "abstract", "design", "year", "appraisal_status", "status"
        )
    ) + list(InterventionStudy.objects.order_by("pk").values_list("study__slug", "direction"))


def test_builds_the_number_of_studies_asked_for(corpus):
    assert Study.objects.count() == STUDIES
    assert corpus.counts["studies"] == STUDIES


def test_builds_every_kind_of_record(corpus):
    for model in (
        StudyAuthor,
        Outcome,
        Finding,
        StudyReference,
        Intervention,
        InterventionStudy,
        Recommendation,
        RecommendationEvidence,
        Topic,
    ):
        assert model.objects.exists(), model.__name__


def test_studies_have_one_to_twelve_authors(corpus):
    for study in Study.objects.prefetch_related("authors"):
        assert 1 <= len(study.authors.all()) <= 12


def test_interventions_link_five_or_more_studies(corpus):
    for intervention in Intervention.objects.prefetch_related("study_links"):
        assert 5 <= len(intervention.study_links.all()) <= 500


def test_about_sixty_percent_of_studies_are_appraised(corpus):
    appraised = Study.objects.filter(appraisal_status=AppraisalStatus.APPRAISED).count()
    assert 0.4 * STUDIES <= appraised <= 0.8 * STUDIES


def test_every_record_is_marked_synthetic(corpus):
    for model in (Study, Intervention, Recommendation, Topic):
        assert not model.objects.exclude(slug__startswith=SLUG_PREFIX).exists()
        assert not model.objects.exclude(sources__slug=SYNTHETIC_SOURCE_SLUG).exists()


def test_a_sample_of_records_passes_full_validation(corpus):
    sample = [
        *Study.objects.all()[:10],
        *StudyAuthor.objects.all()[:10],
        *Outcome.objects.all()[:10],
        *Finding.objects.all()[:10],
        *StudyReference.objects.all()[:10],
        *Intervention.objects.all()[:3],
        *InterventionStudy.objects.all()[:10],
        *Recommendation.objects.all()[:3],
        *RecommendationEvidence.objects.all()[:10],
        *Topic.objects.all()[:3],
    ]
    for record in sample:
        record.full_clean()


def test_outcomes_carry_p_values_between_zero_and_one(corpus):
    for p_value in Outcome.objects.values_list("p_value", flat=True):
        assert 0 <= p_value <= 1


def test_interventions_are_rated_and_published_records_indexed(corpus):
    assert Intervention.objects.exclude(computed_rating_reasons=[]).count() == (
        Intervention.objects.count()
    )
    assert SearchEntry.objects.filter(study__isnull=False).count() == (
        Study.objects.published().count()
    )


def test_topics_store_their_counts_of_published_studies(corpus):
    filed = Count("studies", filter=Q(studies__status=EditorialStatus.PUBLISHED))
    counts = Topic.objects.annotate(filed=filed).values_list("published_studies", "filed")
    assert all(stored == counted for stored, counted in counts)
    assert sum(stored for stored, _ in counts) > 0


def test_the_largest_topic_has_a_sections_worth_of_interventions_and_recommendations(corpus):
    """Even the smallest corpus fills its largest topic's page (20 of each), so a
    benchmark compares full pages at every size; studies fill it from a few hundred."""
    largest = Topic.objects.annotate(size=Count("studies")).order_by("-size").first()
    assert largest.interventions.published().count() >= TOPIC_SECTION_SIZE
    assert largest.recommendations.published().count() >= TOPIC_SECTION_SIZE


def test_the_planted_search_words_appear(corpus):
    assert Study.objects.filter(abstract__icontains=RARE_WORD).count() == RARE_STUDIES
    assert Study.objects.filter(abstract__icontains=MIDDLING_WORD).count() == 2


def test_the_same_seed_builds_the_same_library():
    generate(STUDIES, seed=7)
    first = _snapshot()
    Study.objects.all().delete()
    for model in (Intervention, Recommendation, Topic):
        model.objects.all().delete()
    generate(STUDIES, seed=7)
    assert _snapshot() == first


def test_refuses_a_database_holding_real_published_evidence():
    StudyFactory()
    with pytest.raises(CorpusRefused):
        generate(STUDIES)
    assert not Study.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def test_forced_it_builds_beside_real_evidence():
    real = StudyFactory()
    generate(STUDIES, force=True)
    assert Study.objects.count() == STUDIES + 1
    assert Study.objects.filter(pk=real.pk).exists()


def test_refuses_to_build_over_an_earlier_corpus(corpus):
    with pytest.raises(CorpusRefused):
        generate(STUDIES)


def test_command_reports_refusal_as_an_error():
    StudyFactory()
    with pytest.raises(CommandError, match="not synthetic"):
        call_command(GenerateCorpus(), studies=STUDIES)


def test_command_builds_the_corpus(capsys):
    call_command(GenerateCorpus(), studies=STUDIES, seed=3)
    assert Study.objects.count() == STUDIES


def test_ris_file_holds_the_records_asked_for(tmp_path):
    path = tmp_path / "references.ris"
    write_ris(path, 25)
    text = path.read_text()
    assert text.count("TY  - JOUR") == 25
    assert text.count("ER  - ") == 25
