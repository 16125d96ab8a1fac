"""Growing-area writes: validated edits, lifecycle steps, codes, history, uploads.

Each module takes an SQLAlchemy AsyncConnection inside a transaction opened by `session.writing`
(which sets `ntm.actor`, so change_history records who) and raises `errors.*` for the API to map.
"""
