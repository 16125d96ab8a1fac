"""HTTP side of ntm-map and the CLI. Thin: parse, check, call, format. `routes/` (FastAPI
routers), `http/` (middleware and request plumbing), `query/` (query strings into plain values),
`openapi/` (the definition at /api), `pages/` (response writers, page data), `cli/` (`ntm-map`).
"""
