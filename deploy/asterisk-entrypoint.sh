#!/bin/sh
# Render @@NAME@@ placeholders from AST_NAME environment variables, then run Asterisk.
set -eu
DIR=/srv/callcenter/platform
mkdir -p "$DIR/etc" "$DIR/run" "$DIR/spool" "$DIR/log" "$DIR/db" "$DIR/cache"
export AST_DIR="$DIR" AST_SYSTEM_NAME="${AST_SYSTEM_NAME:-platform}"
for f in /opt/callcenter/templates/*; do
    out="$DIR/etc/$(basename "$f")"
    cp "$f" "$out"
    for var in $(grep -o '@@[A-Z_]*@@' "$f" | sort -u | tr -d @); do
        eval "val=\${AST_$var}"
        sed -i "s|@@$var@@|$val|g" "$out"
    done
done
# unixODBC reads the data source res_odbc.conf names from the rendered odbc.ini.
export ODBCINI="$DIR/etc/odbc.ini"
exec asterisk -f -C "$DIR/etc/asterisk.conf"
