"""The mail outbox (forum/domain/mail.py) against a real SMTP server in this
process: what arrives, and that nothing is lost when the server is down, refuses,
or the worker dies between sending and marking."""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from forum.domain import mail
from forum.extensions import db
from forum.models import MailStatus, OutboxMessage, utcnow
from tests.smtp_server import SmtpServer, smtp_server  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def mail_settings(app, tmp_path):
    """The app's mail settings for one test (the app is shared: put back after)."""
    saved = {key: app.config[key] for key in app.config if key.startswith("MAIL_")}
    app.config["MAIL_DIR"] = str(tmp_path / "mail")

    def use(**settings):
        app.config.update(settings)
    yield use
    app.config.update(saved)


def _enqueue(n: int, **fields) -> list[OutboxMessage]:
    made = [mail.enqueue(f"reader{i}@example.org", f"Message {i}", f"Plain text {i}.",
                         f"<p>HTML <b>{i}</b></p>", kind="test", **fields) for i in range(n)]
    db.session.commit()
    return made


def _statuses() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def _smtp(server: SmtpServer) -> mail.SmtpTransport:
    return mail.SmtpTransport("127.0.0.1", server.port, "none", timeout=5)


def test_a_message_arrives_with_its_headers_and_both_parts(app, smtp_server, mail_settings):
    mail_settings(MAIL_SENDER="Counterpoint <forum@example.org>")
    [message] = _enqueue(1)
    report = mail.deliver_pending(_smtp(smtp_server))
    assert (report.sent, report.retrying) == (1, 0)
    [got] = smtp_server.inbox.messages
    assert got["From"] == "Counterpoint <forum@example.org>"
    assert got["To"] == "reader0@example.org"
    assert got["Subject"] == "Message 0"
    assert got["Message-ID"] == message.message_id and message.message_id.endswith("@example.org>")
    assert got["Date"].datetime == message.created_at.replace(microsecond=0)
    assert got["Auto-Submitted"] == "auto-generated"
    assert got.get_content_type() == "multipart/alternative"
    assert got.get_body(("plain",)).get_content().strip() == "Plain text 0."
    assert got.get_body(("html",)).get_content().strip() == "<p>HTML <b>0</b></p>"
    assert smtp_server.inbox.envelopes[0].rcpt_tos == ["reader0@example.org"]
    db.session.refresh(message)
    assert (message.status, message.attempts, message.claimed_by) == (MailStatus.SENT, 1, None)
    assert mail.deliver_pending(_smtp(smtp_server)).claimed == 0  # never twice


def test_without_an_smtp_server_mail_becomes_eml_files(app, mail_settings, tmp_path):
    mail_settings(MAIL_HOST=None)
    [message] = _enqueue(1)
    report = mail.deliver_pending()
    assert report.sent == 1 and str(tmp_path / "mail") in report.summary()
    [path] = (tmp_path / "mail").glob("*.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == message.message_id
    assert parsed.get_body(("plain",)).get_content().strip() == "Plain text 0."
    assert not list((tmp_path / "mail").glob("*.part"))


def test_server_down_then_up_delivers_each_message_once(app, smtp_server, mail_settings):
    mail_settings(MAIL_RETRY_SECONDS=30, MAIL_RETRY_MAX_SECONDS=3600)
    _enqueue(3)
    smtp_server.stop()
    now = utcnow()
    report = mail.deliver_pending(_smtp(smtp_server), now=now)
    assert (report.sent, report.retrying) == (0, 3) and "Connection" in report.errors[0]
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {(r.status, r.attempts, r.claimed_by) for r in rows} == {(MailStatus.PENDING, 1, None)}
    assert all(r.next_attempt_at == now + timedelta(seconds=30) for r in rows)
    assert "ConnectionRefusedError" in rows[0].last_error
    # Still down a minute later: the wait doubles.
    report = mail.deliver_pending(_smtp(smtp_server), now=now + timedelta(seconds=31))
    assert report.retrying == 3
    db.session.expire_all()
    assert {r.next_attempt_at for r in rows} == {now + timedelta(seconds=31 + 60)}
    # Up again: not before the backoff is over, then each message once.
    smtp_server.start()
    assert mail.deliver_pending(_smtp(smtp_server), now=now + timedelta(seconds=60)).claimed == 0
    report = mail.deliver_pending(_smtp(smtp_server), now=now + timedelta(seconds=92))
    assert report.sent == 3
    assert mail.deliver_pending(_smtp(smtp_server), now=now + timedelta(days=1)).claimed == 0
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == len(set(ids)) == 3
    assert _statuses() == [MailStatus.SENT] * 3


def test_the_wait_doubles_up_to_a_cap(app):
    config = {"MAIL_RETRY_SECONDS": 30, "MAIL_RETRY_MAX_SECONDS": 3600}
    assert [mail.retry_delay(n, config).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_a_refused_message_is_tried_again_and_the_rest_go(app, smtp_server):
    first, second = _enqueue(2)
    smtp_server.inbox.refuse = ["451 4.3.0 Try again later"]
    now = utcnow()
    report = mail.deliver_pending(_smtp(smtp_server), now=now)
    assert (report.sent, report.retrying) == (1, 1) and "451" in report.errors[0], report.errors
    db.session.expire_all()
    assert (first.status, first.attempts, second.status) == (MailStatus.PENDING, 1, MailStatus.SENT)
    assert "451" in first.last_error
    report = mail.deliver_pending(_smtp(smtp_server), now=now + timedelta(minutes=1))
    assert report.sent == 1
    assert sorted(smtp_server.inbox.message_ids()) == sorted([first.message_id, second.message_id])


def test_a_crash_between_sending_and_marking_is_one_duplicate_never_a_loss(app, smtp_server, monkeypatch,
                                                                            mail_settings):
    mail_settings(MAIL_LEASE_SECONDS=600)
    messages = _enqueue(3)
    real_mark_sent = mail.mark_sent

    def crash_once(message_id, now=None):
        monkeypatch.setattr(mail, "mark_sent", real_mark_sent)
        raise RuntimeError("killed after sending, before marking")
    monkeypatch.setattr(mail, "mark_sent", crash_once)
    now = utcnow()
    with pytest.raises(RuntimeError):
        mail.deliver_pending(_smtp(smtp_server), now=now)
    assert smtp_server.inbox.message_ids() == [messages[0].message_id]
    # The rest were given back at once; the one in flight stays the dead worker's until its lease ends.
    assert mail.deliver_pending(_smtp(smtp_server), now=utcnow()).sent == 2
    assert _statuses() == [MailStatus.PENDING, MailStatus.SENT, MailStatus.SENT]
    assert mail.deliver_pending(_smtp(smtp_server), now=now + timedelta(seconds=601)).sent == 1
    ids = smtp_server.inbox.message_ids()
    assert sorted(set(ids)) == sorted(m.message_id for m in messages)
    assert len(ids) == 4 and ids.count(messages[0].message_id) == 2  # the same Message-ID: one to a reader
    assert _statuses() == [MailStatus.SENT] * 3


def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(app):
    _enqueue(3)
    now = utcnow()
    assert len(mail.claim("worker-a", now, 2, 600)) == 2
    assert [m.subject for m in mail.claim("worker-b", now, 10, 600)] == ["Message 2"]
    assert mail.claim("worker-c", now + timedelta(seconds=599), 10, 600) == []
    assert len(mail.claim("worker-c", now + timedelta(seconds=601), 10, 600)) == 3


def test_void_messages_are_never_sent_and_old_ones_are_forgotten(app, smtp_server, mail_settings):
    mail_settings(MAIL_GIVE_UP_HOURS=72, MAIL_KEEP_DAYS=30)
    mail.enqueue("", "Nothing", "x", "<p>x</p>", kind="test", void=True)
    [late] = _enqueue(1)
    late.created_at = utcnow() - timedelta(hours=73)
    db.session.commit()
    report = mail.deliver_pending(_smtp(smtp_server))
    assert (report.sent, report.given_up) == (0, 1) and "1 given up" in report.summary()
    assert _statuses() == [MailStatus.VOID, MailStatus.FAILED]
    assert smtp_server.inbox.messages == []
    mail.deliver_pending(_smtp(smtp_server), now=utcnow() + timedelta(days=31))
    assert _statuses() == []


def test_mail_send_says_where_it_wrote(app, mail_settings, tmp_path):
    mail_settings(MAIL_HOST=None)
    _enqueue(2)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert f"Sent 2 messages to .eml files in {tmp_path / 'mail'}" in result.output
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2


def test_mail_send_fails_loudly_when_nothing_could_go(app, mail_settings):
    mail_settings(MAIL_HOST="127.0.0.1", MAIL_PORT=SmtpServer().port, MAIL_SECURITY="none", MAIL_TIMEOUT=2)
    _enqueue(1)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "1 to try again later" in result.output


@pytest.mark.committing
def test_two_workers_at_once_send_each_message_once(app, smtp_server, mail_settings):
    """Two workers (threads, each with its own connection) on one outbox, the server
    slow: each takes its share, and no message goes twice."""
    mail_settings(MAIL_BATCH=2)
    _enqueue(12)
    smtp_server.inbox.delay = 0.1
    start, reports = threading.Barrier(2), []

    def work():
        with app.app_context():
            start.wait()
            reports.append(mail.deliver_due(_smtp(smtp_server)))
            db.session.remove()
    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert sorted(report.sent for report in reports)[0] > 0 and sum(r.sent for r in reports) == 12
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == len(set(ids)) == 12
    assert _statuses() == [MailStatus.SENT] * 12


def _worker_env(app, server: SmtpServer, **settings) -> dict:
    env = {**os.environ, "FLASK_APP": "app", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "FLASK_MAIL_HOST": "127.0.0.1", "FLASK_MAIL_PORT": str(server.port),
           "FLASK_MAIL_SECURITY": "none", "FLASK_MAIL_TIMEOUT": "5"}
    env.update({f"FLASK_{key}": str(value) for key, value in settings.items()})
    return env


@pytest.mark.committing
def test_a_worker_killed_mid_batch_loses_nothing(app, smtp_server):
    """`flask mail run` killed with SIGKILL while it sends, then started again: every
    message arrives, and at most the one in flight twice."""
    messages = _enqueue(8)
    smtp_server.inbox.delay = 0.3
    env = _worker_env(app, smtp_server, MAIL_LEASE_SECONDS=3, MAIL_TIMEOUT=1, MAIL_POLL_SECONDS=0.2)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "mail", "run"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        smtp_server.inbox.wait_for(3, timeout=60)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    arrived = len(smtp_server.inbox.messages)
    assert arrived < 8, "the worker finished before it was killed: nothing was tested"
    time.sleep(3.5)  # the dead worker's lease runs out
    smtp_server.inbox.delay = 0
    restarted = subprocess.run([sys.executable, "-m", "flask", "mail", "send"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    assert restarted.returncode == 0, restarted.stderr
    ids = smtp_server.inbox.message_ids()
    assert sorted(set(ids)) == sorted(m.message_id for m in messages)
    assert len(ids) - len(set(ids)) <= 1
    db.session.expire_all()
    assert _statuses() == [MailStatus.SENT] * 8


@pytest.mark.committing
def test_mail_run_sends_as_mail_arrives_and_stops_on_sigterm(app, smtp_server):
    env = _worker_env(app, smtp_server, MAIL_POLL_SECONDS=0.2)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "mail", "run"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        [message] = _enqueue(1)  # written while the worker waits
        smtp_server.inbox.wait_for(1, timeout=60)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert f"Delivering mail to SMTP server 127.0.0.1:{smtp_server.port}" in out
    assert "Sent 1 message to SMTP server" in out and out.rstrip().endswith("Stopped.")
    assert smtp_server.inbox.message_ids() == [message.message_id]
