#!/usr/bin/env bash
# Install and start everything the platform and its tests need, on a fresh Debian machine or
# on one already set up (idempotent): PostgreSQL, Kamailio, the Asterisk 22 sandbox, baresip,
# the venv.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# The remote-agent test builds a NAT site of its own (network namespaces, iptables inside).
command -v iptables >/dev/null 2>&1 || need_apt+=(iptables)
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
command -v debootstrap >/dev/null 2>&1 || need_apt+=(debootstrap)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
# The agent console's tests drive Debian's chromium (never a browser downloaded by Playwright)
# and the JsSIP bundle is built with npm + esbuild.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# The SIP edge in front of the Asterisk nodes: Kamailio with its PostgreSQL, TLS and
# websocket modules (Debian 12's 5.6); openssl makes the local edge's certificate.
command -v kamailio >/dev/null 2>&1 || need_apt+=(kamailio)
for mod in postgres tls websocket; do
    dpkg -s "kamailio-$mod-modules" >/dev/null 2>&1 || need_apt+=("kamailio-$mod-modules")
done
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# Callers hear the tenant's language: Mandarin prompts and digits are spoken by espeak-ng's
# cmn-latn-pinyin voice and resampled for Asterisk by sox; Chromium needs a CJK font for the
# pages' screenshots.
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need_apt+=(sox)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need_apt+=(fonts-wqy-microhei)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# PostgreSQL on 127.0.0.1:5432. A cluster installed here gets password auth with the
# password the DSNs carry; machines with trust auth ignore the password.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    for v in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432
if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
fi

# Asterisk 22 and baresip: the host's if installed, else the cached Debian sid chroot.
bash deploy/sandbox.sh ensure >/dev/null

# The Python environment.
# A venv cut off while it was made has python but no pip: made again.
if [ ! -x .venv/bin/pip ]; then python3 -m venv --clear .venv; fi
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'

# JsSIP for the browser softphone: installed from npm into a cache outside the repo, bundled
# as one IIFE (global JsSIP) into the console's gitignored vendor folder.
bash deploy/jssip.sh
# The admin console's QR code generator, the same way (a plain copy: it is one file).
bash deploy/qrcode.sh
# The chart library of the reports and the wallboard (ECharts core, esbuild IIFE).
bash deploy/charts.sh
# axe-core for the browser tests' accessibility check (tests/vendor/, gitignored).
bash deploy/axe.sh
# Callers of a Chinese tenant hear Mandarin: system prompts and digits for say.c.
bash deploy/zh_sounds.sh
# Production secrets for docker compose / `callcenter serve` (the demo and tests make their own).
bash deploy/secrets.sh
echo "setup: ready" >&2
