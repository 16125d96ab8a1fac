"""The public read side: the layer registry, the public relations every query starts from, and
the queries the API and the tiles run on them (items, CQL2 filters, search, stats, label points,
listings).
"""
