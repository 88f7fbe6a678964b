"""The MongoDB Atlas family: project, cluster, users, backups and indexes (``database.py``), its alert
table (``alerts.py``), the alert configurations built from it (``monitoring.py``), and the index job
(``index_job.py``: a Lambda function inside the VPC; its logic in ``index_handler.py``).

The retired collections' dynamic provider stays in ``components/mongo_indexes.py``: Pulumi stores the
pickled provider by its module path in every stack's state that used it, and deletes/refreshes
unpickle the stored one, so moving the module would break those stacks (docs/operations.md).
"""
