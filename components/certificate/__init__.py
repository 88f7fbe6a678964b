"""ACM certificates the estate uses, watched: the signal table (``signals``) and the alarms (``expiry``)."""
