"""HTTP side of ntm-map: FastAPI routers, pages, the CLI. Thin: parse, check, call, format."""
