"""Report builders above the retrievers: theme counts, evidence packs, extracts, the register, their writers."""
