"""The static PJSIP configuration: no endpoint without auth can be selected by a name."""

from __future__ import annotations

from pathlib import Path

CONF = Path(__file__).parents[3] / "asterisk_conf" / "platform" / "pjsip.conf"


def _sections() -> list[tuple[str, dict[str, str]]]:
    """pjsip.conf repeats section names (endpoint, aor, identify share ``carrier``): not INI."""
    out: list[tuple[str, dict[str, str]]] = []
    for line in CONF.read_text().splitlines():
        line = line.split(";", 1)[0].strip()
        if line.startswith("["):
            out.append((line.strip("[]"), {}))
        elif "=" in line and out:
            key, _, value = line.partition("=")
            out[-1][1][key.strip()] = value.strip()
    return out


def test_every_endpoint_without_auth_is_identified_by_address_only() -> None:
    endpoints = [(n, o) for n, o in _sections() if o.get("type") == "endpoint"]
    assert endpoints, "pjsip.conf defines the carrier trunk"
    for name, options in endpoints:
        if not options.get("auth"):
            assert options.get("identify_by") == "ip", name


def test_no_anonymous_identification() -> None:
    (options,) = [o for _, o in _sections() if o.get("type") == "global"]
    order = [i.strip() for i in options["endpoint_identifier_order"].split(",")]
    assert "anonymous" not in order
