"""Evaluation: gold questions, metrics and benchmarks."""
