"""What the estate keeps in its DR region before a disaster (issue 11): standby buckets filled by S3 replication."""
