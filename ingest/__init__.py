"""From a file on disk to positioned passages: extraction, structure, metadata, passages."""
