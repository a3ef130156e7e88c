"""``flask --app diary send-reminders``: one pass over the patients whose reminder is due.

Run every few minutes by cron or a systemd timer (docs/reminders.md). Each pass:

1. finds the patients with a reminder time and a device subscribed whose session lives;
2. for each whose reminder is due now (reminders/schedule.py), claims the patient's day
   inside a write transaction: nothing logged for that day yet, and no claim for it yet
   (a row in ``reminders_sent``). Two passes at once (two timers, two hosts on one
   database) cannot both claim a day, so nobody gets two reminders;
3. sends the reminder to each of the patient's devices, outside the transaction (pushes
   take time; the database stays free for the patients), removing the subscriptions the
   push service says are gone (404, 410). When no device took it and one may later (a
   push service down), the claim is released so the next pass tries again.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from diary.accounts import iso
from diary.db import fetch_all, write
from diary.i18n.text import in_language
from diary.reminders import push, schedule, subscriptions

#: Claims older than this are of no use to anyone: removed on each pass.
KEEP_CLAIMS = timedelta(days=7)


@dataclass
class Report:
    """What one pass did, for the command's output and the operator's log."""

    due: int = 0  # patients whose reminder time had come
    logged: int = 0  # of those, already logged today: nothing sent
    claimed_elsewhere: int = 0  # already reminded today (or by another pass at the same time)
    sent: int = 0  # patients reminded (on at least one device)
    failed: int = 0  # patients whose every device failed for now (tried again next pass)
    removed: int = 0  # subscriptions removed (the push service said they are gone)
    problems: list[str] = field(default_factory=list)

    def words(self) -> str:
        return (
            f"{self.sent} reminded, {self.logged} already logged, "
            f"{self.claimed_elsewhere} already reminded, {self.failed} failed (to retry), "
            f"{self.removed} expired subscriptions removed"
        )


def candidates(db, at: str) -> list[dict]:
    """Patients with a reminder time and at least one subscription on a live session."""
    return fetch_all(
        db,
        "SELECT u.id, u.time_zone, u.reminder_time, u.locale FROM users u"
        " WHERE u.role = 'patient'"
        " AND u.reminder_time IS NOT NULL AND EXISTS (SELECT 1 FROM push_subscriptions p"
        " JOIN sessions s ON s.id = p.session_id WHERE p.user_id = u.id AND s.expires_at > ?)"
        " ORDER BY u.id",
        [at],
    )


def claim(db, user_id: int, day: str, at: str) -> str:
    """Claim the patient's ``day`` for a reminder: "claimed", "logged" (an entry exists for
    that day: no reminder) or "taken" (claimed already, by this pass's earlier self or
    another one)."""
    with write(db):
        logged = db.execute(
            "SELECT 1 FROM entries WHERE patient_id = ? AND day = ? AND deleted = 0 LIMIT 1",
            [user_id, day],
        ).fetchone()
        if logged:
            return "logged"
        inserted = db.execute(
            "INSERT OR IGNORE INTO reminders_sent (user_id, day, claimed_at) VALUES (?, ?, ?)",
            [user_id, day, at],
        ).rowcount
        return "claimed" if inserted else "taken"


def release(db, user_id: int, day: str):
    with write(db):
        db.execute("DELETE FROM reminders_sent WHERE user_id = ? AND day = ?", [user_id, day])


def send_due(db, *, now: datetime, config, signer, deliver=push.deliver) -> Report:
    """One pass at ``now`` (aware). ``deliver`` sends one push (tests may replace it)."""
    report = Report()
    at = iso(now)
    with write(db):
        db.execute("DELETE FROM reminders_sent WHERE claimed_at < ?", [iso(now - KEEP_CLAIMS)])
    for user in candidates(db, at):
        day = schedule.due_day(
            now, user["time_zone"], user["reminder_time"], config["REMINDER_GRACE"]
        )
        if day is None:
            continue
        report.due += 1
        outcome = claim(db, user["id"], day.isoformat(), at)
        if outcome == "logged":
            report.logged += 1
            continue
        if outcome == "taken":
            report.claimed_elsewhere += 1
            continue
        ttl = schedule.time_to_live(now, day, user["time_zone"])
        statuses = []
        for sub in subscriptions.live_of_user(db, user["id"], at):
            if not subscriptions.endpoint_allowed(sub["endpoint"], config["PUSH_ENDPOINTS"]):
                # The operator no longer allows this push service: never POST there again.
                delivery = push.Delivery(push.GONE, "push service no longer allowed")
            else:
                # The reminder's words in the language the account chose, else in the one
                # of the device it goes to (None, a subscription from before: English).
                with in_language(user["locale"] or sub["locale"]):
                    delivery = deliver(
                        sub,
                        signer=signer,
                        subject=config["VAPID_SUBJECT"],
                        ttl=ttl,
                        timeout=config["PUSH_TIMEOUT_SECONDS"],
                    )
            statuses.append(delivery.status)
            if delivery.status == push.GONE:
                subscriptions.remove(db, sub["id"])
                report.removed += 1
            elif delivery.status == push.FAILED:
                report.problems.append(f"patient {user['id']}: {delivery.detail}")
        if push.SENT in statuses:
            report.sent += 1
        elif push.FAILED in statuses:
            release(db, user["id"], day.isoformat())
            report.failed += 1
    return report
