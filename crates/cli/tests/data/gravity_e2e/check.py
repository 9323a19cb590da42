"""Independent computation of every number the gravity end-to-end test checks, from the raw
fixture files (pandas and numpy only; nothing of hallyu is reused):

    python check.py FIXTURE_DIR OUTPUT_DIR

OUTPUT_DIR holds what the hallyu binary wrote: indicators.json, fepois.json (trade ~ rta |
exporter^year + importer^year + pair_id, --vcov hetero --ssc none) and simulate.csv (the
scenario of scenario.toml). Prints one line per check and exits 1 at the first mismatch.

- indicators: Korea's exports, imports, balance, world share and RCA of the creative
  publishing codes, year by year, from the BACI files (thousand USD -> USD).
- PPML: Newton/IRLS on the full dummy design (every exporter-year, importer-year and pair
  dummy, one column per level, least-squares steps so the collinear dummies need no
  normalisation), then the heteroskedasticity-robust sandwich on the same design.
- general equilibrium (the Advanced Guide's structural gravity, sigma = 7, numeraire DEU):
  baseline costs t = exp(pair effect + b * rta) in 2024, multilateral resistances by RAS,
  the conditional equilibrium (output and expenditure fixed) and the exact full-endowment
  equilibrium (fixed deficit ratios), solved by fixed-point iteration on factory-gate prices.
"""

import json
import math
import sys

import numpy as np
import pandas as pd

# Tolerances: 1e-6 relative everywhere; the scenario's percent changes also pass within 1e-9
# percentage points (rel 1e-6 of a 1e-3 floor), because a change near zero (USA's real GDP,
# -4e-5 %) carries the solvers' residuals (market clearing to ~1e-13 relative) at a relative
# size no percentage point can show.
PUBLISHING = {"490110", "490199", "490900"}
SIGMA = 7.0
YEAR = 2024
REL = 1e-6


def fail(msg):
    print(f"MISMATCH: {msg}")
    sys.exit(1)


def close(what, got, want, rel=REL, floor=1e-9):
    if got is None or not math.isfinite(got) or abs(got - want) > rel * max(abs(want), floor):
        fail(f"{what}: hallyu {got!r}, independent {want!r}")
    print(f"ok {what}: {got:.10g} (independent {want:.10g})")


def flows(fixture):
    codes = pd.read_csv(f"{fixture}/baci/country_codes_V202501.csv", dtype=str)
    iso = dict(zip(codes.country_code.astype(int), codes.country_iso3))
    frames = [pd.read_csv(f"{fixture}/baci/BACI_HS22_Y{y}_V202501.csv", dtype={"k": str})
              for y in (2022, 2023, 2024)]
    df = pd.concat(frames, ignore_index=True)
    df["exporter"] = df.i.map(iso)
    df["importer"] = df.j.map(iso)
    df["value"] = df.v * 1000.0  # BACI: thousand USD
    df["k"] = df.k.str.zfill(6)
    return df


def check_indicators(df, out):
    got = {y["year"]: y for y in json.load(open(f"{out}/indicators.json"))["years"]}
    intl = df[df.exporter != df.importer]
    pub = intl[intl.k.isin(PUBLISHING)]
    for year in (2022, 2023, 2024):
        g, a = pub[pub.t == year], intl[intl.t == year]
        exports = g[g.exporter == "KOR"].value.sum()
        imports = g[g.importer == "KOR"].value.sum()
        world = g.value.sum()
        rca = (exports / a[a.exporter == "KOR"].value.sum()) / (world / a.value.sum())
        y = got[year]
        close(f"indicators {year} exports", y["exports"], exports)
        close(f"indicators {year} imports", y["imports"], imports)
        close(f"indicators {year} balance", y["balance"], exports - imports)
        close(f"indicators {year} world_share_pct", y["world_share_pct"], exports / world * 100)
        close(f"indicators {year} rca", y["rca"], rca)


def panel(df, fixture):
    """The square country-pair panel: publishing flows summed per pair and year, zeros for
    pairs without a flow, intra-national flows as supplied; rta joined from gravity.csv."""
    pub = df[df.k.isin(PUBLISHING)]
    sums = pub.groupby(["t", "exporter", "importer"]).value.sum()
    countries = sorted(set(pub.exporter) | set(pub.importer))
    years = sorted(pub.t.unique())
    rows = []
    for t in years:
        for e in countries:
            for i in countries:
                v = sums.get((t, e, i))
                if e == i and v is None:
                    continue
                rows.append((t, e, i, 0.0 if v is None else v))
    p = pd.DataFrame(rows, columns=["year", "exporter", "importer", "trade"])
    grav = pd.read_csv(f"{fixture}/gravity.csv")
    grav = grav[(grav.country_exists_o == 1) & (grav.country_exists_d == 1)]
    grav = grav.rename(columns={"iso3_o": "exporter", "iso3_d": "importer"})
    p = p.merge(grav[["year", "exporter", "importer", "rta"]], how="left",
                on=["year", "exporter", "importer"], validate="one_to_one")
    if p.rta.isna().any():
        fail("a panel row has no rta in gravity.csv")
    return p, countries


def dummies(p):
    cols = [pd.get_dummies(p.exporter + "_" + p.year.astype(str), dtype=float),
            pd.get_dummies(p.importer + "_" + p.year.astype(str), dtype=float),
            pd.get_dummies(p.exporter + "-" + p.importer, dtype=float)]
    names = [f"pair:{c}" for c in cols[2].columns]
    return np.hstack([c.to_numpy() for c in cols]), names, cols[2].shape[1]


def ppml(p):
    d, pair_names, _ = dummies(p)
    x = np.column_stack([p.rta.to_numpy(), d])
    y = p.trade.to_numpy()
    # Start from the log of the (positive-shifted) outcome, then Newton steps; the design
    # is rank-deficient (the dummy sets overlap), so each step is the minimum-norm
    # least-squares solution, which leaves the fitted values and rta's coefficient unique.
    beta = np.linalg.lstsq(x, np.log(y + y.mean() * 1e-3), rcond=None)[0]
    dev_old = np.inf
    for _ in range(200):
        eta = x @ beta
        mu = np.exp(eta)
        w = np.sqrt(mu)
        z = eta + (y - mu) / mu
        beta = np.linalg.lstsq(x * w[:, None], z * w, rcond=None)[0]
        mu = np.exp(x @ beta)
        dev = 2 * np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0) - (y - mu))
        if abs(dev - dev_old) / max(dev, 1e-300) < 1e-14:
            break
        dev_old = dev
    mu = np.exp(x @ beta)
    # Robust sandwich on the full design with a pseudo-inverse bread: the rta entry is the
    # same as with any normalisation of the fixed effects (rta is identified).
    bread = np.linalg.pinv(x.T @ (x * mu[:, None]), rcond=1e-12)
    meat = x.T @ (x * ((y - mu) ** 2)[:, None])
    vcov = bread @ meat @ bread
    return beta, math.sqrt(vcov[0, 0]), mu, x, pair_names


def check_ppml(p, out):
    beta, se, mu, x, pair_names = ppml(p)
    fit = json.load(open(f"{out}/fepois.json"))
    coef = {c["term"]: c for c in fit["coefficients"]}["rta"]
    if fit["nobs"] != len(p):
        fail(f"fepois nobs: hallyu {fit['nobs']}, independent {len(p)}")
    print(f"ok fepois nobs: {fit['nobs']}")
    close("fepois rta estimate", coef["estimate"], beta[0])
    close("fepois rta std_error (hetero, no ssc)", coef["std_error"], se, rel=1e-5)
    return beta, x


def ras(t, r, c, ref):
    """a, b with sum_j a_i b_j t_ij = r_i, sum_i a_i b_j t_ij = c_j and b_ref = 1."""
    a, b = np.ones(len(r)), np.ones(len(c))
    for _ in range(100000):
        a = r / (t @ b)
        b_new = c / (t.T @ a)
        if np.max(np.abs(b_new / b - 1)) < 1e-15:
            b = b_new
            break
        b = b_new
    s = b[ref]
    return a * s, b / s


def check_ge(p, beta, x, out, countries):
    n, ref = len(countries), countries.index("DEU")
    pos = {c: k for k, c in enumerate(countries)}
    # Cost function of the simulated year: pair effect (the linear predictor less the
    # exporter-year and importer-year effects) plus b * rta, so t_ij = mu_ij / (exp(ex) exp(im)).
    yr = p[p.year == YEAR]
    xy = x[(p.year == YEAR).to_numpy()]
    d, _, npairs = dummies(p)
    n_fe = d.shape[1]
    pair_part = xy[:, 1 + n_fe - npairs:] @ beta[1 + n_fe - npairs:]
    gamma_t = np.exp(pair_part + beta[0] * yr.rta.to_numpy())
    t = np.full((n, n), np.nan)
    X = np.zeros((n, n))
    for (e, i, v, g) in zip(yr.exporter, yr.importer, yr.trade, gamma_t):
        t[pos[e], pos[i]] = g
        X[pos[e], pos[i]] = v
    if np.isnan(t).any():
        fail("the simulated year's panel is not square")
    Y, E = X.sum(axis=1), X.sum(axis=0)
    phi = E / Y
    a0, b0 = ras(t, Y, E, ref)
    fitted = a0[:, None] * b0[None, :] * t
    ER = E[ref]
    omr0, imr0 = Y * ER / a0, E / (b0 * ER)
    # Counterfactual: an RTA between KOR and JPN (both directions).
    t_cfl = t.copy()
    k, j = pos["KOR"], pos["JPN"]
    for (o, d_) in ((k, j), (j, k)):
        rta_now = yr[(yr.exporter == countries[o]) & (yr.importer == countries[d_])].rta.iloc[0]
        t_cfl[o, d_] *= math.exp(beta[0] * (1 - rta_now))
    a1, b1 = ras(t_cfl, Y, E, ref)
    cdl = a1[:, None] * b1[None, :] * t_cfl
    off = ~np.eye(n, dtype=bool)
    xi0 = (fitted * off).sum(axis=1)
    xi_cdl = (cdl * off).sum(axis=1)
    # Exact full endowment: Y' = p Y, E' = phi Y' rescaled to world output, MR solve,
    # p = (OMR'/OMR_BLN)^(1/sigma), iterated to a fixed point.
    price = np.ones(n)
    for _ in range(100000):
        y1 = price * Y
        e1 = phi * y1 * y1.sum() / (phi * y1).sum()
        a2, b2 = ras(t_cfl, y1, e1, ref)
        omr = y1 * e1[ref] / a2
        new = (omr / omr0) ** (1 / SIGMA)
        if np.max(np.abs(new / price - 1)) < 1e-14:
            price = new
            break
        price = new
    y1 = price * Y
    e1 = phi * y1 * y1.sum() / (phi * y1).sum()
    a2, b2 = ras(t_cfl, y1, e1, ref)
    full = a2[:, None] * b2[None, :] * t_cfl
    imr1 = e1 / (b2 * e1[ref])
    e_pow = 1 / (1 - SIGMA)
    rgdp0, rgdp1 = Y / imr0 ** e_pow, y1 / imr1 ** e_pow
    sim = pd.read_csv(f"{out}/simulate.csv")
    sim = sim[sim.country.isin(countries)]
    got = {(r.country, r.measure): r.value for r in sim.itertuples()}
    for c in countries:
        q = pos[c]
        close(f"simulate {c} exports_cdl", got[(c, "exports_cdl")],
              (xi_cdl[q] / xi0[q] - 1) * 100, rel=1e-6, floor=1e-3)
        close(f"simulate {c} exports_full", got[(c, "exports_full")],
              ((full[q] * off[q]).sum() / xi0[q] - 1) * 100, rel=1e-6, floor=1e-3)
        close(f"simulate {c} price_full", got[(c, "price_full")],
              (price[q] - 1) * 100, rel=1e-6, floor=1e-3)
        close(f"simulate {c} real_gdp_full", got[(c, "real_gdp_full")],
              (rgdp1[q] / rgdp0[q] - 1) * 100, rel=1e-6, floor=1e-3)


def main():
    fixture, out = sys.argv[1], sys.argv[2]
    df = flows(fixture)
    check_indicators(df, out)
    p, countries = panel(df, fixture)
    beta, x = check_ppml(p, out)
    check_ge(p, beta, x, out, countries)
    print("all checks passed")


if __name__ == "__main__":
    main()
