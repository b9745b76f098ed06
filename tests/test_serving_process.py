"""A serving process (WSGI or ASGI) tunes CPython's garbage collector once it is loaded."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from library.garbage_collection import YOUNGEST_EVERY

PROJECT = Path(__file__).resolve().parents[1]
REPORT = "import gc, {module}; print(gc.get_freeze_count() > 1000, gc.get_threshold()[0])"


@pytest.mark.parametrize("module", ["library.wsgi", "library.asgi"])
def test_a_loaded_application_freezes_its_start_up_objects_and_collects_less_often(module):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", REPORT.format(module=module)],
        cwd=PROJECT,
        env=environment | {"DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", str(YOUNGEST_EVERY)]
