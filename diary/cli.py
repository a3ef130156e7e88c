"""``flask --app diary`` commands beyond the database ones in db.py."""

import click
from flask import current_app

from diary import accounts
from diary.db import get_db


def init_app(app):
    from diary.demo import seed_demo_command

    app.cli.add_command(seed_demo_command)

    @app.cli.command("create-user")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option(
        "--role", type=click.Choice(["patient", "physician"]), default="patient", show_default=True
    )
    @click.option("--time-zone", default="UTC", show_default=True)
    @click.password_option()
    def create_user(email, name, role, time_zone, password):
        """Create an account (also when registration is closed)."""
        from diary.errors import ApiError
        from diary.schemas import UserCreate, validate

        try:
            data = validate(
                UserCreate,
                {
                    "email": email,
                    "name": name,
                    "role": role,
                    "time_zone": time_zone,
                    "password": password,
                },
            )
            user = accounts.register(
                get_db(), current_app.extensions["diary.hasher"], **data.model_dump()
            )
        except ApiError as err:
            raise click.ClickException(_describe(err.fields)) from None
        except accounts.RegistrationRefused as refused:
            raise click.ClickException(
                _describe(refused.fields) or "An account with this email may already exist."
            ) from None
        click.echo(f"Created {user.role} {user.email} (id {user.id}).")

    @app.cli.command("reset-password")
    @click.argument("email")
    @click.option(
        "--base-url",
        help="The site's address for the link (default: DIARY_BASE_URL).",
    )
    def reset_password(email, base_url):
        """Print a one-time link that sets a new password for EMAIL (valid for one hour)."""
        from diary.accounts import password_resets

        db = get_db()
        rows = db.execute(
            "SELECT id, email FROM users WHERE email = ?", [accounts.normalise_email(email)]
        ).fetchall()
        if not rows:
            raise click.ClickException(f"No account uses {email}.")
        token = password_resets.create(db, rows[0][0])
        base_url = base_url or current_app.config.get("BASE_URL")
        link = password_resets.link(base_url, token)
        click.echo(f"A link that sets a new password for {rows[0][1]}, once, within one hour:")
        click.echo(f"  {link}")
        if not base_url:
            click.echo(
                "Put the site's address in front of it (or set DIARY_BASE_URL, or pass "
                "--base-url https://your.site)."
            )
        click.echo("Using it signs the account out on every device.")


def _describe(fields):
    return "; ".join(f"{k} {v}" for k, v in fields.items())
