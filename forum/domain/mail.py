"""Mail that is never lost: an outbox and the worker that empties it.

`enqueue` writes a message to the `mail_outbox` table in the caller's transaction,
so a message exists exactly when the event that causes it was committed. A worker
(`flask mail send` once, for cron; `flask mail run`, a long-running one) delivers
them with `deliver_pending`:

1. It *claims* up to MAIL_BATCH due messages in one short transaction: a single
   UPDATE that marks them with its own token and moves their `next_attempt_at`
   to the end of a lease (MAIL_LEASE_SECONDS). Another worker sees them as not due
   until then (on PostgreSQL the rows are also taken FOR UPDATE SKIP LOCKED), so
   two workers never send the same message at once.
2. It sends each one, then marks it sent in its own commit. A crash between the
   two leaves the message claimed: when the lease ends it is sent again, with the
   same Message-ID (one duplicate at worst, never a loss). A worker that runs out
   of lease stops and gives back what it has not sent.
3. A failure is recorded on the message, which is due again after a backoff
   (MAIL_RETRY_SECONDS, doubled each time, up to MAIL_RETRY_MAX_SECONDS). When the
   server cannot be reached, or refuses the connection, the rest of the batch is
   given back untried. A message still undelivered MAIL_GIVE_UP_HOURS after it was
   written is marked failed and kept for the record.

Messages are built with the standard library (`email.message.EmailMessage`, a
plain-text and an HTML part) and sent with `smtplib`; with no MAIL_HOST they are
written as .eml files under MAIL_DIR (instance/mail) instead.
"""
import email.policy
import os
import re
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.errors import MessageError
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import MailStatus, OutboxMessage, User, utcnow


def enqueue(to_address: str, subject: str, text: str, html: str, *, kind: str,
            user: User | None = None, void: bool = False, unsubscribe_url: str | None = None) -> OutboxMessage:
    """A message in the outbox, in the caller's transaction (committed with it, or not at all).
    `void`: written only so that the caller's work is the same; never sent.
    `unsubscribe_url`: its one-click unsubscribe (List-Unsubscribe, RFC 8058)."""
    message = OutboxMessage(message_id=_new_message_id(kind), kind=kind, user_id=user.id if user else None,
                            to_address=to_address, subject=subject, body_text=text, body_html=html,
                            status=MailStatus.VOID if void else MailStatus.PENDING,
                            unsubscribe_url=unsubscribe_url)
    db.session.add(message)
    db.session.flush()
    return message


def _new_message_id(kind: str) -> str:
    domain = _sender_address().domain or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def _sender_address() -> Address:
    name, address = parseaddr(current_app.config["MAIL_SENDER"])
    local, _, domain = address.partition("@")
    return Address(display_name=name, username=local or "noreply", domain=domain or "localhost")


@dataclass(frozen=True)
class Outgoing:
    """What a worker took from the outbox: plain values, read once."""
    id: int
    message_id: str
    to_address: str
    subject: str
    body_text: str
    body_html: str
    created_at: datetime
    attempts: int
    unsubscribe_url: str | None = None


class _UrlHeader(UnstructuredHeader):
    """A List-Unsubscribe URL, on one line as it is: folded as the email package folds
    a long word, it would become RFC 2047 encoded words that mail clients don't read
    as a URL (the header line stays far below the 998 characters RFC 5322 allows)."""

    def fold(self, *, policy):
        return f"{self.name}: {self}{policy.linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", _UrlHeader)
_POLICY = email.policy.default.clone(header_factory=_HEADERS)


def build_message(outgoing: Outgoing) -> EmailMessage:
    """The message as sent: the same headers (Message-ID, Date) at every attempt."""
    message = EmailMessage(policy=_POLICY)
    message["From"] = _sender_address()
    message["To"] = outgoing.to_address
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(outgoing.created_at)
    message["Message-ID"] = outgoing.message_id
    message["Auto-Submitted"] = "auto-generated"
    if outgoing.unsubscribe_url:
        # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL.
        message["List-Unsubscribe"] = f"<{outgoing.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Plain ASCII text goes as it is (7bit), so that a link in an .eml file read as text is whole.
    message.set_content(outgoing.body_text, cte="7bit" if _plain_ascii(outgoing.body_text) else None)
    message.add_alternative(outgoing.body_html, subtype="html",
                            cte="7bit" if _plain_ascii(outgoing.body_html) else None)
    return message


def _plain_ascii(text: str) -> bool:
    return text.isascii() and all(len(line) <= 998 for line in text.splitlines())


# --- Transports -----------------------------------------------------------------------

class CannotConnect(Exception):
    """The transport cannot take any message now (server down, refused, disk full)."""


class SmtpTransport:
    """An SMTP connection for one pass: opened on entering, closed on leaving."""

    def __init__(self, host: str, port: int, security: str = "starttls", user: str | None = None,
                 password: str | None = None, timeout: float = 30):
        if security not in ("starttls", "tls", "none"):
            raise ValueError(f"MAIL_SECURITY is 'starttls', 'tls' or 'none', not {security!r}")
        self.host, self.port, self.security = host, int(port), security
        self.user, self.password, self.timeout = user, password, timeout
        self.smtp = None

    def describe(self) -> str:
        how = {"starttls": "STARTTLS", "tls": "TLS", "none": "no encryption"}[self.security]
        return f"SMTP server {self.host}:{self.port} ({how})"

    def __enter__(self):
        try:
            if self.security == "tls":
                self.smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                             context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                self.smtp.starttls(context=ssl.create_default_context())
            if self.user:
                self.smtp.login(str(self.user), str(self.password or ""))
        except (OSError, smtplib.SMTPException) as error:
            self._close()
            raise CannotConnect(f"{self.describe()}: {_describe(error)}") from error
        return self

    def send(self, message: EmailMessage) -> None:
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPServerDisconnected as error:
            raise CannotConnect(f"{self.describe()}: {_describe(error)}") from error
        except smtplib.SMTPException:  # this message refused (an OSError too, but not the network's)
            raise
        except OSError as error:
            raise CannotConnect(f"{self.describe()}: {_describe(error)}") from error

    def __exit__(self, *exc):
        self._close()

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


class FileTransport:
    """No SMTP server (the demo): each message becomes an .eml file in `directory`,
    named by its date and Message-ID (a message sent twice is the same file)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def describe(self) -> str:
        return f".eml files in {self.directory}"

    def __enter__(self):
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CannotConnect(f"{self.describe()}: {_describe(error)}") from error
        return self

    def path_for(self, message: EmailMessage) -> Path:
        created = message["Date"].datetime.strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9._-]", "_", message["Message-ID"].strip("<>"))[:120]
        return self.directory / f"{created}-{name}.eml"

    def send(self, message: EmailMessage) -> None:
        path = self.path_for(message)
        partial = path.with_suffix(".eml.part")
        try:
            partial.write_bytes(message.as_bytes())
            os.replace(partial, path)  # whole or not at all
        except OSError as error:
            raise CannotConnect(f"{self.describe()}: {_describe(error)}") from error

    def __exit__(self, *exc):
        """Nothing to close: each message is its own file."""


def transport_from_config(config) -> SmtpTransport | FileTransport:
    if config.get("MAIL_HOST"):
        return SmtpTransport(str(config["MAIL_HOST"]), int(config["MAIL_PORT"]),
                             str(config["MAIL_SECURITY"]).lower(), config.get("MAIL_USER"),
                             config.get("MAIL_PASSWORD"), float(config["MAIL_TIMEOUT"]))
    return FileTransport(Path(config.get("MAIL_DIR") or Path(current_app.instance_path) / "mail"))


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{who} refused: {code} {text.decode(errors='replace')}"
                         for who, (code, text) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode(errors='replace') if isinstance(error.smtp_error, bytes) else error.smtp_error}"
    return f"{type(error).__name__}: {error}"


# --- The worker -------------------------------------------------------------------------

@dataclass
class PassReport:
    where: str
    sent: int = 0
    retrying: int = 0  # failed this time, due again later
    given_up: int = 0
    claimed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"Sent {self.sent} message{'s' if self.sent != 1 else ''} to {self.where}"]
        if self.retrying:
            parts.append(f"{self.retrying} to try again later")
        if self.given_up:
            parts.append(f"{self.given_up} given up")
        return ", ".join(parts) + "." + "".join(f"\n  {error}" for error in self.errors)


def deliver_pending(transport=None, *, now: datetime | None = None) -> PassReport:
    """One pass over the outbox: claim the due messages, send them, mark each. Commits."""
    config = current_app.config
    transport = transport or transport_from_config(config)
    now = now or utcnow()
    lease = float(config["MAIL_LEASE_SECONDS"])
    report = PassReport(transport.describe())
    report.given_up = _give_up_old(now, config)
    _forget_old(now, config)
    db.session.commit()

    token = uuid.uuid4().hex
    batch = claim(token, now, int(config["MAIL_BATCH"]), lease)
    report.claimed = len(batch)
    if not batch:
        return report
    # Stop while there is lease enough left to send one more at the server's slowest.
    stop_after = time.monotonic() + lease - float(config["MAIL_TIMEOUT"]) - 1
    in_flight = None
    try:
        with transport:
            for outgoing in batch:
                if time.monotonic() > stop_after:
                    break
                in_flight = outgoing.id
                try:
                    transport.send(build_message(outgoing))
                except CannotConnect:
                    raise
                except (smtplib.SMTPException, ValueError, MessageError) as error:  # this message refused
                    _failed(outgoing, now, f"{transport.describe()}: {_describe(error)}", config)
                    report.retrying += 1
                    report.errors.append(f"message {outgoing.id} to {outgoing.to_address}: {_describe(error)}")
                else:
                    mark_sent(outgoing.id)
                    report.sent += 1
                in_flight = None
    except CannotConnect as error:
        # Nothing more can go now: the message being sent, and the rest, are due again later.
        db.session.rollback()
        for outgoing in batch:
            if outgoing.id == in_flight or not _is_sent(outgoing.id):
                _failed(outgoing, now, str(error), config)
                report.retrying += 1
        report.errors.append(str(error))
        in_flight = None
    finally:
        # Anything not sent is given back at once, except the one whose fate is unknown
        # (sent, perhaps, and not marked): its lease runs out first (one duplicate at worst).
        _release(token, keep=in_flight)
    return report


def deliver_due(transport=None, *, now: datetime | None = None) -> PassReport:
    """`flask mail send`: passes until nothing is due (or the server is away)."""
    transport = transport or transport_from_config(current_app.config)
    total = PassReport(transport.describe())
    while True:
        report = deliver_pending(transport, now=now)
        total.sent += report.sent
        total.retrying += report.retrying
        total.given_up += report.given_up
        total.claimed += report.claimed
        total.errors += report.errors
        if report.claimed < int(current_app.config["MAIL_BATCH"]) or report.errors:
            return total


def claim(token: str, now: datetime, limit: int, lease_seconds: float) -> list[Outgoing]:
    """Take up to `limit` due messages for this worker until `now + lease`; committed."""
    due = (select(OutboxMessage.id)
           .where(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now)
           .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        # The rows are locked first (another worker skips them), then marked. Not in one
        # statement: PostgreSQL may run an IN subquery more than once, and SKIP LOCKED
        # then finds other rows each time, more than `limit` of them.
        chosen = list(db.session.scalars(due.with_for_update(skip_locked=True)))
    else:
        chosen = due.scalar_subquery()  # one statement, under SQLite's write lock
    # The conditions again on the row itself (PostgreSQL checks them anew on a row
    # another worker changed meanwhile).
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(chosen), OutboxMessage.status == MailStatus.PENDING,
               OutboxMessage.next_attempt_at <= now)
        .values(claimed_by=token, next_attempt_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False))
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.message_id, OutboxMessage.to_address, OutboxMessage.subject,
               OutboxMessage.body_text, OutboxMessage.body_html, OutboxMessage.created_at, OutboxMessage.attempts,
               OutboxMessage.unsubscribe_url)
        .where(OutboxMessage.claimed_by == token, OutboxMessage.status == MailStatus.PENDING)
        .order_by(OutboxMessage.id)).all()
    db.session.commit()
    return [Outgoing(*row) for row in rows]


def mark_sent(message_id: int, now: datetime | None = None) -> None:
    """The message went: never again. Committed at once, so a crash after it loses nothing."""
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.PENDING)
        .values(status=MailStatus.SENT, sent_at=now or utcnow(), claimed_by=None, last_error=None,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()


def retry_delay(attempts: int, config) -> timedelta:
    """How long after its `attempts`-th failure a message is due again."""
    seconds = float(config["MAIL_RETRY_SECONDS"]) * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, float(config["MAIL_RETRY_MAX_SECONDS"])))


def _failed(outgoing: Outgoing, now: datetime, error: str, config) -> None:
    attempts = outgoing.attempts + 1
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == outgoing.id, OutboxMessage.status == MailStatus.PENDING)
        .values(attempts=attempts, last_error=error[:2000], claimed_by=None,
                next_attempt_at=now + retry_delay(attempts, config))
        .execution_options(synchronize_session=False))
    db.session.commit()


def _is_sent(message_id: int) -> bool:
    return db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id)) != \
        MailStatus.PENDING


def _release(token: str, keep: int | None) -> None:
    statement = (update(OutboxMessage)
                 .where(OutboxMessage.claimed_by == token, OutboxMessage.status == MailStatus.PENDING)
                 .values(claimed_by=None, next_attempt_at=utcnow())
                 .execution_options(synchronize_session=False))
    if keep is not None:
        statement = statement.where(OutboxMessage.id != keep)
    try:
        db.session.execute(statement)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the database went too: the leases run out on their own
        db.session.rollback()


def _give_up_old(now: datetime, config) -> int:
    cutoff = now - timedelta(hours=float(config["MAIL_GIVE_UP_HOURS"]))
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.created_at < cutoff,
               OutboxMessage.next_attempt_at <= now)
        .values(status=MailStatus.FAILED, claimed_by=None)
        .execution_options(synchronize_session=False))
    return result.rowcount


def _forget_old(now: datetime, config) -> None:
    cutoff = now - timedelta(days=float(config["MAIL_KEEP_DAYS"]))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.status != MailStatus.PENDING,
                                                   OutboxMessage.created_at < cutoff)
                       .execution_options(synchronize_session=False))


def run_worker(should_stop, say, *, transport=None) -> None:
    """`flask mail run`: a pass, then another at once if the batch was full, else after
    MAIL_POLL_SECONDS; until `should_stop()` (set by SIGTERM or Ctrl-C). A pass that
    fails (the database away) is said and tried again after the pause."""
    config = current_app.config
    transport = transport or transport_from_config(config)
    while not should_stop():
        try:
            report = deliver_pending(transport)
        except Exception as error:  # noqa: BLE001 - a worker outlives a database restart
            db.session.rollback()
            say(f"The pass failed, trying again in {config['MAIL_POLL_SECONDS']} s: "
                f"{type(error).__name__}: {error}")
            report = None
        else:
            if report.claimed or report.given_up:
                say(report.summary())
            if report.claimed >= int(config["MAIL_BATCH"]) and not report.errors:
                continue
        db.session.remove()
        _pause(float(config["MAIL_POLL_SECONDS"]), should_stop)


def _pause(seconds: float, should_stop) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not should_stop():
        time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))
