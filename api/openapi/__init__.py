"""The OpenAPI 3.0 definition served at /api: FastAPI's, plus what it cannot infer (per-collection
Features paths with a parameter per queryable, OGC operation ids, error and response schemas,
the writes' security)."""
