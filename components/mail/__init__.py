"""The SES mail family: the domain, its identities and feedback (``domain.py``), its signals
(``signals.py``) and what watches it (``monitoring.py``)."""

from components.mail.domain import MailDomain, MailDomainArgs, dns_records, feedback_topic_policy, slug

__all__ = ["MailDomain", "MailDomainArgs", "dns_records", "feedback_topic_policy", "slug"]
