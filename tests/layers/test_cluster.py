"""The embedded cluster: a clean start and stop, and clear messages when it cannot start."""
from __future__ import annotations

import shutil
import socket

import psycopg
import pytest

from layers.db.cluster import Cluster, ClusterError, find_binaries
from layers.db.settings import Settings

pytestmark = pytest.mark.db  # PostgreSQL's own programs, clusters of its own: no test database fixture


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(Settings(home=tmp_path / "home", db_port=free_port(), database_url=None))
    yield c
    try:
        c.down()
    finally:
        shutil.rmtree(c.server_home, ignore_errors=True)


def test_up_is_idempotent_and_down_stops(cluster):
    url = cluster.up()
    assert url.startswith("postgresql://ntm:") and f":{cluster.port}/ntm_map" in url
    assert cluster.up() == url  # second call: already running, same database
    with psycopg.connect(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        assert conn.execute("SELECT postgis_lib_version()").fetchone()[0].startswith("3.")
    assert cluster.credentials_file.stat().st_mode & 0o077 == 0  # password file is private
    assert cluster.down() is True
    assert not cluster.is_running()
    assert cluster.down() is False


def test_port_taken_gets_a_clear_message_and_creates_nothing(cluster):
    with socket.socket() as s:
        s.bind(("127.0.0.1", cluster.port))
        s.listen()
        with pytest.raises(ClusterError, match=rf"Port {cluster.port} .* already taken.*NTM_DB_PORT"):
            cluster.up()
    assert not (cluster.data_dir / "PG_VERSION").exists()


def test_data_folder_of_another_version(cluster):
    cluster.data_dir.mkdir(parents=True)
    (cluster.data_dir / "PG_VERSION").write_text("9.6\n")
    installed = find_binaries(cluster.settings).version
    with pytest.raises(ClusterError, match=rf"belongs to PostgreSQL 9.6.*installed server is PostgreSQL {installed}"):
        cluster.up()


def test_missing_credentials_says_to_run_db_up(tmp_path):
    c = Cluster(Settings(home=tmp_path / "nowhere", database_url=None))
    with pytest.raises(ClusterError, match="ntm-map db up"):
        c.url()
