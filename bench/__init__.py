"""Performance harness; results are recorded under docs/benchmarks.md."""
