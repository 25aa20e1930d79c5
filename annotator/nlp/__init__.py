"""spaCy: segmentation, token alignment, entity and event pre-extraction."""
