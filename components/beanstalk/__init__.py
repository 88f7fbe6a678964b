"""Elastic Beanstalk services: the environment and its network (``environment``), the signals watched (``signals``), their alarms and dashboard section (``monitoring``)."""
