"""The Astana process news monitor: a topic-monitoring news crawler."""

__version__ = "0.1.0"
