"""Helpers the integration and e2e tests share: a running system, an API client, a receiver."""
