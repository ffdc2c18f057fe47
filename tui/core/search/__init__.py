"""From a query to ranked, highlighted hits over the index."""
