"""Youth voice: the channel from young people back to their representatives."""
