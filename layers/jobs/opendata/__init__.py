"""Open data: the published datasets, live indicators, privacy rules, releases and the catalog.

Everything read here starts from `layers.read.relations.public_select` (registry layers) or from
SQL over those public selects (indicators), so nothing outside the registry's public fields and
rows can reach a file. See docs/opendata.md.
"""
