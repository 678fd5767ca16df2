"""Shared fixtures of the Python package's tests: ctest runs them with PYTHONPATH=<build>/python."""
import json
import os
import pathlib

import pytest

TESTS = pathlib.Path(__file__).resolve().parent.parent
DATA = TESTS / "data"
ROOT = TESTS.parent
MODELS = DATA / "models"
PLATFORMS = ROOT / "examples" / "platforms"
REL_TOL = 1e-9  # as the C golden tests (tests/golden_util.h)


def golden_cases(model):
    """The golden configuration cases of a model: (case, path of its ONNX model)."""
    golden = json.loads((DATA / "golden" / f"{model}.configs.json").read_text())
    return [(case, MODELS / golden["model"]) for case in golden["cases"]]


@pytest.fixture
def alexnet_config(tmp_path):
    """A three-partition AlexNet configuration (a golden case) written to a file."""
    case, _ = golden_cases("alexnet")[1]
    path = tmp_path / "alexnet.json"
    path.write_text(json.dumps(case["config"]))
    return path


def near(got, want):
    return abs(got - want) <= REL_TOL * max(abs(want), 1e-300)
