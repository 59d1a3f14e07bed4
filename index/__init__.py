"""Embedding passages with sentence-transformers and storing them in Chroma."""
