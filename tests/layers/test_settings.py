"""Settings: one object of groups, every variable checked when it is read, a bad value named.

Each test starts from an environment without NTM_* and DATABASE_URL, then sets what it checks.
"""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from layers.db.cluster import ClusterError, find_binaries
from layers.db.service_settings import ServiceSettings, TileSettings
from layers.db.settings import ERRORS, DatabaseSettings, Settings, env_name, explain
from layers.jobs.opendata.settings import OpenDataSettings
from layers.jobs.rasters.settings import RasterSettings
from layers.printing.settings import PrintSettings
from layers.read.settings import ReadSettings
from layers.workers.settings import BoundedSettings
from layers.write.account_settings import AccountSettings
from layers.write.growing.settings import GrowingSettings

GROUPS = (DatabaseSettings, ServiceSettings, TileSettings, ReadSettings, BoundedSettings, GrowingSettings,
          AccountSettings, OpenDataSettings, RasterSettings, PrintSettings)

# Every variable the program reads: renaming one breaks every deployment that sets it.
NAMES = {
    "DATABASE_URL", "NTM_HOME", "NTM_DB_PORT", "NTM_DB_NAME", "NTM_PG_BIN", "NTM_PROVINCE_CODE",
    "NTM_STATEMENT_TIMEOUT_MS", "NTM_DB_POOL_SIZE", "NTM_DB_PARALLEL_WORKERS", "NTM_STREAM_POOL_SIZE",
    "NTM_STREAM_WAIT_S", "NTM_HOST", "NTM_PORT", "NTM_WORKERS", "NTM_SEND_TIMEOUT_S", "NTM_CLIENT_SLOTS",
    "NTM_STAFF_SLOTS", "NTM_RUNTIME_DIR", "NTM_TRUSTED_PROXIES", "NTM_ALLOWED_HOSTS", "NTM_BASEMAP_STYLE_URL",
    "NTM_VENDOR_DIR", "NTM_TILE_CACHE_MB", "NTM_TILE_CACHE_DIR", "NTM_TILE_FEATURE_CAP", "NTM_TILE_MAX_AGE_S",
    "NTM_FILTER_MAX_CHARS", "NTM_FILTER_MAX_TOKENS", "NTM_FILTER_INLINE_CHARS", "NTM_FILTER_PARSE_TIMEOUT_S",
    "NTM_BOUNDED_WORKERS", "NTM_BOUNDED_MEMORY_MB", "NTM_GROWING_CODE_TEMPLATE", "NTM_GROWING_VALIDITY_MONTHS",
    "NTM_GROWING_OVERLAP_TOLERANCE_M2", "NTM_GROWING_COMMUNE_TOLERANCE_M", "NTM_GROWING_MIN_AREA_HA",
    "NTM_GROWING_MAX_VERTICES", "NTM_GROWING_MAX_AREA_HA", "NTM_GROWING_UPLOAD_MAX_MB",
    "NTM_GROWING_UPLOAD_MAX_UNZIPPED_MB", "NTM_GROWING_UPLOAD_MAX_ENTRIES", "NTM_GROWING_UPLOAD_MAX_FEATURES",
    "NTM_GROWING_EXPIRY_INTERVAL_S", "NTM_GROWING_INLINE_VERTICES", "NTM_GROWING_REPAIR_TIMEOUT_S",
    "NTM_GROWING_REPAIR_MAX_CROSSINGS", "NTM_GROWING_UPLOAD_CHECK_S", "NTM_TOKEN_DAYS", "NTM_SESSION_HOURS",
    "NTM_PASSWORD_MIN_LENGTH", "NTM_LOGIN_MAX_CONCURRENT", "NTM_OPENDATA_DIR", "NTM_OPENDATA_MIN_COUNT",
    "NTM_OPENDATA_LICENSE", "NTM_OPENDATA_LICENSE_TITLE", "NTM_OPENDATA_PUBLISHER", "NTM_OPENDATA_PUBLISHER_EN",
    "NTM_OPENDATA_CONTACT_EMAIL", "NTM_OPENDATA_BASE_URL", "NTM_OPENDATA_UPDATE_FREQUENCY",
    "NTM_PMTILES_MIN_ZOOM", "NTM_PMTILES_MAX_ZOOM",
    # rasters (issue 13)
    "NTM_RASTER_DIR", "NTM_RASTER_MAX_PIXELS", "NTM_RASTER_GDAL_CACHE_MB",
    "NTM_RASTER_STATS_INTERVAL_S", "NTM_RASTER_STATS_BATCH",
    "NTM_RASTER_TILE_WORKERS", "NTM_RASTER_TILE_DEADLINE_S", "NTM_RASTER_RECHECK_S",
    # label sheets and certificates (issue 15)
    "NTM_PRINT_WORKERS", "NTM_PRINT_MEMORY_MB", "NTM_PRINT_TIMEOUT_S",
}
# Folders: any path is a choice, none a mistake.
UNCHECKED = {"NTM_HOME", "NTM_RUNTIME_DIR", "NTM_VENDOR_DIR", "NTM_TILE_CACHE_DIR", "NTM_OPENDATA_DIR", "NTM_RASTER_DIR"}

BAD = [
    ("DATABASE_URL", "mysql://me@db/x"), ("DATABASE_URL", "db.example.org:5432"),
    ("NTM_DB_PORT", "0"), ("NTM_DB_PORT", "65536"), ("NTM_DB_PORT", "abc"), ("NTM_DB_NAME", "ntm; drop"),
    ("NTM_PG_BIN", "/nonexistent/bin"), ("NTM_PROVINCE_CODE", "4"), ("NTM_STATEMENT_TIMEOUT_MS", "0"),
    ("NTM_DB_POOL_SIZE", "0"), ("NTM_DB_PARALLEL_WORKERS", "-1"), ("NTM_STREAM_POOL_SIZE", "0"),
    ("NTM_STREAM_WAIT_S", "0"), ("NTM_HOST", ""), ("NTM_PORT", "0"), ("NTM_PORT", "70000"), ("NTM_WORKERS", "0"),
    ("NTM_SEND_TIMEOUT_S", "-1"), ("NTM_CLIENT_SLOTS", "0"), ("NTM_STAFF_SLOTS", "0"),
    ("NTM_TRUSTED_PROXIES", '["10.0.0.5", ""]'), ("NTM_TRUSTED_PROXIES", "10.0.0.5"),
    ("NTM_ALLOWED_HOSTS", '[" "]'), ("NTM_BASEMAP_STYLE_URL", "style.json"),
    ("NTM_TILE_CACHE_MB", "-1"), ("NTM_TILE_FEATURE_CAP", "0"), ("NTM_TILE_MAX_AGE_S", "-1"),
    ("NTM_FILTER_MAX_CHARS", "255"), ("NTM_FILTER_MAX_TOKENS", "63"), ("NTM_FILTER_INLINE_CHARS", "-1"),
    ("NTM_FILTER_PARSE_TIMEOUT_S", "0"), ("NTM_BOUNDED_WORKERS", "0"), ("NTM_BOUNDED_MEMORY_MB", "63"),
    ("NTM_GROWING_CODE_TEMPLATE", "VN-{commune}"), ("NTM_GROWING_CODE_TEMPLATE", "VN-{parish}-{serial}"),
    ("NTM_GROWING_VALIDITY_MONTHS", "0"), ("NTM_GROWING_OVERLAP_TOLERANCE_M2", "-1"),
    ("NTM_GROWING_COMMUNE_TOLERANCE_M", "-0.5"), ("NTM_GROWING_MIN_AREA_HA", '{"ric": 3}'),
    ("NTM_GROWING_MIN_AREA_HA", '{"rice": -3}'), ("NTM_GROWING_MIN_AREA_HA", "{rice: 3}"),
    ("NTM_GROWING_MAX_VERTICES", "3"), ("NTM_GROWING_MAX_AREA_HA", "0"), ("NTM_GROWING_UPLOAD_MAX_MB", "0"),
    ("NTM_GROWING_UPLOAD_MAX_UNZIPPED_MB", "0"), ("NTM_GROWING_UPLOAD_MAX_ENTRIES", "0"),
    ("NTM_GROWING_UPLOAD_MAX_FEATURES", "0"), ("NTM_GROWING_EXPIRY_INTERVAL_S", "-1"),
    ("NTM_GROWING_INLINE_VERTICES", "-1"), ("NTM_GROWING_REPAIR_TIMEOUT_S", "0"),
    ("NTM_GROWING_REPAIR_MAX_CROSSINGS", "-1"), ("NTM_GROWING_UPLOAD_CHECK_S", "0"), ("NTM_TOKEN_DAYS", "0"),
    ("NTM_SESSION_HOURS", "0"), ("NTM_PASSWORD_MIN_LENGTH", "0"), ("NTM_LOGIN_MAX_CONCURRENT", "0"),
    ("NTM_OPENDATA_MIN_COUNT", "0"), ("NTM_OPENDATA_LICENSE", "CC-BY-4.0"), ("NTM_OPENDATA_LICENSE_TITLE", ""),
    ("NTM_OPENDATA_PUBLISHER", ""), ("NTM_OPENDATA_PUBLISHER_EN", ""), ("NTM_OPENDATA_CONTACT_EMAIL", "nobody"),
    ("NTM_OPENDATA_BASE_URL", "data.example.vn/ntm"), ("NTM_OPENDATA_UPDATE_FREQUENCY", "monthly"),
    ("NTM_PMTILES_MIN_ZOOM", "-1"), ("NTM_PMTILES_MAX_ZOOM", "23"),
    ("NTM_RASTER_MAX_PIXELS", "0"), ("NTM_RASTER_GDAL_CACHE_MB", "8"),
    ("NTM_RASTER_STATS_INTERVAL_S", "-1"), ("NTM_RASTER_STATS_BATCH", "0"),
    ("NTM_RASTER_TILE_WORKERS", "-1"), ("NTM_RASTER_TILE_DEADLINE_S", "0"), ("NTM_RASTER_RECHECK_S", "-1"),
    ("NTM_PRINT_WORKERS", "0"), ("NTM_PRINT_MEMORY_MB", "63"), ("NTM_PRINT_TIMEOUT_S", "0"),
]
# Cross-field checks: the values together are the mistake, and the message names both variables.
BAD_TOGETHER = [
    ({"NTM_PMTILES_MIN_ZOOM": "13"}, "NTM_PMTILES_MIN_ZOOM", "NTM_PMTILES_MAX_ZOOM"),
    ({"NTM_PMTILES_MIN_ZOOM": "6", "NTM_PMTILES_MAX_ZOOM": "5"}, "NTM_PMTILES_MIN_ZOOM", "NTM_PMTILES_MAX_ZOOM"),
    ({"NTM_GROWING_UPLOAD_MAX_MB": "200"}, "NTM_GROWING_UPLOAD_MAX_MB", "NTM_GROWING_UPLOAD_MAX_UNZIPPED_MB"),
    ({"NTM_FILTER_INLINE_CHARS": "70000"}, "NTM_FILTER_INLINE_CHARS", "NTM_FILTER_MAX_CHARS"),
]


@pytest.fixture
def env(monkeypatch):
    """A clean environment: no NTM_* or DATABASE_URL of the caller's; returns a setter."""
    for name in [n for n in os.environ if n.startswith("NTM_") or n == "DATABASE_URL"]:
        monkeypatch.delenv(name)

    def put(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    return put


def refusal(settings_class=Settings) -> str:
    with pytest.raises(ERRORS) as caught:
        settings_class()
    return explain(caught.value)


def test_the_defaults_are_valid(env):
    settings = Settings()
    assert settings.database_url is None and settings.pg_bin is None and settings.port == 8000
    for group in GROUPS:
        group()


def test_the_variables_keep_their_names():
    assert {env_name(field) for field in Settings.model_fields} == NAMES


def test_every_group_is_part_of_settings_and_no_field_is_in_two():
    fields = [field for group in GROUPS for field in group.model_fields]
    assert len(fields) == len(set(fields)) and set(fields) == set(Settings.model_fields)


def test_each_numeric_variable_is_read(env):
    """Read through the composed class as before the groups: every number set in its variable."""
    defaults = Settings()
    values = {field: getattr(defaults, field) + 1 for field, info in Settings.model_fields.items()
              if info.annotation in (int, float)}
    env(**{env_name(field): str(value) for field, value in values.items()})
    read = Settings()
    assert {field: getattr(read, field) for field in values} == values


def test_the_database_url_has_two_names_and_empty_means_unset(env):
    env(NTM_DATABASE_URL="postgresql://a@h/x")
    assert Settings().database_url == "postgresql://a@h/x"
    env(DATABASE_URL="postgresql+psycopg://b@h/y")
    assert Settings().database_url == "postgresql+psycopg://b@h/y"
    env(DATABASE_URL="", NTM_DATABASE_URL="")
    assert Settings().database_url is None


def test_every_checked_variable_has_a_bad_value_below():
    assert {name for name, _ in BAD} == NAMES - UNCHECKED


@pytest.mark.parametrize(("name", "value"), BAD)
def test_a_bad_value_is_refused_naming_its_variable(env, name, value):
    env(**{name: value})
    message = refusal()
    assert message.startswith(f"{name}: ") and "\n" not in message


@pytest.mark.parametrize(("values", "first", "second"), BAD_TOGETHER)
def test_values_that_contradict_each_other_are_refused_naming_both(env, values, first, second):
    env(**values)
    message = refusal()
    assert message.startswith(f"{first}: ") and second in message


def test_the_cross_checks_hold_in_each_group_alone(env):
    env(NTM_PMTILES_MIN_ZOOM="13")
    assert refusal(OpenDataSettings).startswith("NTM_PMTILES_MIN_ZOOM: ")


def test_good_values_pass(env):
    env(DATABASE_URL="postgres://me:pw@db:5432/ntm", NTM_GROWING_MIN_AREA_HA='{"rice": 3, "tea": 0}',
        NTM_TRUSTED_PROXIES='["10.0.0.0/8", "testclient"]', NTM_ALLOWED_HOSTS='["*"]',
        NTM_BASEMAP_STYLE_URL="https://tiles.example.org/style.json", NTM_PMTILES_MIN_ZOOM="12",
        NTM_GROWING_CODE_TEMPLATE="{province}{commune}-{year}-{serial:05d}", NTM_OPENDATA_UPDATE_FREQUENCY="ANNUAL")
    settings = Settings()
    assert settings.growing_min_area_ha == {"rice": 3.0, "tea": 0.0} and settings.pmtiles_min_zoom == 12


def test_the_cli_says_which_setting_is_wrong_in_one_line(env):
    from api.cli import main

    result = CliRunner().invoke(main, ["db", "status"], env={"NTM_PORT": "70000"})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip() == "Error: NTM_PORT: Input should be less than or equal to 65535"


def test_the_postgresql_binaries_come_from_the_settings_given(env, tmp_path):
    try:
        installed = find_binaries(Settings())
    except ClusterError:
        pytest.skip("no PostgreSQL installed")
    env(NTM_PG_BIN=str(installed.bindir))
    assert find_binaries(Settings()) == installed
    (tmp_path / "postgres").write_text("#!/bin/sh\necho 'postgres (PostgreSQL) 99.1'\n")
    (tmp_path / "postgres").chmod(0o755)
    assert find_binaries(Settings(pg_bin=tmp_path)).version == "99"
