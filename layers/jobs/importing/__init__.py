"""File import into PostGIS: `ntm-map import LAYER FILE`.

Reading and repairing happen in `geo/`; here rows are mapped to a table's columns, staged with
COPY into a temporary table, completed in SQL (commune from location, parent province, address
codes) and checked, then inserted in one statement. The caller owns the transaction, so a
failure anywhere leaves the tables untouched.
"""
from layers.jobs.importing.loader import ImportFailed, ImportOptions, ImportReport, import_file
from layers.jobs.importing.specs import SPECS

__all__ = ["SPECS", "ImportFailed", "ImportOptions", "ImportReport", "import_file"]
