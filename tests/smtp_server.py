"""A real SMTP server in the test process (aiosmtpd on a free 127.0.0.1 port),
for the mail tests and the browser test of a password reset."""
import asyncio
import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the server received, parsed; `refuse` makes it answer the next DATA
    commands with an error; `delay` slows each message down."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.refuse: list[str] = []
        self.delay = 0.0
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return self.refuse.pop(0)
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        self.received.set()
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]

    def wait_for(self, count: int, timeout: float = 10) -> None:
        deadline = threading.Event()
        for _ in range(int(timeout * 20)):
            if len(self.messages) >= count:
                return
            deadline.wait(0.05)
        raise AssertionError(f"{len(self.messages)} messages arrived, not {count}")


class SmtpServer:
    """Started and stopped at will on one port: "the server is down" is a stopped one."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict:
        return {"MAIL_HOST": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SECURITY": "none", "MAIL_TIMEOUT": 5}


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()
