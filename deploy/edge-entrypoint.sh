#!/bin/sh
# Render @@NAME@@ placeholders from EDGE_NAME environment variables, then run Kamailio in
# the foreground. A certificate mounted at /etc/callcenter-edge/edge.{crt,key} is used;
# without one a self-signed certificate is made (fine for a lab, not for browsers).
set -eu
ETC=/etc/callcenter-edge RUN=/run/callcenter-edge
mkdir -p "$ETC" "$RUN"
export EDGE_ETC_DIR="$ETC" EDGE_RUN_DIR="$RUN"
for f in /opt/callcenter/edge/*; do
    out="$ETC/$(basename "$f")"
    cp "$f" "$out"
    for var in $(grep -o '@@[A-Z_]*@@' "$f" | sort -u | tr -d @); do
        eval "val=\${EDGE_$var}"
        sed -i "s|@@$var@@|$val|g" "$out"
    done
done
if [ ! -s "$ETC/edge.crt" ] || [ ! -s "$ETC/edge.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=callcenter-edge \
        -keyout "$ETC/edge.key" -out "$ETC/edge.crt"
fi
kamailio -c -f "$ETC/kamailio.cfg"
exec kamailio -DD -E -f "$ETC/kamailio.cfg" -m 256 -M 16 -P "$RUN/kamailio.pid" -Y "$RUN"
