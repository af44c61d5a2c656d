"""Sending e-mail through the SMTP server the operator configured (``CALLCENTER_SMTP_*``).

smtplib runs in a worker thread: the event loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage


class Mailer:
    """One SMTP server: host, port, optional STARTTLS and login, the sender address."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        sender: str = "callcenter@localhost",
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self._timeout) as smtp:
            if self._starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self._username:
                smtp.login(self._username, self._password or "")
            smtp.send_message(message)

    async def send(self, message: EmailMessage) -> None:
        """Send one message (raises OSError or smtplib.SMTPException)."""
        await asyncio.to_thread(self._send, message)
