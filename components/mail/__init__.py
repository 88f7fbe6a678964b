"""The SES mail family: the domain, its identities and feedback (``domain.py``), its signals
(``signals.py``) and what watches it (``monitoring.py``)."""
