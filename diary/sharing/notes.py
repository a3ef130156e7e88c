"""Free-text notes are the patient's to share: off until they turn it on (users.share_notes).

Every physician or view-link read passes its rows through ``shared`` so no page or API
answer can forget it.
"""

#: The free-text field of each kind of row.
FIELDS = {"entry": "note", "therapy": "notes"}


def shared(row: dict, kind: str, *, share_notes: bool) -> dict:
    """``row`` as someone the patient shares with may see it: its notes blanked unless the
    patient shares them."""
    field = FIELDS[kind]
    if share_notes or not row.get(field):
        return row
    return {**row, field: ""}


def shared_all(rows, kind: str, *, share_notes: bool) -> list[dict]:
    return [shared(row, kind, share_notes=share_notes) for row in rows]
