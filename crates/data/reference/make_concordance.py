"""Writes hs_concordance/<NEW>_<OLD>.csv.gz, the HS6 correlation links between adjacent HS
editions, from UNSD's correlation and conversion tables as the R package `concordance`
keeps them in `data-raw/` (see README.md for the source, version and licence).

Usage (needs pandas, xlrd and openpyxl):
    python3 make_concordance.py PATH/TO/concordance/data-raw

Each output file is a CSV with the header `<newer edition>,<older edition>` and one row
per link of the table's "Correlation" sheet (a pair of six-digit subheadings whose scopes
overlap), sorted, without duplicates. UN Comtrade's 999999 ("commodities not specified")
is left out: it is not an HS subheading. The files are gzipped without a timestamp, so a
rerun on the same input gives the same bytes.
"""
import gzip, io, os, re, sys
import pandas as pd

# (newer, older) -> file in data-raw/ (UNSD's names, which vary from table to table).
TABLES = {
    ("HS1996", "HS1992"): "HS1996 to HS1992 - Correlation and conversion tables.xls",
    ("HS2002", "HS1996"): "HS2002 to HS1996 - Correlation and conversion tables.xls",
    ("HS2007", "HS2002"): "HS 2007 to HS 2002 Correlation and conversion tables.xls",
    ("HS2012", "HS2007"): "HS 2012 to HS 2007 Correlation and conversion tables.xls",
    ("HS2017", "HS2012"): "HS2017toHS2012ConversionAndCorrelationTables.xlsx",
    ("HS2022", "HS2017"): "HS2022toHS2017ConversionAndCorrelationTables.xlsx",
}
CODE = re.compile(r"^\d{6}$")
NOT_SPECIFIED = "999999"


def links(path, new, old):
    """The (new, old) code pairs of the correlation sheet of one workbook."""
    book = pd.ExcelFile(path)
    sheet = next(s for s in book.sheet_names if "orrelation" in s)
    rows = pd.read_excel(path, sheet_name=sheet, header=None, dtype=str)
    cols, out = None, set()
    for _, row in rows.iterrows():
        cells = ["" if pd.isna(c) else str(c).strip() for c in row]
        if cols is None:
            # The header row names both editions ("HS 2007", "HS2022"...).
            names = [re.sub(r"\s", "", c) for c in cells]
            if new in names and old in names:
                cols = (names.index(new), names.index(old))
            continue
        a, b = cells[cols[0]], cells[cols[1]]
        if CODE.match(a) and CODE.match(b):
            if NOT_SPECIFIED not in (a, b):
                out.add((a, b))
        elif a or b:
            sys.exit(f"{path}: unexpected row {cells}")
    if cols is None:
        sys.exit(f"{path}: no header naming {new} and {old}")
    return sorted(out)


def main(raw):
    here = os.path.dirname(os.path.abspath(__file__))
    for (new, old), name in TABLES.items():
        pairs = links(os.path.join(raw, name), new, old)
        text = f"{new},{old}\n" + "".join(f"{a},{b}\n" for a, b in pairs)
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(text.encode())
        out = os.path.join(here, "hs_concordance", f"{new}_{old}.csv.gz")
        with open(out, "wb") as f:
            f.write(buf.getvalue())
        print(f"{out}: {len(pairs)} links, {len(buf.getvalue())} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
