"""Printed documents of issue 15 (traceability): QR label sheets of a harvest lot and the
certificate of a growing-area code. The data are read here (SQL), the PDF is drawn by geo/
(`geo.labels`, `geo.certificate`) in a bounded worker process (`layers.workers.bounded`: a
deadline and a memory cap), so a 10,000-label sheet neither blocks the event loop nor grows the
server."""
