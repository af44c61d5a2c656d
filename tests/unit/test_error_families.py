"""A specific domain error answers with its family's status and slug, and names itself."""

from __future__ import annotations

from callcenter.errors import AlreadyExists, Conflict, DomainError, NotFound, Unauthorized
from callcenter.seats.errors import ExtensionTaken, NoSuchSeat
from callcenter.tenants.errors import TenantExists, UsernameTaken
from callcenter.web.middlewares import public_slug


def test_specific_errors_answer_as_their_family() -> None:
    assert public_slug(NoSuchSeat("no such seat", field="extension")) == (404, "not-found")
    assert public_slug(ExtensionTaken("taken", field="extension")) == (409, "conflict")
    assert public_slug(UsernameTaken("taken", field="admin.username")) == (409, "conflict")
    assert public_slug(TenantExists("taken", field="id")) == (409, "conflict")
    assert public_slug(AlreadyExists("already exists")) == (409, "conflict")


def test_families_and_table_slugs_are_unchanged() -> None:
    assert public_slug(NotFound("x")) == (404, "not-found")
    assert public_slug(Conflict("x")) == (409, "conflict")
    assert public_slug(Unauthorized("x", slug="bad-credentials")) == (401, "bad-credentials")
    assert public_slug(DomainError("x", slug="ami-error")) == (502, "ami-error")
    assert public_slug(DomainError("x")) == (400, "domain-error")


def test_a_specific_error_is_caught_by_its_type_not_its_details() -> None:
    try:
        raise NoSuchSeat("no such seat", field="extension")
    except NotFound as exc:
        assert isinstance(exc, NoSuchSeat) and exc.slug == "no-such-seat"
        assert exc.details == {"field": "extension"}
