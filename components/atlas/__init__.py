"""The MongoDB Atlas family: project, cluster, users, backups and indexes (``database.py``), its alert
table (``alerts.py``) and the alert configurations built from it (``monitoring.py``).

The collections' dynamic provider stays in ``components/mongo_indexes.py``: Pulumi stores the pickled
provider by its module path in every stack's state, and deletes/refreshes unpickle the stored one,
so moving the module would break existing stacks.
"""
