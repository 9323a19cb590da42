"""Writes agtpa_sample.dta, the Stata fixture of crates/cli/tests/cli.rs.

Usage (from the repository root, with pandas installed):

    target/debug/hallyu data agtpa --out /tmp/agtpa.csv
    python crates/cli/tests/data/make_dta.py /tmp/agtpa.csv

The rows are those of the embedded Advanced Guide panel for the years 2002 and 2006 in
which both the exporter and the importer are among COUNTRIES (2 x 12 x 12 = 288 rows), in
the panel's order, with the full-precision values `hallyu data` writes, so that a model fit
on the .dta and on the same rows of the CSV/Parquet export agree exactly. Two values are
blanked to Stata missing (.) on purpose:
  * `trade` in the first 2002 row (outside the `year == 2006` samples of the tests);
  * `lang` in the first 2006 row with exporter != importer (a model using `lang` on 2006
    then drops exactly one observation as missing).
"""

import sys

import numpy as np
import pandas as pd

COUNTRIES = ["ARG", "AUS", "AUT", "BEL", "BGR", "BOL", "BRA", "CAN", "CHE", "CHL", "CHN", "CMR"]
COLUMNS = ["exporter", "importer", "pair_id", "year", "trade", "dist", "cntg", "lang", "clny", "rta"]

src = sys.argv[1] if len(sys.argv) > 1 else "/tmp/agtpa.csv"
d = pd.read_csv(src)
d = d[d.year.isin([2002, 2006]) & d.exporter.isin(COUNTRIES) & d.importer.isin(COUNTRIES)]
d = d[COLUMNS].reset_index(drop=True)
assert len(d) == 288, len(d)

d["pair_id"] = d["pair_id"].astype("int32")
d["year"] = d["year"].astype("int16")
for c in ["cntg", "lang", "clny", "rta"]:
    d[c] = d[c].astype("float64")  # float so that a missing value can be stored
first_2002 = d.index[d.year == 2002][0]
d.loc[first_2002, "trade"] = np.nan
first_2006_intl = d.index[(d.year == 2006) & (d.exporter != d.importer)][0]
d.loc[first_2006_intl, "lang"] = np.nan

out = __file__.rsplit("/", 1)[0] + "/agtpa_sample.dta"
d.to_stata(out, write_index=False, version=118, data_label="hallyu test fixture")
print(f"wrote {len(d)} rows to {out}")
