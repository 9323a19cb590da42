"""Writes the small BACI-like release and CEPII-Gravity-like covariates of the gravity
end-to-end test (crates/cli/tests/gravity_e2e.rs). Deterministic (fixed seed, stdlib only):

    python3 make_fixture.py

Six countries (BACI codes: KOR 410, JPN 392, USA 842, CHN 156, DEU 276, FRA 251), three
years (2022-2024), four HS 2022 products: three creative publishing codes (490110, 490199,
490900) and live horses (010121), which no creative group holds. Values (thousand USD, as
BACI) follow a gravity model with noise; some pairs do not trade at all in a year (zeros of
the country-pair panel) and a fifth of the other pair-product flows are absent; every directed
pair trades publishing goods in at least one year, and intra-national flows are supplied (BACI has none; general
equilibrium needs them).
"""

import math
import os
import random

COUNTRIES = [("KOR", 410, "Korea, Rep.", "KR", 37.55, 126.98),
             ("JPN", 392, "Japan", "JP", 35.68, 139.75),
             ("USA", 842, "USA", "US", 38.89, -77.05),
             ("CHN", 156, "China", "CN", 39.92, 116.38),
             ("DEU", 276, "Germany", "DE", 52.52, 13.40),
             ("FRA", 251, "France", "FR", 48.87, 2.33)]
YEARS = [2022, 2023, 2024]
PRODUCTS = [("490110", "Printed books; in single sheets"),
            ("490199", "Printed books, brochures and similar printed matter n.e.c."),
            ("490900", "Printed or illustrated postcards; printed cards"),
            ("010121", "Horses; live, pure-bred breeding animals")]
SIZE = {"KOR": 3.0, "JPN": 3.5, "USA": 5.0, "CHN": 4.5, "DEU": 3.8, "FRA": 3.2}
# Regional trade agreements in force (both directions), by first year.
RTA = {("KOR", "USA"): 2022, ("DEU", "FRA"): 2022, ("KOR", "CHN"): 2023, ("JPN", "CHN"): 2024,
       ("JPN", "DEU"): 2024, ("USA", "FRA"): 2023}
CONTIG = {("DEU", "FRA"), ("CHN", "KOR")}


def dist(a, b):
    (_, _, _, _, la1, lo1), (_, _, _, _, la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def rta(o, d, year):
    first = RTA.get((o, d)) or RTA.get((d, o))
    return int(first is not None and year >= first)


def main():
    rng = random.Random(20261206)
    os.makedirs("baci", exist_ok=True)
    by = {c[0]: c for c in COUNTRIES}
    traded = set()
    rows = {y: [] for y in YEARS}
    for y in YEARS:
        for o in COUNTRIES:
            for d in COUNTRIES:
                # A pair that does not trade at all in a year (a zero of the panel).
                silent = o is not d and rng.random() < 0.12
                for k, _ in PRODUCTS:
                    if o is d:
                        v = math.exp(4.0 + SIZE[o[0]] * 2.0 + rng.gauss(0, 0.2))
                    else:
                        if silent or rng.random() < 0.2:
                            continue
                        lv = (SIZE[o[0]] + SIZE[d[0]] - 0.9 * math.log(dist(o, d) / 1000)
                              + 0.45 * rta(o[0], d[0], y) + 0.3 * ((o[0], d[0]) in CONTIG)
                              + rng.gauss(0, 0.4))
                        v = math.exp(lv)
                        if k != "010121":
                            traded.add((o[0], d[0]))
                    rows[y].append((y, o[1], d[1], k, v, rng.random() * 100))
    pairs = {(o[0], d[0]) for o in COUNTRIES for d in COUNTRIES if o is not d}
    assert pairs <= traded, sorted(pairs - traded)
    for y in YEARS:
        with open(f"baci/BACI_HS22_Y{y}_V202501.csv", "w") as f:
            f.write("t,i,j,k,v,q\n")
            for (t, i, j, k, v, q) in rows[y]:
                f.write(f"{t},{i},{j},{k},{v:.3f},{q:.3f}\n")
    with open("baci/country_codes_V202501.csv", "w") as f:
        f.write("country_code,country_name,country_iso2,country_iso3\n")
        for iso3, code, name, iso2, _, _ in sorted(COUNTRIES, key=lambda c: c[1]):
            name = f'"{name}"' if "," in name else name
            f.write(f"{code},{name},{iso2},{iso3}\n")
    with open("baci/product_codes_HS22_V202501.csv", "w") as f:
        f.write("code,description\n")
        for k, desc in sorted(PRODUCTS):
            f.write(f'{k},"{desc}"\n')
    with open("gravity.csv", "w") as f:
        f.write("year,iso3_o,iso3_d,country_id_o,country_id_d,country_exists_o,country_exists_d,"
                "dist,contig,comlang_off,col45,rta,fta_wto\n")
        for y in YEARS:
            for o in COUNTRIES:
                for d in COUNTRIES:
                    dd = dist(o, d) if o is not d else 0.67 * math.sqrt(1e5 * SIZE[o[0]] / math.pi)
                    contig = int((o[0], d[0]) in CONTIG or (d[0], o[0]) in CONTIG)
                    r = rta(o[0], d[0], y) if o is not d else 0
                    f.write(f"{y},{o[0]},{d[0]},{o[0]},{d[0]},1,1,{dd:.2f},{contig},0,0,{r},{r}\n")
            # A country that no longer exists: skipped by the ingest.
            f.write(f"{y},SUN,KOR,SUN.1,KOR,0,1,,,,,,\n")


if __name__ == "__main__":
    main()
