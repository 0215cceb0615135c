"""Analyses several rules and planners share (subnet addresses, ...)."""
