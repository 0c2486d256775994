"""The AWS field table against AWS's own current API models (botocore's service models).

Every member of every API shape a scenario holds must have exactly one row in ecsim's table
(modelled, refused, inert), and every row that is not ecsim's own must be a member AWS
still has. A new AWS field makes this test fail until someone decides what it does; a field
AWS removes does the same. MODEL.md must print the table as `ecsim fields` does.
"""

from pathlib import Path

import pytest

import ecsim

botocore_loaders = pytest.importorskip("botocore.loaders")

ROOT = Path(__file__).resolve().parents[2]
TABLE = ecsim.aws_fields()


def api_members(service: str, shape: str) -> set[str]:
    model = botocore_loaders.Loader().load_service_model(service, "service-2")
    assert shape in model["shapes"], f"botocore's {service} model has no shape {shape}"
    return set(model["shapes"][shape]["members"])


@pytest.mark.parametrize("entry", TABLE, ids=[e["shape"] for e in TABLE])
def test_every_api_field_is_classified_and_every_row_exists(entry):
    api = set()
    for shape in entry["apiShapes"]:
        api |= api_members(entry["service"], shape)
    rows = [f["field"] for f in entry["fields"]]
    assert len(rows) == len(set(rows)), f"{entry['shape']}: a field has two rows"
    aws_rows = {f["field"] for f in entry["fields"] if f["class"] != "ecsim"}
    ours = {f["field"] for f in entry["fields"] if f["class"] == "ecsim"}
    assert sorted(api - aws_rows) == [], f"{entry['shape']}: AWS fields without a class"
    assert sorted(aws_rows - api) == [], f"{entry['shape']}: rows for fields AWS does not have"
    assert sorted(ours & api) == [], f"{entry['shape']}: AWS fields marked as ecsim's own"


def test_refused_fields_say_what_to_do_and_inert_fields_why():
    for entry in TABLE:
        for f in entry["fields"]:
            if f["class"] in ("refused", "inert", "ecsim"):
                assert f["note"], f"{entry['shape']}.{f['field']} ({f['class']}) has no note"
            if f["class"] == "refused":  # the note is the error message
                assert "not modelled" in f["note"] and ":" in f["note"], f"{entry['shape']}.{f['field']}: {f['note']}"


def test_model_md_prints_the_table():
    from refresh_model_md import BEGIN, END, table_markdown

    text = (ROOT / "MODEL.md").read_text()
    assert BEGIN in text and END in text, "MODEL.md has no AWS field table markers"
    printed = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert printed == table_markdown(), "MODEL.md's AWS field table differs: run tests/python/refresh_model_md.py"
