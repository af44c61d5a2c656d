"""Checking uploaded audio. Pure: bytes in, facts or InvalidInput out."""

from __future__ import annotations

import hashlib
import io
import wave
from dataclasses import dataclass

from callcenter.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MAX_SECONDS = 120
RATE = 8000


@dataclass(frozen=True, slots=True)
class Audio:
    """A playable prompt: 16-bit mono 8 kHz PCM WAV (Asterisk's ``wav`` format)."""

    data: bytes
    seconds: float
    sha256: str


def check_wav(data: bytes) -> Audio:
    """Accept exactly what Asterisk plays without transcoding surprises."""
    if not data:
        raise InvalidInput("the body must be a WAV file", field="audio")
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"at most {MAX_BYTES // 1024} KiB", field="audio")
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            params = w.getparams()
            frames = w.readframes(params.nframes)
    except (wave.Error, EOFError) as exc:
        raise InvalidInput(f"not a PCM WAV file: {exc}", field="audio") from None
    if params.nchannels != 1 or params.sampwidth != 2 or params.framerate != RATE:
        raise InvalidInput("audio must be 16-bit mono 8000 Hz PCM WAV", field="audio")
    seconds = params.nframes / RATE
    if len(frames) < params.nframes * 2 or not 0 < seconds <= MAX_SECONDS:
        raise InvalidInput(f"audio must last 0-{MAX_SECONDS} s", field="audio")
    return Audio(data, round(seconds, 2), hashlib.sha256(data).hexdigest())
