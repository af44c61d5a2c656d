"""A tenant's contacts: search, edit, delete, CSV export and import (all or nothing), and each
contact's calls with the agents' notes; another tenant sees none of it."""

from __future__ import annotations

import string
from typing import Any

from support import OPERATOR, ApiClient


async def tenant(api: ApiClient, uid: str, tag: str) -> tuple[str, ApiClient]:
    op = await api.login(*OPERATOR)
    tid = tag + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin = {"username": f"adm-{tid}", "password": "secret-pass"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin}, expect=201)
    return tid, await api.login(f"adm-{tid}", "secret-pass")


async def test_contacts_are_searched_edited_exported_imported_and_show_their_calls(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await tenant(api, uid, "c")
    base = f"/api/v1/tenants/{tid}/contacts"
    _, han = await admin.call(
        "POST", base, {"phone": "13800138000", "name": "韩梅梅", "company": "梅梅茶业"}, expect=201
    )
    await admin.call("POST", base, {"phone": "13912345678", "name": "Li Lei"}, expect=201)

    # Search by name, company, digits of the phone; % and _ are plain characters.
    for q, names in (("梅梅", ["韩梅梅"]), ("茶业", ["韩梅梅"]), ("1234", ["Li Lei"]), ("%", [])):
        _, found = await admin.call("GET", f"{base}?q={q}", expect=200)
        assert [c["name"] for c in found] == names, (q, found)

    # Edit; a phone another contact has is refused on the field.
    _, edited = await admin.call(
        "PUT",
        f"{base}/{han['id']}",
        {"phone": "13800138000", "name": "韩梅梅", "email": "han@example.cn"},
        expect=200,
    )
    assert edited["email"] == "han@example.cn" and edited["company"] == ""
    status, body = await admin.call(
        "PUT", f"{base}/{han['id']}", {"phone": "13912345678", "name": "韩梅梅"}
    )
    assert (status, body["details"]["field"]) == (409, "phone")

    # Export: CSV with a BOM (spreadsheets read Chinese), formulas defused.
    await admin.call("POST", base, {"phone": "13700000000", "name": "=HYPERLINK(1)"}, expect=201)
    resp = await admin.client.get(f"{base}.csv", headers={"Authorization": f"Bearer {admin.token}"})
    assert resp.status == 200 and resp.content_type == "text/csv"
    text = await resp.text()
    assert text.startswith("\ufeffphone,name,company,email,notes")
    assert "13800138000,韩梅梅,,han@example.cn," in text and "'=HYPERLINK(1)" in text

    # Import: new rows created, known phones updated, numbers in any common form.
    csv_text = "name,phone,company\n王芳,+86 139 0000 1111,芳华\nLi Lei,13912345678,Lei Co\n"
    resp = await admin.client.post(
        f"{base}.csv",
        data=csv_text.encode("gb18030"),
        headers={"Authorization": f"Bearer {admin.token}", "Content-Type": "text/csv"},
    )
    assert resp.status == 200, await resp.text()
    assert await resp.json() == {"created": 1, "updated": 1}
    _, found = await admin.call("GET", f"{base}?q=Lei", expect=200)
    assert found[0]["company"] == "Lei Co"
    _, found = await admin.call("GET", f"{base}?phone=13900001111", expect=200)
    assert found["name"] == "王芳"
    # A bad line refuses the whole file, naming the line.
    resp = await admin.client.post(
        f"{base}.csv",
        data=b"phone,name\n13600000000,Ok\nabc,\n",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    body = await resp.json()
    assert resp.status == 400 and body["details"]["line"] == 3, body
    _, found = await admin.call("GET", f"{base}?q=13600000000", expect=200)
    assert found == []

    # Each contact's calls: one row per call, with the note.
    await db.execute(
        'INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, disposition,'
        " billsec, uniqueid, linkedid, tenantid, did, direction, queue)"
        " VALUES (now(), now(), now(), '13800138000', '600', 'PJSIP/carrier-1', $1, 'ANSWERED',"
        " 42, $2, $2, $3, '4008001234', 'inbound', $4)",
        f"PJSIP/{tid}-1001-00000001",
        f"1700{uid[:6]}.1",
        tid,
        f"{tid}-support",
    )
    await db.execute(
        "INSERT INTO call_notes (tenant_id, linkedid, agent_extension, note, disposition)"
        " VALUES ($1, $2, '1001', '想了解新茶', 'sale')",
        tid,
        f"1700{uid[:6]}.1",
    )
    _, history = await admin.call("GET", f"{base}/{han['id']}/calls", expect=200)
    assert history["contact"]["name"] == "韩梅梅"
    [call] = history["calls"]
    assert call["answered"] and call["talk_s"] == 42 and call["queue"] == "support"
    assert (call["note"], call["disposition"], call["agent"]) == ("想了解新茶", "sale", "1001")

    # Another tenant: nothing of it.
    other, intruder = await tenant(api, uid, "x")
    status, _ = await intruder.call("GET", f"{base}/{han['id']}/calls")
    assert status == 403
    status, _ = await intruder.call("GET", f"/api/v1/tenants/{other}/contacts/{han['id']}/calls")
    assert status == 404
    status, _ = await intruder.call(
        "PUT", f"/api/v1/tenants/{other}/contacts/{han['id']}", {"phone": "1380013", "name": "x"}
    )
    assert status == 404

    # Delete.
    await admin.call("DELETE", f"{base}/{han['id']}", expect=204)
    _, found = await admin.call("GET", f"{base}?q=梅梅", expect=200)
    assert found == []
