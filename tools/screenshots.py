"""Screenshots of pages as a person sees them, in French and Arabic (headless Chromium).

    .venv/bin/python tools/screenshots.py USER PATH [PATH ...] [--base http://127.0.0.1:8000]

Logs in as USER with the demo password, answers the TOTP step with `residanat demo_otp`, then
saves one PNG per path and language under tests/e2e/shots/. Needs Debian's chromium and the
`playwright` package (its bundled driver; no browser download).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DEMO_PASSWORD = "residanat-demo-2026"
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def otp_code(username):
    return subprocess.run(
        [str(ROOT / ".venv/bin/residanat"), "demo_otp", username],
        capture_output=True, text=True, check=True,
        # The same database as the server being photographed (DATABASE_URL, when set).
        env={"DEBUG": "1", "HTTPS": "0", "PATH": "/usr/bin:/bin",
             **{k: v for k, v in os.environ.items() if k == "DATABASE_URL"}},
        cwd=ROOT,
    ).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("user")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "tests/e2e/shots"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--first-screen", action="store_true",
                        help="only what the first screen shows (long pages are unreadable whole)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        if args.user != "anonymous":
            page.goto(f"{args.base}/compte/connexion/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("main button[type=submit]")
            if "/verification/" in page.url:
                page.fill("#id_token", otp_code(args.user))
                page.click("main button[type=submit]")
        for path in args.paths:
            for prefix in ("", "/ar"):
                page.goto(f"{args.base}{prefix}{path}")
                page.wait_for_load_state("networkidle")
                name = f"{args.user}{path.replace('/', '_').replace('?', '_').replace('=', '-')}_{prefix.strip('/') or 'fr'}.png"
                page.screenshot(path=str(out / name), full_page=not args.first_screen)
                print(out / name)
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
