"""Progress is stored by id: no published id may vanish without a successor."""

from __future__ import annotations

from pathlib import Path

from macros.roadmap import resolve_successor

LEDGER = Path(__file__).resolve().parent.parent / "data" / "published-ids.txt"


def ledger_ids() -> list[str]:
    return [
        ln.strip() for ln in LEDGER.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")
    ]


def test_ledger_has_no_duplicates():
    ids = ledger_ids()
    assert len(ids) == len(set(ids))


def test_every_published_id_is_current_or_has_a_successor(roadmap):
    current = {i.id for i in roadmap.items}
    orphaned = [i for i in ledger_ids() if i not in current and i not in roadmap.successors]
    assert not orphaned, (
        "these ids were published and are gone; learners' ticks on them would be lost. Map each in "
        "data/roadmap.yml `successors:` to the id that replaces it (or to null):\n  " + "\n  ".join(orphaned)
    )


def test_every_current_id_is_in_the_ledger(roadmap):
    listed = set(ledger_ids())
    new = [i.id for i in roadmap.items if i.id not in listed]
    assert not new, "new checklist ids: append them to data/published-ids.txt:\n" + "\n".join(new)


def test_successors_end_at_a_current_id_or_null(roadmap):
    current = {i.id for i in roadmap.items}
    for old in roadmap.successors:
        assert resolve_successor(roadmap.successors, old) in current | {None}


def test_renamed_item_keeps_its_progress():
    """A chain of renames leads a stored tick to the item that replaced it."""
    successors = {"w01-a": "w01-b", "w01-b": "w01-c", "w02-dropped": None}
    assert resolve_successor(successors, "w01-a") == "w01-c"
    assert resolve_successor(successors, "w02-dropped") is None
    assert resolve_successor(successors, "w03-current") == "w03-current"
