"""annotator: review machine-extracted entities and events in news text from the keyboard."""

__version__ = "0.1.0"
