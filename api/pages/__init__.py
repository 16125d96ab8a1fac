"""Response writers and page data: rows in, bytes out (GeoJSON/CSV/NDJSON item pages, folium
maps), the web map's config and word lists, collection documents, static and vendor files, and
the open-data release cache."""
