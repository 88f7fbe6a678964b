"""Service level objectives: the burn-rate alarms on a service's objective (``burn_rate``) and its
dashboard widgets, error budget remaining and burn rate (``monitoring``)."""
