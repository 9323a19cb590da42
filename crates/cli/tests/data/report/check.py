"""Recomputes the report's market and integration figures for Korea in 2006 from the
Advanced Guide panel with pandas, independently of hallyu.

    python check.py PANEL.csv REPORT.json

PANEL.csv is the embedded panel as `hallyu data agtpa --out` writes it; REPORT.json is
`hallyu report --format json`. Checked, for Korea in 2006 (international flows only):
exports, imports, total trade, the top export partner and its share, the HHI over export
partners, and trade with ASEAN+3 (members in 2006: the ten ASEAN states, China, Japan and
Korea, Korea's own flows excluded) and its share of Korea's trade. Prints one line per
figure; exit status 1 when one differs by more than 1e-9 relative.
"""

import json
import sys

import pandas as pd

ASEAN_PLUS3_2006 = {
    "BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM", "CHN", "JPN", "KOR",
}


def main() -> int:
    panel = pd.read_csv(sys.argv[1])
    report = json.load(open(sys.argv[2]))
    intl = panel[(panel.exporter != panel.importer) & (panel.year == 2006)]
    exports = intl[intl.exporter == "KOR"]
    imports = intl[intl.importer == "KOR"]
    by_partner = exports.groupby("importer").trade.sum()
    shares = by_partner / by_partner.sum()
    bloc = ASEAN_PLUS3_2006 - {"KOR"}
    with_bloc = exports[exports.importer.isin(bloc)].trade.sum() + imports[
        imports.exporter.isin(bloc)
    ].trade.sum()
    total = exports.trade.sum() + imports.trade.sum()
    expected = {
        "exports": exports.trade.sum(),
        "imports": imports.trade.sum(),
        "total_trade": total,
        "hhi_partners": (shares**2).sum(),
        "top_partner_share_pct": shares.max() * 100,
        "trade_with_bloc": with_bloc,
        "bloc_share_of_trade_pct": with_bloc / total * 100,
    }
    sections = {s["id"]: s for s in report["sections"]}
    head = sections["headline"]["calls"][0]["response"]["result"]
    year = next(y for y in head["years"] if y["year"] == 2006)
    top = head["top_partners"]
    integ = sections["integration"]["calls"][0]["response"]["result"]
    iyear = next(y for y in integ["years"] if y["year"] == 2006)
    got = {
        "exports": year["exports"],
        "imports": year["imports"],
        "total_trade": year["total_trade"],
        "hhi_partners": year["hhi_partners"],
        "top_partner_share_pct": top["partners"][0]["share_pct"],
        "trade_with_bloc": iyear["partner"]["trade_with"],
        "bloc_share_of_trade_pct": iyear["partner"]["share_of_trade_pct"],
    }
    assert top["year"] == 2006 and top["partners"][0]["partner"] == shares.idxmax()
    bad = 0
    for k, e in expected.items():
        g = got[k]
        ok = abs(g - e) <= 1e-9 * max(abs(e), 1.0)
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {k}: report {g!r}, pandas {e!r}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
