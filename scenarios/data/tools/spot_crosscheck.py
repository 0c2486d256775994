#!/usr/bin/env python3
"""Cross-check ecsim's derived Spot prices against real Spot prices of 2021-04.

ecsim prices Spot as On-Demand (2024-04 snapshot) x (1 - the Spot Advisor's savings, 2025-06).
The shared data folder holds a point-in-time copy of AWS's Spot price feed for 5 regions
(aws_ec2_spot_price_snapshot_2021-04.csv, from github.com/alexei-led/spotinfo). This prints, per
region, the median and quartiles of estimate / real price over the types both cover. It is a
cross-check of a derivation, four years apart, not a fit: nothing in ecsim is tuned to it.

Usage: spot_crosscheck.py [SHARED_DATA_DIR]   (default ../shared/data from the repository root)
"""
import csv
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(shared: str) -> None:
    data = os.path.dirname(HERE)
    with open(os.path.join(data, "aws_ec2_linux_prices_by_region.csv"), encoding="utf-8") as f:
        od = {(r["region"], r["instance_type"]): float(r["ondemand_usd_per_hour"]) for r in csv.DictReader(f) if r["ondemand_usd_per_hour"]}
    with open(os.path.join(data, "aws_ec2_spot_advisor_linux_by_region.csv"), encoding="utf-8") as f:
        saving = {(r["region"], r["instance_type"]): int(r["spot_savings_pct"]) for r in csv.DictReader(f)}
    ratios: dict[str, list[float]] = {}
    with open(os.path.join(shared, "aws_ec2_spot_price_snapshot_2021-04.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            k = (r["region"], r["instance_type"])
            if r["linux_usd_per_hour"] and k in od and k in saving and float(r["linux_usd_per_hour"]) > 0:
                ratios.setdefault(k[0], []).append(od[k] * (1 - saving[k] / 100) / float(r["linux_usd_per_hour"]))
    print("region,types,median_estimate_over_real,q1,q3")
    for region, v in sorted(ratios.items()):
        q = statistics.quantiles(v, n=4)
        print(f"{region},{len(v)},{statistics.median(v):.2f},{q[0]:.2f},{q[2]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "..", "shared", "data"))
