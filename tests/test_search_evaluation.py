"""Search judged as an educator would use it, on the seed library.

Each topical query names the studies an expert expects, from reading the seed: the
studies the curators filed under a topic, or whose title, abstract, participants or
journal are about the subject. Recall is measured within the first page of the studies
list the search leads to ("See all …"); a page holds 20, so for a query whose expected
studies are more than a page (the Anti-racism topic's 24), the page is taken as long as
that list. Known-item queries name the one study that must come first.
"""

import pytest
from django.core.management import call_command

from resources import search
from resources.models import Study, Topic
from resources.views.listing import PER_PAGE

pytestmark = pytest.mark.django_db

WYATT = "wyatt-2025-as-a-resistor-you-are-not-alone"
REVERSE_MENTORING = "challenging-deficit-discourse-reverse-mentoring-2021"
ACTIVISM = "shahzad-medical-learners-anti-racist-activism"
ANTI_RACISM_TOPIC = "topic:anti-racism"  # every study filed under the Anti-racism topic
MENTORSHIP_TOPIC = "topic:mentorship"

# Trainees after medical school: Wyatt's participants include residents; Gagliardi is in
# the Journal of Graduate Medical Education, residency's own journal.
RESIDENTS = {WYATT, "gagliardi-2022-racial-justice-beyond-the-curriculum"}
CURRICULA = {
    "renner-2023-paving-a-path-to-inclusion",
    "schreidah-2023-case-for-advocacy-curricula",
    "gagliardi-2022-racial-justice-beyond-the-curriculum",
    "lemieux-2021-the-time-is-now",
    "ona-2020-struggles-and-tensions-in-antiracism-education",
    "godley-2020-toward-an-anti-racist-curriculum",
    ACTIVISM,
    "fazle-student-led-effort-social-structural-determinants-of-health",
}
MEDICAL_STUDENTS = {
    WYATT,
    REVERSE_MENTORING,
    "fadoju-2021-sounding-the-alarm",
    "lynn-2023-impact-of-a-student-led-anti-racism-programme",
    "fazle-student-led-effort-social-structural-determinants-of-health",  # undergraduate
}

TOPICAL = {
    "anti-racism": ANTI_RACISM_TOPIC,
    "antiracism": ANTI_RACISM_TOPIC,
    "anti racism": ANTI_RACISM_TOPIC,
    "anti-racist": ANTI_RACISM_TOPIC,
    "antiracist": ANTI_RACISM_TOPIC,
    "resident": RESIDENTS,
    "residents": RESIDENTS,
    "residency": RESIDENTS,
    "postgraduate": RESIDENTS,
    "postgraduate trainees": RESIDENTS,
    "curricula": CURRICULA,
    "curriculum": CURRICULA,
    "mentor": MENTORSHIP_TOPIC,
    "mentoring": MENTORSHIP_TOPIC,
    "mentorship": MENTORSHIP_TOPIC,
    "medical students": MEDICAL_STUDENTS,
    "undergraduate": MEDICAL_STUDENTS,
}

KNOWN_ITEMS = {
    "Wyatt": WYATT,
    "10.1111/medu.70055": WYATT,
    "doi:10.1111/medu.70055": WYATT,
    "https://doi.org/10.1111/medu.70055": WYATT,
    "10.1136/bmjopen-2021-054890": REVERSE_MENTORING,
    "you are not alone": WYATT,
    "reverse mentoring": REVERSE_MENTORING,
    "deficit discourse": REVERSE_MENTORING,
    "learners to lead social change": ACTIVISM,
}

MISSPELT = {
    "mentorng": "mentoring",
    "curiculum": "curriculum",
    "reverse mentorng": "reverse mentoring",
}

RECALL_TARGET = 0.9


@pytest.fixture
def seed_library(db):
    call_command("load_seed", verbosity=0)


def expected(studies) -> set[str]:
    if isinstance(studies, str):
        topic = Topic.objects.get(slug=studies.removeprefix("topic:"))
        return set(topic.studies.values_list("slug", flat=True))
    return studies


def first_page(q: str, size: int) -> list[str]:
    return [study.slug for study in search.matching(Study.objects.published(), q)[:size]]


def recall(q: str, studies) -> float:
    wanted = expected(studies)
    found = first_page(q, max(PER_PAGE, len(wanted)))
    return len(wanted & set(found)) / len(wanted)


def known_items_first() -> dict:
    """Each known-item query's first study, on the search page and on the list."""
    first = {}
    for q in KNOWN_ITEMS:
        studies = search.search_all(q).groups[0]
        page = studies.results[0].slug if studies.results else None
        first[q] = (page, *first_page(q, 1))
    return first


def suggestions() -> dict:
    suggested = {}
    for q in MISSPELT:
        results = search.search_all(q)
        suggested[q] = results.suggestion if not results.found else "(found)"
    return suggested


def test_the_educators_query_set_meets_its_targets(seed_library):
    """One test, as the seed takes seconds to load; each check names every query it misses."""
    recalls = {q: recall(q, studies) for q, studies in TOPICAL.items()}
    assert {q: r for q, r in recalls.items() if r < RECALL_TARGET} == {}
    assert sum(recalls.values()) / len(recalls) >= RECALL_TARGET

    # the first finding: "anti-racism" found 9 of the topic's 24, "antiracist" 1
    topic = expected(ANTI_RACISM_TOPIC)
    assert len(topic) == 24
    for q in ("anti-racism", "antiracist", "antiracism", "anti racism", "anti-racist"):
        assert topic <= set(first_page(q, len(topic) + 20)), q

    assert known_items_first() == {q: (slug, slug) for q, slug in KNOWN_ITEMS.items()}

    assert suggestions() == MISSPELT
    assert all(search.search_all(suggestion).found for suggestion in MISSPELT.values())
