"""The demo's fixtures: one export per moment, shared by a module's tests."""

from __future__ import annotations

import pytest

from demo import write_demo_export
from tests.support.demo_export import NOWS, Export


@pytest.fixture(scope="module", params=NOWS, ids=["november", "new-year-utc+5"])
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One export per ``now``, shared by the module's tests: (directory, manifest, Export)."""
    directory = tmp_path_factory.mktemp("demo")
    manifest = write_demo_export(directory, request.param)
    return directory, manifest, Export(directory, request.param)
