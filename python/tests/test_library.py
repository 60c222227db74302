"""Finding the library: a clear error, in the user's language, when it is
not there."""
import os
import subprocess
import sys

from conftest import PYTHON


def import_with(env):
    env = dict(os.environ, PYTHONPATH=PYTHON, **env)
    env.pop("LANGUAGE", None)
    return subprocess.run([sys.executable, "-c", "import micrograd_c"], env=env,
                          capture_output=True, text=True)


def test_a_missing_library_is_a_clear_import_error():
    r = import_with({"MICROGRAD_LIB": "/nonexistent/libmicrograd.so.0", "LC_ALL": "C",
                     "LANG": "C"})
    assert r.returncode != 0
    assert "ImportError: micrograd_c cannot find the C library libmicrograd" in r.stderr
    assert "/nonexistent/libmicrograd.so.0" in r.stderr and "MICROGRAD_LIB" in r.stderr


def test_the_message_in_spanish():
    r = import_with({"MICROGRAD_LIB": "/nonexistent/libmicrograd.so.0", "LC_ALL": "",
                     "LC_MESSAGES": "", "LANG": "es_CL.UTF-8"})
    assert "no encuentra la biblioteca de C libmicrograd" in r.stderr
