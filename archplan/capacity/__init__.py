"""Capacity planning: what scaling groups can serve, and what demand needs, in exact arithmetic."""
