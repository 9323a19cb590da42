"""Indicators, projections, scenarios, reports and ingestion: requests in the library's JSON
form, answers as :class:`Result` objects whose tables are DataFrames."""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _hallyu
from ._frames import DataArg, arrow_stream, records_frame, request_of, source
from ._progress import ProgressArg, reporting
from .errors import HallyuWarning, InputError, NumericalError


class Result(Mapping[str, Any]):
    """An answer of the engine: the JSON the command line writes for the same request,
    read as a mapping. Attribute access gives a list of records as a pandas DataFrame
    (``result.years``), other values as they are; ``to_dict()`` gives the JSON itself."""

    def __init__(self, capability: str, data: Any, text: str) -> None:
        self.capability = capability
        # An answer that is a list (an ingest's reports, one per source) reads as {"items": ...}.
        self._json = data
        self._data: Dict[str, Any] = data if isinstance(data, dict) else {"items": data}
        self._text = text

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = self._data[name]
        except KeyError:
            raise AttributeError(
                f"this {self.capability} result has no field {name!r}; fields: {', '.join(self._data)}"
            ) from None
        return records_frame(value)

    def to_dict(self) -> Any:
        """The answer as the JSON contract (a copy): what the command line writes with
        ``--format json`` (a list for answers that are lists)."""
        return json.loads(json.dumps(self._json))

    def __repr__(self) -> str:
        return self._text


def call(
    request: Dict[str, Any],
    data: Any = None,
    formats: Sequence[str] = ("json", "table"),
    progress: ProgressArg = None,
) -> Tuple[List[str], Optional[Tuple[str, str]]]:
    """Runs a request; returns its renderings and its problem, warning what the user should
    know and raising a :class:`NumericalError` for a fit that did not converge."""
    stream = arrow_stream(data) if data is not None else None
    with reporting(progress) as callback:
        texts, problem, notes = _hallyu.run(json.dumps(request), stream, list(formats), callback)
    for note in notes:
        warnings.warn(note, HallyuWarning, stacklevel=3)
    return texts, problem


def _result(
    request: Dict[str, Any], data: Any = None, progress: ProgressArg = None
) -> Result:
    texts, problem = call(request, data, ("json", "table"), progress)
    parsed = json.loads(texts[0])
    result = Result(request["capability"], parsed, texts[1])
    if problem is not None:
        category, message = problem
        if category == "numerical" and request["capability"] in ("fit", "potential"):
            error = NumericalError(message)
            error.result = result
            raise error
        warnings.warn(message or f"the result has a {category} problem", HallyuWarning, stacklevel=3)
    return result


def _years(years: Optional[Tuple[int, int]]) -> Optional[List[int]]:
    return None if years is None else [int(years[0]), int(years[1])]


def run(request: Union[Mapping[str, Any], str, "os.PathLike[str]"], progress: ProgressArg = None) -> Result:
    """Runs any request in the library's JSON form (a dict, or a path to a JSON file such as
    ``hallyu ... --print-request`` writes), as ``hallyu run`` does."""
    if isinstance(request, (str, os.PathLike)):
        with open(request, encoding="utf-8") as f:
            request = json.load(f)
    if not isinstance(request, Mapping) or "capability" not in request:
        raise InputError("a request is a dict with a 'capability' field")
    return _result(dict(request), None, progress)


def indicators(
    subject: str,
    partner: Optional[str] = None,
    data: DataArg = None,
    group: Optional[str] = None,
    years: Optional[Tuple[int, int]] = None,
    cagr_window: Optional[Tuple[int, int]] = None,
    top: Optional[int] = None,
    value: Optional[str] = None,
    **fields: Any,
) -> Result:
    """Trade indicators of a country, bloc or list of countries: exports, imports, balance,
    growth, world share, RCA, concentration, the share of trade with ``partner``, top
    partners. ``result.years`` and ``result.cagr`` are DataFrames.

    ``data``: None (the embedded Advanced Guide panel), a file or dataset folder, or a
    DataFrame with columns year, exporter, importer, value (and product). Other request
    fields (``perspective``, ``source``, ``product``...) go as keyword arguments."""
    data_field, frame = source(data)
    request = request_of(
        "indicators",
        subject=subject,
        data=data_field,
        partner=partner,
        group=group,
        value=value,
        top=top,
        years=_years(years),
        cagr_window=_years(cagr_window),
        **fields,
    )
    return _result(request, frame)


def project(
    start: Tuple[int, float],
    end: Optional[Tuple[int, float]] = None,
    cagr_pct: Optional[float] = None,
) -> Result:
    """Compound growth between two dated values, or a claim check: ``project((2021, 8.1),
    (2031, 20))`` gives the growth rate; with ``cagr_pct`` the value it implies."""
    request = request_of(
        "projection",
        start_year=int(start[0]),
        start_value=str(start[1]),
        end_year=None if end is None else int(end[0]),
        end_value=None if end is None else str(end[1]),
        cagr_pct=None if cagr_pct is None else str(cagr_pct),
    )
    return _result(request)


def simulate(
    scenario: Union[Mapping[str, Any], str, "os.PathLike[str]"],
    data: DataArg = None,
    draws: int = 0,
    seed: int = 1,
    method: Optional[str] = None,
    progress: ProgressArg = None,
) -> Result:
    """A general-equilibrium policy scenario: a scenario TOML file (as ``hallyu simulate``
    reads) or a dict with its ``baseline`` and ``change`` (the ``scenario`` field of the
    request ``--print-request`` writes). ``draws`` > 0 adds intervals from the estimates'
    uncertainty. ``result.countries`` and the other tables are DataFrames."""
    if isinstance(scenario, (str, os.PathLike)):
        request = json.loads(_hallyu.read_file("scenario", os.fspath(scenario)))
    elif isinstance(scenario, Mapping):
        request = request_of("scenario", scenario=dict(scenario))
    else:
        raise InputError("a scenario is a TOML file path or a dict with baseline and change")
    frame = None
    if data is not None:
        request["data"], frame = source(data)
    options = dict(request.get("options") or {})
    options["draws"] = draws
    options["seed"] = seed
    if method is not None:
        options["method"] = method
    request["options"] = options
    return _result(request, frame, progress)


def report(
    country: str = "KOR",
    out: Union[None, str, "os.PathLike[str]"] = None,
    data: DataArg = None,
    peers: Optional[Sequence[str]] = None,
    bloc: Optional[str] = None,
    group: Optional[str] = None,
    years: Optional[Tuple[int, int]] = None,
    scenario: Union[None, str, "os.PathLike[str]"] = None,
    claims: Union[None, str, "os.PathLike[str]"] = None,
    draws: int = 100,
    index: Union[None, str, "os.PathLike[str]", Mapping[str, Any]] = None,
    index_data: Union[None, str, "os.PathLike[str]"] = None,
    index_meta: Union[None, str, "os.PathLike[str]"] = None,
    progress: ProgressArg = None,
) -> Result:
    """A country's creative-trade report, as ``hallyu report``: writes the HTML page to
    ``out`` (default ``hallyu-report-<COUNTRY>.html``; the file is replaced atomically) and
    returns the report's data (``result.sections``...).

    ``index="example"`` adds the country's place on the embedded example scoreboard built on
    the report's own trade data; ``index="framework.toml", index_data="units.csv"`` (or
    ``index_meta="iMeta.csv", index_data=...``) on your own index; a dict is an index
    request as :func:`index` builds it."""
    data_field, frame = source(data)
    index_request = _report_index(index, index_data, index_meta, data_field, frame)
    request = request_of(
        "report",
        country=country,
        data=data_field,
        draws=draws,
        peers=None if peers is None else list(peers),
        bloc=bloc,
        group=group,
        years=_years(years),
    )
    if scenario is not None:
        request["scenario"] = json.loads(_hallyu.read_file("scenario", os.fspath(scenario)))
        request["scenario"].pop("capability", None)
    if claims is not None:
        request["claims"] = json.loads(_hallyu.read_file("claims", os.fspath(claims)))
    if index_request is not None:
        request["index"] = index_request
    texts, problem = call(request, frame, ("json", "html"), progress)
    target = Path(out) if out is not None else Path(f"hallyu-report-{country.upper()}.html")
    _write_atomically(target, texts[1])
    result = Result("report", json.loads(texts[0]), f"report written to {target}")
    if problem is not None:
        warnings.warn(problem[1], HallyuWarning, stacklevel=2)
    return result


def _report_index(index: Any, index_data: Any, index_meta: Any, data_field: Dict[str, Any],
                  frame: Any) -> Optional[Dict[str, Any]]:
    """The report's index request from ``report``'s arguments (as the command line's
    ``--index``, ``--index-data``, ``--index-meta``)."""
    if index is None and index_meta is None:
        if index_data is not None:
            raise InputError("index_data needs its framework: index='framework.toml' or index_meta='iMeta.csv'")
        return None
    if isinstance(index, Mapping):
        return {k: v for k, v in index.items() if k != "capability"}
    if index is not None and index_meta is not None:
        raise InputError("give one framework: index (a TOML file or 'example') or index_meta, not both")
    if isinstance(index, str) and index.lower() == "example":
        if index_data is not None:
            raise InputError("index='example' is built on the report's trade data: leave out index_data")
        if frame is not None:
            raise InputError("index='example' needs the report's data as a path (or the embedded panel), not a DataFrame")
        return {"trade": data_field}
    if index_data is None:
        raise InputError("a framework is built on unit data: give index_data='units.csv' (COINr's iData layout)")
    if index_meta is not None:
        return {"meta": os.fspath(index_meta), "data": os.fspath(index_data)}
    return {"framework": os.fspath(index), "data": os.fspath(index_data)}


def _write_atomically(target: Path, text: str) -> None:
    """Writes next to ``target`` and renames over it; refuses to replace anything but a
    regular file (a device, a FIFO, a symbolic link)."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise InputError(f"{target} exists and is not a regular file: not replaced")
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def ingest(
    kind: str,
    inputs: Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]],
    out: Union[str, "os.PathLike[str]"],
    strict: bool = False,
    replace: bool = False,
    on_duplicate: str = "error",
    progress: ProgressArg = None,
) -> Result:
    """Trade data or gravity covariates into a dataset folder, as ``hallyu ingest``:
    ``kind`` is ``baci``, ``unctadstat``, ``comtrade``, ``series`` or ``gravity``."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    request = request_of(
        "ingest",
        kind=kind,
        inputs=[os.fspath(p) for p in inputs],
        out=os.fspath(out),
        strict=strict,
        replace=replace,
        on_duplicate=on_duplicate,
    )
    return _result(request, None, progress)


def index(
    data: Optional[Union[str, "os.PathLike[str]"]] = None,
    meta: Optional[Union[str, "os.PathLike[str]"]] = None,
    *,
    framework: Optional[Union[str, "os.PathLike[str]"]] = None,
    trade: Any = None,
    denominate: Optional[str] = None,
    impute: Optional[str] = None,
    screen: Union[float, str, None] = None,
    treat: Optional[str] = None,
    normalise: Optional[str] = None,
    aggregate: Optional[str] = None,
    weights: Optional[str] = None,
    data_threshold: Optional[float] = None,
    dataset: Optional[str] = None,
    sensitivity: Optional[Mapping[str, Any]] = None,
    analysis: bool = False,
    progress: ProgressArg = None,
) -> Result:
    """A composite index, as ``hallyu index build``: unit data in COINr's ``iData`` layout
    (``data``) with its framework, COINr's ``iMeta`` table (``meta``) or a native TOML file
    (``framework``); with neither, the embedded example scoreboard computed from ``trade``
    (a path to flows or a dataset folder; the embedded panel by default). Each step's method
    is written as on the command line (``impute="group-mean:EurAsia_group"``,
    ``normalise="rank"``, ``weights="pca"``...); a method left as ``None`` is the
    framework file's, else the default; ``screen="none"`` lifts a framework's screening.

    ``result.units`` has each unit's rank and its scores and ranks on every aggregate
    (``result["aggregates"]`` names them, in order); ``dataset="Treated"`` adds that data
    set in full; ``sensitivity={"runs": 1000, "weight_noise": 0.25, "normalise":
    ["minmax:0,100", "rank"], "drop_indicator": True}`` adds the ranks' intervals under
    those choices (``result["sensitivity"]``), and with ``"design": "saltelli"`` the
    first-order and total sensitivity indices of each uncertain input; ``analysis=True``
    adds each group's Cronbach's alpha, first-component share and correlations, and flags
    (``result["analysis"]``)."""
    def path(p: Any) -> Optional[str]:
        return None if p is None else os.fspath(p)
    trade_source = None
    if trade is not None:
        if not isinstance(trade, (str, os.PathLike)):
            raise InputError("trade is a path to trade flows (a file or a dataset folder)")
        trade_source, _ = source(trade)
    request = request_of(
        "index",
        data=path(data),
        meta=path(meta),
        framework=path(framework),
        trade=trade_source,
        denominate=denominate,
        impute=impute,
        screen=screen,
        treat=treat,
        normalise=normalise,
        aggregate=aggregate,
        weights=weights,
        data_threshold=data_threshold,
        dataset=dataset,
        sensitivity=None if sensitivity is None else dict(sensitivity),
        analysis=analysis or None,
    )
    return _result(request, None, progress)

