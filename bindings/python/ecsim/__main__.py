"""`python -m ecsim report OUT_DIR`: the HTML report of an `ecsim run` output folder."""

import sys

from ._report import main as report_main


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "report":
        print("usage: python -m ecsim report OUT_DIR [--out FILE] [--title TEXT]", file=sys.stderr)
        return 2
    return report_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
