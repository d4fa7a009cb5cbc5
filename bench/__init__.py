"""End-to-end throughput benchmark: signed order webhooks over HTTP until every order is routed.

Run with `python -m bench --help`; results are written as JSON under `bench/results/`.
"""
