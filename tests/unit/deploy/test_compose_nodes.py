"""Every platform node in docker-compose.yml fills every placeholder of the node's
configuration: the entrypoint (deploy/asterisk-entrypoint.sh) stops on one it has no
AST_<NAME> for, and a node that does not start takes no calls."""

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[3]
SET_BY_ENTRYPOINT = {"DIR", "SYSTEM_NAME"}


def _placeholders() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "asterisk_conf" / "platform").iterdir():
        names |= set(re.findall(r"@@([A-Z_]+)@@", path.read_text(encoding="utf-8")))
    return names


def _nodes() -> dict[str, Any]:
    import yaml  # PyYAML, a test dependency

    services: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return {
        name: s
        for name, s in services.items()
        if s.get("build", {}).get("dockerfile") == "deploy/Dockerfile.asterisk"
    }


def test_every_node_service_sets_every_placeholder_of_the_node_configuration() -> None:
    nodes = _nodes()
    assert nodes
    wanted = _placeholders() - SET_BY_ENTRYPOINT
    assert "LOG_VERBOSE" in wanted
    for name, service in nodes.items():
        given = {k.removeprefix("AST_") for k in service.get("environment", {})}
        assert wanted <= given, (name, sorted(wanted - given))


def test_a_production_node_logs_no_line_per_dialplan_step() -> None:
    for name, service in _nodes().items():
        assert service["environment"]["AST_LOG_VERBOSE"] == "0", name
