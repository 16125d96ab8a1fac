"""The public read side: the layer registry, the public relations every query starts from, and
the queries the API and the tiles run on them (items, CQL2 filters, search, stats, label points,
listings).

The Features API reaches its data through one object per layer (`collection.FeatureCollection`:
versions, summary, count, item, pages), which builds its SQL (`features`, `paging`, `cql`) and
runs it (`items_page`); api/ hands it an `ItemsQuery` of plain values.
"""
