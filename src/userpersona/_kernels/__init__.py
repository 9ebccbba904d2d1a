"""Numba kernels: arrays in, arrays out; no validation, no pandas.

The public functions validate their input and call these. Every kernel has a naive
NumPy or pandas reference in ``tests/naive.py`` that the tests compare it with.
"""
