"""The published list of safe-migration topics, shared by events, interests and content."""
