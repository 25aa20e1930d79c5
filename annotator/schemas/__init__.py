"""Event schemas shipped with annotator (JSON data files)."""
