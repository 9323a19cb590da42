"""Estimation with pyfixest's names: ``feols``, ``fepois``, the :class:`Fit` object and
``etable``. Everything computed comes from the engine; this module only shapes it."""

from __future__ import annotations

import json
import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _hallyu
from ._frames import DataArg, arrow_stream, request_of, source
from ._progress import ProgressArg, reporting
from .errors import HallyuWarning, InputError, NumericalError

VcovArg = Union[None, str, Mapping[str, str]]
SscArg = Union[None, str, Mapping[str, Any]]


class Fit:
    """One estimated model (one formula under one variance).

    Methods follow pyfixest: ``coef()``, ``se()``, ``tstat()``, ``pvalue()``,
    ``confint()``, ``tidy()``, ``summary()``, ``vcov(spec)``, ``fixef()``, ``predict()``;
    ``nobs``;
    ``to_dict()`` gives the JSON the command line writes for the same model.
    """

    def __init__(self, native: Any, notes: Sequence[str] = ()) -> None:
        self._native = native
        self._dict: Dict[str, Any] = json.loads(native.to_json())
        self.notes: List[str] = list(notes) + list(self._dict.get("notes", []))

    # -- what the model is -------------------------------------------------------------
    @property
    def formula(self) -> str:
        """The formula as given."""
        return str(self._dict["formula"])

    @property
    def estimator(self) -> str:
        """``fepois`` or ``feols``."""
        return str(self._dict["estimator"])

    @property
    def nobs(self) -> int:
        """Observations used (after dropping missing values, singletons, separated ones)."""
        return int(self._dict["nobs"])

    @property
    def vcov_type(self) -> str:
        """The variance, as its label (``iid``, ``hetero``, ``cluster(pair_id)``)."""
        return str(self._dict["vcov"])

    @property
    def converged(self) -> bool:
        """Whether the estimation converged."""
        return bool(self._dict["converged"])

    @property
    def dropped(self) -> Dict[str, int]:
        """Observations dropped, by reason (missing, singletons, separated, zero weight)."""
        return dict(self._dict["dropped"])

    def _terms(self) -> List[str]:
        return [c["term"] for c in self._dict["coefficients"]]

    def _series(self, field: str, name: str) -> Any:
        import numpy as np
        import pandas as pd

        values = [c[field] for c in self._dict["coefficients"]]
        values = [np.nan if v is None else v for v in values]
        s = pd.Series(values, index=pd.Index(self._terms(), name="Coefficient"), name=name)
        return s.astype(float)

    # -- inference ---------------------------------------------------------------------
    def coef(self) -> Any:
        """The estimates, a Series indexed by term (``Estimate``)."""
        return self._series("estimate", "Estimate")

    def se(self) -> Any:
        """The standard errors (``Std. Error``); NaN where undefined."""
        return self._series("std_error", "Std. Error")

    def tstat(self) -> Any:
        """The test statistics (``t value``: z for Poisson, t for least squares)."""
        return self._series("statistic", "t value")

    def pvalue(self) -> Any:
        """Two-sided p-values (``Pr(>|t|)``)."""
        return self._series("p_value", "Pr(>|t|)")

    def confint(self, alpha: float = 0.05) -> Any:
        """The ``1 - alpha`` confidence intervals: a DataFrame with columns such as
        ``2.5%`` and ``97.5%``, from the fit's own distribution (t or normal)."""
        import pandas as pd

        bounds = self._native.confint(1.0 - alpha)
        low, high = _percent(alpha / 2), _percent(1 - alpha / 2)
        return pd.DataFrame(
            bounds, index=pd.Index(self._terms(), name="Coefficient"), columns=[low, high]
        )

    def tidy(self, alpha: float = 0.05) -> Any:
        """Coefficients, standard errors, statistics, p-values and intervals, one row per
        term: pyfixest's ``tidy()`` layout."""
        import pandas as pd

        return pd.concat(
            [self.coef(), self.se(), self.tstat(), self.pvalue(), self.confint(alpha)], axis=1
        )

    def vcov(self, vcov: Union[str, Mapping[str, str]], ssc: SscArg = None) -> "Fit":
        """The same model under another variance, without a refit: ``"iid"``,
        ``"hetero"``, ``{"CRV1": "pair_id"}``, ``"cluster:exporter,importer"``... (and
        another small-sample correction with ``ssc``)."""
        ssc_json = None if ssc is None else json.dumps(_ssc_value(ssc))
        return Fit(self._native.with_vcov(json.dumps(_vcov_value(vcov)), ssc_json))

    def vcov_matrix(self) -> Any:
        """The variance-covariance matrix of the coefficients, a DataFrame."""
        import pandas as pd

        terms = self._terms()
        return pd.DataFrame(self._dict["vcov_matrix"], index=terms, columns=terms)

    def fixef(self) -> Dict[str, Dict[str, float]]:
        """The estimated fixed effects, as fixest's ``fixef()``: for each dimension
        (``exporter^year``) its levels (an interaction's joined with ``_``: ``KOR_2006``) and
        values. The values are identified up to one constant per dimension after the first:
        the first level of each of those, in sorted order, is zero. Computed on first use
        (alternating means over the estimation sample) and kept."""
        return {name: dict(zip(levels, values)) for name, levels, values in self._native.fixef()}

    def predict(self, newdata: Any = None, type: str = "response") -> Any:
        """Predictions, a NumPy array.

        Without ``newdata``: the fitted values for each row of the data the model was given,
        in order, NaN for rows not in the estimation sample (missing values, singletons,
        separated observations). With ``newdata`` (a DataFrame with the model's columns):
        predictions from the coefficients and the estimated fixed effects, NaN where a
        variable is missing or a fixed-effect level was not estimated. ``type``:
        ``"response"`` (the Poisson mean) or ``"link"`` (the linear predictor)."""
        import numpy as np

        if type not in ("response", "link"):
            raise InputError(f"type must be 'response' or 'link', not {type!r}")
        link = type == "link"
        if newdata is not None:
            return np.asarray(self._native.predict(arrow_stream(newdata), link), dtype=float)
        rows, values = self._native.fitted(link)
        out = np.full(self._native.data_rows, np.nan)
        out[np.asarray(rows, dtype=np.int64)] = values
        return out

    # -- output ------------------------------------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        """The fit as the JSON contract (what ``hallyu fepois ... --format json`` writes)."""
        return json.loads(self._native.to_json())

    def render(self, format: str = "table") -> str:
        """The fit as text: ``table``, ``markdown``, ``latex``, ``csv``, ``html``, ``json``."""
        return str(self._native.render(format))

    def summary(self) -> None:
        """Prints the coefficient table with the model's details."""
        print(self.render("table"))

    def __repr__(self) -> str:
        return self.render("table")

    def _repr_html_(self) -> str:
        return self.render("markdown")


def _percent(q: float) -> str:
    text = f"{100 * q:.10g}"
    return f"{text}%"


def _vcov_value(vcov: Any) -> Any:
    if isinstance(vcov, Mapping):
        return dict(vcov)
    if isinstance(vcov, str):
        return vcov
    raise InputError(
        f"vcov must be a string such as 'hetero' or a dict such as {{'CRV1': 'pair_id'}}, not {type(vcov).__name__}"
    )


def _ssc_value(ssc: Any) -> Any:
    if isinstance(ssc, Mapping):
        return dict(ssc)
    if isinstance(ssc, str):
        return ssc
    raise InputError(
        f"ssc must be a name such as 'cluster-only' or pyfixest's ssc() dict, not {type(ssc).__name__}"
    )


def _options(
    fixef_tol: Optional[float],
    iwls_tol: Optional[float],
    iwls_maxiter: Optional[int],
    fixef_maxiter: Optional[int],
    fixef_rm: str,
    separation_check: Optional[Sequence[str]],
) -> Dict[str, Any]:
    irls: Dict[str, Any] = {}
    demean: Dict[str, Any] = {}
    if iwls_tol is not None:
        irls["tol"] = iwls_tol
    if iwls_maxiter is not None:
        irls["max_iter"] = iwls_maxiter
    if fixef_tol is not None:
        demean["tol"] = fixef_tol
    if fixef_maxiter is not None:
        demean["max_iter"] = fixef_maxiter
    if demean:
        irls["demean"] = demean
    options: Dict[str, Any] = {}
    if irls:
        options["irls"] = irls
    if fixef_rm not in ("singleton", "none"):
        raise InputError(f"fixef_rm must be 'singleton' or 'none', not {fixef_rm!r}")
    options["drop_singletons"] = fixef_rm == "singleton"
    if separation_check is not None:
        names = {"fe": "fe", "ir": "relu", "relu": "relu"}
        checks = []
        for c in separation_check:
            if c not in names:
                raise InputError(
                    f"separation_check {c!r} is not known; the checks are 'fe' and 'ir'"
                )
            checks.append(names[c])
        options["separation"] = ",".join(checks) if checks else "none"
    return options


def _estimate(
    estimator: str,
    fml: Union[str, Sequence[str]],
    data: DataArg,
    vcov: Union[VcovArg, Sequence[Union[str, Mapping[str, str]]]],
    weights: Optional[str],
    ssc: SscArg,
    where: Optional[str],
    options: Dict[str, Any],
    progress: ProgressArg,
) -> Union[Fit, List[Fit]]:
    formulas = [fml] if isinstance(fml, str) else list(fml)
    if vcov is None:
        vcovs: List[Any] = []
    elif isinstance(vcov, (str, Mapping)):
        vcovs = [_vcov_value(vcov)]
    elif isinstance(vcov, (list, tuple)):
        vcovs = [_vcov_value(v) for v in vcov]
    else:
        vcovs = [_vcov_value(vcov)]
    data_field, frame = source(data)
    request = request_of(
        "fit",
        estimator=estimator,
        formulas=formulas,
        data=data_field,
        vcov=vcovs,
        options=options,
        weights=weights,
        ssc=None if ssc is None else _ssc_value(ssc),
        where=where,
    )
    text = json.dumps(request)
    stream = None
    if frame is not None:
        stream = arrow_stream(frame, _hallyu.columns_read(text))
    with reporting(progress) as callback:
        natives, notes = _hallyu.estimate(text, stream, None, callback)
    for note in notes:
        warnings.warn(note, HallyuWarning, stacklevel=3)
    fits = [Fit(n) for n in natives]
    failed = [f.formula for f in fits if not f.converged]
    if failed:
        error = NumericalError(
            "did not converge, the estimates are not valid: " + "; ".join(dict.fromkeys(failed))
        )
        error.result = fits if len(fits) > 1 else fits[0]
        raise error
    return fits[0] if len(fits) == 1 else fits


def fepois(
    fml: Union[str, Sequence[str]],
    data: DataArg = None,
    vcov: Union[VcovArg, Sequence[Union[str, Mapping[str, str]]]] = None,
    weights: Optional[str] = None,
    ssc: SscArg = None,
    fixef_tol: Optional[float] = None,
    iwls_tol: Optional[float] = None,
    iwls_maxiter: Optional[int] = None,
    fixef_maxiter: Optional[int] = None,
    fixef_rm: str = "singleton",
    separation_check: Optional[Sequence[str]] = None,
    where: Optional[str] = None,
    progress: ProgressArg = None,
) -> Union[Fit, List[Fit]]:
    """Poisson pseudo-maximum likelihood with high-dimensional fixed effects (PPML, the
    structural gravity estimator), as pyfixest's ``fepois``.

    Args:
        fml: A formula in fixest syntax, ``"trade ~ rta | exporter^year + importer^year +
            pair_id"``, or a list of formulas estimated on the same data.
        data: A pandas or polars DataFrame or a pyarrow Table (handed over through the Arrow
            C data interface), a path to a CSV, Parquet or Stata file or a dataset folder,
            or None for the embedded Advanced Guide panel.
        vcov: ``"iid"`` (default), ``"hetero"``, ``{"CRV1": "pair_id"}``,
            ``"cluster:exporter,importer"``, ``"twoway"``; a list gives one fit per variance.
        weights: A column of observation weights.
        ssc: Small-sample correction: ``"fixest"`` (default), ``"cluster-only"``,
            ``"stata"``, ``"none"``, or pyfixest's ``pf.ssc(...)`` dictionary for the
            corrections it expresses (``pf.ssc(k_adj=False)`` is ``"cluster-only"``).
        fixef_tol: Tolerance of the fixed-effect demeaning (default 1e-8).
        iwls_tol: Tolerance of the IRLS deviance (default 1e-8).
        iwls_maxiter: Most IRLS iterations.
        fixef_maxiter: Most demeaning iterations.
        fixef_rm: ``"singleton"`` drops observations alone in a fixed-effect group,
            ``"none"`` keeps them.
        separation_check: ``["fe", "ir"]`` (default), a subset, or ``[]`` for none.
            ``"fe"`` drops groups whose outcome is all zero and the zero-outcome rows
            that any two fixed-effect dimensions separate (found exactly on their
            graph); ``"ir"`` is the iterative rectifier, for separation that involves
            the regressors.
        where: A row selection, ``"year >= 1990 and exporter != importer"``.
        progress: True, False, or a callable ``(kind, stage, iteration, value)``; by
            default a tqdm bar (stderr lines without tqdm) for work longer than 0.5 s.

    Returns:
        A :class:`Fit`, or a list of them for several formulas or variances.

    Raises:
        InputError, DataError: the request or the data cannot be used (the message names
            the column, row or value).
        NumericalError: no convergence (the fits are attached as ``result``).
        KeyboardInterrupt: interrupted with Ctrl-C; the computation stops.
    """
    options = _options(
        fixef_tol, iwls_tol, iwls_maxiter, fixef_maxiter, fixef_rm, separation_check
    )
    return _estimate("fepois", fml, data, vcov, weights, ssc, where, options, progress)


def feols(
    fml: Union[str, Sequence[str]],
    data: DataArg = None,
    vcov: Union[VcovArg, Sequence[Union[str, Mapping[str, str]]]] = None,
    weights: Optional[str] = None,
    ssc: SscArg = None,
    fixef_tol: Optional[float] = None,
    fixef_maxiter: Optional[int] = None,
    fixef_rm: str = "singleton",
    where: Optional[str] = None,
    progress: ProgressArg = None,
) -> Union[Fit, List[Fit]]:
    """Least squares with high-dimensional fixed effects, as pyfixest's ``feols``.

    Arguments as :func:`fepois` (``weights`` gives weighted least squares); returns a
    :class:`Fit` or a list of them.
    """
    options = _options(fixef_tol, None, None, fixef_maxiter, fixef_rm, None)
    return _estimate("feols", fml, data, vcov, weights, ssc, where, options, progress)


def etable(fits: Union[Fit, Sequence[Fit]], type: str = "table") -> Any:
    """Fits side by side, as the command line shows several formulas.

    ``type``: ``"table"`` (text), ``"md"``/``"markdown"``, ``"tex"``/``"latex"``,
    ``"html"``, ``"csv"``, ``"json"``, or ``"df"`` for a DataFrame of estimates with
    standard errors (one column per model)."""
    models = [fits] if isinstance(fits, Fit) else list(fits)
    if not models or not all(isinstance(f, Fit) for f in models):
        raise InputError("etable takes a Fit or a list of Fit objects")
    if type == "df":
        import pandas as pd

        columns = {}
        for i, f in enumerate(models, 1):
            cells = {
                term: f"{est:.4f} ({se:.4f})"
                for term, est, se in zip(f.coef().index, f.coef(), f.se())
            }
            columns[f"({i}) {f.formula}"] = pd.Series(cells, dtype=object)
        return pd.DataFrame(columns)
    aliases = {"md": "markdown", "tex": "latex"}
    return _hallyu.etable([f._native for f in models], aliases.get(type, type))
