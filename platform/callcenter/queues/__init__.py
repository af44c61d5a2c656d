"""ACD queues: app_queue queues owned by a tenant."""
