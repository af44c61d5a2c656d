"""Mandarin speech for callers: the system prompts and digits Asterisk plays in the tenant's
language, and text a tenant types, made into 8 kHz WAV by espeak-ng and sox.

espeak-ng's ``cmn-latn-pinyin`` voice is the one that speaks Mandarin (``cmn`` and ``zh`` read
tone digits as English); sox resamples to what Asterisk plays without transcoding (8 kHz,
mono, 16-bit) with a little gain taken off against clipping. Robotic but intelligible: a
recording uploaded by the tenant stays the better voice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from pathlib import Path

VOICES = {"zh": "cmn-latn-pinyin", "en": "en"}
MAX_TEXT = 500

# Asterisk's sound names (played in the channel's language, ``sounds/zh/<name>``) and what they
# say. The queue's announcements, "all circuits busy", the voicemail greeting, the callback
# answers and the IVR's invalid choice: every system prompt a caller of this platform hears.
MANDARIN_PROMPTS: dict[str, str] = {
    "queue-thereare": "您前面还有",
    "queue-callswaiting": "位来电正在等待",
    "queue-youarenext": "您是下一位",
    "queue-holdtime": "预计等待时间约为",
    "queue-minutes": "分钟",
    "queue-minute": "分钟",
    "queue-seconds": "秒",
    "queue-less-than": "少于",
    "queue-thankyou": "感谢您的耐心等待、我们将尽快为您服务",
    "queue-reporthold": "等待时间",
    "queue-periodic-announce": "所有坐席正忙、请稍候",
    "all-circuits-busy-now": "对不起、线路正忙、请稍后再拨",
    "ss-noservice": "您拨打的号码暂时无法提供服务",
    "option-is-invalid": "您的选择无效",
    "vm-intro": "请在提示音后留言、留言完毕请挂机",
    "vm-theperson": "您拨打的用户",
    "vm-isunavail": "暂时无法接听",
    "vm-isonphone": "正在通话中",
    "vm-goodbye": "再见",
    "vm-received": "您的请求已收到",
    "auth-thankyou": "谢谢",
    "im-sorry": "对不起",
    "simul-call-limit-reached": "回拨请求已达上限",
    "cc-callback-offer": "如需回拨、请按一",
    "cc-survey-rate": "请为本次服务评分、请按一到五、五分为非常满意",
    "cc-survey-thanks": "感谢您的评价",
}

_DIGITS = "零一二三四五六七八九"


def mandarin_digits() -> dict[str, str]:
    """``digits/*`` as say.c plays them for ``CHANNEL(language)=zh``: 12345 is
    1 wan 2 thousand 3 hundred 40 5, so 0-20, the tens, hundred, thousand and wan."""
    out = {f"digits/{n}": _DIGITS[n] for n in range(10)}
    out["digits/10"] = "十"
    for n in range(11, 20):
        out[f"digits/{n}"] = "十" + _DIGITS[n - 10]
    for tens in range(20, 100, 10):
        out[f"digits/{tens}"] = _DIGITS[tens // 10] + "十"
    out.update(
        {
            "digits/hundred": "百",
            "digits/thousand": "千",
            "digits/wan": "万",
            "digits/million": "百万",
            "digits/minus": "负",
            "digits/oclock": "点",
            "digits/h-": "点",
        }
    )
    return out


def language_pack(language: str) -> dict[str, str]:
    """Every sound of ``language`` the platform generates: name -> text."""
    if language != "zh":
        return {}
    return {**MANDARIN_PROMPTS, **mandarin_digits()}


class SpeechError(Exception):
    """The speech tools are missing or failed."""


async def _run(*argv: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await proc.communicate()
    if proc.returncode != 0:
        raise SpeechError(f"{argv[0]} failed: {err.decode(errors='replace')[:200]}")


async def speak_to(text: str, out: Path, language: str = "zh") -> None:
    """Write ``text`` spoken in ``language`` to ``out`` as 8 kHz mono 16-bit WAV."""
    voice = VOICES.get(language)
    if voice is None:
        raise SpeechError(f"no voice for {language}")
    fd, raw = tempfile.mkstemp(suffix=".wav")
    os.close(fd)
    try:
        try:
            # "--": a text starting with "-" is text, never an option.
            await _run("espeak-ng", "-v", voice, "-s", "150", "-w", raw, "--", text)
            await _run(
                "sox",
                raw,
                "-r",
                "8000",
                "-c",
                "1",
                "-b",
                "16",
                "-e",
                "signed-integer",
                str(out),
                "gain",
                "-1",
            )
        except FileNotFoundError as exc:
            raise SpeechError(f"speech tools missing: {exc.filename}") from exc
    finally:
        await asyncio.to_thread(Path(raw).unlink, missing_ok=True)


async def speak(text: str, language: str = "zh") -> bytes:
    """``text`` spoken in ``language`` as WAV bytes."""
    fd, out = tempfile.mkstemp(suffix=".wav")
    os.close(fd)
    try:
        await speak_to(text, Path(out), language)
        return await asyncio.to_thread(Path(out).read_bytes)
    finally:
        await asyncio.to_thread(Path(out).unlink, missing_ok=True)


async def write_language_pack(sounds_dir: Path, language: str = "zh") -> int:
    """Generate ``language``'s sounds under ``sounds_dir/<language>/``, skipping files already
    spoken from the same text (a manifest beside them remembers each file's text, so a
    reworded prompt is spoken again); the number written."""
    manifest = sounds_dir / language / ".cc-texts.json"
    known: dict[str, str] = {}
    if manifest.exists():
        with contextlib.suppress(ValueError):
            known = json.loads(await asyncio.to_thread(manifest.read_text, encoding="utf-8"))
    written = 0
    for name, text in language_pack(language).items():
        out = sounds_dir / language / f"{name}.wav"
        if out.exists() and known.get(name) == text:
            continue
        await asyncio.to_thread(out.parent.mkdir, parents=True, exist_ok=True)
        await speak_to(text, out, language)
        known[name] = text
        written += 1
    if written:
        body = json.dumps(known, ensure_ascii=False, sort_keys=True, indent=1)
        await asyncio.to_thread(manifest.write_text, body, encoding="utf-8")
    return written
