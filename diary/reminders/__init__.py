"""Daily reminders by Web Push: VAPID keys, subscriptions, the scheduling rule and the
``send-reminders`` command that sends them (docs/reminders.md)."""

from datetime import UTC, datetime

import click

from diary.reminders import keys


def init_app(app):
    """Make sure the VAPID key exists (generated on first run), and add ``send-reminders``."""
    pem = keys.ensure_private_key(app.config, app.instance_path)
    app.extensions["diary.vapid"] = {"pem": pem, "public_key": keys.public_key(pem)}

    @app.cli.command("send-reminders")
    def send_reminders_command():
        """Send the daily reminders that are due now (run it every 5 minutes)."""
        from diary.db import get_db
        from diary.reminders import sender

        report = sender.send_due(
            get_db(),
            now=datetime.now(UTC),
            config=app.config,
            signer=keys.signer(pem),
        )
        click.echo(report.words())
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
