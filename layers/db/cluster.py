"""The embedded PostgreSQL + PostGIS cluster that `ntm-map db up` runs when no DATABASE_URL is set.

A new user should not have to create roles, databases or extensions by hand, and must not depend
on a system PostgreSQL being configured: the project keeps its own cluster in a git-ignored
folder, on its own port and socket, with a generated password. PostgreSQL refuses to run as root,
so under root the server runs as the `postgres` system user.
"""
from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from layers.db.settings import Settings

SUPERUSER = "ntm"


class ClusterError(RuntimeError):
    """A problem the user can fix; the message says how."""


@dataclass(frozen=True)
class PgBinaries:
    version: str
    bindir: Path


def find_binaries(settings: Settings) -> PgBinaries:
    """The PostgreSQL of `settings.pg_bin` (NTM_PG_BIN), else the newest installed one that also
    has PostGIS (Debian layout)."""
    if settings.pg_bin is not None:
        bindir = settings.pg_bin
        out = subprocess.run([bindir / "postgres", "--version"], capture_output=True, text=True)
        return PgBinaries(out.stdout.split()[-1].split(".")[0], bindir)
    found = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        version = bindir.parent.name
        if (bindir / "initdb").exists():
            has_postgis = Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists()
            found.append((has_postgis, int(version), PgBinaries(version, bindir)))
    if not found:
        raise ClusterError(
            "PostgreSQL is not installed. On Debian/Ubuntu run `make run` (it installs it), or "
            "`sudo apt-get install postgresql postgresql-postgis`; elsewhere install PostgreSQL "
            "with PostGIS 3 and set NTM_PG_BIN to its bin folder, or set DATABASE_URL."
        )
    found.sort(key=lambda f: (f[0], f[1]))
    has_postgis, _, best = found[-1]
    if not has_postgis:
        raise ClusterError(
            f"PostGIS is not installed for PostgreSQL {best.version}. On Debian/Ubuntu: "
            f"`sudo apt-get install postgresql-{best.version}-postgis-3`."
        )
    return best


class Cluster:
    """One cluster in `settings.home`. Paths and credentials are derived, never configured twice."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.home = settings.home
        self.port = settings.db_port
        self.as_postgres = os.geteuid() == 0

    # --- where things are -------------------------------------------------------------------
    @property
    def server_home(self) -> Path:
        """Folder owned by the server's user: data, socket and logs.

        Under root the server runs as `postgres`, which may not be able to enter the checkout
        (e.g. under /root); then the cluster lives in /var/lib/ntm-map/<name> instead.
        """
        local = self.home / "postgres"
        if not self.as_postgres or _traversable_by_postgres(self.home):
            return local
        return Path("/var/lib/ntm-map") / (str(self.home).strip("/").replace("/", "_") or "root")

    @property
    def data_dir(self) -> Path:
        return self.server_home / "data"

    @property
    def log_file(self) -> Path:
        return self.server_home / "log" / "postgresql.log"

    @property
    def credentials_file(self) -> Path:
        return self.home / "credentials.json"

    def credentials(self) -> dict:
        try:
            return json.loads(self.credentials_file.read_text())
        except FileNotFoundError:
            raise ClusterError(
                f"The embedded database has not been created yet ({self.credentials_file} is "
                "missing): run `ntm-map db up`."
            ) from None

    def url(self, dbname: str | None = None) -> str:
        c = self.credentials()
        return (
            f"postgresql://{c['user']}:{c['password']}@127.0.0.1:{self.port}/"
            f"{dbname or self.settings.db_name}"
        )

    # --- commands ---------------------------------------------------------------------------
    def _run(self, args: list, **kw) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, **kw)

    def is_running(self) -> bool:
        if not (self.data_dir / "PG_VERSION").exists():
            return False
        binaries = find_binaries(self.settings)
        return self._run([binaries.bindir / "pg_ctl", "status", "-D", self.data_dir]).returncode == 0

    def up(self) -> str:
        """Create (first time) and start the cluster, create the database; return its URL."""
        binaries = find_binaries(self.settings)
        self.home.mkdir(parents=True, exist_ok=True)
        if (self.data_dir / "PG_VERSION").exists():
            self._check_version(binaries)
        if not self.is_running():
            self._check_port_free()
            if not (self.data_dir / "PG_VERSION").exists():
                self._initdb(binaries)
            self._start(binaries)
        self._ensure_database()
        return self.url()

    def down(self) -> bool:
        if not self.is_running():
            return False
        binaries = find_binaries(self.settings)
        res = self._run([binaries.bindir / "pg_ctl", "stop", "-D", self.data_dir, "-m", "fast", "-w"])
        if res.returncode != 0:
            raise ClusterError(f"Could not stop the database: {res.stderr.strip()}")
        return True

    def _initdb(self, binaries: PgBinaries) -> None:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(18)
        pwfile = self.server_home / ".pwfile"
        pwfile.write_text(password + "\n")
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            for p in (self.server_home, self.log_file.parent, pwfile):
                os.chown(p, pw.pw_uid, pw.pw_gid)
            self.server_home.chmod(0o700)
        res = self._run([
            binaries.bindir / "initdb", "-D", self.data_dir, "-U", SUPERUSER,
            "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
            "--encoding=UTF8", "--locale=C.UTF-8",
        ])
        pwfile.unlink()
        if res.returncode != 0:
            raise ClusterError(f"initdb failed:\n{res.stderr.strip()}")
        conf = (
            "\n# ntm-map embedded cluster\n"
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.data_dir}'\n"
            "shared_buffers = 256MB\nwork_mem = 32MB\nmaintenance_work_mem = 256MB\n"
            "jit = off\nmax_wal_size = 2GB\n"
            "logging_collector = off\nlog_min_duration_statement = 2000\n"
        )
        self._run(["sh", "-c", f"cat >> '{self.data_dir}/postgresql.conf'"], input=conf)
        self.credentials_file.write_text(json.dumps({"user": SUPERUSER, "password": password}))
        self.credentials_file.chmod(0o600)

    def _check_version(self, binaries: PgBinaries) -> None:
        data_version = (self.data_dir / "PG_VERSION").read_text().strip()
        if data_version != binaries.version:
            raise ClusterError(
                f"The data folder {self.data_dir} belongs to PostgreSQL {data_version}, but the "
                f"installed server is PostgreSQL {binaries.version}. Install "
                f"postgresql-{data_version}-postgis-3 (and set NTM_PG_BIN="
                f"/usr/lib/postgresql/{data_version}/bin), or move the folder away to start fresh "
                "(the demo data is regenerated by `ntm-map load demo`)."
            )

    def _check_port_free(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", self.port)) == 0:
                raise ClusterError(
                    f"Port {self.port} on 127.0.0.1 is already taken by another program, so the "
                    "embedded database cannot start. Stop that program or choose another port "
                    f"with NTM_DB_PORT (e.g. NTM_DB_PORT={self.port + 1})."
                )

    def _start(self, binaries: PgBinaries) -> None:
        res = self._run([
            binaries.bindir / "pg_ctl", "start", "-D", self.data_dir, "-l", self.log_file,
            "-w", "-t", "60", "-o", f"-p {self.port}",
        ])
        if res.returncode != 0:
            tail = _tail(self.log_file)
            raise ClusterError(
                f"The database did not start (log: {self.log_file}):\n{res.stderr.strip()}\n{tail}"
            )

    def _ensure_database(self) -> None:
        """The project's database on a cluster that has just started (it may still be coming up)."""
        url = self.url("postgres").replace("postgresql://", "postgresql+psycopg://", 1)
        engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                  connect_args={"connect_timeout": 5})
        deadline = time.monotonic() + 30
        try:
            while True:
                try:
                    conn = engine.connect()
                    break
                except sa.exc.OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            with conn:
                name = self.settings.db_name
                exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                      {"name": name}).first()
                if not exists:  # CREATE DATABASE takes no parameter: the name is quoted as one
                    conn.execute(sa.text(f"CREATE DATABASE {conn.dialect.identifier_preparer.quote_identifier(name)}"))
        finally:
            engine.dispose()


def _traversable_by_postgres(path: Path) -> bool:
    if shutil.which("runuser") is None:
        return False
    probe = path if path.exists() else path.parent
    res = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(probe)], capture_output=True)
    return res.returncode == 0


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
