"""Benchmarks of PRODUCT §7: build data at scale, time the real code, print JSON figures."""
