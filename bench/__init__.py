"""Benchmarks (``make bench``): each prints its figures, measured side by side in one run."""
