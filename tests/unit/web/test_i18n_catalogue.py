"""The zh-CN and English catalogues: every string the pages ask for has words in both.

The pages ask for words with ``t("key")``, ``tOr("key", ...)`` and ``data-i18n="key"``; the
server's errors are localised by their slug (``error.<slug>``). A key missing from either
catalogue, a blank translation or a placeholder one language forgets fails here.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "platform" / "callcenter" / "web"
PACKAGE = WEB.parent
CATALOGUES = {loc: WEB / "shared" / "i18n" / f"{loc}.json" for loc in ("zh-CN", "en")}
KEY_CALL = re.compile(r"""\b(?:t|t_|tOr|I\.tOr)\(\s*["']([a-z0-9_.\-]+)["']""")
KEY_ATTR = re.compile(r"""data-i18n(?:-[a-z-]+)?=["']([a-z0-9_.\-]+)["']""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Keys built at run time from a fixed list: "prefix" -> the file's list of suffixes.
DYNAMIC = re.compile(r"""i18n-keys:\s*([a-z0-9_.\-]+)\s*=\s*([a-z0-9_,\- .]+)""")


def catalogue(locale: str) -> dict[str, str]:
    data = json.loads(CATALOGUES[locale].read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def page_files() -> list[Path]:
    return sorted(
        p
        for p in WEB.rglob("*")
        if p.suffix in {".js", ".html"} and "vendor" not in p.parts and p.name != "i18n.js"
    )


def keys_used() -> dict[str, set[str]]:
    """Every key a page asks for, by file."""
    used: dict[str, set[str]] = {}
    for path in page_files():
        text = path.read_text(encoding="utf-8")
        keys = set(KEY_CALL.findall(text)) | set(KEY_ATTR.findall(text))
        for prefix, names in DYNAMIC.findall(text):
            keys |= {f"{prefix}.{n.strip()}" for n in names.split(",") if n.strip()}
        used[path.relative_to(WEB).as_posix()] = keys
    return used


def error_slugs() -> set[str]:
    """Every slug a domain error can carry: class attributes and ``slug=`` arguments."""
    slugs = {"internal-error", "method-not-allowed", "http-error"}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "slug" for t in node.targets
            ):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    slugs.add(node.value.value)
            if isinstance(node, ast.keyword) and node.arg == "slug":
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    slugs.add(node.value.value)
    return slugs


def test_both_catalogues_have_the_same_keys_and_no_blank_words() -> None:
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert sorted(set(zh) - set(en)) == [], "keys with no English"
    assert sorted(set(en) - set(zh)) == [], "keys with no Chinese"
    assert [k for k, v in {**zh, **en}.items() if not str(v).strip()] == []


def test_placeholders_match_between_languages() -> None:
    zh, en = catalogue("zh-CN"), catalogue("en")
    differ = {
        k: (zh[k], en[k])
        for k in zh
        if set(PLACEHOLDER.findall(zh[k])) != set(PLACEHOLDER.findall(en.get(k, "")))
    }
    assert differ == {}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_key_a_page_asks_for_has_a_translation(locale: str) -> None:
    words = catalogue(locale)
    missing = {
        name: sorted(k for k in keys if k not in words)
        for name, keys in keys_used().items()
        if any(k not in words for k in keys)
    }
    assert missing == {}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_server_error_slug_has_words(locale: str) -> None:
    words = catalogue(locale)
    assert sorted(s for s in error_slugs() if f"error.{s}" not in words) == []


def test_the_chinese_catalogue_is_chinese() -> None:
    """Words a person reads in zh-CN are not left in English (ids, units and names aside)."""
    zh = catalogue("zh-CN")
    latin_only = [
        k
        for k, v in zh.items()
        if re.search(r"[A-Za-z]{4,}", PLACEHOLDER.sub("", v))
        and not re.search(r"[\u4e00-\u9fff]", v)
        and not k.startswith(("locale.", "keep."))
    ]
    assert latin_only == []
