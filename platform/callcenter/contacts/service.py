"""Reading and writing a tenant's contacts (agents and tenant admins of that tenant)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from callcenter.auth.principal import Principal
from callcenter.contacts import repo
from callcenter.contacts.csv_list import national_number, parse_contact_list
from callcenter.contacts.schemas import ContactIn
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, InvalidInput, NotFound


def contact_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """A hosted contact row as the console shows it."""
    return {
        "id": row["id"],
        "name": row["name"],
        "phone": row["phone"],
        "company": row["company"],
        "email": row["email"],
        "notes": row["notes"],
        "source": "hosted",
    }


async def add_contact(pool: Any, who: Principal, tenant_id: str, data: ContactIn) -> dict[str, Any]:
    """Create a contact (the console's new-contact form)."""
    who.require_tenant(tenant_id, "tenant_admin", "agent")
    try:
        async with transaction(pool) as conn:
            row = await repo.insert_contact(
                conn, tenant_id, data.phone, data.name, data.company, data.email, data.notes
            )
    except Conflict as exc:
        raise Conflict("a contact with this phone exists", field="phone") from exc
    return contact_view(row)


async def find_contact(pool: Any, who: Principal, tenant_id: str, phone: str) -> dict[str, Any]:
    """The contact for a phone number."""
    who.require_tenant(tenant_id, "tenant_admin", "agent")
    if not phone.isdigit() or not 3 <= len(phone) <= 20:
        raise InvalidInput("phone must be 3-20 digits", field="phone")
    async with connection(pool) as conn:
        row = await repo.find_by_phone(conn, tenant_id, phone)
    if row is None:
        raise NotFound("no such contact", field="phone")
    return contact_view(row)


async def list_contacts(
    pool: Any, who: Principal, tenant_id: str, limit: int = 100
) -> list[dict[str, Any]]:
    """The tenant's contacts."""
    who.require_tenant(tenant_id, "tenant_admin", "agent")
    async with connection(pool) as conn:
        return [contact_view(r) for r in await repo.list_contacts(conn, tenant_id, limit)]


def _tenant_reader(who: Principal, tenant_id: str) -> None:
    who.require_tenant(tenant_id, "tenant_admin", "agent")


async def search_contacts(
    pool: Any, who: Principal, tenant_id: str, query: str, limit: int = 100
) -> list[dict[str, Any]]:
    """Contacts whose name, phone, company or e-mail contains ``query``."""
    _tenant_reader(who, tenant_id)
    query = query.strip()
    if len(query) > 100 or "\x00" in query:
        raise InvalidInput("search at most 100 characters", field="q")
    async with connection(pool) as conn:
        rows = await repo.search_contacts(conn, tenant_id, query, limit)
    return [contact_view(r) for r in rows]


async def edit_contact(
    pool: Any, who: Principal, tenant_id: str, contact_id: int, data: ContactIn
) -> dict[str, Any]:
    """Change a contact (its phone too, unless another contact has that phone)."""
    _tenant_reader(who, tenant_id)
    try:
        async with transaction(pool) as conn:
            row = await repo.update_contact(
                conn,
                tenant_id,
                contact_id,
                data.phone,
                data.name,
                data.company,
                data.email,
                data.notes,
            )
    except Conflict as exc:
        raise Conflict("a contact with this phone exists", field="phone") from exc
    if row is None:
        raise NotFound("no such contact", field="id")
    return contact_view(row)


async def remove_contact(pool: Any, who: Principal, tenant_id: str, contact_id: int) -> None:
    """Delete a contact (tenant admins; the calls stay on record)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        if not await repo.delete_contact(conn, tenant_id, contact_id):
            raise NotFound("no such contact", field="id")


async def contact_calls(
    pool: Any, who: Principal, tenant_id: str, contact_id: int, limit: int = 50
) -> dict[str, Any]:
    """A contact and the tenant's calls with its phone, newest first, with notes."""
    _tenant_reader(who, tenant_id)
    async with connection(pool) as conn:
        row = await repo.get_contact(conn, tenant_id, contact_id)
        if row is None:
            raise NotFound("no such contact", field="id")
        calls = await repo.calls_with(conn, tenant_id, row["phone"], limit)
    return {
        "contact": contact_view(row),
        "calls": [
            {
                "linkedid": c["linkedid"],
                "start": c["start"].isoformat() if c["start"] else None,
                "direction": c["direction"] or "",
                "answered": bool(c["answered"]),
                "talk_s": c["talk_s"] or 0,
                "queue": (c["queue"] or "").removeprefix(f"{tenant_id}-"),
                "did": c["did"] or "",
                "agent": c["agent"] or "",
                "note": c["note"] or "",
                "disposition": c["outcome"] or "",
            }
            for c in calls
        ],
    }


CSV_FIELDS = ("phone", "name", "company", "email", "notes")
MAX_IMPORT_ROWS = 10_000


def contacts_csv(rows: list[Mapping[str, Any]]) -> str:
    """Contacts as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for r in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
        writer.writerow([_cell(str(r[f])) for f in CSV_FIELDS])
    return out.getvalue()


def _phone(raw: str) -> str:
    """A phone as written in a spreadsheet (+86, spaces, dashes, full-width digits): the
    national digits the calls carry; a CRM keeps short and foreign numbers as their digits."""
    try:
        return national_number(raw)
    except InvalidInput:
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", raw) if ch.isdigit())
        if not digits:
            raise
        return digits


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def parse_contacts_csv(text: str) -> list[ContactIn]:
    """Rows of an uploaded CSV, read by the same parser as a campaign's list (the header names
    the columns: a phone and a name column needed, ``company``, ``email``, ``notes`` taken,
    others ignored); a bad or repeated row refuses the whole file with its line number."""
    parsed = parse_contact_list(
        text, parse_phone=_phone, max_rows=MAX_IMPORT_ROWS, require_name=True
    )
    if parsed.errors:
        first = parsed.errors[0]
        field = "phone" if first.problem in ("bad-number", "duplicate") else "csv"
        raise InvalidInput("a line of the file is wrong", field=field, line=first.line)
    out: list[ContactIn] = []
    for c in parsed.contacts:
        extra = {k.lower(): v for k, v in c.fields.items()}
        values = {f: extra.get(f, "") for f in CSV_FIELDS[2:]}
        try:
            out.append(ContactIn(phone=c.phone, name=c.name, **values))
        except ValidationError as exc:
            field = str(exc.errors()[0]["loc"][0]) if exc.errors() else "csv"
            raise InvalidInput("a line of the file is wrong", field=field, line=c.line) from exc
    return out


async def export_contacts(pool: Any, who: Principal, tenant_id: str) -> str:
    """Every contact of the tenant as CSV."""
    _tenant_reader(who, tenant_id)
    async with connection(pool) as conn:
        rows = await repo.all_contacts(conn, tenant_id)
    return contacts_csv(rows)


async def import_contacts(pool: Any, who: Principal, tenant_id: str, text: str) -> dict[str, int]:
    """Create or update contacts from CSV, all or nothing; the counts (agents may: they add
    contacts one by one anyway)."""
    _tenant_reader(who, tenant_id)
    rows = parse_contacts_csv(text)
    created = updated = 0
    async with transaction(pool) as conn:
        for c in rows:
            if await repo.upsert_contact(
                conn, tenant_id, c.phone, c.name, c.company, c.email, c.notes
            ):
                created += 1
            else:
                updated += 1
    return {"created": created, "updated": updated}
