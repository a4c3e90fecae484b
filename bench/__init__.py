"""Benchmarks of fastgen itself and of the app it generates: `python -m bench.run`."""
