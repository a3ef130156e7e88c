"""The sync rules (DESIGN.md section 4), pure: what happens to one incoming change.

Given what the server holds for an id and the change a device sent, decide whether the
change is applied, is a duplicate of what was already applied, conflicts with a newer
server copy, or is rejected. No I/O here: store.py reads the state and carries out the
decision in its transaction.
"""

import hashlib
from dataclasses import dataclass, field

from diary import json_text

APPLIED, DUPLICATE, CONFLICT, REJECTED = "applied", "duplicate", "conflict", "rejected"
# json.dumps(value, sort_keys=True, separators=(",", ":")) from an encoder set up once: a
# sync batch hashes 1,000 changes.
_CANONICAL = json_text.encoder(sort_keys=True, separators=(",", ":"))


def content_hash(data: dict, deleted: bool) -> str:
    """A stable fingerprint of validated, normalised content (and whether it is deleted)."""
    canonical = _CANONICAL([data, bool(deleted)])
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ServerState:
    """What the server holds for one id: current version and the hash of every version it
    still keeps (a deleted record: its deletion's alone)."""

    version: int
    hashes: dict[int, str] = field(default_factory=dict)  # version -> content hash

    @property
    def current_hash(self):
        return self.hashes.get(self.version)


@dataclass(frozen=True)
class Decision:
    status: str
    version: int | None = None  # the version the row has (or had) after this change
    reason: str | None = None  # for rejections: an error code


def decide(
    server: ServerState | None, base_version: int | None, deleted: bool, incoming_hash: str | None
) -> Decision:
    """Decide the fate of one change.

    - same content as the server's current row: ``duplicate`` whatever the base version;
    - the change that made version ``base+1`` already (a replay after a lost answer):
      ``duplicate`` with that version, so replays never turn into conflicts;
    - unknown id: a create (no base) is ``applied`` as version 1; an edit or delete of a row
      the server never had is ``rejected`` (``version_ahead`` / ``not_found``);
    - a base equal to the server's version is ``applied`` as version+1; an older base is a
      ``conflict``; a base ahead of the server's is ``rejected``.
    ``incoming_hash`` is None for a delete (its content is the server's, marked deleted).

    A deleted record keeps only its deletion's hash (tombstones.py, ``forget_versions_before``):
    the hashes of its earlier versions would give their content back. So a change from
    before the delete, even a replay of one that was applied, is a ``conflict`` with the
    tombstone, which the patient resolves; the delete itself, resent, is a ``duplicate``.
    """
    if server is None:
        if deleted:
            return Decision(REJECTED, reason="not_found")
        if base_version is not None:
            return Decision(REJECTED, reason="version_ahead")
        return Decision(APPLIED, version=1)
    if incoming_hash is not None and incoming_hash == server.current_hash:
        return Decision(DUPLICATE, version=server.version)
    replayed = (base_version or 0) + 1
    if (
        replayed <= server.version
        and incoming_hash is not None
        and server.hashes.get(replayed) == incoming_hash
    ):
        return Decision(DUPLICATE, version=replayed)
    if base_version is None:
        return Decision(CONFLICT, version=server.version)
    if base_version > server.version:
        return Decision(REJECTED, version=server.version, reason="version_ahead")
    if base_version < server.version:
        return Decision(CONFLICT, version=server.version)
    return Decision(APPLIED, version=server.version + 1)
