"""Importers: CloudFormation templates, Terraform plans and AWS CLI output to format-1 documents."""
