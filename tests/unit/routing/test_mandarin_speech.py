"""The Mandarin sound pack: what say.c needs for Chinese numbers, and every system prompt."""

from __future__ import annotations

from callcenter.prompts.tts import MANDARIN_PROMPTS, language_pack, mandarin_digits


def test_say_c_finds_every_digit_file_it_plays_for_chinese_numbers() -> None:
    digits = mandarin_digits()
    # 12345 is read 1 wan 2 thousand 3 hundred 40 5.
    for name in ("1", "wan", "2", "thousand", "3", "hundred", "40", "5", "0", "10", "19"):
        assert f"digits/{name}" in digits, name
    assert digits["digits/wan"] == "万" and digits["digits/40"] == "四十"


def test_the_pack_holds_the_queue_busy_voicemail_and_callback_prompts() -> None:
    pack = language_pack("zh")
    for name in (
        "queue-thereare",
        "queue-holdtime",
        "all-circuits-busy-now",
        "vm-intro",
        "vm-received",
        "simul-call-limit-reached",
    ):
        assert pack[name] == MANDARIN_PROMPTS[name]
    assert language_pack("en") == {}
