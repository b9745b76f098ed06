"""The seed practices get the answers the about page and docs/evidence.md document, with reasons.

No seed study evaluated a named practice, so every "Does it work?" is "No evaluation yet";
"What is it like?" comes from the two appraised studies that explored a practice.
"""

import re

import pytest
from django.core.management import call_command

from resources.models import Certainty, EffectCertainty, Intervention

pytestmark = pytest.mark.django_db

DOES_IT_WORK = dict.fromkeys(
    [
        "self-curated-peer-collectives",
        "reverse-mentoring",
        "student-led-anti-racism-programmes",
        "curriculum-advocacy",
        "community-outreach-and-engagement",
        "dei-committees",
    ],
    EffectCertainty.NOT_EVALUATED,
)
WHAT_IS_IT_LIKE = {
    "self-curated-peer-collectives": Certainty.LOW,  # Wyatt et al., explored
    "student-led-anti-racism-programmes": Certainty.VERY_LOW,  # Shahzad et al., explored
    # the reverse-mentoring study is a catalogue entry: title and half an abstract
    "reverse-mentoring": "",
    # Shahzad et al. only describe these three
    "curriculum-advocacy": "",
    "community-outreach-and-engagement": "",
    "dei-committees": "",
}


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)
    return {intervention.slug: intervention for intervention in Intervention.objects.all()}


def test_no_seed_practice_has_an_evaluation(seeded):
    assert {slug: i.rating for slug, i in seeded.items()} == DOES_IT_WORK


def test_each_seed_practice_gets_its_documented_qualitative_confidence(seeded):
    answers = {slug: i.evidence_summary.confidence for slug, i in seeded.items()}
    assert answers == WHAT_IS_IT_LIKE


def test_the_unnamed_interventions_outcomes_are_credited_to_no_practice(seeded):
    reasons = " ".join(seeded["student-led-anti-racism-programmes"].computed_rating_reasons)
    assert "credited to no practice" in reasons
    assert "Medical learners' anti-racist activism" in reasons
    for slug in DOES_IT_WORK:
        assert seeded[slug].evidence_profile["effectiveness"] == [], slug


def test_the_catalogued_evaluation_waits_for_its_appraisal(seeded):
    reasons = " ".join(seeded["student-led-anti-racism-programmes"].computed_rating_reasons)
    assert "Not yet appraised, so not counted: The impact of a student-led" in reasons
    mentoring = " ".join(seeded["reverse-mentoring"].computed_rating_reasons)
    assert "Not yet appraised, so not counted: Challenging the deficit discourse" in mentoring


def test_described_practices_say_so(seeded):
    for slug in ("curriculum-advocacy", "community-outreach-and-engagement", "dei-committees"):
        profile = seeded[slug].evidence_profile
        assert profile["links"] == {
            "evaluated": 0,
            "explored": 0,
            "described": profile["links"]["described"],
        }
        assert any("without evaluating it" in r for r in seeded[slug].computed_rating_reasons)


def test_no_reason_says_a_qualitative_study_starts_at_strong(seeded):
    for intervention in seeded.values():
        assert "Strong" not in " ".join(intervention.computed_rating_reasons)


def test_loading_the_seed_again_changes_nothing(seeded, capsys):
    call_command("load_seed")
    assert re.search(r"loaded: 0 created, 0 updated, \d+ unchanged", capsys.readouterr().out)
