"""Running the site in production: the server (`residanat serve`), backups and restores, the
health URL, the request log (issue 22). Imports nothing of residanat's other packages."""
