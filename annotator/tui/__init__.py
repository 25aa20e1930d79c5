"""The Textual review interface. It reads and writes only through the repository."""
