"""Packaging: everything is in pyproject.toml but the one thing it cannot
say -- put libmicrograd inside the package.

The library comes from, first found: MICROGRAD_LIB (a file); the source
tree this directory sits in, brought up to date with `make lib`; a copy
already in micrograd_c/ (a tree without the C sources).  Without any of
them the package installs alone and looks for an installed library at
import time (make install).

    pip install --no-build-isolation ./python     (no network needed)
    make python                                   (a wheel in build/python/)
"""
import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SONAME = "libmicrograd.0.dylib" if sys.platform == "darwin" else "libmicrograd.so.0"


def the_library():
    env = os.environ.get("MICROGRAD_LIB")
    if env:
        return env
    if os.path.exists(os.path.join(TOP, "Makefile")):
        subprocess.check_call(["make", "-C", TOP, "lib"])   # up to date, or built now
        return os.path.join(TOP, "build", SONAME)
    bundled = os.path.join(HERE, "micrograd_c", SONAME)
    return bundled if os.path.exists(bundled) else None


class BuildPy(build_py):
    def run(self):
        super().run()
        lib = the_library()
        if lib is None:
            print("micrograd-c: no libmicrograd to bundle; the package will look for an "
                  "installed one (make install) or MICROGRAD_LIB at import time")
            return
        dest = os.path.join(self.build_lib, "micrograd_c", SONAME)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.realpath(lib), dest)   # the file, not the symlink
        print("micrograd-c: bundled %s" % os.path.realpath(lib))


class Platform(Distribution):
    """The wheel carries a compiled library, so it is for one platform (any
    Python 3: the library is loaded with ctypes, not as an extension)."""

    def has_ext_modules(self):
        return True


cmdclass = {"build_py": BuildPy}
try:
    from wheel.bdist_wheel import bdist_wheel

    class Wheel(bdist_wheel):
        def get_tag(self):
            return ("py3", "none") + super().get_tag()[2:]

    cmdclass["bdist_wheel"] = Wheel
except ImportError:
    pass

setup(cmdclass=cmdclass, distclass=Platform)
