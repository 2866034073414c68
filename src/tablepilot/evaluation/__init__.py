"""Benchmark suites, scoring and the eval runner."""
