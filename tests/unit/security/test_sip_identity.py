"""The static configuration of a node and of the edge: no endpoint without auth can be selected
by a name, only by the mark the edge sets (and strips from whatever arrives from outside);
a node takes SIP from the edge alone."""

from __future__ import annotations

from pathlib import Path

CONF = Path(__file__).parents[3] / "asterisk_conf" / "platform" / "pjsip.conf"
EDGE = Path(__file__).parents[3] / "asterisk_conf" / "edge"


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


def test_every_endpoint_without_auth_is_identified_by_the_edges_mark_only() -> None:
    sections = _sections()
    endpoints = [(n, o) for n, o in sections if o.get("type") == "endpoint"]
    assert endpoints, "pjsip.conf defines the carrier trunk"
    for name, options in endpoints:
        if not options.get("auth"):
            assert options.get("identify_by") == "header", name
            matches = [
                o.get("match_header", "")
                for _, o in sections
                if o.get("type") == "identify" and o.get("endpoint") == name
            ]
            assert matches and all(m.startswith("X-CC-") for m in matches), name


def test_a_node_takes_sip_from_the_edge_alone() -> None:
    (acl,) = [o for _, o in _sections() if o.get("type") == "acl"]
    assert acl["deny"] == "0.0.0.0/0.0.0.0"
    assert acl["permit"] == "@@EDGE_HOST@@/255.255.255.255"


def test_the_edge_strips_every_mark_before_it_sets_any() -> None:
    cfg = (EDGE / "kamailio.cfg").read_text()
    main = cfg[cfg.index("request_route {") :]
    strip = main.index('remove_hf_re("^X-CC-")')
    # Nothing from outside is looked at (guard, trunk) before the strip.
    assert strip < main.index("route(GUARD)") < main.index("route(TRUNK_IN)")
    # The only requests that skip it are the nodes' own, on the internal socket.
    assert main.index("ds_is_from_list") < strip


def test_no_anonymous_identification() -> None:
    (options,) = [o for _, o in _sections() if o.get("type") == "global"]
    order = [i.strip() for i in options["endpoint_identifier_order"].split(",")]
    assert "anonymous" not in order
