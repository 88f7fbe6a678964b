"""Route 53 health checks: the check and its alarm (``check``), its signal (``signals``)."""
