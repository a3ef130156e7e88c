"""Changing the email an account signs in with (the account page and the API alike).

The password is asked again first. A server that can send email changes nothing yet: it
mails a one-time link to the new address (email_changes.py), and the change happens when
the link's page is confirmed there, after which the old address hears of it. A server that
cannot send email changes the address at once: it is then only a name to sign in with, and
reset links come from the operator, who checks who is asking another way.

Nobody learns here whether an address has an account. With email, every request is
answered "we sent a link to X"; when X has an account already, X is told so by email
instead of getting a link (its owner may have forgotten it, and is the only one to hear).
Without email, a taken address is refused in the same words as any unusable one, after the
password check, and the requests are rate limited (security.with_email_change_limit).

Pure of Flask: the callers pass the app's config and password hasher.
"""

from dataclasses import dataclass

from diary import accounts, i18n, mail
from diary.accounts import email_changes
from diary.db import fetch_all, write
from diary.i18n.text import gettext as _
from diary.i18n.text import in_language, language
from diary.i18n.text import lazy_gettext as _l

#: What a wrong password asked again is told (form and API). A message about a field.
NOT_CHANGED_PASSWORD = _l("is not right. The email was not changed")
#: A taken address, when the change would happen at once: the words of any refusal.
REFUSED = _l("The email was not changed. Check the address, or choose another.")


class Refused(Exception):
    """The change was refused; ``fields`` names what to fix, or is empty for an address
    that cannot be used (never saying that another account has it)."""

    def __init__(self, fields=None):
        super().__init__("email change refused")
        self.fields = fields or {}


@dataclass(frozen=True)
class Asked:
    """What became of a request: ``changed`` at once, or a link on its way to ``email``
    that works until ``expires_at``."""

    email: str
    changed: bool
    expires_at: str | None = None


def ask(db, hasher, config, user: accounts.User, new_email: str, password: str) -> Asked:
    """Change ``user``'s email to ``new_email`` (checked by the caller's schema), or mail
    the link that will; raise Refused naming ``password`` or ``email``, or naming nothing."""
    if not accounts.check_password(db, hasher, user, password):
        raise Refused({"password": NOT_CHANGED_PASSWORD})
    email = accounts.normalise_email(new_email)
    if email == user.email:
        raise Refused({"email": _("is already the email you sign in with")})
    if not mail.configured(config):
        with write(db):
            if _taken(db, email):
                raise Refused()
            email_changes.set_email_within(db, user.id, email)
        return Asked(email, changed=True)
    taken = _taken(db, email)
    # A link is made either way, so that the account page says the same ("waiting for X");
    # when X is taken its token is never sent, and nobody can use it.
    token = email_changes.create(db, user.id, email)
    written_in = _language(user.locale)
    with in_language(written_in):
        if taken:
            subject, body = _already_an_account(config)
        else:
            subject, body = _confirm_words(config, token)
    mail.send_in_background(config, mail.message(config, email, subject, body, written_in))
    return Asked(email, changed=False, expires_at=email_changes.pending(db, user.id)["expires_at"])


def confirm(db, config, token: str) -> str:
    """Set the email the link was made for; tell the old address; return the new one.

    Raises email_changes.LinkNotUsable or email_changes.EmailTaken (nothing changed)."""
    row = email_changes.confirm(db, token)
    new_email = row["new_email"]
    if mail.configured(config):
        written_in = _language(row["locale"])
        with in_language(written_in):
            subject = _("Your diary's sign-in email was changed")
            body = _(
                "The email you sign in to your pain diary with was changed to %(email)s. "
                "Sign in with that address from now on; links to set a new password go "
                "there too.\n\n"
                "If this was not you, someone knows your password: ask the people who run "
                "this diary for help at once. Devices signed in before stay signed in, so "
                "on one of them you can change your password and sign out everywhere else.\n",
                email=mail.redacted(new_email),
            )
        message = mail.message(config, row["email"], subject, body, written_in)
        mail.send_in_background(config, message)
    return new_email


def _taken(db, email: str) -> bool:
    return bool(fetch_all(db, "SELECT 1 FROM users WHERE email = ?", [email]))


def _language(locale) -> str:
    # The account's language when it chose one, else the language of the page that asked.
    return i18n.supported(locale) or language()


def _confirm_words(config, token):
    subject = _("Confirm the new email for your diary")
    body = _(
        "Someone (we hope you) asked to sign in to their pain diary with this address.\n\n"
        "Open this link and press the button there to confirm. It works once, for 24 hours:"
        "\n\n%(link)s\n\n"
        "Until then, the diary keeps the email it had. If you did not ask for this, ignore "
        "this email: nothing changes.\n",
        link=email_changes.link(config["BASE_URL"], token),
    )
    return subject, body


def _already_an_account(config):
    signin = f"{config['BASE_URL'].rstrip('/')}/signin"
    subject = _("This address already has a diary account")
    body = _(
        "Someone signed in to a pain diary asked to sign in to it with this address. This "
        "address already has an account on this diary, so nothing was changed.\n\n"
        "If it was you: sign in with this address at %(signin)s (forgotten its password? "
        "ask for a new one there), or give the other account another email first.\n\n"
        "If you did not ask for this, ignore this email.\n",
        signin=signin,
    )
    return subject, body
