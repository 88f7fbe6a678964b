"""The Redis cache family: the replication group (``redis.py``), its signals (``signals.py``) and what
watches it (``monitoring.py``)."""

from components.cache.redis import REDIS_PORT, RedisCache, RedisCacheArgs

__all__ = ["REDIS_PORT", "RedisCache", "RedisCacheArgs"]
