#!/usr/bin/env bash
# Generate the platform's secrets once, into .env beside docker-compose.yml (mode 600,
# gitignored): docker compose reads it, and `callcenter serve` refuses to start without
# strong ones. Idempotent: keeps what is there, adds what is missing.
#
#   deploy/secrets.sh [FILE]      default FILE: .env at the top of the checkout
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-.env}"
umask 077
touch "$file"
chmod 600 "$file"
gen() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
for key in JWT_SECRET AMI_SECRET OPERATOR_PASSWORD POSTGRES_PASSWORD DB_CONTROL_PASSWORD DB_ASTERISK_PASSWORD; do
    if ! grep -q "^${key}=" "$file"; then
        echo "${key}=$(gen)" >> "$file"
        echo "secrets: generated ${key} in ${file}" >&2
    fi
done
