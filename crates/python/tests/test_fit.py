"""Estimation through the Python API: the Guide's number, equality with the command line,
pyfixest's methods, other variances without a refit, data types, errors."""

from __future__ import annotations

import csv
import runpy

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import hallyu
from conftest import REPO, RTA, assert_same_json


def test_the_guide_rta_estimate_in_a_notebook(guide_sample):
    # The Advanced Guide, Chapter 1, Application 3 (repository reference table): intra-national
    # flows share one pair level, errors clustered by pair.
    ref = {}
    with open(REPO / "crates" / "replicate" / "data" / "yotov2016_ch1.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["spec"] == "ch1_app3_ppml_pair":
                ref = row
    df = guide_sample.assign(
        pair_id_2=np.where(guide_sample.exporter == guide_sample.importer, 0, guide_sample.pair_id)
    )
    fit = hallyu.fepois("trade ~ rta | exporter^year + importer^year + pair_id_2", df,
                        vcov={"CRV1": "pair_id"}, ssc=ref["ssc"])
    tidy = fit.tidy()
    assert round(tidy.loc["rta", "Estimate"], 4) == float(ref["estimate"]) == 0.5572
    assert round(tidy.loc["rta", "Std. Error"], 4) == float(ref["std_error"])
    assert fit.nobs == int(ref["nobs"])
    assert list(tidy.columns) == ["Estimate", "Std. Error", "t value", "Pr(>|t|)", "2.5%", "97.5%"]
    assert tidy.index.name == "Coefficient"
    # The one-liner: pair_id as the pair effect gives the same estimate.
    one = hallyu.fepois(RTA, guide_sample).tidy()
    assert round(one.loc["rta", "Estimate"], 3) == 0.557


def test_the_notebook_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(REPO / "examples" / "python_rta_scenario.py"), run_name="__main__")


def test_a_fit_equals_the_command_line_json(guide_sample, cli, tmp_path):
    path = tmp_path / "guide.parquet"
    guide_sample.to_parquet(path, index=False)
    fit = hallyu.fepois(RTA, guide_sample, vcov={"CRV1": "pair_id"})
    expected = cli("fepois", RTA, "--data", str(path), "--cluster", "pair_id")
    # Same engine, same data, same order: the same numbers to the last bits the parallel
    # sums allow.
    assert_same_json(fit.to_dict(), expected, rel=1e-12)


def test_several_formulas_and_variances_at_once(guide_sample, cli):
    formulas = [RTA, "trade ~ rta + rta_lag4 | exporter^year + importer^year + pair_id"]
    fits = hallyu.fepois(formulas, guide_sample, vcov=["iid", "hetero"])
    assert [f.formula for f in fits] == [formulas[0]] * 2 + [formulas[1]] * 2
    assert [f.vcov_type for f in fits] == ["iid", "hetero"] * 2
    assert fits[0].coef()["rta"] == fits[1].coef()["rta"]
    assert fits[0].se()["rta"] != fits[1].se()["rta"]
    text = hallyu.etable(fits, type="md")
    assert "rta_lag4" in text and "(4)" in text
    frame = hallyu.etable(fits, type="df")
    assert frame.shape == (2, 4)


def test_another_variance_equals_a_refit_with_it(guide_sample):
    fit = hallyu.fepois(RTA, guide_sample)
    for spec in ["hetero", {"CRV1": "pair_id"}, "cluster:exporter,importer"]:
        refit = hallyu.fepois(RTA, guide_sample, vcov=spec)
        again = fit.vcov(spec)
        assert again.vcov_type == refit.vcov_type
        np.testing.assert_allclose(again.se(), refit.se(), rtol=1e-12)
        np.testing.assert_allclose(again.pvalue(), refit.pvalue(), rtol=1e-10)
    assert fit.vcov_type == "iid", "vcov() must not change the fit it is called on"


def test_confint_levels_and_inference(guide_sample):
    fit = hallyu.feols("log(trade) ~ log(dist) + cntg | exporter^year + importer^year",
                       guide_sample.query("trade > 0 and exporter != importer"), vcov="hetero")
    ci95 = fit.confint()
    ci90 = fit.confint(alpha=0.10)
    assert list(ci90.columns) == ["5%", "95%"]
    assert (ci90["5%"] > ci95["2.5%"]).all() and (ci90["95%"] < ci95["97.5%"]).all()
    np.testing.assert_allclose(fit.tstat(), fit.coef() / fit.se(), rtol=1e-12)
    with pytest.raises(hallyu.InputError):
        fit.confint(alpha=1.5)


def test_predict_is_aligned_to_the_rows_and_sums_to_the_outcome(guide_sample):
    fit = hallyu.fepois(RTA, guide_sample)
    mu = fit.predict()
    assert mu.shape == (len(guide_sample),)
    kept = ~np.isnan(mu)
    assert kept.sum() == fit.nobs
    # PPML with exporter-year effects: fitted exports sum to observed exports per
    # exporter-year (the first-order condition of those effects).
    frame = guide_sample[kept].assign(mu=mu[kept])
    sums = frame.groupby(["exporter", "year"])[["trade", "mu"]].sum()
    np.testing.assert_allclose(sums["mu"], sums["trade"], rtol=1e-6)


def test_polars_and_pyarrow_frames_give_the_pandas_result(guide_sample):
    pl = pytest.importorskip("polars")
    base = hallyu.fepois(RTA, guide_sample).coef()
    table = pa.Table.from_pandas(guide_sample, preserve_index=False)
    np.testing.assert_array_equal(hallyu.fepois(RTA, table).coef(), base)
    np.testing.assert_array_equal(hallyu.fepois(RTA, pl.from_arrow(table)).coef(), base)


def test_a_path_is_read_by_the_engine(guide_sample, tmp_path):
    path = tmp_path / "sample.csv"
    guide_sample.to_csv(path, index=False)
    fit = hallyu.fepois(RTA, str(path))
    assert round(fit.coef()["rta"], 4) == 0.5572


def test_categorical_string_and_nullable_columns_work(guide_sample):
    base = hallyu.fepois(RTA, guide_sample)
    df = guide_sample.copy()
    df["exporter"] = df["exporter"].astype("category")
    df["importer"] = df["importer"].astype("string[pyarrow]")
    df["rta"] = df["rta"].astype("Int64")
    df["pair_id"] = df["pair_id"].astype("Int32")
    np.testing.assert_allclose(hallyu.fepois(RTA, df).coef(), base.coef(), rtol=1e-12)
    # A missing value in a nullable column drops that row, as any missing value does.
    df.loc[0, "rta"] = pd.NA
    fit = hallyu.fepois(RTA, df)
    assert fit.dropped["missing"] == 1


def test_a_datetime_column_fails_with_a_clear_message_only_when_used(guide_sample):
    df = guide_sample.assign(date=pd.to_datetime(guide_sample["year"].astype(str)))
    hallyu.fepois(RTA, df)  # not used: no problem
    with pytest.raises(hallyu.DataError, match="`date`"):
        hallyu.fepois("trade ~ rta + date | exporter^year", df)


def test_errors_name_what_is_wrong(guide_sample):
    with pytest.raises(hallyu.InputError, match="rtaa.*rta") as e:
        hallyu.fepois("trade ~ rtaa | exporter^year", guide_sample)
    assert isinstance(e.value, ValueError)
    with pytest.raises(hallyu.InputError, match="formula"):
        hallyu.fepois("trade ~ ", guide_sample)
    bad = guide_sample.assign(trade=-guide_sample["trade"])
    with pytest.raises(hallyu.DataError, match="negative"):
        hallyu.fepois(RTA, bad)
    with pytest.raises(hallyu.InputError, match="DataFrame"):
        hallyu.fepois(RTA, [1, 2, 3])
    with pytest.raises(hallyu.InputError):
        hallyu.fepois(RTA, guide_sample, vcov=3)


def test_no_convergence_raises_with_the_fit_attached(guide_sample):
    with pytest.raises(hallyu.NumericalError) as e:
        hallyu.fepois(RTA, guide_sample, iwls_maxiter=1)
    assert isinstance(e.value, RuntimeError)
    assert isinstance(e.value.result, hallyu.Fit) and not e.value.result.converged


def test_progress_reaches_a_callable(guide_sample):
    events = []
    hallyu.fepois(RTA, guide_sample, progress=lambda *e: events.append(e))
    kinds = {e[0] for e in events}
    assert {"stage", "update"} <= kinds, events[:5]
    updates = [e for e in events if e[0] == "update"]
    assert all(isinstance(e[2], int) and isinstance(e[3], float) for e in updates)


def test_a_column_pyarrow_cannot_convert_is_a_data_error(guide_sample):
    df = guide_sample.copy()
    df["exporter"] = df["exporter"].astype(object)
    df.loc[0, "exporter"] = 3.5  # a number among the country codes
    with pytest.raises(hallyu.DataError, match="exporter"):
        hallyu.fepois(RTA, df)


def test_pyfixest_ssc_dictionaries_are_understood(guide_sample):
    named = hallyu.fepois(RTA, guide_sample, vcov={"CRV1": "pair_id"}, ssc="cluster-only")
    as_dict = hallyu.fepois(RTA, guide_sample, vcov={"CRV1": "pair_id"},
                            ssc={"k_adj": False, "k_fixef": "nonnested", "G_adj": True, "G_df": "min"})
    assert as_dict.se()["rta"] == named.se()["rta"]
    assert as_dict.to_dict()["ssc"] == "cluster-only"
    again = hallyu.fepois(RTA, guide_sample, vcov={"CRV1": "pair_id"}).vcov(
        {"CRV1": "pair_id"}, ssc={"k_adj": False})
    assert again.se()["rta"] == pytest.approx(named.se()["rta"], rel=1e-12)
    with pytest.raises(hallyu.InputError, match="no counterpart"):
        hallyu.fepois(RTA, guide_sample, ssc={"k_adj": True, "G_adj": False})

