"""The seed interventions get the ratings the README documents, for the reasons it gives."""

import re

import pytest
from django.core.management import call_command

from resources.models import EvidenceRating, Intervention

pytestmark = pytest.mark.django_db

DOCUMENTED = {
    "self-curated-peer-collectives": EvidenceRating.LIMITED,
    # its one study is a catalogue entry: title and half an abstract, not appraised
    "reverse-mentoring": EvidenceRating.INSUFFICIENT,
    "student-led-anti-racism-programmes": EvidenceRating.VERY_LIMITED,
    # Shahzad et al. only describe these three: nothing evaluated them
    "curriculum-advocacy": EvidenceRating.INSUFFICIENT,
    "community-outreach-and-engagement": EvidenceRating.INSUFFICIENT,
    "dei-committees": EvidenceRating.INSUFFICIENT,
}


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)
    return {intervention.slug: intervention for intervention in Intervention.objects.all()}


def test_each_seed_intervention_gets_its_documented_rating(seeded):
    assert {slug: intervention.rating for slug, intervention in seeded.items()} == DOCUMENTED


def test_the_controlled_comparison_of_unclear_origin_is_rated_down_for_high_risk(seeded):
    reasons = seeded["student-led-anti-racism-programmes"].computed_rating_reasons
    assert "Rated down two levels: the only counted study is at high risk of bias." in reasons
    assert (
        "4 linked studies only describing it, not yet appraised or not published do not count."
        in reasons
    )


def test_abstract_only_qualitative_evidence_is_rated_down_for_concerns_and_a_single_study(seeded):
    reasons = seeded["self-curated-peer-collectives"].computed_rating_reasons
    assert reasons[0].startswith("1 appraised study counts; the strongest design, a qualitative")
    assert "Rated down one level: a single study is all the evidence there is." in reasons


def test_loading_the_seed_again_changes_nothing(seeded, capsys):
    call_command("load_seed")
    assert re.search(r"loaded: 0 created, 0 updated, \d+ unchanged", capsys.readouterr().out)
