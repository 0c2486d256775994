#!/usr/bin/env python3
"""Build aws_ec2_spot_advisor_linux_by_region.csv from the Spot Instance Advisor feed.

Input: ../shared/data/measured/spot-advisor-data-snapshot-2025-06.json (a copy of AWS's public
feed https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json, taken from
github.com/alexei-led/spotinfo internal/spot/data/spot-advisor-data.json at commit 5bdc33c,
committed 2025-06-28). Output: one row per (region, Linux instance type) for the regions of
aws_ec2_linux_prices_by_region.csv, with the feed's savings percentage against On-Demand and its
interruption-frequency band. Standard library only; the output is sorted so it is reproducible.

Usage: spot_advisor_by_region.py FEED.json PRICES_BY_REGION.csv OUT.csv
"""
import csv
import json
import sys


def main(feed_path: str, prices_path: str, out_path: str) -> None:
    with open(feed_path, encoding="utf-8") as f:
        feed = json.load(f)
    labels = {r["index"]: r["label"] for r in feed["ranges"]}
    with open(prices_path, encoding="utf-8", newline="") as f:
        regions = {row["region"] for row in csv.DictReader(f)}
    rows = []
    for region, by_os in feed["spot_advisor"].items():
        if region not in regions:
            continue
        for itype, v in by_os.get("Linux", {}).items():
            rows.append((region, itype, int(v["s"]), labels[int(v["r"])]))
    rows.sort()
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "instance_type", "spot_savings_pct", "interruption_band"])
        w.writerows(rows)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
