"""The shipped configuration keeps least privilege: PostgreSQL unpublished, no superuser
outside migrations, an AMI user without CLI or configuration rights."""

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[3]


def _compose() -> dict[str, Any]:
    import yaml  # PyYAML, a test dependency

    services: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return services


def test_postgresql_is_published_nowhere_and_listens_on_loopback_only() -> None:
    pg = _compose()["postgres"]
    assert "ports" not in pg and "expose" not in pg
    assert pg["network_mode"] == "host"
    assert "listen_addresses=127.0.0.1" in pg["command"]


def test_only_the_migration_logs_in_as_the_superuser() -> None:
    for name, service in _compose().items():
        env = service.get("environment", {})
        for key, value in env.items():
            if name == "migrate" and key == "CALLCENTER_ADMIN_DSN":
                continue
            assert not re.search(r"//postgres[:@]", str(value)), (name, key)
        if "AST_DB_USER" in env:
            assert env["AST_DB_USER"] != "postgres"
        assert "//postgres:" not in str(env.get("EDGE_DB_URL", ""))


def test_the_ami_user_holds_no_cli_configuration_or_system_class() -> None:
    conf = (ROOT / "asterisk_conf" / "platform" / "manager.conf").read_text()
    (write,) = re.findall(r"^write\s*=\s*(.+)$", conf, re.M)
    classes = {c.strip() for c in write.split(",")}
    assert not classes & {"command", "config", "system", "all"}


def test_no_secret_in_the_compose_file_has_a_default() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    secrets = re.findall(r"\$\{(\w*(?:SECRET|PASSWORD)\w*)([^}]*)\}", text)
    assert secrets, "the compose file takes its secrets from the environment"
    for name, rule in secrets:
        assert rule.startswith(":?"), f"{name} must be required, not defaulted ({rule})"
