"""Fakes shared by tests and benchmarks (nothing here touches the internet)."""
