"""The fast path: the same load, reasoning, validation and queries, over an Oxigraph store."""
