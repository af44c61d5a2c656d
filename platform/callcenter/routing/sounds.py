"""Which sounds a tenant may have played to its callers.

A sound reference is either ``tenant/<name>``, one of the calling tenant's own uploaded
prompts (the dialplan resolves it under that tenant's folder only), or the name of one of
Asterisk's own sounds: one name (``ss-noservice``), optionally inside one of Asterisk's
sound folders (``silence/1``, ``digits/5``). Nothing else: no absolute path, no ``..``, no
other folder, so no tenant can play another tenant's prompts, voicemail greetings or
recordings, or any file of the host.

The same rule is applied three times: here when a reference is saved, in the database views
the dialplan reads (``cc_sound_ok``, migration 0014: rows stored before the rule are not
playable), and in the dialplan itself (``cc-sound``).
"""

from __future__ import annotations

import re

from callcenter.errors import InvalidInput

TENANT_PREFIX = "tenant/"
# Asterisk's sound folders a tenant may name (core sounds); every other folder is refused.
SYSTEM_DIRS: tuple[str, ...] = ("dictate", "digits", "followme", "letters", "phonetic", "silence")
# Keep in step with cc_sound_ok() in db/migrations/0014_tenant_input.sql and CC_SOUND_RE in
# asterisk_conf/platform/extensions.conf (a unit test compares the three).
SOUND_REF_RE = re.compile(
    r"^(tenant/[a-z0-9][a-z0-9_-]{0,39}|(("
    + "|".join(SYSTEM_DIRS)
    + r")/)?[a-z0-9][a-z0-9_-]{0,63})$"
)
HINT = "tenant/<uploaded prompt> or an Asterisk sound name such as ss-noservice or digits/1"


def is_sound_ref(value: object) -> bool:
    """Whether ``value`` names a sound a tenant may play."""
    return isinstance(value, str) and SOUND_REF_RE.fullmatch(value) is not None


def check_sound(value: object, field: str) -> str:
    """Return ``value`` if it is a sound reference; otherwise ``InvalidInput(field=field)``."""
    if not isinstance(value, str) or not is_sound_ref(value):
        raise InvalidInput(f"a sound must be {HINT}", field=field)
    return value
