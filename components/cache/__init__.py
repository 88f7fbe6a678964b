"""The Redis cache family: the replication group (``redis.py``), its signals (``signals.py``) and what
watches it (``monitoring.py``)."""
