"""Pure geospatial functions and types: no database, no HTTP.

Everything here can be unit-tested with plain data; `layers/` and `api/` build on it.
"""
