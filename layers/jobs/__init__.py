"""Batch jobs, run by the CLI with sync SQLAlchemy/psycopg in one transaction each: file import
(`importing/`), the demo province (`demo/`, data in `demo_data/`), NTM criteria sets, open-data
releases (`opendata/`), and the COPY helpers they share (`bulk`)."""
