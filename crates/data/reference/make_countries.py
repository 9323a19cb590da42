"""Regenerates countries.csv: ISO 3166-1 (from the Debian iso-codes data that pycountry
ships) followed by the codes trade data uses besides ISO 3166-1 (historical entities from
ISO 3166-3 and the non-standard numeric codes of UN Comtrade and CEPII's BACI).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pycountry==26.2.16
    /tmp/venv/bin/python make_countries.py > countries.csv
"""

import csv
import sys

import pycountry

# Entities that came into being (or took their current code) within the period trade
# data covers: first year of validity.
FROM_YEAR = {
    "SRB": 2006, "MNE": 2006,  # dissolution of Serbia and Montenegro
    "SSD": 2011, "SDN": 2012,  # 729 replaced 736 after South Sudan's independence
    "CUW": 2011, "SXM": 2011, "BES": 2011,  # dissolution of the Netherlands Antilles, Oct 2010
    "TLS": 2002,
}

# Codes that are not current ISO 3166-1 numeric codes but appear in Comtrade and BACI:
# iso3 (the entity the code stands for in bloc membership), numeric, name, from, to.
EXTRA = [
    ("DEU", 280, "Fed. Rep. of Germany (...1990)", None, 1990),
    ("DDR", 278, "German Democratic Republic (...1990)", None, 1990),
    ("SUN", 810, "USSR (...1991)", None, 1991),
    ("YUG", 890, "Socialist Fed. Rep. of Yugoslavia (...1991)", None, 1991),
    ("CSK", 200, "Czechoslovakia (...1992)", None, 1992),
    ("YMD", 720, "Democratic Yemen (...1990)", None, 1990),
    ("SCG", 891, "Serbia and Montenegro (1992...2005)", 1992, 2005),
    ("ANT", 530, "Netherlands Antilles (...2010)", None, 2010),
    ("SDN", 736, "Sudan (...2011)", None, 2011),
    ("BEL", 58, "Belgium-Luxembourg (...1998)", None, 1998),
    ("ZA1", 711, "Southern African Customs Union (...1999)", None, 1999),
    ("FRA", 251, "France (incl. Monaco)", None, None),
    ("ITA", 381, "Italy (Comtrade/BACI code)", None, None),
    ("NOR", 579, "Norway (Comtrade/BACI code)", None, None),
    ("IND", 699, "India (Comtrade/BACI code)", None, None),
    ("CHE", 757, "Switzerland (incl. Liechtenstein)", None, None),
    ("USA", 842, "United States (incl. Puerto Rico and US Virgin Islands)", None, None),
    ("TWN", 490, "Other Asia, nes (Taiwan)", None, None),
    ("PUS", 849, "US Misc. Pacific Islands", None, None),
]


def main():
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["iso3", "numeric", "name", "from_year", "to_year"])
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        w.writerow([c.alpha_3, int(c.numeric), c.name, FROM_YEAR.get(c.alpha_3, ""), ""])
    for iso3, num, name, start, end in EXTRA:
        w.writerow([iso3, num, name, start or "", end or ""])


main()
