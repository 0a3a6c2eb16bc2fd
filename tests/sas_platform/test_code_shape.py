"""The shape of the code (issue 10): ``bin/check-shape`` finds what it must, and the tree passes."""

import importlib.machinery
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check_shape():
    loader = importlib.machinery.SourceFileLoader("check_shape", str(ROOT / "bin" / "check-shape"))
    spec = importlib.util.spec_from_loader("check_shape", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_a_long_file_a_long_function_and_a_private_import_are_found(tmp_path, monkeypatch):
    shape = _check_shape()
    monkeypatch.setattr(shape, "ROOT", tmp_path)
    (tmp_path / "planning").mkdir()
    long_function = "def long():\n" + "    x = 1\n" * 80  # 81 lines
    short_function = "def short():\n" + "    x = 1\n" * 79  # 80 lines: allowed
    path = tmp_path / "planning" / "example.py"
    path.write_text(
        "from planning.selectors import _private, public\n\n"
        + long_function
        + "\n\n"
        + short_function
        + "\n" * (401 - 165)
    )
    findings = shape.check_file(path)
    assert findings == [
        "planning/example.py: 401 lines (max 400)",
        "planning/example.py:1: imports the private name _private from planning.selectors",
        "planning/example.py:3: function long is 81 lines (max 80)",
    ]


def test_a_file_of_400_lines_passes(tmp_path, monkeypatch):
    shape = _check_shape()
    monkeypatch.setattr(shape, "ROOT", tmp_path)
    (tmp_path / "cpts").mkdir()
    path = tmp_path / "cpts" / "example.py"
    path.write_text("x = 1\n" * 400)
    assert shape.check_file(path) == []


def test_the_tree_has_the_shape_it_should():
    shape = _check_shape()
    findings = shape.check_contract()
    for path in shape._sources():
        findings.extend(shape.check_file(path))
    assert findings == []
