from pathlib import Path

import pytest

import residanat.concours

SEED = Path(residanat.concours.__file__).with_name("data") / "posts_letter_2026_casablanca.txt"


@pytest.fixture
def seed_text():
    """The ministry's letter of seed 000, as sent (markdown, <b> tags, page breaks, typos)."""
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def edited_seed(seed_text):
    """The seed with one line replaced: edited_seed(line_number, old, new) -> text."""

    def edit(number: int, old: str, new: str) -> str:
        lines = seed_text.split("\n")
        assert old in lines[number - 1], f"line {number} is {lines[number - 1]!r}"
        lines[number - 1] = lines[number - 1].replace(old, new)
        return "\n".join(lines)

    return edit


@pytest.fixture
def referential(db):
    from residanat.referential.loader import load_referential

    load_referential()
