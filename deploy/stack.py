"""The production stack on one machine, on loopback: Varnish in front of two gunicorn app servers
that share one PostgreSQL database and one Redis.

    scripts/stack                 # or `make stack`; Ctrl-C stops it
    scripts/stack --help

PostgreSQL and Redis must be running already (they are services, not ours to start); the rest
is started here and stopped on Ctrl-C: the database is made if missing, migrated and given the
hub's content, static files are collected, then the app servers and Varnish start
(deploy/varnish/default.vcl, with a backends.vcl written for these ports). The tests of the
stack (tests/test_stack.py) and bench/stack.py start the same `Stack`.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VCL_FOLDER = ROOT / "deploy" / "varnish"
PYTHON = sys.executable

BACKENDS_VCL = """\
# Written by deploy/stack.py for this stack's app servers; see deploy/varnish/backends.vcl.
import directors;

probe app_health {{
    .url = "/robots.txt";
    .interval = 1s;
    .timeout = 2s;
    .window = 5;
    .threshold = 4;
    .initial = 4;
}}
{backends}
acl purgers {{
    "127.0.0.1";
}}

sub vcl_init {{
    new app_servers = directors.round_robin();
{members}
}}
"""


def varnish_missing() -> str | None:
    """Why the stack cannot start Varnish here, or None when it can."""
    if not shutil.which("varnishd"):
        return "varnishd is not installed (apt-get install varnish varnish-modules)"
    if not any(Path(folder).glob("libvmod_xkey.so") for folder in VMOD_FOLDERS):
        return "the xkey vmod is not installed (apt-get install varnish-modules)"
    return None


VMOD_FOLDERS = [
    "/usr/lib/x86_64-linux-gnu/varnish/vmods",
    "/usr/lib/aarch64-linux-gnu/varnish/vmods",
    "/usr/lib/varnish/vmods",
    "/usr/lib64/varnish/vmods",
]


def wait_for(url, *, process=None, seconds=60, status=200):
    """Wait until `url` answers `status`; fail early if `process` stopped."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{' '.join(map(str, process.args[:4]))} … stopped (see above)")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == status:
                    return
        except urllib.error.HTTPError as error:
            if error.code == status:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer {status} within {seconds} s")


def postgres_database_ensure(database_url):
    """Make the database of `database_url` on its server if it does not exist yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(database_url)
    with psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


@dataclass
class Stack:
    """Varnish on `varnish_port` in front of one gunicorn per port of `app_ports`."""

    database_url: str
    redis_url: str
    workdir: Path
    varnish_port: int = 8080
    app_ports: tuple[int, ...] = (8001, 8002)
    workers: int = 2
    settings_module: str = "safetyhub.settings"
    # More environment for the app servers (and the commands preparing the database).
    env: dict = field(default_factory=dict)
    quiet: bool = True
    apps: dict = field(default_factory=dict, init=False)
    varnish: subprocess.Popen | None = field(default=None, init=False)
    # Varnish's own folder, in /tmp: varnishd reads it as an unprivileged user, who may not be
    # able to reach `workdir` (pytest's folders, for one, are private).
    varnish_dir: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="safetyhub-varnish-")), init=False
    )

    @property
    def url(self):
        return f"http://127.0.0.1:{self.varnish_port}"

    def app_url(self, index):
        return f"http://127.0.0.1:{self.app_ports[index]}"

    @property
    def app_env(self):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.settings_module,
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": self.database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": self.redis_url,
            "DJANGO_STATIC_ROOT": str(self.workdir / "static"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Varnish adds the visitor's address to X-Forwarded-For (sign-in throttling).
            "DJANGO_PROXY_COUNT": "1",
            "DJANGO_FRONTEND_CACHE_PURGE_URLS": f"{self.url}/",
            "DJANGO_LOG_LEVEL": "WARNING",
            **self.env,
        }

    @property
    def setup_env(self):
        """For commands run before Varnish is up: nothing to purge yet."""
        return {**self.app_env, "DJANGO_FRONTEND_CACHE_PURGE_URLS": ""}

    def manage(self, *args):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.setup_env, check=True)

    def prepare(self, *, content=True):
        """Make and migrate the database, load the hub's content, collect static files."""
        if self.database_url.startswith(("postgres://", "postgresql://")):
            postgres_database_ensure(self.database_url)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--noinput", "--verbosity", "0")
        if content:
            self.manage("load_hub", "--verbosity", "0")
            self.manage("ensure_admin")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")

    def start(self):
        """Start the app servers, then Varnish once they answer."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        for index in range(len(self.app_ports)):
            self.app_start(index, wait=False)
        self.apps_wait()
        self.varnish_start()

    def apps_wait(self):
        """Wait until every app server started answers."""
        for index, process in self.apps.items():
            wait_for(f"{self.app_url(index)}/robots.txt", process=process)

    def app_start(self, index, *, wait=True):
        output = subprocess.DEVNULL if self.quiet else None
        self.apps[index] = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "safetyhub.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.app_ports[index]}",
                "--log-level",
                "warning",
                "--graceful-timeout",
                "5",
            ],  # fmt: skip
            cwd=ROOT,
            env=self.app_env,
            stdout=output,
            start_new_session=True,
        )
        if wait:
            wait_for(f"{self.app_url(index)}/robots.txt", process=self.apps[index])

    def app_stop(self, index):
        process = self.apps.pop(index, None)
        if process is not None:
            stop(process)

    def varnish_start(self):
        folder = self.varnish_dir / "varnish"
        folder.mkdir(parents=True, exist_ok=True)
        self.varnish_dir.chmod(0o755)
        backends = "".join(
            f"\nbackend app{number} {{\n"
            f'    .host = "127.0.0.1";\n    .port = "{port}";\n    .probe = app_health;\n}}\n'
            for number, port in enumerate(self.app_ports, start=1)
        )
        members = "\n".join(
            f"    app_servers.add_backend(app{number});"
            for number in range(1, len(self.app_ports) + 1)
        )
        (self.varnish_dir / "backends.vcl").write_text(
            BACKENDS_VCL.format(backends=backends, members=members)
        )
        self.varnish = subprocess.Popen(
            [
                "varnishd",
                "-F",
                "-n",
                str(folder),
                "-a",
                f"127.0.0.1:{self.varnish_port}",
                "-T",
                "127.0.0.1:0",
                "-f",
                str(VCL_FOLDER / "default.vcl"),
                # Where `include "backends.vcl"` is found: this stack's, not the example.
                "-p",
                f"vcl_path={self.varnish_dir}:/usr/share/varnish/vcl",
                "-s",
                "malloc,256m",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL if self.quiet else None,
            start_new_session=True,
        )
        wait_for(f"{self.url}/robots.txt", process=self.varnish)

    def varnishadm(self, *args):
        return subprocess.run(
            ["varnishadm", "-n", str(self.varnish_dir / "varnish"), *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def varnish_empty(self):
        """Drop every object Varnish holds (between tests)."""
        self.varnishadm("ban", "obj.status", "!=", "0")

    def stop(self):
        if self.varnish is not None:
            stop(self.varnish)
            self.varnish = None
        shutil.rmtree(self.varnish_dir, ignore_errors=True)
        for index in list(self.apps):
            self.app_stop(index)


def stop(process):
    """Stop a server and its children: gunicorn on SIGINT (at once, not waiting for requests
    in flight), varnishd on SIGTERM; SIGKILL after 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT if "gunicorn" in process.args else signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def interrupted(signal_number, frame):
    raise KeyboardInterrupt


def parse_args():
    parser = argparse.ArgumentParser(
        description="Varnish in front of two gunicorn app servers, PostgreSQL and Redis."
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("STACK_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/safetyhub_stack",
        help="PostgreSQL database, made if missing (default: %(default)s)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("STACK_REDIS_URL") or "redis://127.0.0.1:6379/0",
        help="Redis for the shared cache (default: %(default)s)",
    )
    parser.add_argument("--port", type=int, default=8080, help="Varnish (default: %(default)s)")
    parser.add_argument(
        "--app-ports",
        default="8001,8002",
        help="the app servers' ports, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    return parser.parse_args()


def main():
    args = parse_args()
    if reason := varnish_missing():
        sys.exit(f"Cannot start the stack: {reason}.")
    stack = Stack(
        database_url=args.database_url,
        redis_url=args.redis_url,
        workdir=Path(tempfile.mkdtemp(prefix="safetyhub-stack-")),
        varnish_port=args.port,
        app_ports=tuple(int(port) for port in args.app_ports.split(",")),
        workers=args.workers,
        quiet=False,
    )
    # Ctrl-C and SIGTERM both end the wait below (SIGINT too when started in the background,
    # where the shell ignores it); the children run in sessions of their own, so they are
    # stopped here, in order, rather than by the terminal.
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, interrupted)
    try:
        print(f"Preparing {args.database_url} ...", flush=True)
        stack.prepare()
        stack.start()
        print(
            f"\nThe stack is up (Ctrl-C stops it):\n"
            f"  site through Varnish:  {stack.url}/\n"
            f"  admin (not cached):    {stack.url}/admin/\n"
            + "".join(
                f"  app server {index + 1}:          {stack.app_url(index)}/\n"
                for index in range(len(stack.app_ports))
            )
            + f"  database: {args.database_url}\n  Redis:    {args.redis_url}\n"
            f"  Varnish:  varnishlog -n {stack.varnish_dir / 'varnish'}",
            flush=True,
        )
        while True:
            for index, process in stack.apps.items():
                if process.poll() is not None:
                    sys.exit(f"App server {index + 1} stopped.")
            if stack.varnish.poll() is not None:
                sys.exit("Varnish stopped.")
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
    finally:
        stack.stop()
        shutil.rmtree(stack.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
