"""archplan: check AWS-style network and capacity architectures before they are deployed."""

__version__ = "0.1.0"
