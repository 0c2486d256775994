"""Writes `ecsim fields` into MODEL.md between its aws-fields markers (run after changing the
AWS field table: PYTHONPATH=build/dev/python .venv/bin/python tests/python/refresh_model_md.py)."""
import sys
from pathlib import Path

import ecsim

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- aws-fields:begin (ecsim fields) -->\n", "<!-- aws-fields:end -->"


def table_markdown() -> str:
    lines = []
    for entry in ecsim.aws_fields():
        api = ", ".join(entry["apiShapes"])
        lines.append(f"#### {entry['shape']} (`{entry['where']}`)\n\n{entry['service']} API shapes: {api}.\n\n"
                     "| field | class | note |\n| --- | --- | --- |\n")
        lines.extend(f"| `{f['field']}` | {f['class']} | {f['note']} |\n" for f in entry["fields"])
        lines.append("\n")
    return "".join(lines)


if __name__ == "__main__":
    path = ROOT / "MODEL.md"
    text = path.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(head + BEGIN + table_markdown() + END + tail)
    sys.exit(0)
