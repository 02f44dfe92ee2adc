"""Benchmark data set and the HTTP benchmark runner."""
