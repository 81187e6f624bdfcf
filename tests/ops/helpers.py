import socket


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_worker():
    """The real worker (`residanat worker`), in this process and on the test database: it runs
    every queued job, then stops."""
    from django.core.management import call_command

    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
