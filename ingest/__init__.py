"""Loading, chunking and indexing documents into the advisor's store."""
