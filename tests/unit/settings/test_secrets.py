"""A production start names every secret that is unset, short or publicly known."""

from __future__ import annotations

import secrets

import pytest

from callcenter.settings import KNOWN_SECRETS, Settings


def strong(n: int = 40) -> str:
    return secrets.token_urlsafe(n)


def test_the_defaults_carry_no_secret_at_all() -> None:
    problems = Settings().secret_problems()
    assert problems == [
        "CALLCENTER_JWT_SECRET is not set",
        "CALLCENTER_AMI_SECRET is not set",
    ]


@pytest.mark.parametrize("known", sorted(KNOWN_SECRETS))
def test_every_published_default_is_refused(known: str) -> None:
    s = Settings(jwt_secret=known, ami_secret=known, operator_password=known)
    assert len(s.secret_problems()) == 3


def test_a_published_default_padded_to_length_is_still_refused() -> None:
    s = Settings(jwt_secret="change-me-" * 5, ami_secret=strong())
    assert s.secret_problems() == [
        "CALLCENTER_JWT_SECRET is a published default; generate one (deploy/secrets.sh)"
    ]


def test_short_and_repetitive_secrets_are_refused() -> None:
    s = Settings(jwt_secret="x" * 40, ami_secret="Ab3" * 2, operator_password="short-pw")
    assert s.secret_problems() == [
        "CALLCENTER_JWT_SECRET repeats too few characters to be random",
        "CALLCENTER_AMI_SECRET must be at least 16 characters",
        "CALLCENTER_OPERATOR_PASSWORD must be at least 12 characters",
    ]


def test_generated_secrets_pass_and_ami_off_needs_no_ami_secret() -> None:
    assert Settings(jwt_secret=strong(), ami_secret=strong(12)).secret_problems() == []
    assert Settings(jwt_secret=strong(), ami_enabled=False).secret_problems() == []


def test_from_env_reads_the_secrets() -> None:
    env = {"CALLCENTER_JWT_SECRET": strong(), "CALLCENTER_AMI_SECRET": strong()}
    assert Settings.from_env(env).secret_problems() == []
    assert Settings.from_env({}).jwt_secret == ""
