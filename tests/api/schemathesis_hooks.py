"""schemathesis hooks for tests/api/schemathesis.toml (loaded by the schemathesis CLI).

The schema names the RIB's format ("rib": 24 digits whose last two are the key); JSON Schema
cannot compute the key, so schemathesis learns here what a valid one looks like, and its
positive cases are accepted while wrong keys stay refused with 422."""

import schemathesis
from hypothesis import strategies as st

from residanat.rules.rib import with_key

schemathesis.openapi.format("rib", st.from_regex(r"\d{22}", fullmatch=True).map(with_key))
