"""Transit gateway rules: attachments (Region, one subnet per AZ), overlaps, routes, quotas."""

from __future__ import annotations
