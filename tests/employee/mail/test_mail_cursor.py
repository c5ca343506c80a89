"""CursorStore: round trip, bounded seen-set, atomic replacement, corrupt files."""

from __future__ import annotations

import json
from pathlib import Path

from employee.mail import CursorState, CursorStore


def test_round_trip_and_bounds(tmp_path: Path) -> None:
    store = CursorStore(tmp_path / "s" / "cursor.json", max_seen=3)
    state = CursorState(uidvalidity=7, last_uid=0)
    for n in range(5):
        state.last_uid = n + 1
        store.remember(state, f"<m{n}@x>")
        store.save(state)
    loaded = store.load()
    assert (loaded.uidvalidity, loaded.last_uid) == (7, 5)
    assert list(loaded.seen) == ["<m2@x>", "<m3@x>", "<m4@x>"]
    assert loaded.has_seen("<m4@x>")
    assert not loaded.has_seen("<m0@x>")
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["cursor.json"]


def test_missing_file_is_a_fresh_cursor(tmp_path: Path) -> None:
    state = CursorStore(tmp_path / "none.json").load()
    assert (state.uidvalidity, state.last_uid, len(state.seen)) == (None, 0, 0)


def test_corrupt_or_wrongly_typed_files_are_a_fresh_cursor(tmp_path: Path) -> None:
    path = tmp_path / "cursor.json"
    for content in (
        "{broken",
        json.dumps({"uidvalidity": "x", "last_uid": 1}),
        json.dumps({"uidvalidity": 1, "last_uid": -4}),
        json.dumps({"uidvalidity": 1, "last_uid": 2, "seen_message_ids": [1, 2]}),
        json.dumps([1, 2, 3]),
    ):
        path.write_text(content)
        assert CursorStore(path).load().last_uid == 0
