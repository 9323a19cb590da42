# %% [markdown]
# # The Advanced Guide's RTA effect and a Korea-ASEAN scenario, in Python
#
# Cells in the `# %%` format (VS Code, Jupyter with jupytext, Spyder). Run it whole with
# `python examples/python_rta_scenario.py` after `pip install ./crates/python`.
#
# Yotov, Piermartini, Monteiro and Larch (2016), *An Advanced Guide to Trade Policy
# Analysis*, Chapter 1, Application 3: PPML with exporter-year, importer-year and pair fixed
# effects on the panel every four years, intra-national flows included; the pair effect of
# the intra-national flows is one common level (`pair_id_2`); standard errors clustered by
# pair (with the correction for the number of clusters only). Published: RTA 0.5572
# (0.1022), 28,482 observations.

# %%
import numpy as np

import hallyu

panel = hallyu.data.agtpa()
sample = panel[panel.year.isin([1986, 1990, 1994, 1998, 2002, 2006])].copy()
sample["exp_year"] = sample.exporter + sample.year.astype(str)
sample["imp_year"] = sample.importer + sample.year.astype(str)
sample["pair_id_2"] = np.where(sample.exporter == sample.importer, 0, sample.pair_id)
sample.shape

# %%
fit = hallyu.fepois(
    "trade ~ rta | exp_year + imp_year + pair_id_2",
    sample,
    vcov={"CRV1": "pair_id"},
    ssc="cluster-only",  # the Guide's Stata ppmlhdfe: no K adjustment
)
fit.tidy()

# %%
assert fit.nobs == 28482
assert round(fit.coef()["rta"], 4) == 0.5572 and round(fit.se()["rta"], 4) == 0.1022
# The same model with heteroskedasticity-robust errors, without a refit, side by side.
print(hallyu.etable([fit, fit.vcov("hetero")]))

# %% [markdown]
# The estimate is a semi-elasticity: an RTA raises trade between its members by
# exp(0.557) - 1 ≈ 75%, other things equal.

# %%
print(f"{np.expm1(fit.coef()['rta']):.1%}")

# %% [markdown]
# ## A general-equilibrium scenario: Korea signs RTAs with every ASEAN member
#
# `examples/kor_asean_rta.toml` re-estimates the same specification and solves the
# structural gravity system for the 2006 world with the new agreements (σ = 7); 50 draws
# of the estimates give the intervals.

# %%
from pathlib import Path

# Next to this file: the folder of the script, or of the notebook (Jupyter's working
# folder), or examples/ below the repository root.
folders = [Path(__file__).resolve().parent] if "__file__" in globals() else []
folders += [Path.cwd(), Path.cwd() / "examples"]
toml = next(f / "kor_asean_rta.toml" for f in folders if (f / "kor_asean_rta.toml").exists())
scenario = hallyu.simulate(toml, draws=50, seed=1)
effects = scenario.effects.set_index("country")
effects.loc[["KOR", "MYS", "PHL", "SGP", "THA", "JPN"], ["exports_full", "real_gdp_full"]]

# %%
scenario.intervals.head()

# %%
for note in scenario["notes"]:
    print("-", note)
