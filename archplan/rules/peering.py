"""Peering rules: overlaps, duplicates, status, quotas, routes that stay in the peer, reply paths."""

from __future__ import annotations
