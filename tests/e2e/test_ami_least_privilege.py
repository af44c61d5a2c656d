"""Least privilege on AMI: the control plane's manager user runs no CLI, reads and rewrites
no configuration and runs no shell command.

The user holds the classes of what the code sends (manager.conf); a stolen AMI secret gives
no `Command` (CLI: `core show channels`, `channel originate`, `module unload`...), no
`GetConfig` (the database password in res_pgsql.conf), no `UpdateConfig`, no Originate of
`System` and no MixMonitor with a shell command.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from callcenter.ami.client import AmiClient, AmiError

from stack import AMI_SECRET, AMI_USER, PLATFORM_AMI, PLATFORM_AMI_HOST, Stack

pytestmark = pytest.mark.e2e


@pytest_asyncio.fixture
async def ami(stack: Stack) -> AsyncIterator[AmiClient]:
    """The platform's AMI as the control plane logs in."""
    client = AmiClient(PLATFORM_AMI_HOST, PLATFORM_AMI, AMI_USER, AMI_SECRET)
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


async def test_the_ami_user_cannot_read_configuration(ami: AmiClient) -> None:
    # GetConfig is allowed to `system` or `config`: the user holds neither.
    for filename in ("res_pgsql.conf", "manager.conf"):
        with pytest.raises(AmiError) as refused:
            await ami.action("GetConfig", Filename=filename)
        assert "Permission denied" in refused.value.details.get("ami_message", "")


async def test_the_ami_user_cannot_run_shell_commands(ami: AmiClient) -> None:
    with pytest.raises(AmiError):
        await ami.originate(
            Channel="Local/s@cc-refuse",
            Application="System",
            Data="touch /tmp/pwned-by-ami",
            Timeout=2000,
            timeout=5,
        )
    with pytest.raises(AmiError) as refused:
        await ami.action("MixMonitor", Channel="PJSIP/x-1", File="/tmp/x.wav", Command="id")
    assert "Permission denied" in refused.value.details.get("ami_message", "")


async def test_what_the_control_plane_sends_is_still_allowed(ami: AmiClient, db: Any) -> None:
    # The SIP guard's ACL reload, a fixed dialplan job reached by Originate, as the guard
    # sends it: it leaves no CDR to bill.
    reply = await ami.originate(
        Channel="Local/acl-reload@cc-control",
        Application="Wait",
        Data="0",
        Variable="CDR_PROP(disable)=1",
        Timeout=5000,
        timeout=10,
    )
    assert reply["Response"] == "Success"
    await asyncio.sleep(1.0)
    assert (
        await db.fetchval(
            "SELECT count(*) FROM cdr WHERE channel LIKE '%cc-control%'"
            " OR dstchannel LIKE '%cc-control%' OR dcontext = 'cc-control'"
        )
        == 0
    )
    await ami.action_list("CoreShowChannels")
    await ami.action("Setvar", Variable="DEVICE_STATE(Custom:lp-probe)", Value="NOT_INUSE")
    assert (await ami.action("Getvar", Variable="DEVICE_STATE(Custom:lp-probe)"))[
        "Value"
    ] == "NOT_INUSE"
