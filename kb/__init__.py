"""The domain of the DHR knowledge base: documents, passages, citations, themes, the catalogue."""
