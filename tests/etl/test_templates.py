"""Every template the upload page offers reads back as its own kind, with no issue but unknown names."""

import pytest

from etl import templates
from etl.sources import read_file


@pytest.mark.parametrize("kind", templates.TEMPLATES)
def test_each_template_is_recognised_as_its_kind(kind):
    parsed = read_file(templates.build(kind), f"{kind}.xlsx")
    assert parsed.kind == kind and parsed.report.ok and parsed.rows_read == len(templates.TEMPLATES[kind][2])


def test_the_committed_templates_are_current(tmp_path):
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "data" / "templates"
    for path in templates.write_all(tmp_path):
        assert (committed / path.name).exists(), path.name
        assert (
            read_file((committed / path.name).read_bytes(), path.name).kind
            == read_file(path.read_bytes(), path.name).kind
        )
