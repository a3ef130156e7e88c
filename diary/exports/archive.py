"""The complete copy of a diary (format ``diary-export``, version 5) and its import; its
declared shapes (the document's ``DiaryCopy`` and ``ImportSummary``) are in
copy_schemas.py.

A copy holds every live entry, therapy, medicine, dose and questionnaire response with its
id, version and times (older copies are still imported: version 1, made before medicines,
holds entries and therapies; version 2, made before questionnaires, adds medicines and
doses), so that importing it recreates the diary exactly: the same ids, versions and times,
hence the same history and the same analysis. Deleted records (tombstones) are left out:
the copy is the diary as the patient sees it, a deletion cannot be recreated on another
server through the sync rules (a delete of an id the server never had is refused), and the
content of a deleted entry should not come back in a file the patient carries around.

Importing checks the whole file first and refuses it, writing nothing, when it is not JSON,
not a diary copy, of another version, or holds a record that is not valid; what a copy made
before an upgrade holds that this version refuses is cleaned first, as the upgrade cleaned
the diaries here (cleaning.py), and the answer says so. Then every record goes through the
sync rules (store.apply_change) in one transaction: a record the account does not have is
created with its id; one it has with the same content is a duplicate; one whose content
differs is a conflict, reported with both versions and never overwritten. A record whose id
belongs to another account refuses the whole import.
"""

import json

from pydantic import BaseModel, ValidationError

from diary import inputs
from diary.db import write
from diary.exports import cleaning
from diary.exports.copy_schemas import FORMAT, READABLE, VERSION, DiaryCopy
from diary.fields import whole_value
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.i18n.text import ngettext, or_list
from diary.schemas import field_errors
from diary.sync import merge, store
from diary.sync.rows import data_fields

#: Problems named in a refusal: the first ones are enough to see what is wrong.
MAX_FIELDS_SHOWN = 20
#: The lists of a copy, in the file's order.
LISTS = ("entries", "therapies", "medications", "doses", "responses")
# The order of the import. Medicines before their doses, as a phone sends them (a dose is
# kept either way).
KINDS = (
    ("therapies", "therapy"),
    ("entries", "entry"),
    ("medications", "medication"),
    ("doses", "dose"),
    ("responses", "response"),
)


class Refused(Exception):
    """A copy that cannot be imported, and why; nothing was written."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


# ---- export ----------------------------------------------------------------------------


def build(user: dict, records: dict[str, list[dict]], exported_at: str) -> dict:
    """The copy of a diary: ``user`` is ``{"name", "time_zone"}``, ``records`` the live
    rows of each kind as the API shows them, by plural name (``entries``, ``therapies``,
    ``medications``, ``doses``; tombstones are not part of a copy)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at,
        "user": {"name": user["name"], "time_zone": user["time_zone"]},
        **{name: records.get(name, []) for name in LISTS},
    }


def dumps(copy: dict) -> str:
    """The copy as JSON text with one record a line: compact, and readable by a person."""
    lines = ["{"]
    lists = [name for name in LISTS if name in copy]
    for key, value in copy.items():
        if key in lists:
            continue
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    for name, end in ((name, "," if name != lists[-1] else "") for name in lists):
        records = ",\n".join(
            "    " + json.dumps(row, ensure_ascii=False, separators=(",", ":"))
            for row in copy[name]
        )
        lines.append(f'  "{name}": [\n{records}\n  ]{end}' if records else f'  "{name}": []{end}')
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---- import ----------------------------------------------------------------------------


NOT_JSON = _l(
    "This file is not a complete diary copy: it is not valid JSON. It may have been cut "
    "short (an interrupted download) or be another kind of file. Download the copy again "
    "and import that file."
)
NOT_A_COPY = _l(
    'This file is not a diary copy from this app. Choose the file that "Download a full '
    'copy" saved (its name starts with diary-copy- and ends with .json).'
)
FHIR_FILE = _l(
    "This is the file for a clinic's record system (FHIR), which cannot be imported. "
    "Choose the full copy instead (its name starts with diary-copy-)."
)


def parse(raw: bytes | str) -> DiaryCopy:
    """The copy in ``raw`` (a file's bytes), checked whole; Refused saying what is wrong.

    400 ``not_json`` when it is not JSON (a truncated file); 422 ``not_a_diary_copy`` for
    another app's file, ``unsupported_version`` for another version of the format,
    ``invalid`` naming the first problems (``entries.12.leg_pain``), ``duplicate_id`` when
    two records share an id. Text holding control characters and an RMDQ or ODI naming a
    therapy (a copy made before migrations m015 and m016) are cleaned, not refused.
    """
    # A copy opened and saved again by an editor that writes "UTF-8 with BOM" (as ours are
    # not, but our CSV files are) is the same copy: RFC 8259 lets a parser ignore the mark.
    raw = raw.removeprefix(b"\xef\xbb\xbf" if isinstance(raw, bytes) else "\ufeff")
    try:
        data = inputs.parse_json(raw)
    except inputs.BadInput as bad:
        if bad.message == _("is not valid JSON"):
            words = str(NOT_JSON)
        else:
            words = _("This file %(problem)s.", problem=bad.message)
        raise Refused(400, "not_json", words, {"body": bad.message}) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        fhir = isinstance(data, dict) and data.get("resourceType") == "Bundle"
        message = str(FHIR_FILE if fhir else NOT_A_COPY)
        raise Refused(
            422, "not_a_diary_copy", message, {"format": _('must be "%(format)s"', format=FORMAT)}
        )
    _check_version(data.get("version"))
    # A copy made before an upgrade is cleaned as the upgrade cleaned the diaries here,
    # before it is judged: only those cases, so anything else wrong is still refused.
    data, cleaned = cleaning.clean(data, KINDS)
    try:
        copy = DiaryCopy.model_validate(data, strict=True)
    except ValidationError as exc:
        raise _invalid(field_errors(exc)) from None
    _check_unique_ids(copy)
    copy._cleaned = cleaned
    return copy


def _check_version(version):
    version = whole_value(version)
    if version in READABLE and not isinstance(version, bool):
        return
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        message = _(
            "This copy was made by a newer version of diary (copy format %(version)s); this "
            "server reads formats up to %(latest)s. Update this server, then import the copy "
            "again.",
            version=version,
            latest=VERSION,
        )
    else:
        message = _(
            "This copy does not say which format version it is (expected %(latest)s).",
            latest=VERSION,
        )
    words = or_list(READABLE)
    raise Refused(
        422, "unsupported_version", message, {"version": _("must be %(allowed)s", allowed=words)}
    )


def _invalid(fields: dict) -> Refused:
    count = len(fields)
    first, problem = next(iter(fields.items()))
    shown = dict(list(fields.items())[:MAX_FIELDS_SHOWN])
    message = ngettext(
        "This copy has %(num)s problem, so nothing was imported. The first: %(field)s %(problem)s.",
        "This copy has %(num)s problems, so nothing was imported. The first: %(field)s "
        "%(problem)s.",
        count,
        field=first,
        problem=problem,
    )
    return Refused(422, "invalid", message, shown)


def _check_unique_ids(copy: DiaryCopy):
    seen = {}
    for name, _kind in KINDS:
        for i, row in enumerate(getattr(copy, name)):
            where = f"{name}.{i}.id"
            if row.id in seen:
                raise Refused(
                    422,
                    "duplicate_id",
                    _(
                        "Two records of this copy have the same id (%(first)s and %(second)s), "
                        "so it cannot be a copy of one diary. Nothing was imported.",
                        first=seen[row.id],
                        second=where,
                    ),
                    {
                        where: _(
                            "is also the id of %(other)s", other=seen[row.id].removesuffix(".id")
                        )
                    },
                )
            seen[row.id] = where


def differences(kind: str, row: BaseModel, server: dict) -> list[str]:
    """The fields whose content differs between the file's record and the diary's, or just
    ``deleted`` when the diary has deleted it (a deleted record keeps no content to compare:
    tombstones.TOMBSTONE); empty when the diary holds it as it is."""
    if server["deleted"]:
        return ["deleted"]
    mine = _as_imported(kind, row.model_dump(include=set(data_fields(kind)), mode="json"), server)
    return [name for name, value in mine.items() if server[name] != value]


def _as_imported(kind: str, record: dict, server: dict) -> dict:
    """A file's record as importing it over the diary's ``server`` record gives it: a dose
    from a copy made before doses kept their zone (none named) takes the zone the diary's
    dose has, as any change naming none does (store.apply_change)."""
    if kind == "dose" and record.get("time_zone") is None:
        return {**record, "time_zone": server["time_zone"]}
    return record


def apply(db, patient_id: int, copy: DiaryCopy) -> dict:
    """Import ``copy`` into the patient's diary in one write transaction; the summary.

    Returns ``{"entries": counts, "therapies": counts, "medications": counts, "doses":
    counts, "responses": counts, "conflicts": [...], "cleaned": {...}, "exported_at",
    "user"}`` (see ImportSummary). Raises
    Refused (409 ``id_taken``) and writes nothing when a record's id is already another
    account's, or another kind of record's.
    """
    counts = {name: {"applied": 0, "duplicate": 0, "conflict": 0} for name, _ in KINDS}
    conflicts, taken = [], {}
    with write(db):
        for name, kind in KINDS:
            for i, row in enumerate(getattr(copy, name)):
                stamps = store.Stamps(row.version, row.created_at, row.updated_at)
                # A copy holds no deleted records, so a PGIC about a therapy deleted before
                # the copy was made names a therapy the copy cannot hold: it is kept as the
                # diary had it rather than lost (its therapy_id is not checked).
                outcome = store.apply_change(
                    db,
                    patient_id,
                    kind,
                    row.id,
                    None,
                    False,
                    row,
                    want_row=False,
                    stamps=stamps,
                    check_references=False,
                )
                status = outcome.status
                if status == merge.REJECTED:
                    taken[f"{name}.{i}.id"] = _("is already another record's on this server")
                    continue
                # An older version of a row the diary has since changed or deleted is the
                # sync rules' "already applied"; for an import it is a difference to show.
                differ = [] if status == merge.APPLIED else differences(kind, row, outcome.row)
                if status == merge.DUPLICATE and differ:
                    status = merge.CONFLICT
                counts[name][status] += 1
                if status == merge.CONFLICT:
                    conflicts.append(
                        {
                            "kind": kind,
                            "id": row.id,
                            "differs": differ,
                            "file": _as_imported(kind, row.model_dump(mode="json"), outcome.row),
                            "server": outcome.row,
                        }
                    )
        if taken:
            raise Refused(
                409,
                "id_taken",
                ngettext(
                    "%(num)s record of this copy has an id that another record on this server "
                    "already uses: most likely this copy is already in another account here (a "
                    "copy can be in one account only). Nothing was imported.",
                    "%(num)s records of this copy have ids that other records on this server "
                    "already use: most likely this copy is already in another account here (a "
                    "copy can be in one account only). Nothing was imported.",
                    len(taken),
                ),
                dict(list(taken.items())[:MAX_FIELDS_SHOWN]),
            )
    return {
        **counts,
        "conflicts": conflicts,
        "cleaned": cleaning.summary(copy, copy._cleaned),
        "exported_at": copy.exported_at,
        "user": copy.user.model_dump(),
    }
