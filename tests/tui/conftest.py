"""The review app's fixtures: the demo team in a SQLite store at a fixed moment, and helpers.

The demo is built once per session (import + schedule take seconds) and each test gets its
own copy of the file, so tests may change the store freely.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from demo import DEMO_CONFIG, write_demo_export
from drafts.writing.scheduler import schedule
from store.config import LeadSettings, load_settings
from store.db import open_store
from store.importer import import_export
from tests.support.review_app import LEAD_NOW, NOW
from tui.app.app import ReviewApp


def build_demo(folder: Path, now: datetime = NOW) -> Path:
    """A demo store (imported and scheduled at `now`) in `folder`; returns the db file."""
    config = folder / "followups.toml"
    config.write_text(DEMO_CONFIG, encoding="utf-8")
    db = folder / "demo.db"
    engine = open_store(str(db))
    export = folder / "export"
    export.mkdir()
    write_demo_export(export, now=now)
    import_export(engine, export)
    schedule(engine, load_settings(str(config)), now, actor="test")
    engine.dispose()
    return db


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo store, built once."""
    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    """This test's own copy of the demo store (and its config beside it)."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    shutil.copy(demo_template.parent / "followups.toml", tmp_path / "followups.toml")
    return target


@pytest.fixture
def settings(demo_db):
    """The demo company's settings."""
    return load_settings(str(demo_db.parent / "followups.toml"))


@pytest.fixture
def store_engine(demo_db):
    """An engine on this test's demo store."""
    store = open_store(str(demo_db))
    yield store
    store.dispose()


@pytest.fixture
def make_app(store_engine, settings, tmp_path):
    """A review app on the demo store, reviewer `tester` (not a recruiter: sees every queue),
    clock fixed at NOW. Pass lead=True for lead mode."""

    def make(reviewer: str = "tester", *, min_dwell_ms: int = 0, **kwargs) -> ReviewApp:
        # Pilot presses a key the instant the draft is drawn; only the tests about the
        # dwell (test_review_trust.py) keep it: everywhere else it would only add waiting.
        review = settings.review.model_copy(update={"min_dwell_ms": min_dwell_ms})
        tuned = settings.model_copy(update={"review": review})
        kwargs.setdefault("prefs_dir", tmp_path / "prefs")  # never the real user's theme
        return ReviewApp(store_engine, tuned, reviewer, now=NOW, **kwargs)

    return make


@pytest.fixture(scope="session")
def lead_template(demo_template, tmp_path_factory) -> Path:
    """The demo store after a day of reviewing and sending (see tests/tui/lead_data.py)."""
    from tests.tui.lead_data import review_and_send

    folder = tmp_path_factory.mktemp("lead")
    db = folder / "demo.db"
    shutil.copy(demo_template, db)
    shutil.copy(demo_template.parent / "followups.toml", folder / "followups.toml")
    engine = open_store(str(db))
    review_and_send(engine, load_settings(str(folder / "followups.toml")), NOW)
    engine.dispose()
    return db


@pytest.fixture
def lead_engine(lead_template, tmp_path):
    """An engine on this test's own copy of the reviewed-and-sent store."""
    target = tmp_path / "lead.db"
    shutil.copy(lead_template, target)
    store = open_store(str(target))
    yield store
    store.dispose()


@pytest.fixture
def lead_settings(settings):
    """The demo settings with a spot-check smaller than a recruiter's five reviewed drafts,
    so the seed decides which ones are picked."""
    return settings.model_copy(
        update={"lead": LeadSettings(spot_check_per_recruiter=3, spot_check_seed=7)}
    )


@pytest.fixture
def make_lead_app(lead_engine, lead_settings, tmp_path):
    """A lead-mode app on the reviewed store, lead `dana`, a day after NOW; exports in tmp."""

    def make(reviewer: str = "dana", **kwargs) -> ReviewApp:
        kwargs.setdefault("now", LEAD_NOW)
        kwargs.setdefault("export_dir", tmp_path)
        kwargs.setdefault("prefs_dir", tmp_path / "prefs")
        return ReviewApp(lead_engine, lead_settings, reviewer, lead=True, **kwargs)

    return make
