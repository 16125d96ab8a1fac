"""Household addresses written by commune staff in field campaigns (issue 16): points with their
address code and Plus Code, moved, verified, split, merged and retired, with the personal fields
kept apart in `private.household_private` and every access to them recorded."""
