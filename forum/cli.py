"""Command-line tools: `flask --app app seed-demo`, `flask --app app users create`,
`flask --app app mail send` / `mail run` / `mail digest`."""
import json
import secrets
import signal

import click
from flask import Flask

from .domain import addresses, backup, mail, mail_notifications, password_reset
from .domain.accounts import create_user, find_user, set_password
from .domain.classes import notify_opened_phases
from .domain.errors import RuleError
from .extensions import db
from .models import Role, utcnow
from .seed import bench as benchdata
from .seed import demo as seeding


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo():
        """Create the demo article, accounts and threads (safe to run twice)."""
        report = seeding.seed_demo()
        db.session.commit()
        click.echo(report.summary())
        click.echo("Demo accounts (for trying the forum only, never in production):")
        for username, role, password in seeding.DEMO_ACCOUNTS:
            click.echo(f"  {username:<10} {role:<11} password: {password}")

    @app.cli.command("export")
    @click.argument("file", type=click.File("w", encoding="utf-8"))
    def export_command(file):
        """Write all data (users with password hashes, content, logs, classes) as JSON."""
        counts = backup.write_export(file)
        click.echo(f"Exported {sum(counts.values())} rows from {len(counts)} tables.")

    @app.cli.command("import")
    @click.argument("file", type=click.File("r", encoding="utf-8"))
    def import_command(file):
        """Load an export into an empty, migrated database."""
        try:
            counts = backup.import_data(json.load(file))
        except (RuleError, json.JSONDecodeError) as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(f"Imported {sum(counts.values())} rows into {len(counts)} tables.")

    @app.cli.command("notify-phases")
    def notify_phases():
        """Tell class members about debate phases that have opened (run every few minutes)."""
        told = notify_opened_phases(utcnow())
        db.session.commit()
        click.echo(f"Told {told} members about open phases.")

    users = click.Group("users", help="Manage accounts.")
    app.cli.add_command(users)

    @users.command("create")
    @click.argument("name")
    @click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value)
    @click.option("--email", default=None, help="Defaults to NAME@localhost.")
    @click.password_option("--password", help="Prompted for when not given.")
    def users_create(name, role, email, password):
        """Create an account NAME with the given role."""
        try:
            user = create_user(name, email or f"{name}@localhost", password, Role(role))
        except RuleError as error:
            raise click.ClickException(str(error)) from None
        if email:  # typed by the operator: confirmed (NAME@localhost is a placeholder, never mailed)
            addresses.vouch_for(user)
        db.session.commit()
        click.echo(f"Created {user.username} ({user.role}).")

    @users.command("reset-password")
    @click.argument("name")
    @click.option("--lock-out", is_flag=True,
                  help="Also replace the password with a random one now, signing the account out everywhere.")
    def users_reset_password(name, lock_out):
        """Print a one-time link that sets a new password for NAME (valid for an hour)."""
        user = find_user(name)
        if user is None:
            raise click.ClickException(f"No account is named {name!r}.")
        if lock_out:
            user.session_row_id = None  # no session is this one: every one ends
            set_password(user, secrets.token_urlsafe(32))
        token = password_reset.issue_token(user)
        db.session.commit()
        click.echo(f"A one-time link for {user.username}, valid for {password_reset.RESET_SECONDS // 60} minutes "
                   f"(it stops working once used or when the password changes):")
        click.echo(f"  {password_reset.link(token)}")
        if lock_out:
            click.echo("The old password no longer works and every session of the account has ended.")

    mail_group = click.Group("mail", help="Deliver the mail outbox.")
    app.cli.add_command(mail_group)

    @mail_group.command("send")
    def mail_send():
        """Deliver what is due in the outbox, once (for cron)."""
        report = mail.deliver_due()
        click.echo(report.summary())
        if report.errors and not report.sent:
            raise SystemExit(1)

    @mail_group.command("run")
    def mail_run():
        """Deliver the outbox as mail arrives in it, until stopped (SIGTERM or Ctrl-C)."""
        stopping = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.append(True))
        transport = mail.transport_from_config(app.config)
        click.echo(f"Delivering mail to {transport.describe()}, looking every "
                   f"{app.config['MAIL_POLL_SECONDS']} s; stop with Ctrl-C or SIGTERM.")
        mail.run_worker(lambda: bool(stopping), click.echo, transport=transport)
        click.echo("Stopped.")

    @mail_group.command("digest")
    def mail_digest():
        """Write today's digest to each member who has notifications waiting for it (cron, once a day).
        Run again the same day, it sends nothing twice."""
        report = mail_notifications.digest(utcnow())
        db.session.commit()
        click.echo(report.summary())

    @app.cli.command("seed-bench")
    @click.option("--posts", default=100_000, show_default=True, help="Posts in all.")
    @click.option("--seed", default=1, show_default=True, help="Same seed, same rows.")
    def seed_bench(posts, seed):
        """Fill an empty database with generated content for benchmarks."""
        try:
            state = benchdata.seed_bench(posts, seed)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()
        benchdata.vacuum()
        click.echo("Inserted " + ", ".join(f"{n:,} {table}" for table, n in state.rows.items()) + ".")
        click.echo("Timings: " + ", ".join(f"{name} {s:.1f}s" for name, s in state.timings.items()))
        click.echo(f"Big discussion /t/{state.big_discussion}, big debate /t/{state.big_debate}, "
                   f"deepest chain ends at /p/{state.chain_leaves[0]}.")
