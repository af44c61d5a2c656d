"""README's "API in one minute" works for a new user on the demo stack (issue 17): the number
it assigns is one the demo tenant does not own already (else its first command fails with a
conflict), written in a form the one number parser accepts."""

from __future__ import annotations

import re
from pathlib import Path

from callcenter.devstack.demo import DEMO_NUMBERS
from callcenter.numbers.parsing import parse_number

README = Path(__file__).resolve().parents[3] / "README.md"


def example() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## API in one minute")
    return text[start : text.index("\n## ", start + 1)]


def test_the_readme_example_assigns_a_number_the_demo_tenant_does_not_own() -> None:
    assigned = re.findall(r'/numbers -d \'\{"number":"([^"]+)"\}\'', example())
    assert assigned, "the example assigns no number any more: update this test"
    demo = {parse_number(n).national for n in DEMO_NUMBERS}
    for written in assigned:
        number = parse_number(written).national
        assert number not in demo, (written, demo)
    # The route it sets is on the number it assigned.
    routed = re.findall(r"/numbers/([0-9]+)/route", example())
    assert routed and set(routed) <= {parse_number(n).national for n in assigned}, routed
