"""VN-2000 TM-3 zones EPSG:9205–9218 in spatial_ref_sys, so the API can answer in them.

PostGIS 3.3 ships EPSG:5896–5899 but not the 2020 TM-3 codes provinces use. The rows are
taken from PROJ's database (pyproj) when the migration runs; PostGIS then asks PROJ for the
transformation by the EPSG code, as it does for its own rows.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CODES = range(9205, 9219)


def upgrade() -> None:
    import warnings

    from pyproj import CRS

    rows = []
    with warnings.catch_warnings():  # the PROJ string is a fallback; PostGIS uses the EPSG code
        warnings.simplefilter("ignore", UserWarning)
        for code in CODES:
            crs = CRS.from_epsg(code)
            rows.append({"srid": code, "srtext": crs.to_wkt("WKT1_GDAL"), "proj4text": crs.to_proj4()})
    op.get_bind().execute(
        sa.text("INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
                "VALUES (:srid, 'EPSG', :srid, :srtext, :proj4text) ON CONFLICT (srid) DO NOTHING"),
        rows,
    )


def downgrade() -> None:
    """Nothing: a newer PostGIS may own these rows, and leaving reference data is harmless."""
