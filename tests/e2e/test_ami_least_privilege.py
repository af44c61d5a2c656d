"""Least privilege on AMI: the control plane's manager user runs no CLI and rewrites no config.

The user holds the classes of what the code sends (manager.conf); a stolen AMI secret gives
no `Command` (CLI: `core show channels`, `channel originate`, `module unload`...) and no
`UpdateConfig`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from callcenter.ami.client import AmiClient, AmiError

from stack import AMI_SECRET, AMI_USER, PLATFORM_AMI, Stack

pytestmark = pytest.mark.e2e


@pytest_asyncio.fixture
async def ami(stack: Stack) -> AsyncIterator[AmiClient]:
    """The platform's AMI as the control plane logs in."""
    client = AmiClient("127.0.0.1", PLATFORM_AMI, AMI_USER, AMI_SECRET)
    await client.start()
    await client.wait_ready()
    try:
        yield client
    finally:
        await client.stop()


@pytest.mark.parametrize(
    "command",
    ["core show channels", "channel originate Local/s@cc-outbound application Wait 1"],
)
async def test_the_ami_user_cannot_run_cli_commands(ami: AmiClient, command: str) -> None:
    with pytest.raises(AmiError) as refused:
        await ami.action("Command", Command=command)
    assert "Permission denied" in refused.value.details.get("ami_message", "")


async def test_the_ami_user_cannot_rewrite_configuration(ami: AmiClient) -> None:
    with pytest.raises(AmiError) as refused:
        await ami.action(
            "UpdateConfig",
            SrcFilename="manager.conf",
            DstFilename="lp-probe.conf",  # never the real file, should it be allowed
            **{"Action-000000": "Append", "Cat-000000": "callcenter", "Var-000000": "write"},
            **{"Value-000000": "all"},
        )
    assert "Permission denied" in refused.value.details.get("ami_message", "")


async def test_what_the_control_plane_sends_is_still_allowed(ami: AmiClient) -> None:
    # The SIP guard's ACL reload (the Reload action replaced the CLI's `module reload acl`).
    assert (await ami.action("Reload", Module="acl"))["Response"] == "Success"
    await ami.action_list("CoreShowChannels")
    await ami.action("Setvar", Variable="DEVICE_STATE(Custom:lp-probe)", Value="NOT_INUSE")
    assert (await ami.action("Getvar", Variable="DEVICE_STATE(Custom:lp-probe)"))[
        "Value"
    ] == "NOT_INUSE"


@pytest.mark.xfail(
    strict=True,
    reason="`system` (MixMonitor, DialplanExtensionAdd, Reload) also grants GetConfig;"
    " see docs/resilience.md, Least privilege",
)
async def test_the_ami_user_cannot_read_configuration(ami: AmiClient) -> None:
    with pytest.raises(AmiError):
        await ami.action("GetConfig", Filename="res_pgsql.conf")
