"""Fixed-effect values and predictions, against least squares with explicit dummies in
numpy (an independent computation) and against the fit's own fitted values."""

from __future__ import annotations

import numpy as np
import pytest

import hallyu
from conftest import RTA


def test_ols_fixed_effects_equal_least_squares_with_dummies(agtpa):
    df = agtpa.query("year == 2006 and exporter != importer and trade > 0").reset_index(drop=True)
    # Demeaned to 1e-12, so that the comparison is not with the default 1e-8 tolerance.
    fit = hallyu.feols("log(trade) ~ log(dist) + cntg | exporter + importer", df, fixef_tol=1e-12)
    fe = fit.fixef()
    # Dummies: every exporter, every importer but the first in sorted order (the
    # reference fixest and pyfixest set to zero).
    exporters = sorted(df.exporter.unique())
    importers = sorted(df.importer.unique())
    X = np.column_stack([
        np.log(df.dist), df.cntg,
        *[(df.exporter == e).to_numpy(float) for e in exporters],
        *[(df.importer == m).to_numpy(float) for m in importers[1:]],
    ])
    b, *_ = np.linalg.lstsq(X, np.log(df.trade), rcond=None)
    np.testing.assert_allclose(fit.coef().to_numpy(), b[:2], rtol=1e-9)
    got_exp = np.array([fe["exporter"][e] for e in exporters])
    got_imp = np.array([fe["importer"][m] for m in importers])
    np.testing.assert_allclose(got_exp, b[2:2 + len(exporters)], rtol=1e-8, atol=1e-9)
    assert fe["importer"][importers[0]] == 0.0
    np.testing.assert_allclose(got_imp[1:], b[2 + len(exporters):], rtol=1e-8, atol=1e-9)


def test_poisson_predictions_from_the_fixed_effects_equal_the_fitted_values(guide_sample):
    fit = hallyu.fepois(RTA, guide_sample)
    fe = fit.fixef()
    assert set(fe) == {"exporter^year", "importer^year", "pair_id"}
    assert "KOR_2006" in fe["exporter^year"]
    fitted = fit.predict()
    again = fit.predict(guide_sample)
    kept = ~np.isnan(fitted)
    np.testing.assert_allclose(again[kept], fitted[kept], rtol=1e-8)
    np.testing.assert_allclose(
        fit.predict(guide_sample, type="link")[kept], np.log(fitted[kept]), rtol=1e-9, atol=1e-9
    )
    # A level the model never saw gives no prediction, not a guess.
    new = guide_sample.head(3).assign(exporter="XXX")
    assert np.isnan(fit.predict(new)).all()


def test_fixef_of_a_model_without_fixed_effects_is_an_input_error(guide_sample):
    fit = hallyu.fepois("trade ~ log(dist)", guide_sample.query("exporter != importer"))
    with pytest.raises(hallyu.InputError, match="no fixed effects"):
        fit.fixef()
    with pytest.raises(hallyu.InputError, match="type"):
        fit.predict(type="mean")
