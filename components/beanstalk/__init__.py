"""Elastic Beanstalk services, one folder (cdk-monitoring-constructs' layout):

- ``signals``: the signal table, one row per watched quantity (plain data: the policy pack reads it);
- ``monitoring``: the rows' alarms, the dashboard section and the metrics enhanced health publishes;
- ``environment``: the application and environment, with its settings table;
- ``network``: the security groups the services share; ``permissions``: the roles' policies.

Adding a signal: a row in ``signals``, its threshold field in the model (``ServiceThresholds``) and
its section in docs/runbooks.md; the alarms, the widget, the published metrics follow.
"""
