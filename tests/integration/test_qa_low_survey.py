"""Quality sampling by the caller's verdict (issue 19 with issue 18's after-call survey): every
recorded call the caller scored at most the tenant's threshold is picked, with that reason;
a higher score or no score is not; a threshold out of 1-5 is refused naming the field."""

from __future__ import annotations

from typing import Any

from integration.test_agent_workspace_api import agent_setup

from support import ApiClient


async def a_surveyed_call(db: Any, tid: str, linkedid: str, survey: str | None) -> None:
    await db.execute(
        "INSERT INTO recordings (tenant_id, uniqueid, linkedid, audio, seconds)"
        " VALUES ($1, $2, $3, $4, 3)",
        tid,
        linkedid + "-rec",
        linkedid,
        b"RIFF",
    )
    # The agent's leg, and the caller's leg on which the dialplan stored the survey key.
    for suffix, dstchannel, key in (
        ("-leg", f"PJSIP/{tid}-1001-00000002", None),
        ("-in", "", survey),
    ):
        await db.execute(
            'INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, billsec,'
            " duration, disposition, uniqueid, linkedid, tenantid, queue, survey)"
            " VALUES (now(), now(), now(), '13800000001', '600', 'PJSIP/carrier-00000001',"
            " $1, 60, 60, 'ANSWERED', $2, $3, $4, $5, $6)",
            dstchannel,
            linkedid + suffix,
            linkedid,
            tid,
            f"{tid}-support",
            key,
        )


async def test_a_low_survey_score_picks_the_call_for_review(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, _agent = await agent_setup(api, uid, tag="qs")
    base = f"/api/v1/tenants/{tid}/quality"
    await admin.call(
        "PUT",
        f"{base}/forms/standard",
        {"items": [{"key": "greeting", "label": "问候", "weight": 1}]},
        expect=200,
    )
    for bad in (0, 6, "x"):
        status, body = await admin.call("PUT", f"{base}/sampling", {"low_survey_max": bad})
        assert status == 400 and body["details"]["field"] == "low_survey_max", body
    assert await db.fetchval("SELECT count(*) FROM qa_sampling WHERE tenant_id = $1", tid) == 0

    await a_surveyed_call(db, tid, f"{tid}.1.1", "2")  # unhappy: picked
    await a_surveyed_call(db, tid, f"{tid}.1.2", "5")  # happy: not
    await a_surveyed_call(db, tid, f"{tid}.1.3", None)  # no answer: not
    _, rules = await admin.call("PUT", f"{base}/sampling", {"low_survey_max": 2}, expect=200)
    assert rules["low_survey_max"] == 2
    _, picked = await admin.call("POST", f"{base}/sampling/run", {"form": "standard"}, expect=201)
    assert [(p["linkedid"], p["reason"]) for p in picked] == [(f"{tid}.1.1", "low_survey")]
    # Without the rule nothing more is picked (the picked call is not picked twice either).
    await admin.call("PUT", f"{base}/sampling", {"low_survey_max": None}, expect=200)
    _, again = await admin.call("POST", f"{base}/sampling/run", {"form": "standard"}, expect=201)
    assert again == []
