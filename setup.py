"""Build hook for the cffi chip model (cffi API mode needs setup.py); metadata is in pyproject."""

from setuptools import setup

setup(cffi_modules=["csrc/build_cffi.py:ffibuilder"])
