"""The GIL is released during a fit, and Ctrl-C stops one."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pandas as pd

import hallyu


def panel(countries: int, years: int, seed: int = 1) -> pd.DataFrame:
    """A gravity panel large enough for a fit to last a while."""
    rng = np.random.default_rng(seed)
    e, i, t = np.meshgrid(np.arange(countries), np.arange(countries), np.arange(years), indexing="ij")
    e, i, t = e.ravel(), i.ravel(), t.ravel()
    rta = rng.random(e.size) < 0.2
    trade = rng.poisson(np.exp(1.0 + 0.3 * rta + rng.normal(0, 1, e.size) * 0.3))
    return pd.DataFrame({
        "exporter": e, "importer": i, "year": t, "pair": e * countries + i,
        "rta": rta.astype(float), "trade": trade.astype(float),
    })


FORMULA = "trade ~ rta | exporter^year + importer^year + pair"


def test_python_threads_run_while_a_fit_computes():
    df = panel(120, 10)
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    thread = threading.Thread(target=count)
    thread.start()
    start = time.monotonic()
    hallyu.fepois(FORMULA, df, progress=False)
    elapsed = time.monotonic() - start
    stop.set()
    thread.join()
    # With the GIL held for the whole fit the counter would stand still; released, it
    # ticks about once a millisecond (the bound leaves room for a loaded machine).
    assert ticks > 0.2 * elapsed * 1000 / 2, (ticks, elapsed)


def test_ctrl_c_interrupts_a_long_fit():
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(__file__.rsplit('/', 1)[0])!r})
        from test_interrupt import panel, FORMULA
        import hallyu
        df = panel(500, 20)
        print("start", flush=True)
        t = time.monotonic()
        try:
            hallyu.fepois(FORMULA, df, fixef_tol=1e-14, iwls_tol=1e-14, progress=False)
            print("finished", time.monotonic() - t, flush=True)
        except KeyboardInterrupt:
            print("interrupted", time.monotonic() - t, flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "start"
    # 5M rows at a 1e-14 tolerance take about 3 s on two cores (1.8M rows took
    # 1.1 s once the IRLS loops ran in parallel, and this test then saw the fit finish).
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    line = proc.stdout.readline().split()
    waited = time.monotonic() - sent
    proc.wait(timeout=60)
    assert line and line[0] == "interrupted", line
    assert waited < 10, f"the fit stopped {waited:.1f} s after Ctrl-C"


def test_long_work_reports_progress_on_stderr_without_tqdm(capfd, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    # Every fit counts as long work here (the threshold is half a second).
    monkeypatch.setattr(hallyu._progress, "_DELAY_S", 0.0)
    df = panel(60, 5)
    hallyu.fepois(FORMULA, df)
    err = capfd.readouterr().err
    assert "hallyu: reading data" in err or "hallyu: fepois" in err, err
    # Turned off, nothing is written.
    hallyu.set_progress(False)
    try:
        hallyu.fepois(FORMULA, df)
    finally:
        hallyu.set_progress(True)
    assert "hallyu:" not in capfd.readouterr().err
