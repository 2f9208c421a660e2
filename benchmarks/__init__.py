"""casewatch benchmarks: one command each (see benchmarks/README.md)."""
