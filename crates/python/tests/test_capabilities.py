"""Indicators, projections, scenarios, reports, ingestion and the embedded data: each equals
the command line's JSON for the same request."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import hallyu
from conftest import REPO, assert_same_json


def test_indicators_equal_the_command_line(cli):
    res = hallyu.indicators("KOR", partner="asean", years=(1990, 2006))
    expected = cli("indicators", "--subject", "KOR", "--partner", "asean", "--years", "1990:2006")
    assert_same_json(res.to_dict(), expected)
    years = res.years
    assert isinstance(years, pd.DataFrame)
    assert list(years["year"]) == list(range(1990, 2007))


def test_indicators_from_a_dataframe(agtpa, cli):
    # The embedded panel handed over as a DataFrame gives the embedded panel's answer.
    df = agtpa[["year", "exporter", "importer", "trade"]]
    res = hallyu.indicators("KOR", partner="JPN", data=df, value="trade", years=(2000, 2006))
    expected = hallyu.indicators("KOR", partner="JPN", years=(2000, 2006))
    a, b = res.to_dict(), expected.to_dict()
    for key in ("years", "cagr", "top_partners"):
        assert_same_json(a[key], b[key], key, rel=1e-12)


def test_project_equals_the_command_line(cli):
    res = hallyu.project((2021, 8.1), (2031, 20))
    assert_same_json(res.to_dict(), cli("project", "--start", "2021:8.1", "--end", "2031:20"))
    # (20 / 8.1) ** (1 / 10) - 1, computed here.
    assert res["cagr_pct"] == pytest.approx(100 * ((20 / 8.1) ** 0.1 - 1), rel=1e-12)


def test_simulate_a_toml_scenario_equals_the_command_line(cli):
    path = REPO / "examples" / "kor_asean_rta.toml"
    res = hallyu.simulate(path, progress=False)
    expected = cli("simulate", str(path), "--draws", "0")
    assert_same_json(res.to_dict(), expected, rel=1e-12)
    # The same scenario as a dict.
    request = json.loads(hallyu._hallyu.read_file("scenario", str(path)))
    again = hallyu.simulate(request["scenario"], progress=False)
    assert_same_json(again.to_dict(), expected, rel=1e-12)


def test_report_writes_the_page_and_returns_its_data(tmp_path, cli):
    out = tmp_path / "kor.html"
    res = hallyu.report("KOR", out=out, draws=0, progress=False)
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    expected = cli("report", "--country", "KOR", "--draws", "0", ok=(0,))
    assert_same_json(res.to_dict(), expected, rel=1e-9)
    # Never replaces what is not a regular file.
    link = tmp_path / "link.html"
    link.symlink_to(out)
    with pytest.raises(hallyu.InputError, match="not a regular file"):
        hallyu.report("KOR", out=link, draws=0, progress=False)
    assert out.read_text() == html


def test_ingest_a_series_file_then_read_it(tmp_path, cli):
    csv = tmp_path / "series.csv"
    csv.write_text(
        "country,year,sector,flow,value,unit\n"
        "KOR,2019,music,exports,756,USD million\n"
        "KOR,2020,music,exports,680,USD million\n"
        "KOR,2020,games,exports,12,euros\n"
    )
    with pytest.warns(hallyu.HallyuWarning, match="1 malformed row"):
        res = hallyu.ingest("series", csv, tmp_path / "ds", progress=False)
    # The command line's report of the same ingest into another folder: the same but for
    # the folder's name.
    expected = cli("ingest", "series", str(csv), "--out", str(tmp_path / "ds2"), quiet=False)
    got = json.loads(json.dumps(res.to_dict()).replace(str(tmp_path / "ds"), str(tmp_path / "ds2")))
    assert_same_json(got, expected)
    assert res["items"][0]["source"]["malformed_rows"] == 1
    ind = hallyu.indicators("KOR", data=tmp_path / "ds", product=["music"])
    # The dataset holds USD: 756 and 680 million.
    assert [row["exports"] for row in ind["years"]] == [756e6, 680e6]


def test_the_embedded_panel_equals_the_command_lines_export(agtpa, tmp_path):
    import subprocess
    from conftest import _binary

    path = tmp_path / "agtpa.parquet"
    subprocess.run([str(_binary()), "data", "agtpa", "--out", str(path)], check=True, capture_output=True)
    exported = pq.read_table(path).to_pandas()
    pd.testing.assert_frame_equal(agtpa, exported, check_dtype=False)
    assert agtpa.shape == (99981, 17)


def test_run_takes_a_request_as_the_command_line_prints_it(cli):
    request = {"capability": "projection", "version": 1, "start_year": 2021, "start_value": "8.1",
               "end_year": 2031, "end_value": "20"}
    assert_same_json(hallyu.run(request).to_dict(), cli("project", "--start", "2021:8.1", "--end", "2031:20"))
    with pytest.raises(hallyu.InputError, match="unknown field"):
        hallyu.run({**request, "colour": "red"})
    with pytest.raises(hallyu.InputError, match="KORR"):
        hallyu.indicators("KORR")


def test_index_equals_the_command_line(cli):
    asem = REPO / "crates" / "index" / "tests" / "data" / "coinr_asem"
    res = hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv",
                       impute="group-mean:EurAsia_group", screen=0.9,
                       sensitivity={"runs": 50, "seed": 2, "weight_noise": 0.2})
    expected = cli("index", "sensitivity", "--data", str(asem / "ASEM_iData.csv"),
                   "--meta", str(asem / "ASEM_iMeta.csv"), "--impute", "group-mean:EurAsia_group",
                   "--screen", "0.9", "--runs", "50", "--seed", "2", "--weight-noise", "0.2")
    assert_same_json(res.to_dict(), expected)
    units = res.units
    assert units.loc[0, "unit"] == "CHE" and units.loc[0, "rank"] == 1
    with pytest.raises(hallyu.InputError, match="group-mean"):
        hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv", impute="group-means:X")


def test_index_coherence_equals_pandas():
    asem = REPO / "crates" / "index" / "tests" / "data" / "coinr_asem"
    res = hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv",
                       impute="group-mean:EurAsia_group", screen=0.9, analysis=True,
                       dataset="Aggregated")
    d = res["dataset"]
    frame = pd.DataFrame({c: v for c, v in zip(d["columns"], d["values"])})
    groups = {g["aggregate"]: g for g in res["analysis"]["groups"]}
    for name, g in groups.items():
        children = frame[g["children"]]
        cov = children.cov()  # pairwise complete, as COINr's get_cronbach
        k = len(g["children"])
        total = cov.to_numpy().sum()
        off = (total - cov.to_numpy().trace()) / (k * (k - 1))
        assert g["cronbach_alpha"] == pytest.approx(k * k * off / total, rel=1e-10), name
        for child, r in g["child_parent"]:
            assert r == pytest.approx(frame[child].corr(frame[name]), rel=1e-10), (name, child)
        complete = children.dropna()
        values, vectors = np.linalg.eigh(complete.corr().to_numpy())
        assert g["pc1_share"] == pytest.approx(values.max() / k, rel=1e-9), name
        v = vectors[:, np.argmax(values)]
        v = -v if v.sum() < 0 else v
        loadings = [x for _, x in g["pc1_loadings"]]
        assert loadings == pytest.approx(list(v), rel=1e-9, abs=1e-12), name
    flags = res["analysis"]["flags"]
    assert any(f["code"] == "TBTs" and "negatively" in f["message"] for f in flags)



def test_index_example_and_native_framework_equal_the_command_line(cli, tmp_path):
    assert_same_json(hallyu.index().to_dict(), cli("index", "build"))
    asem = REPO / "crates" / "index" / "tests" / "data" / "coinr_asem"
    framework = tmp_path / "small.toml"
    framework.write_text(
        '[index]\ncode = "Index"\n'
        '[[aggregate]]\ncode = "Physical"\nparent = "Index"\n'
        '[[aggregate]]\ncode = "Political"\nparent = "Index"\n'
        + "".join(f'[[indicator]]\ncode = "{c}"\nparent = "Physical"\n' for c in ["LPI", "Flights", "Ship"])
        + "".join(f'[[indicator]]\ncode = "{c}"\nparent = "Political"\n' for c in ["Embs", "IGOs", "UNVote"])
        + '[[step]]\nimpute = "mean"\n[[step]]\nnormalise = "rank"\n'
    )
    res = hallyu.index(asem / "ASEM_iData.csv", framework=framework)
    expected = cli("index", "build", str(framework), "--data", str(asem / "ASEM_iData.csv"))
    assert_same_json(res.to_dict(), expected)
    # Ranks normalisation (the file's step): an indicator's normalised values are its ranks.
    norm = hallyu.index(asem / "ASEM_iData.csv", framework=framework, dataset="Normalised")
    d = norm["dataset"]
    frame = pd.DataFrame({c: v for c, v in zip(d["columns"], d["values"])})
    imputed = hallyu.index(asem / "ASEM_iData.csv", framework=framework, dataset="Imputed")["dataset"]
    lpi = pd.Series(imputed["values"][imputed["columns"].index("LPI")])
    assert list(frame["LPI"]) == list(lpi.rank(method="min"))


def test_index_pca_weights_are_numpys_first_component():
    asem = REPO / "crates" / "index" / "tests" / "data" / "coinr_asem"
    args = dict(impute="group-mean:EurAsia_group", screen=0.9)
    norm = hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv", dataset="Normalised", **args)
    d = norm["dataset"]
    frame = pd.DataFrame({c: v for c, v in zip(d["columns"], d["values"])})
    res = hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv", weights="pca", **args)
    nominal = hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv", **args)
    eff = dict(map(tuple, res["effective_weights"]))
    eff_meta = dict(map(tuple, nominal["effective_weights"]))
    meta = pd.read_csv(asem / "ASEM_iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"]
    for parent, group in ind.groupby("Parent"):
        codes = list(group["iCode"])
        corr = frame[codes].dropna().corr().to_numpy()
        values, vectors = np.linalg.eigh(corr)
        v = vectors[:, np.argmax(values)]
        if v.sum() < 0:
            v = -v
        # Effective weight: the loading over the group's sum, times the parent's own.
        for code, loading in zip(codes, v):
            want = loading / v.sum() * eff_meta[parent]
            assert eff[code] == pytest.approx(want, rel=1e-9, abs=1e-12), (parent, code)


def test_index_sensitivity_indices_follow_coinrs_estimators(cli):
    asem = REPO / "crates" / "index" / "tests" / "data" / "coinr_asem"
    res = hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv",
                       impute="group-mean:EurAsia_group", normalise="minmax:1,100",
                       sensitivity={"runs": 40, "design": "saltelli", "bootstrap": 0,
                                    "normalise": ["minmax:1,100", "rank"],
                                    "aggregate": ["amean", "gmean"], "weight_noise": 0.2,
                                    "keep_runs": True})
    s = res["sensitivity"]
    inputs = [i["input"] for i in s["indices"]]
    assert inputs == ["weights", "normalise", "aggregate"]
    n, d = 40, len(inputs)
    assert s["runs"] == n * (d + 2)
    # COINr's output per run: the mean absolute rank change from the nominal ranks.
    nominal = {u["unit"]: u["nominal"] for u in s["units"]}
    base = np.array([nominal[u] for u in s["run_units"]], dtype=float)
    ranks = np.array([[np.nan if r is None else r for r in run] for run in s["run_ranks"]])
    y = np.nanmean(np.abs(ranks - base), axis=1)
    ya, yb = y[:n], y[n:2 * n]
    var = np.var(np.concatenate([ya, yb]), ddof=1)
    assert s["output_variance"] == pytest.approx(var, rel=1e-12)
    for i, idx in enumerate(s["indices"]):
        yab = y[(2 + i) * n:(3 + i) * n]
        assert idx["first_order"] == pytest.approx(np.mean(yb * (yab - ya)) / var, rel=1e-10, abs=1e-13)
        assert idx["total"] == pytest.approx(np.sum((ya - yab) ** 2) / (2 * n * var), rel=1e-10, abs=1e-13)


def test_report_with_the_example_index_equals_the_command_line(cli, tmp_path):
    res = hallyu.report("KOR", out=tmp_path / "r.html", draws=0, index="example", progress=False)
    expected = cli("report", "--country", "KOR", "--draws", "0", "--index", "example")
    assert_same_json(res.to_dict(), expected, rel=1e-9)
    section = [s for s in res["sections"] if s["id"] == "index"]
    assert len(section) == 1
    with pytest.raises(hallyu.InputError, match="index_data"):
        hallyu.report("KOR", out=tmp_path / "r.html", draws=0, index="framework.toml")


def _em_numpy(x, tol=1e-12, max_iter=100000):
    """EM for a multivariate normal with missing values (Little and Rubin, ch. 11)."""
    x = np.array(x, dtype=float)
    n, p = x.shape
    miss = np.isnan(x)
    mu = np.nanmean(x, axis=0)
    sigma = np.diag(np.nanvar(x, axis=0))
    filled = np.where(miss, 0.0, x)
    for _ in range(max_iter):
        extra = np.zeros((p, p))
        for i in range(n):
            m, o = miss[i], ~miss[i]
            if not m.any():
                continue
            b = np.linalg.solve(sigma[np.ix_(o, o)], sigma[np.ix_(o, m)])
            filled[i, m] = mu[m] + (x[i, o] - mu[o]) @ b
            extra[np.ix_(m, m)] += sigma[np.ix_(m, m)] - sigma[np.ix_(m, o)] @ b
        new_mu = filled.mean(axis=0)
        d = filled - new_mu
        new_sigma = (d.T @ d + extra) / n
        done = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max()) < tol
        mu, sigma = new_mu, new_sigma
        if done:
            break
    return filled


def test_index_em_imputation_equals_numpy():
    asem = REPO / "crates" / "index" / "tests" / "data" / "coinr_asem"
    before = hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv", dataset="Denominated")["dataset"]
    after = hallyu.index(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv", impute="em", dataset="Imputed")
    imputed = after["dataset"]
    frame = pd.DataFrame({c: v for c, v in zip(before["columns"], before["values"])})
    got = pd.DataFrame({c: v for c, v in zip(imputed["columns"], imputed["values"])})
    meta = pd.read_csv(asem / "ASEM_iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"]
    checked = 0
    for _, group in ind.groupby("Parent"):
        codes = list(group["iCode"])
        if not frame[codes].isna().any().any():
            continue
        want = _em_numpy(frame[codes].to_numpy())
        np.testing.assert_allclose(got[codes].to_numpy(), want, rtol=1e-6, atol=1e-8 * np.abs(want).max())
        checked += 1
    assert checked >= 3
    assert not got.isna().any().any()
