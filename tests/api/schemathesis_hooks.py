"""schemathesis hooks for tests/api/schemathesis.toml (loaded by the schemathesis CLI)."""
