"""Tourism listing writes (issue 14): places, routes and events by promoters, moderated by staff.

Each module takes an SQLAlchemy AsyncConnection inside a transaction opened by `session.writing`
(which sets `ntm.actor`, so change_history records who) and raises the growing-area error types
(layers.write.growing.errors) for the API to map. `access` is the one rule of who may edit what.
"""
