"""The database itself: settings, engines, the embedded cluster, the schema (models,
migrations) and the bounds of what it stores (dates).

Everything else in `layers/` reaches PostgreSQL through the engines made here.
"""
