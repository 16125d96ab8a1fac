"""Writes of a cooperative's public profile and its OCOP products (issue 15), and product photos.

A `cooperative` account edits its own cooperative only; province staff (and admins) whose areas
hold the cooperative's commune edit it too and alone award the OCOP stars, score and certificate
year. Every write runs in `session.writing` (sets `ntm.actor`, so change_history records who)
and is checked against If-Match: these tables have no row_version, so the ETag is a digest of
the whole stored row (any writer, psql included, changes it). Errors are the growing-area types.
"""
