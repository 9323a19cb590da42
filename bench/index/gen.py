"""A synthetic composite-index problem in COINr's iData/iMeta layout: UNITS units,
INDICATORS indicators (lognormal, about 2% missing), grouped 5 to a pillar, 4 pillars to a
sub-index, the sub-indices under one index (4 levels).

    python bench/index/gen.py OUT_DIR [UNITS] [INDICATORS]
"""

import csv
import math
import random
import sys
from pathlib import Path

out = Path(sys.argv[1])
units = int(sys.argv[2]) if len(sys.argv) > 2 else 200
indicators = int(sys.argv[3]) if len(sys.argv) > 3 else 100
out.mkdir(parents=True, exist_ok=True)
rng = random.Random(1)
codes = [f"I{i:03d}" for i in range(indicators)]
pillars = [f"P{i:02d}" for i in range(math.ceil(indicators / 5))]
subs = [f"S{i:02d}" for i in range(math.ceil(len(pillars) / 4))]

with open(out / "iMeta.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Level", "iCode", "iName", "Direction", "Weight", "Denominator", "Parent", "Type"])
    for i, c in enumerate(codes):
        w.writerow([1, c, c, rng.choice([1, 1, 1, -1]), rng.choice([1, 1, 2]), "NA", pillars[i // 5], "Indicator"])
    for i, p in enumerate(pillars):
        w.writerow([2, p, p, 1, 1, "NA", subs[i // 4], "Aggregate"])
    for s in subs:
        w.writerow([3, s, s, 1, 1, "NA", "Index", "Aggregate"])
    w.writerow([4, "Index", "Index", 1, 1, "NA", "NA", "Aggregate"])
    w.writerow(["NA", "Region", "Region", "NA", "NA", "NA", "NA", "Group"])

with open(out / "iData.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["uCode", "uName", "Region", *codes])
    for u in range(units):
        row = [f"U{u:04d}", f"Unit {u}", rng.choice(["A", "B", "C"])]
        for _ in codes:
            row.append("NA" if rng.random() < 0.02 else f"{rng.lognormvariate(0, 1):.6g}")
        w.writerow(row)
