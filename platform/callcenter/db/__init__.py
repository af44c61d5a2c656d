"""The PostgreSQL adapter: pool, migrations, SQLSTATE to domain-error mapping."""
