"""The load test of a scale-out installation (`make loadtest`): tests/load/harness.py."""
