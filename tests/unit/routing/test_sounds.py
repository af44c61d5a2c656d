"""A tenant names only its own uploads or Asterisk's sounds: never a path (issue 13, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callcenter.errors import InvalidInput
from callcenter.routing.destinations import check_shape
from callcenter.routing.ivr import parse_ivr
from callcenter.routing.sounds import SOUND_REF_RE, check_sound, is_sound_ref

ROOT = Path(__file__).resolve().parents[3]

ALLOWED = ["tenant/welcome", "tenant/a", "ss-noservice", "vm-goodbye", "silence/1", "digits/5"]
REFUSED = [
    "/srv/callcenter/test-platform/prompts/other/welcome",
    "/var/spool/asterisk/voicemail/tenant-other/1000/greet",
    "/etc/passwd",
    "../prompts/other/welcome",
    "tenant/../other/welcome",
    "tenant/other/welcome",
    "tenant/",
    "acme/welcome",
    "recordings/acme",
    "silence/../../x",
    "digits//1",
    "ss-noservice&/srv/x",
    "ss-noservice,1",
    "welcome\n",
    "Welcome",
    "",
]


@pytest.mark.parametrize("ref", ALLOWED)
def test_a_tenant_may_play_its_uploads_and_asterisks_sounds(ref: str) -> None:
    assert check_sound(ref, "prompt") == ref


@pytest.mark.parametrize("ref", REFUSED)
def test_anything_shaped_like_a_path_is_refused(ref: str) -> None:
    assert not is_sound_ref(ref)
    with pytest.raises(InvalidInput) as err:
        check_sound(ref, "menus.main.prompt")
    assert err.value.details["field"] == "menus.main.prompt"


@pytest.mark.parametrize("ref", REFUSED[:5])
def test_ivr_prompts_greetings_and_announcements_refuse_paths(ref: str) -> None:
    menu = {"prompt": "silence/1"}
    with pytest.raises(InvalidInput):
        parse_ivr({"entry": "main", "menus": {"main": {**menu, "prompt": ref}}})
    with pytest.raises(InvalidInput):
        parse_ivr({"entry": "main", "greeting": ref, "menus": {"main": menu}})
    with pytest.raises(InvalidInput):
        check_shape("announcement", ref, "route")


def test_the_database_and_the_dialplan_apply_the_same_rule() -> None:
    migration = (ROOT / "platform/callcenter/db/migrations/0014_tenant_input.sql").read_text()
    dialplan = (ROOT / "asterisk_conf/platform/extensions.conf").read_text()
    assert f"ref ~ '{SOUND_REF_RE.pattern}'" in migration
    assert re.search(rf"^CC_SOUND_RE={re.escape(SOUND_REF_RE.pattern)}$", dialplan, re.M)
