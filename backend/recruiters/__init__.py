"""Licensed recruiters (Overseas Employment Promoters): the BE&OE licence list and a tolerant lookup."""
