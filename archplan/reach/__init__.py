"""Reachability: which packets get from one place to another, and what stops them.

places: what FROM and TO name. The path engine and its reports live in the other modules.
"""
