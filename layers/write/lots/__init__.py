"""Harvest-lot writes (issue 15): register, correct, recall, history. No HTTP here.

Each function takes an SQLAlchemy AsyncConnection inside `session.writing` (which sets
`ntm.actor`, so the private row and change_history record who, and turns the database's lot
rules into the same errors growing areas raise: 400 a field, 403 another cooperative, 409 a
recalled lot, 412 a stale If-Match, 422 a rule with where). The database holds every rule
(migration 0011); the checks here only say it earlier and in more words.
"""
