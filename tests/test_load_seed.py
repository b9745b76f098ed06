"""`load_seed` loads every fixture in one transaction, and running it again changes nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from resources.models import Outcome, Study, StudyAuthor

pytestmark = pytest.mark.django_db


def study_record(slug="wyatt-2025", doi="10.1111/medu.70055"):
    return {
        "model": "resources.study",
        "fields": {"title": "A study", "slug": slug, "year": 2025, "doi": doi},
    }


def write(tmp_path, name, records):
    path = tmp_path / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.fixture
def good_files(tmp_path):
    return [
        write(tmp_path, "01_studies.json", [study_record()]),
        write(
            tmp_path,
            "02_children.json",
            [
                {
                    "model": "resources.studyauthor",
                    "fields": {"study": ["wyatt-2025"], "position": 1, "family_name": "Wyatt"},
                },
                {
                    "model": "resources.outcome",
                    "fields": {
                        "study": ["wyatt-2025"],
                        "position": 1,
                        "measure": "Cultural competence",
                        "kirkpatrick_level": "2a",
                        "direction": "improved",
                    },
                },
            ],
        ),
    ]


def test_load_seed_creates_every_record(good_files, capsys):
    call_command("load_seed", *good_files)
    assert Study.objects.get().authors.get().family_name == "Wyatt"
    assert Outcome.objects.count() == 1
    assert "3 created" in capsys.readouterr().out


def test_load_seed_twice_changes_nothing(good_files, capsys):
    call_command("load_seed", *good_files)
    before = Study.objects.values("pk", "updated_at").get()
    call_command("load_seed", *good_files)
    assert Study.objects.values("pk", "updated_at").get() == before
    assert StudyAuthor.objects.count() == 1
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out


def test_a_broken_record_loads_nothing_and_names_file_and_record(good_files, tmp_path):
    broken = write(tmp_path, "03_broken.json", [study_record("other", doi="not-a-doi")])
    with pytest.raises(CommandError) as caught:
        call_command("load_seed", *good_files, broken)
    message = str(caught.value)
    assert "Nothing was loaded" in message
    assert "03_broken.json, record 1 (resources.study)" in message
    assert "is not a DOI" in message
    assert Study.objects.count() == 0


def test_invalid_json_loads_nothing_and_names_the_file(good_files, tmp_path):
    broken = tmp_path / "03_broken.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(CommandError, match=r"03_broken\.json: not valid JSON"):
        call_command("load_seed", *good_files, broken)
    assert Study.objects.count() == 0


def test_a_reference_to_a_missing_study_loads_nothing(tmp_path):
    orphan = write(
        tmp_path,
        "01_orphan.json",
        [
            {
                "model": "resources.studyauthor",
                "fields": {"study": ["no-such-study"], "position": 1, "family_name": "X"},
            }
        ],
    )
    with pytest.raises(CommandError, match=r"01_orphan\.json, record 1"):
        call_command("load_seed", orphan)
    assert StudyAuthor.objects.count() == 0
