"""Command-line tools: `flask --app app seed-demo`, `flask --app app users create`."""
import json

import click
from flask import Flask

from .domain import backup
from .domain.accounts import create_user
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
        db.session.commit()
        click.echo(f"Created {user.username} ({user.role}).")

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
