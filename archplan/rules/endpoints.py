"""VPC endpoint rules: gateway endpoints (S3, DynamoDB, own Region), interface endpoints, quotas."""

from __future__ import annotations
