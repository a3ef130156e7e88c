"""Email, only when SMTP is configured: password reset links, and the links and notices of a
change of sign-in email (accounts/signin_email.py).

Python's smtplib, configured by the ``DIARY_SMTP_*`` settings (config.py). Pure of Flask:
the callers pass the app's config.
"""

import logging
import re
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import getaddresses

log = logging.getLogger(__name__)

# Anything shaped like an address, in the words of an error (SMTP servers echo the
# recipient: "550 5.1.1 <pat@example.org>: Recipient address rejected").
_ADDRESS = re.compile(r"[^\s<>'\"(),;:@\[\]{}]+@[^\s<>'\"(),;:@\[\]{}]+")


def configured(config) -> bool:
    """True when the server can send email: an SMTP host, a sender, and the public address
    of the site to put in links (never taken from a request, whose Host header anyone can
    set)."""
    return bool(config.get("SMTP_HOST") and config.get("SMTP_FROM") and config.get("BASE_URL"))


def message(config, to: str, subject: str, body: str, language: str = "en") -> EmailMessage:
    """An email in ``language`` (said in its Content-Language header, RFC 3282)."""
    mail = EmailMessage()
    mail["From"] = config["SMTP_FROM"]
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    # After the content: set_content replaces every Content-* header.
    mail["Content-Language"] = language
    return mail


def send(config, mail: EmailMessage) -> None:
    """Send ``mail`` through the configured server (TLS as SMTP_SECURITY says); raises
    smtplib.SMTPException or OSError when it cannot."""
    host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
    security = config.get("SMTP_SECURITY", "starttls")
    timeout = config.get("SMTP_TIMEOUT", 10)
    context = ssl.create_default_context()
    if security == "ssl":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if security == "starttls":
            client.starttls(context=context)
        if config.get("SMTP_USERNAME"):
            client.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        client.send_message(mail)


def send_in_background(config, mail: EmailMessage) -> threading.Thread:
    """Send ``mail`` from a thread, so the answer to the request takes as long whether or
    not a message goes out (it must not tell who has an account). Failures are logged."""

    def run():
        try:
            send(config, mail)
        except (smtplib.SMTPException, OSError) as exc:
            # Who asked for a reset link is health-adjacent: the log says that sending
            # failed and why, never whole addresses (no traceback either: the exception's
            # text holds the recipient).
            to = ", ".join(redacted(address) for _, address in getaddresses([mail["To"] or ""]))
            log.error("could not send email to %s: %s", to or "?", failure_words(exc))

    thread = threading.Thread(target=run, name="diary-mail", daemon=True)
    thread.start()
    return thread


def redacted(address: str) -> str:
    """``address`` with all but the first character of its local part hidden:
    ``p***@example.org`` (enough for an operator to tell a domain's trouble)."""
    local, at, domain = address.rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def failure_words(exc: BaseException) -> str:
    """Why sending failed, as the exception says it, with every address in it redacted."""
    words = f"{type(exc).__name__}: {exc}"
    return _ADDRESS.sub(lambda found: redacted(found.group(0)), words)
