"""supportlog: a terminal notebook for dealing with customer service."""

__version__ = "0.1.0"
