"""Run from the source tree: the package and the bench's plain engine are
importable, and DATA is the project's test data."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.path.dirname(HERE)
TOP = os.path.dirname(PYTHON)
DATA = os.environ.get("MICROGRAD_TEST_DATA") or os.path.join(TOP, "tests", "data")

# the package from this tree unless the tests are pointed at an installed one
if not os.environ.get("MICROGRAD_C_INSTALLED"):
    sys.path.insert(0, PYTHON)
sys.path.insert(0, os.path.join(PYTHON, "bench"))   # plain_engine, the second opinion
