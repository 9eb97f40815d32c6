"""The benchmark and its support: :mod:`benchmarks.synth` (synthetic graphs) and ``run.py``.

Not part of the installed ``kg`` package: the tests and the benchmark import it from a checkout.
"""
