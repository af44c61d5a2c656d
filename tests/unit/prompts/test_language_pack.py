"""The Mandarin system prompts are spoken once per wording: a rerun of setup writes nothing,
a reworded prompt is spoken again (espeak-ng and sox, as deploy/zh_sounds.sh runs them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from callcenter.prompts import tts

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="deploy/setup.sh installs espeak-ng and sox",
)


async def test_a_reworded_prompt_is_spoken_again_and_the_rest_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = {"cc-survey-rate": "请按一到五", "cc-survey-thanks": "感谢您的评价"}
    monkeypatch.setattr(tts, "language_pack", lambda language: dict(pack))
    assert await tts.write_language_pack(tmp_path) == 2
    thanks = tmp_path / "zh" / "cc-survey-thanks.wav"
    first = thanks.stat().st_mtime_ns
    assert await tts.write_language_pack(tmp_path) == 0
    pack["cc-survey-rate"] = "请为本次服务评分"
    assert await tts.write_language_pack(tmp_path) == 1
    assert thanks.stat().st_mtime_ns == first
    assert (tmp_path / "zh" / "cc-survey-rate.wav").stat().st_size > 1000
