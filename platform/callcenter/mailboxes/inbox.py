"""Voicemail as app_voicemail leaves it in a spool, read without I/O: which tenant and mailbox
a message belongs to, who called, when, how long; and the e-mail telling the mailbox's owner."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import PurePath

# <spool>/voicemail/tenant-<id>/<mailbox>/INBOX/msgNNNN.txt (+ .wav)
_CONTEXT = re.compile(r"^tenant-([a-z][a-z0-9]{1,15})$")
_MAILBOX = re.compile(r"^[0-9]{2,10}$")
_MSG = re.compile(r"^msg[0-9]{4}$")


@dataclass(frozen=True)
class VoicemailFile:
    """One message's metadata (from its ``.txt``) and where it sits."""

    tenant_id: str
    mailbox: str
    key: str
    caller: str
    seconds: int
    received_at: datetime


def parse_message(relative: PurePath, text: str) -> VoicemailFile | None:
    """The message at ``relative`` (``tenant-x/100/INBOX/msg0000.txt`` under the voicemail
    spool) with its ``.txt`` contents; None when it is not one of ours."""
    parts = relative.parts
    if len(parts) != 4 or parts[2] != "INBOX" or not _MSG.match(relative.stem):
        return None
    context, mailbox = parts[0], parts[1]
    m = _CONTEXT.match(context)
    if m is None or not _MAILBOX.match(mailbox):
        return None
    fields: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            fields[name.strip()] = value.strip()
    origtime = int(fields.get("origtime", "0") or 0) if fields.get("origtime", "").isdigit() else 0
    duration = fields.get("duration", "0")
    caller = fields.get("callerid", "")
    number = re.search(r"<([^>]*)>", caller)
    return VoicemailFile(
        tenant_id=m.group(1),
        mailbox=mailbox,
        key=f"{context}/{mailbox}/{origtime}.{relative.stem}",
        caller=(number.group(1) if number else caller)[:64],
        seconds=int(duration) if duration.isdigit() else 0,
        received_at=datetime.fromtimestamp(origtime, UTC) if origtime else datetime.now(UTC),
    )


def notice(
    msg: VoicemailFile, to: str, sender: str, audio: bytes, mailbox_name: str = ""
) -> EmailMessage:
    """The e-mail to the mailbox's owner, in Chinese with English below, the message attached."""
    who = msg.caller or "未显示号码 / withheld"
    box = f"{mailbox_name} ({msg.mailbox})" if mailbox_name else msg.mailbox
    mail = EmailMessage()
    mail["Subject"] = f"新语音留言 / New voicemail: {who} → {box}"
    mail["From"] = sender
    mail["To"] = to
    when = msg.received_at.strftime("%Y-%m-%d %H:%M UTC")
    mail.set_content(
        f"您的语音信箱 {box} 收到一条新留言。\n"
        f"来电号码 {who}\n时间 {when}\n时长 {msg.seconds} 秒\n\n"
        f"Your mailbox {box} has a new message from {who} at {when} ({msg.seconds} s).\n"
    )
    mail.add_attachment(audio, maintype="audio", subtype="wav", filename="voicemail.wav")
    return mail
