"""The demo export: well-formed CSVs of the contract, deterministic, realistic text."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

from demo import write_demo_export
from tests.support.demo_export import FILES, REQUIRED


def test_same_now_and_seed_give_identical_bytes(tmp_path: Path, exported) -> None:
    directory, _, export = exported
    write_demo_export(tmp_path, export.now)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (directory / name).read_bytes(), name


def test_another_seed_gives_another_team(tmp_path: Path, exported) -> None:
    directory, _, export = exported
    write_demo_export(tmp_path, export.now, seed=1)
    assert (tmp_path / "candidates.csv").read_bytes() != (directory / "candidates.csv").read_bytes()


def test_every_file_has_the_contract_columns(exported) -> None:
    directory, _, export = exported
    for name in FILES:
        with (directory / name).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert REQUIRED[name] <= set(header), name
        assert export.rows[name], name


def test_ids_are_unique_and_well_formed(exported) -> None:
    _, _, export = exported
    for name, column, pattern in [
        ("recruiters.csv", "recruiter", r"[a-z]+"),
        ("roles.csv", "role_id", r"r-[a-z]+-\d{3}"),
        ("candidates.csv", "candidate_id", r"c-\d{4}"),
        ("touchpoints.csv", "touchpoint_id", r"tp-\d{6}"),
    ]:
        ids = [row[column] for row in export.rows[name]]
        assert len(ids) == len(set(ids)), name
        assert all(re.fullmatch(pattern, i) for i in ids), name


def test_values_are_the_contracts(exported) -> None:
    _, _, export = exported
    assert {r["status"] for r in export.recruiters.values()} == {"active", "paused"}
    assert {r["status"] for r in export.roles.values()} == {"open", "filled", "closed", "on_hold"}
    for c in export.candidates.values():
        assert c["full_name"].strip()
        assert c["ats_status"] in {
            "prospect",
            "active",
            "offer",
            "hired",
            "rejected",
            "declined",
            "withdrawn",
        }
        assert c["do_not_contact"] in {"true", "false"}
    for tp in export.rows["touchpoints.csv"]:
        assert tp["channel"] in {"inmail", "email", "phone", "sms", "meeting", "other"}
        assert tp["direction"] in {"outbound", "inbound"}
        if tp["direction"] == "inbound":
            assert tp["delivery"] == ""
        else:
            assert tp["delivery"] in {"", "delivered", "bounced", "failed", "pending"}
    for entry in export.rows["suppressions.csv"]:
        assert entry["candidate_id"] or entry["email"] or entry["linkedin_url"]


def test_every_reference_resolves(exported) -> None:
    _, _, export = exported
    for tp in export.rows["touchpoints.csv"]:
        assert tp["candidate_id"] in export.candidates
        assert not tp["role_id"] or tp["role_id"] in export.roles
        assert tp["recruiter"] in export.recruiters
    for entry in export.rows["suppressions.csv"]:
        assert not entry["candidate_id"] or entry["candidate_id"] in export.candidates


def test_every_touchpoint_is_before_now_with_an_offset(exported) -> None:
    _, _, export = exported
    for tp in export.rows["touchpoints.csv"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", tp["occurred_at"])
        assert tp["at"] < export.now


def test_text_is_realistic_and_international(exported) -> None:
    _, _, export = exported
    names = {c["full_name"] for c in export.candidates.values()}
    assert {"Zoë Müller", "José Núñez", "李娜", "Siobhán O'Connor"} <= names
    assert len(names) == len(export.candidates)
    initials = [
        m[0] for c in export.candidates for m in export.threads(c).values() if m[0]["role_id"]
    ]
    assert all(tp["subject"] and tp["body"] for tp in initials)
    assert {tp["channel"] for tp in initials} == {"inmail", "email"}
    channels = {tp["channel"] for tp in export.rows["touchpoints.csv"]}
    assert {"phone", "meeting"} <= channels
    assert any(not tp["role_id"] for tp in export.rows["touchpoints.csv"])


def test_manifest_partitions_candidates_and_counts_threads(exported) -> None:
    _, manifest, export = exported
    assert manifest.now == export.now and manifest.now.utcoffset() == timedelta(0)
    ids = [i for members in manifest.categories.values() for i in members]
    assert sorted(ids) == sorted(export.candidates)
    assert manifest.thread_count == sum(len(export.threads(c)) for c in export.candidates)
    assert manifest.thread_count == 847
    sizes = {name: len(members) for name, members in manifest.categories.items()}
    assert sizes["replied_other_channel"] == 143
    assert sizes["accepted_offer"] == 11
    assert sizes["declined"] == 67
    assert sizes["undelivered"] == 93
    assert sizes["head_of_talent"] == sizes["competitor_ceo"] == 1
    assert sizes["never_answered"] > 400
