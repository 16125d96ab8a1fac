"""Batch jobs, run by the CLI on a sync SQLAlchemy Connection in one transaction each: file import
(`importing/`), the demo province (`demo/`, data in `demo_data/`), NTM criteria sets, open-data
releases (`opendata/`), and the COPY helpers they share (`bulk`, the one place that reaches the
psycopg driver under the connection)."""
