"""Our date formats, read before Django's own (settings.FORMAT_MODULE_PATH): only what differs."""
