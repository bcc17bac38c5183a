"""The append-only journal: records survive, a torn last line is dropped, damage is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from govpress_support.workflows.handover.journal import Journal, JournalError, journals, new_run_id


def test_append_and_read_back(tmp_path: Path) -> None:
    journal = Journal.create(tmp_path / "handover", "20261126T120000Z-aaaaaa")
    journal.append({"type": "plan", "n": 1})
    journal.append({"type": "batch", "batch": 1, "items": [{"id": 5, "stamp": "x"}]})
    records = Journal(journal.path).records()
    assert [r["type"] for r in records] == ["plan", "batch"]
    assert records[1]["items"] == [{"id": 5, "stamp": "x"}]
    assert all("at" in r for r in records)
    assert journal.run_id == "20261126T120000Z-aaaaaa"


def test_torn_last_line_is_dropped(tmp_path: Path) -> None:
    journal = Journal.create(tmp_path, "run")
    journal.append({"type": "plan"})
    with journal.path.open("a", encoding="utf-8") as handle:
        handle.write('{"type": "batch", "bat')  # a crash mid-write
    assert [r["type"] for r in journal.records()] == ["plan"]


def test_damage_in_the_middle_is_an_error(tmp_path: Path) -> None:
    journal = Journal.create(tmp_path, "run")
    journal.append({"type": "plan"})
    with journal.path.open("a", encoding="utf-8") as handle:
        handle.write("garbage\n")
    journal.append({"type": "finished"})
    with pytest.raises(JournalError, match="damaged at line 2"):
        journal.records()


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    Journal.create(tmp_path, "run").append({"type": "plan"})
    with pytest.raises(JournalError):
        Journal.create(tmp_path, "run")


def test_journals_are_listed_oldest_first(tmp_path: Path) -> None:
    for run_id in ("20261127T000000Z-b", "20261126T000000Z-a"):
        Journal.create(tmp_path, run_id)
    assert [j.run_id for j in journals(tmp_path)] == ["20261126T000000Z-a", "20261127T000000Z-b"]
    assert list(journals(tmp_path / "missing")) == []


def test_run_ids_sort_by_time_and_differ() -> None:
    first, second = new_run_id(), new_run_id()
    assert first != second
    assert first[:16] <= second[:16]
