"""Regenerates capitals.csv: the capital of every ISO 3166-1 country of countries.csv, with
its coordinates, from the REST Countries data file `countriesV3.1.json` (Mozilla Public
License 2.0; repository restcountries/restcountries, commit bfadee4).

    python3 make_capitals.py countriesV3.1.json > capitals.csv

Where the file gives no capital coordinates (Antarctica, Bouvet Island, Heard Island and
McDonald Islands, Macao, United States Minor Outlying Islands), the country's own point
(`latlng`) of the same file is used and the row says so (`basis` = `territory`).
Historical and customs-union codes of countries.csv (rows after the ISO 3166-1 block) have
no capital of their own and are left out.
"""

import csv
import json
import sys

HEADER = """\
# Capitals of the ISO 3166-1 countries and their coordinates (decimal degrees, WGS84).
# Extracted by make_capitals.py from REST Countries countriesV3.1.json
# (restcountries/restcountries, commit bfadee4).
# This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0.
# If a copy of the MPL was not distributed with this file, You can obtain one at
# https://mozilla.org/MPL/2.0/.
"""


def main(path):
    data = {c["cca3"]: c for c in json.load(open(path, encoding="utf-8"))}
    with open("countries.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # The ISO 3166-1 block comes first; its last row precedes the first historical code.
    iso = [r for r in rows[:249]]
    out = csv.writer(sys.stdout, lineterminator="\n")
    sys.stdout.write(HEADER)
    out.writerow(["iso3", "capital", "lat", "lon", "basis"])
    for r in iso:
        c = data[r["iso3"]]
        cap = c.get("capitalInfo", {}).get("latlng")
        name = (c.get("capital") or [""])[0]
        if cap:
            lat, lon, basis = cap[0], cap[1], "capital"
        else:
            lat, lon, basis = c["latlng"][0], c["latlng"][1], "territory"
            name = ""
        out.writerow([r["iso3"], name, f"{lat:.4f}", f"{lon:.4f}", basis])


if __name__ == "__main__":
    main(sys.argv[1])
