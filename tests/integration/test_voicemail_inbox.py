"""The voicemail inbox: a message app_voicemail leaves in the spool is collected into
PostgreSQL, listed, played and marked heard by the tenant's admin, e-mailed to the mailbox's
address through the operator's SMTP server (a local aiosmtpd here), and nobody else's."""

from __future__ import annotations

import email
import email.header
import io
import socket
import string
import time
import wave
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from callcenter.app import create_app

from support import OPERATOR, ApiClient, make_settings, wait_for


def wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * int(8000 * seconds))
    return out.getvalue()


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_voicemail_is_collected_played_marked_heard_and_emailed(
    aiohttp_client: Any, dsn: str, uid: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    spool = tmp_path / "voicemail"
    app = create_app(
        make_settings(
            dsn,
            voicemail_dir=str(spool),
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_sender="callcenter@example.cn",
        )
    )
    api = ApiClient(await aiohttp_client(app))
    op = await api.login(*OPERATOR)
    tid = "v" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin_user = {"username": f"adm-{tid}", "password": "secret-pass"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    admin = await api.login(f"adm-{tid}", "secret-pass")
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/mailboxes",
        {"mailbox": "100", "name": "销售部", "email": "sales@example.cn"},
        expect=201,
    )
    # As app_voicemail writes it: msg0000.txt, then msg0000.wav.
    box = spool / f"tenant-{tid}" / "100" / "INBOX"
    box.mkdir(parents=True)
    now = int(time.time())
    (box / "msg0000.txt").write_text(
        f'[message]\norigmailbox=100\ncallerid="Han" <13800138000>\norigtime={now}\nduration=7\n'
    )
    (box / "msg0000.wav").write_bytes(wav(1.0))

    messages = await wait_for(lambda: _listed(admin, tid), timeout=10)
    [msg] = messages
    assert (msg["mailbox"], msg["caller"], msg["seconds"], msg["heard"]) == (
        "100",
        "13800138000",
        7,
        False,
    )
    # The spool's files are removed once stored: just after the row is committed, so a
    # listing can see the message a moment before the files are gone.
    await wait_for(lambda: not list(box.iterdir()), timeout=5)
    resp = await admin.client.get(
        f"/api/v1/tenants/{tid}/voicemail/{msg['id']}/audio",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200 and resp.content_type == "audio/wav"
    assert (await resp.read()) == wav(1.0)
    await admin.call(
        "PUT", f"/api/v1/tenants/{tid}/voicemail/{msg['id']}/heard", {"heard": True}, expect=200
    )

    # The e-mail: to the mailbox's address, the audio attached.
    await wait_for(lambda: inbox.messages, timeout=10)
    [mail] = inbox.messages
    subject = str(email.header.make_header(email.header.decode_header(mail["Subject"])))
    assert mail["To"] == "sales@example.cn" and "13800138000" in subject, subject
    assert "销售部" in subject and "新语音留言" in subject
    attachments = [p for p in mail.walk() if p.get_content_type() == "audio/wav"]
    assert attachments and attachments[0].get_payload(decode=True) == wav(1.0)
    listed = await _listed(admin, tid)
    assert listed is not None and listed[0]["heard"] is True
    await wait_for(lambda: _emailed(admin, tid), timeout=5)

    # Another tenant's admin: nothing.
    other = "x" + tid[1:]
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": other,
            "name": other,
            "admin": {"username": f"adm-{other}", "password": "secret-pass"},
        },
    )
    intruder = await api.login(f"adm-{other}", "secret-pass")
    status, _ = await intruder.call("GET", f"/api/v1/tenants/{tid}/voicemail")
    assert status == 403
    status, _ = await intruder.call("GET", f"/api/v1/tenants/{other}/voicemail/{msg['id']}/audio")
    assert status == 404
    _, mine = await intruder.call("GET", f"/api/v1/tenants/{other}/voicemail", expect=200)
    assert mine == []


async def _listed(admin: ApiClient, tid: str) -> list[dict[str, Any]] | None:
    _, body = await admin.call("GET", f"/api/v1/tenants/{tid}/voicemail")
    return body or None


async def _emailed(admin: ApiClient, tid: str) -> bool:
    _, body = await admin.call("GET", f"/api/v1/tenants/{tid}/voicemail")
    return bool(body and body[0]["emailed"])
