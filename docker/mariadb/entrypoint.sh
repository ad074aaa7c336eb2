#!/bin/sh
# First start: create the system tables, the root password, the database and the user of the
# official image's variables; then run the server in the foreground.
set -eu
DATADIR=/var/lib/mysql
: "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set}"
sql_string() { printf "%s" "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g"; }

if [ ! -d "$DATADIR/mysql" ]; then
    chown mysql:mysql "$DATADIR"
    mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db \
        --auth-root-authentication-method=normal >/dev/null
    root_pw="$(sql_string "$MARIADB_ROOT_PASSWORD")"
    {
        echo "FLUSH PRIVILEGES;"
        echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_pw';"
        echo "CREATE USER 'root'@'%' IDENTIFIED BY '$root_pw';"
        echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
        if [ -n "${MARIADB_DATABASE:-}" ]; then
            echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"
        fi
        if [ -n "${MARIADB_USER:-}" ]; then
            echo "CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '$(sql_string "${MARIADB_PASSWORD:-}")';"
            if [ -n "${MARIADB_DATABASE:-}" ]; then
                echo "GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'%';"
            fi
        fi
    } | mariadbd --user=mysql --datadir="$DATADIR" --bootstrap --skip-networking >/dev/null
fi
exec mariadbd --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --port=3306 \
    --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
