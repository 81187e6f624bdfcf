"""Real processes on the test database: `residanat serve` (and, with the background jobs, the
worker), started as production starts them, and a browser that keeps its cookies across them."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import quote

import pytest

SECRET_KEY = "serve-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(db):
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def production_environ(db, folder, **extra):
    """The environment of a production process on the test database `db` (a settings dict):
    DEBUG off, files under `folder`. Every process given the same folder shares media and var,
    as machines share their storage."""
    environ = {key: value for key, value in os.environ.items()
               if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "CACHE_URL")}
    environ.update({
        "DJANGO_SETTINGS_MODULE": "residanat.settings",
        "DATABASE_URL": database_url(db),
        "SECRET_KEY": SECRET_KEY,
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "RESIDANAT_VAR": str(folder / "var"),
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_FORMAT": "json",
    })
    environ.update(extra)
    return environ


class Server:
    def __init__(self, process, url, folder):
        self.process, self.url, self.folder = process, url, folder

    def get(self, path, **headers):
        request = urllib.request.Request(self.url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def stdout(self):
        return (self.folder / "stdout").read_text()

    def stderr(self):
        return (self.folder / "stderr").read_text()

    def wait(self, seconds=120):
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"serve stopped with {self.process.returncode}: {self.stderr()[-2000:]}")
            try:
                if self.get("/sante/")[0] == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"serve did not answer within {seconds} s: {self.stderr()[-2000:]}")
            time.sleep(0.3)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def launch(arguments, environ, folder):
    """`python -m residanat <arguments>` in the background, its output in files of `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "stdout", "w") as out, open(folder / "stderr", "w") as err:
        return subprocess.Popen([sys.executable, "-m", "residanat", *arguments], env=environ, stdout=out, stderr=err)


def start_server(environ, folder, *, workers=1, collectstatic=True, wait=True):
    """`residanat serve` on a free port; with `wait`, returns once it answers its health URL
    (else call `.wait()`)."""
    port = free_port()
    arguments = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    process = launch(arguments if collectstatic else [*arguments, "--no-collectstatic"], environ, folder)
    server = Server(process, f"http://127.0.0.1:{port}", folder)
    return server.wait() if wait else server


class Browser:
    """One person's browser: its cookies (session, CSRF) go to whichever server it asks, as
    behind a proxy that spreads requests over several machines."""

    def __init__(self, **headers):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.headers = headers

    def cookie(self, name):
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=self.headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def download(self, url):
        """(status, content type, body as bytes): a document rather than a page."""
        try:
            with self.opener.open(urllib.request.Request(url, headers=self.headers), timeout=60) as response:
                return response.status, response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get_content_type(), error.read()

    def post_form(self, url, data):
        """POST `data` with the CSRF token of the form GET `url` gave."""
        self.request(url)
        return self.request(url, {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data})


def run_worker():
    """The real worker (`residanat worker`), in this process and on the test database: it runs
    every queued job, then stops."""
    from django.core.management import call_command

    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)


def run_queued_jobs():
    """What the worker does with each queued job (`do_run_job`, the task it runs), in this process and
    inside the test's transaction: for the tests that cannot be transactional (a closed payroll run
    is never deleted, so the database cannot be flushed after them). Each kind also has a test
    with the real worker (`run_worker`)."""
    from residanat.ops.jobs import do_run_job
    from residanat.ops.models import Job

    for pk in Job.objects.filter(state=Job.State.QUEUED).order_by("pk").values_list("pk", flat=True):
        do_run_job.call(pk)
