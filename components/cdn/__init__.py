"""The CloudFront family: the signals of a watched distribution (``signals.py``) and what watches it
(``monitoring.py``)."""
