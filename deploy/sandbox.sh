#!/usr/bin/env bash
# Build (once, cached) a Debian sid chroot holding Asterisk 22 and baresip.
# Asterisk 22 is not packaged for Debian 12; sid has it. The chroot lives outside
# the work tree so later runs and CI on the same machine skip the download.
#
#   deploy/sandbox.sh ensure    build if missing, mount proc, write /etc/hosts; print its path
#   deploy/sandbox.sh path      print the chroot path (empty when asterisk is on the host PATH)
set -euo pipefail

CHROOT="${CALLCENTER_CHROOT:-/var/cache/callcenter/sid-chroot}"
PACKAGES="asterisk asterisk-modules asterisk-config asterisk-moh-opsound-wav baresip-core ca-certificates sip-tester unixodbc odbc-postgresql"

mirror() {
    # The mirror this machine's apt sources already name.
    local m
    m=$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
        | grep -oE 'https?://[^ ]+' | grep -v security | head -n1 || true)
    echo "${m:-http://deb.debian.org/debian}"
}

host_has_asterisk() { command -v asterisk >/dev/null 2>&1 && [ -z "${CALLCENTER_FORCE_CHROOT:-}" ]; }

build() {
    if ! command -v debootstrap >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    local tmp="${CHROOT}.partial"
    unmount_all "$tmp"
    rm -rf --one-file-system "$tmp"; mkdir -p "$(dirname "$CHROOT")"
    trap 'unmount_all "'"$tmp"'"' EXIT
    echo "sandbox: debootstrap sid into $tmp from $(mirror)" >&2
    debootstrap --variant=minbase sid "$tmp" "$(mirror)" >/dev/null
    mount_proc "$tmp"
    # The mirror's sid Release file may be older than its Valid-Until (snapshot mirrors).
    echo 'Acquire::Check-Valid-Until "false";' > "$tmp/etc/apt/apt.conf.d/99no-valid-until"
    chroot "$tmp" apt-get update -qq
    chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
    chroot "$tmp" apt-get clean
    unmount_all "$tmp"
    trap - EXIT
    mv "$tmp" "$CHROOT"
}

top_up() {
    # A cached chroot from an older checkout may lack packages added since: install them.
    local missing=() p
    for p in $PACKAGES; do
        chroot "$CHROOT" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "sandbox: installing ${missing[*]} into the cached chroot" >&2
        chroot "$CHROOT" apt-get update -qq
        chroot "$CHROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        chroot "$CHROOT" apt-get clean
    fi
}

unmount_all() {
    # Never delete or move a tree with /proc still mounted inside it.
    local m
    for m in $(awk -v r="$1" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do
        umount -l "$m" || true
    done
}

mount_proc() {
    local root="$1"
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
}

ensure() {
    if host_has_asterisk; then echo ""; return; fi
    if [ ! -x "$CHROOT/usr/sbin/asterisk" ] || [ ! -x "$CHROOT/usr/bin/baresip" ]; then build; fi
    mount_proc "$CHROOT"
    top_up
    # Without a hosts entry for its own name, every call stalls 5 s on resolution.
    printf '127.0.0.1 localhost %s\n::1 localhost ip6-localhost\n' "$(hostname)" > "$CHROOT/etc/hosts"
    mkdir -p "$CHROOT/srv/callcenter"
    echo "$CHROOT"
}

case "${1:-ensure}" in
    ensure) ensure ;;
    path) if host_has_asterisk; then echo ""; else echo "$CHROOT"; fi ;;
    *) echo "usage: $0 ensure|path" >&2; exit 2 ;;
esac
