"""The schema, as sqlite-utils migrations. Add new migrations at the end; never edit old ones.

The tables for the whole design (DESIGN.md section 3) exist from the first migration so
later features add behaviour, not table rewrites.
"""

import uuid

from sqlite_utils.migrations import Migrations

migrations = Migrations("diary")


def _run_script(db, script):
    # Not executescript(): it commits first, which would break the migration's transaction.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_initial(db):
    _run_script(
        db,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('patient', 'physician')),
            name TEXT NOT NULL,
            time_zone TEXT NOT NULL DEFAULT 'UTC',
            -- rotated when the password changes, which ends every other session
            session_token TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        -- one row: the database-wide change sequence behind every synced row's seq
        CREATE TABLE change_seq (value INTEGER NOT NULL);
        INSERT INTO change_seq (value) VALUES (0);

        CREATE TABLE entries (
            id TEXT PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            leg_pain INTEGER CHECK (leg_pain BETWEEN 0 AND 10),
            back_pain INTEGER CHECK (back_pain BETWEEN 0 AND 10),
            worst_leg_pain INTEGER CHECK (worst_leg_pain BETWEEN 0 AND 10),
            regions TEXT NOT NULL DEFAULT '{}',
            activities TEXT NOT NULL DEFAULT '{}',
            sitting_tolerance_min INTEGER,
            walking_tolerance_min INTEGER,
            red_flags TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            deleted INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL
        );
        CREATE INDEX entries_patient_day ON entries (patient_id, day DESC, created_at DESC);
        CREATE INDEX entries_patient_seq ON entries (patient_id, seq);

        CREATE TABLE therapies (
            id TEXT PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            start_day TEXT NOT NULL,
            end_day TEXT,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            deleted INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL
        );
        CREATE INDEX therapies_patient_start ON therapies (patient_id, start_day);
        CREATE INDEX therapies_patient_seq ON therapies (patient_id, seq);

        CREATE TABLE shares (
            id TEXT PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            physician_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            code_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            accepted_at TEXT,
            revoked_at TEXT
        );
        CREATE INDEX shares_patient ON shares (patient_id);
        CREATE INDEX shares_physician ON shares (physician_id);

        CREATE TABLE access_log (
            id INTEGER PRIMARY KEY,
            physician_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            physician_name TEXT NOT NULL,
            patient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            what TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX access_log_patient_at ON access_log (patient_id, at DESC);
        """,
    )


@migrations()
def m002_revisions(db):
    # The content hash of every version of every synced row: a replayed change (its answer
    # lost on the way back) is recognised as already applied instead of becoming a conflict.
    _run_script(
        db,
        """
        CREATE TABLE revisions (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (id, version)
        ) WITHOUT ROWID;
        """,
    )


@migrations()
def m003_sessions(db):
    # Sessions live on the server (DESIGN.md section 3), so signing out ends every copy of
    # the cookies at once. The per-user token they replace is dropped: signing in again is
    # the one-time cost of the upgrade.
    _run_script(
        db,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            remember INTEGER NOT NULL DEFAULT 0,
            device TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX sessions_user ON sessions (user_id, last_seen_at DESC);
        ALTER TABLE users DROP COLUMN session_token;
        """,
    )


@migrations()
def m004_sharing(db):
    # Sharing (DESIGN.md sections 3 and 6): view links for a physician without an account,
    # the patient's choice to share free-text notes (off by default), and access-log rows
    # that can name a view link as the viewer instead of a physician.
    _run_script(
        db,
        """
        CREATE TABLE view_links (
            id TEXT PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX view_links_patient ON view_links (patient_id, created_at DESC);
        ALTER TABLE users ADD COLUMN share_notes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE access_log ADD COLUMN viewer TEXT NOT NULL DEFAULT 'physician'
            CHECK (viewer IN ('physician', 'link'));
        ALTER TABLE access_log ADD COLUMN link_id TEXT
            REFERENCES view_links(id) ON DELETE SET NULL;
        """,
    )


@migrations()
def m005_server_identity(db):
    # One random UUID per database, made once: the namespace under which a patient's FHIR
    # Patient id is derived (diary/exports/fhir.py). Kept in the database rather than in
    # instance/ so that a restored backup exports the same ids, and random so that two
    # servers never give two different patients the same id.
    db.execute(
        "CREATE TABLE server_identity (id INTEGER PRIMARY KEY CHECK (id = 1), uuid TEXT NOT NULL)"
    )
    db.execute("INSERT INTO server_identity (id, uuid) VALUES (1, ?)", [str(uuid.uuid4())])


@migrations()
def m006_password_resets(db):
    # One-time links to set a new password (diary/accounts/password_resets.py): only the token's
    # SHA-256 is kept, so a copy of the database opens no account.
    _run_script(
        db,
        """
        CREATE TABLE password_resets (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE INDEX password_resets_user ON password_resets (user_id);
        """,
    )


@migrations()
def m008_medications(db):
    # Medicines (DESIGN.md section 3): synced kinds like entries (client UUID, version,
    # tombstone, seq). A dose has no foreign key to its medicine on purpose: offline, a dose
    # may reach the server before its medicine, or after the medicine was deleted on another
    # device, and a dose the patient took is never refused or lost for that
    # (docs/sync-protocol.md).
    _run_script(
        db,
        """
        CREATE TABLE medications (
            id TEXT PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            strength TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            schedule TEXT NOT NULL CHECK (schedule IN ('regular', 'as_needed')),
            start_day TEXT NOT NULL,
            end_day TEXT,
            changes TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            deleted INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL
        );
        CREATE INDEX medications_patient_start ON medications (patient_id, start_day);
        CREATE INDEX medications_patient_seq ON medications (patient_id, seq);

        CREATE TABLE doses (
            id TEXT PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            medication_id TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            deleted INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL
        );
        CREATE INDEX doses_patient_taken ON doses (patient_id, taken_at);
        CREATE INDEX doses_patient_seq ON doses (patient_id, seq);
        """,
    )


@migrations()
def m009_push(db):
    # Reminders by Web Push (DESIGN.md sections 3 and 6). A subscription belongs to the
    # signed-in session (the device) that made it: ending that session (signing out, "sign
    # out everywhere", a password change) deletes it by cascade. reminders_sent is the
    # per-user, per-local-day marker that a run of send-reminders claims inside a write
    # transaction, so two runs at once never send twice.
    _run_script(
        db,
        """
        ALTER TABLE users ADD COLUMN reminder_time TEXT;
        CREATE TABLE push_subscriptions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            endpoint TEXT NOT NULL UNIQUE,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            device TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
        CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id);
        CREATE TABLE reminders_sent (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            PRIMARY KEY (user_id, day)
        ) WITHOUT ROWID;
        """,
    )


@migrations()
def m007_questionnaires(db):
    # Questionnaire responses (DESIGN.md section 3): a synced kind like entries (a client's
    # UUID, version, tombstone, seq). answers is JSON by item (linkId -> answer); the score
    # is worked out from it when read. therapy_id names the therapy a PGIC is about, without
    # a foreign key: a response synced from a phone must not be refused because the
    # therapy it names was deleted meanwhile on another device.
    _run_script(
        db,
        """
        CREATE TABLE responses (
            id TEXT PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            questionnaire TEXT NOT NULL,
            day TEXT NOT NULL,
            answers TEXT NOT NULL DEFAULT '{}',
            therapy_id TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            deleted INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL
        );
        CREATE INDEX responses_patient_day ON responses (patient_id, questionnaire, day);
        CREATE INDEX responses_patient_seq ON responses (patient_id, seq);
        """,
    )


@migrations()
def m010_in_cohorts(db):
    # Whether a patient's numbers count (de-identified, aggregated) in the cohort tables of
    # the physicians they share with (docs/cohorts.md). On unless the patient turns it off:
    # sharing for care stays possible without it.
    _run_script(db, "ALTER TABLE users ADD COLUMN in_cohorts INTEGER NOT NULL DEFAULT 1;")


@migrations()
def m011_user_locale(db):
    # The language a user chose on the account page ("en", "es"); null: none chosen, so the
    # browser's Accept-Language (or the sign-in page's cookie) decides.
    _run_script(db, "ALTER TABLE users ADD COLUMN locale TEXT;")


@migrations()
def m012_deleted_content_cleared(db):
    # A delete used to keep the record's content (notes, scores, a medicine's name) in its
    # tombstone, which every new phone then received; deletes now clear it
    # (tombstones.TOMBSTONE), and this clears what earlier deletes kept.
    from diary.sync import tombstones  # they need the schema above, not the reverse

    tombstones.clear_deleted_content(db)


@migrations()
def m013_user_ids_never_reused(db):
    # SQLite gives a new row the highest id plus one, so deleting the newest account let the
    # next one take its id. A phone keeps its offline diary and cached pages under the user's
    # id: another person registering later must never be handed what a deleted account left
    # on a phone. The highest id ever given is kept here; registering counts up from it.
    _run_script(
        db,
        """
        CREATE TABLE user_ids (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            highest INTEGER NOT NULL
        );
        INSERT INTO user_ids (id, highest) SELECT 1, COALESCE(MAX(id), 0) FROM users;
        """,
    )


@migrations()
def m014_sync_epoch(db):
    # Written into every sync cursor (diary/sync/cursors.py) and changed in every backup copy
    # (db.backup) and by `flask sync-epoch` after another kind of restore: a phone whose
    # cursor names another epoch pulls from the start instead of skipping changes.
    import secrets

    _run_script(
        db,
        "CREATE TABLE sync_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL)",
    )
    db.execute("INSERT INTO sync_epoch (id, value) VALUES (1, ?)", [secrets.token_hex(8)])


@migrations()
def m015_control_characters_cleaned(db):
    # Text fields refuse control characters now (diary/fields.py), but text saved before
    # may hold some the patient cannot see, and any save of such a record was refused. This
    # cleans them the way the fields would (diary/upgrades/control_characters.py): a synced
    # record as its next version, which every phone pulls.
    from diary.upgrades import control_characters  # it needs the schema above, not the reverse

    control_characters.clean(db)


@migrations()
def m016_unanchored_answers_about_no_therapy(db):
    # Only a PGIC is about a therapy; a therapy_id stored with an RMDQ or an ODI was never
    # used and is refused now. Cleared as a new version (diary/upgrades/unanchored_answers.py).
    from diary.upgrades import unanchored_answers

    unanchored_answers.clear(db)


@migrations()
def m017_email_changes(db):
    # A new sign-in email waiting for its owner to open the link sent to it
    # (diary/accounts/email_changes.py), as password_resets: only the token's SHA-256 is kept.
    _run_script(
        db,
        """
        CREATE TABLE email_changes (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            new_email TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE INDEX email_changes_user ON email_changes (user_id);
        """,
    )


@migrations()
def m018_push_subscription_locale(db):
    # The language of the device that subscribed (its cookie, else its Accept-Language), for
    # an account that chose none: its reminders then speak the language that phone speaks.
    # Null (subscriptions made before this): English, as before.
    _run_script(db, "ALTER TABLE push_subscriptions ADD COLUMN locale TEXT;")


@migrations()
def m019_deleted_records_forgotten(db):
    # The revisions kept the content hash of every version of a record after it was deleted:
    # an unsalted SHA-256 of a day and two 0-10 scores is reversed by trying them all. A
    # delete now keeps only its own fingerprint (of the tombstone); this removes what earlier
    # deletes left, and the fingerprints of rows no table holds (diary/sync/tombstones.py).
    from diary.sync import tombstones  # they need the schema above, not the reverse

    tombstones.forget_deleted(db)


@migrations()
def m020_dose_time_zone(db):
    # A dose keeps the time zone it was taken in (docs/medications.md): its day and clock
    # are read in that zone, so changing the account's zone later moves no dose. Doses taken
    # before this knew none; the account's zone now is the best knowledge there is.
    from diary.upgrades import dose_zones  # it needs the schema above, not the reverse

    _run_script(db, "ALTER TABLE doses ADD COLUMN time_zone TEXT;")
    dose_zones.fill(db)
