"""DuckDB doing the work of `hallyu ingest baci` on one BACI year: read the CSV, map
numeric country codes to ISO3 through the release's country file, pad product codes to six
digits, scale values to dollars, write one Snappy Parquet file with the dataset's columns.

Usage: duckdb_ingest.py BACI_CSV COUNTRY_CSV OUT_PARQUET
"""
import sys

import duckdb

csv, countries, out = sys.argv[1:4]
duckdb.sql(
    f"""
    COPY (
      SELECT CAST(f.t AS INTEGER) AS year,
             e.country_iso3 AS exporter,
             m.country_iso3 AS importer,
             lpad(f.k, 6, '0') AS product,
             'HS17' AS classification,
             f.v * 1000 AS value,
             f.q AS quantity,
             'baci' AS source
      FROM read_csv('{csv}', header = true, nullstr = ['NA', ''],
                    columns = {{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER',
                               'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'}}) f
      JOIN read_csv('{countries}', header = true) e ON f.i = e.country_code
      JOIN read_csv('{countries}', header = true) m ON f.j = m.country_code
    ) TO '{out}' (FORMAT parquet, COMPRESSION snappy)
    """
)
