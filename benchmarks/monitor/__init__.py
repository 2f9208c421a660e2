"""The monitoring benchmark: ``python -m benchmarks.monitor [--scale N | --full]``."""
