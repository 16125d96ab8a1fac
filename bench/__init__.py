"""Benchmark harness: ntm-map vs TiPg vs the database alone (see docs/performance.md)."""
