"""Builds fpgaconvnet_c for `pip install ./python` (offline: Debian's python3-dev and python3-setuptools).

The C library is built by the project's own CMake (the ONNX reader's code is generated there), as a
position-independent static library, and linked into the extension module with its dependencies.
"""
import os
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def pkg_config(*args):
    return subprocess.check_output(["pkg-config", *args, "jansson", "libprotobuf-c", "libgvc", "libcgraph"],
                                   text=True).split()


class BuildWithLibrary(build_ext):
    """Builds libfpgaconvnet.a with CMake first, then the module against it."""

    def run(self):
        build = os.path.join(os.path.abspath(self.build_temp), "fpgaconvnet-c")
        subprocess.check_call(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=OFF",
                               "-DFCN_PYTHON=OFF", "-DCMAKE_POSITION_INDEPENDENT_CODE=ON"])
        subprocess.check_call(["cmake", "--build", build, "--target", "fpgaconvnet", "-j", str(os.cpu_count() or 1)])
        for extension in self.extensions:
            extension.extra_objects = [os.path.join(build, "libfpgaconvnet.a")]
        super().run()


core = Extension(
    "fpgaconvnet_c._core",
    sources=sorted(os.path.join("src", name) for name in os.listdir(os.path.join(HERE, "src")) if name.endswith(".c")),
    include_dirs=[os.path.join(ROOT, "include")],
    extra_compile_args=["-std=c11", "-Wno-cast-function-type"],
    extra_link_args=pkg_config("--libs") + ["-lm", "-pthread"],
)

setup(
    name="fpgaconvnet_c",
    version="0.1.0",
    description="fpgaConvNet's performance and resource model of CNN accelerators on FPGAs, in C, from Python",
    packages=["fpgaconvnet_c"],
    package_data={"fpgaconvnet_c": ["_core.pyi", "py.typed"]},
    ext_modules=[core],
    cmdclass={"build_ext": BuildWithLibrary},
    python_requires=">=3.9",
)
