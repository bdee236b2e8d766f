"""The JSON Schemas in schemas/ describe every file format: each project file in the repository
validates against its schema, and the mistakes the build rejects are rejected by the schema too."""
from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from conftest import ROOT

SCHEMAS = ROOT / "src" / "factpress" / "schemas"
PROJECTS = [ROOT, ROOT / "examples" / "iowa-electricity", ROOT / "tests" / "projects" / "mini",
            ROOT / "src" / "factpress" / "scaffold"]


class _Loader(yaml.SafeLoader):
    """YAML as the editor's schema check reads it: dates stay text."""


_Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def validator(name: str):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(path) -> object:
    return yaml.load(path.read_text("utf-8"), Loader=_Loader)


def project_files():
    for root in PROJECTS:
        content = root / "content"
        yield "report", content / "report.yaml"
        yield "sources", content / "sources.yaml"
        yield from (("facts", p) for p in sorted((content / "facts").glob("*.yaml")))
        yield from (("table", p) for p in sorted((content / "data").glob("*.yaml")))


@pytest.mark.parametrize("kind,path", list(project_files()), ids=lambda v: str(v).replace(str(ROOT) + "/", ""))
def test_project_files_validate(kind, path):
    errors = sorted(validator(kind).iter_errors(load(path)), key=str)
    assert not errors, [e.message for e in errors]


def test_the_repository_schemas_are_the_package_schemas():
    assert sorted(p.name for p in (ROOT / "schemas").glob("*.json")) == sorted(p.name for p in SCHEMAS.glob("*.json"))
    for path in SCHEMAS.glob("*.json"):
        assert (ROOT / "schemas" / path.name).read_bytes() == path.read_bytes()


FACT = {"id": "x", "label": "X", "period": "2020", "region": "R"}


@pytest.mark.parametrize("fact,valid", [
    ({**FACT, "value": 1, "unit": "MWh", "source": "s"}, True),
    ({**FACT, "value": 1, "unit": "count", "source": "s", "period": "2001/2017"}, True),
    ({**FACT, "from": {"table": "t", "where": {"year": 2017, "source": ["Wind"]}, "column": "c"}}, True),
    ({**FACT, "from": {"table": "t", "where": {"year": {"from": 2001, "to": 2017}}, "aggregate": "count"}}, True),
    ({**FACT, "formula": "a / b", "unit": "percent", "decimals": 1, "data_only": True}, True),
    ({**FACT, "value": 1, "source": "s"}, False),  # no unit
    ({**FACT, "from": {"table": "t"}}, False),  # no column
    ({**FACT, "from": {"table": "t", "column": "c"}, "source": "s"}, False),  # the table gives the source
    ({**FACT, "formula": "a / b"}, False),  # no unit to show it in
    ({**FACT, "formula": "a", "unit": "t", "from": {"table": "t", "column": "c"}}, False),
    ({**FACT, "value": 1, "unit": "t", "source": "s", "period": "2017/2001-06"}, True),  # its forms and order are the build's to check
    ({**FACT, "value": 1, "unit": "t", "source": "s", "period": "2017-2018"}, False),
])
def test_the_fact_schema(fact, valid):
    assert validator("facts").is_valid({"facts": [fact]}) is valid


def test_the_table_and_report_schemas():
    table = validator("table")
    assert table.is_valid({"source": "s", "fields": [{"name": "year", "type": "date"}, {"name": "v", "unit": "MWh"}]})
    assert not table.is_valid({"fields": [{"name": "v", "type": "float"}]})
    assert not table.is_valid({"fields": [{"title": "no name"}]})
    report = validator("report")
    assert report.is_valid({"title": "T", "units": {"boe": "6.1178632 GJ"}, "nouns": {"households": "household"}})
    assert report.is_valid({"title": "T", "nouns": ["households"]})
    assert not report.is_valid({"title": "T", "units": {"2bad": "GJ"}})
