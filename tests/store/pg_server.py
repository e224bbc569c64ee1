"""A throwaway PostgreSQL server for the tests: ``initdb`` in a temporary
folder, listening on loopback only at a free port, stopped at the end.

PostgreSQL refuses to run as root, so when the tests run as root (CI) the
server runs as an unprivileged user, ``claude_tui_pg``, created with
``useradd`` if it is missing. When no server can be started (no binaries,
no such user and no way to make one) ``start()`` raises ``Unavailable``
with the reason, which the fixtures print as the skip reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

USER = "claude_tui_pg"
PASSWORD = "s3cret-pw"
START_TIMEOUT_S = 60


class Unavailable(Exception):
    """No PostgreSQL server can be started here (the message says why)."""


def _bindir() -> Path:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    raise Unavailable("PostgreSQL's initdb was not found (install postgresql)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_user() -> list[str]:
    """The prefix that runs a command as the server's user ([] when not root)."""
    if os.geteuid() != 0:
        return []
    import pwd

    try:
        pwd.getpwnam(USER)
    except KeyError:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
            capture_output=True, text=True,
        )
        if made.returncode not in (0, 9):  # 9: it exists (made meanwhile)
            raise Unavailable(f"running as root and cannot create the user {USER}: {made.stderr.strip()}")
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root without runuser to start PostgreSQL as another user")
    return [runuser, "-u", USER, "--"]


@dataclass
class PgServer:
    """A running server; ``url(db)`` names a database on it (with the password)."""

    datadir: Path
    port: int
    bindir: Path
    prefix: list[str]
    base: Path

    def url(self, db: str = "postgres", password: str | None = PASSWORD) -> str:
        auth = f"{USER}:{password}" if password is not None else USER
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}"

    def psql(self, sql: str, db: str = "postgres") -> str:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as conn:
            cur = conn.execute(sql)
            return str(cur.fetchall()) if cur.description else ""

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"],
            capture_output=True, timeout=60,
        )

    def start(self) -> None:
        log = self.base / "server.log"
        done = subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(log),
             "-o", f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off",
             "-w", "-t", str(START_TIMEOUT_S), "start"],
            capture_output=True, text=True, timeout=START_TIMEOUT_S + 10,
        )
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise Unavailable(f"pg_ctl start failed: {done.stderr.strip()} {tail}")

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def start() -> PgServer:
    """Make and start a fresh server (raises ``Unavailable`` with the reason)."""
    bindir = _bindir()
    prefix = _as_user()
    base = Path(tempfile.mkdtemp(prefix="claude-tui-pg-"))
    datadir = base / "data"
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if prefix:
        import pwd

        info = pwd.getpwnam(USER)
        for path in (base, pwfile):
            os.chown(path, info.pw_uid, info.pw_gid)
    done = subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(datadir), "-U", USER, "--pwfile", str(pwfile),
         "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"],
        capture_output=True, text=True, timeout=120,
    )
    if done.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        raise Unavailable(f"initdb failed: {done.stderr.strip()[-1000:]}")
    server = PgServer(datadir, _free_port(), bindir, prefix, base)
    try:
        server.start()
    except Exception:
        shutil.rmtree(base, ignore_errors=True)
        raise
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            server.psql("SELECT 1")
            return server
        except Exception as exc:  # noqa: BLE001 - waiting for it to accept logins
            if time.monotonic() > deadline:
                server.cleanup()
                raise Unavailable(f"the server did not accept logins: {exc}") from None
            time.sleep(0.1)


@pytest.fixture(scope="session")
def pg() -> Any:
    """The test session's PostgreSQL server, started on first use; without one
    the test skips with the reason (under CI=true it fails: CI must run them)."""
    try:
        server = start()
    except Unavailable as exc:
        reason = f"no PostgreSQL server for the tests: {exc}"
        print(reason)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield server
    server.cleanup()
