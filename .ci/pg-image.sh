#!/usr/bin/env bash
# Builds a local PostgreSQL image from this machine's PostgreSQL binaries, for the container
# backend of the live tests where no image can be pulled. The image behaves like the official
# one where strata's tests rely on it: POSTGRES_PASSWORD / POSTGRES_USER / POSTGRES_DB, port 5432,
# and "database system is ready to accept connections" on stderr once it accepts connections.
#
# usage: .ci/pg-image.sh [tag]   (default strata/postgres:15-local)
set -euo pipefail

tag=${1:-strata/postgres:15-local}
major=15
pg_lib=/usr/lib/postgresql/$major
pg_share=/usr/share/postgresql/$major
[ -x "$pg_lib/bin/postgres" ] || { echo "pg-image: no PostgreSQL $major under $pg_lib" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/usr/lib/postgresql" "$root/usr/share/postgresql" "$root/usr/share" "$root/bin" \
  "$root/etc" "$root/tmp" "$root/var/lib/postgresql" "$root/var/run/postgresql" "$root/usr/local/bin"
cp -a "$pg_lib" "$root/usr/lib/postgresql/"
cp -a "$pg_share" "$root/usr/share/postgresql/"
cp -aL /usr/share/zoneinfo "$root/usr/share/zoneinfo" 2>/dev/null || true
# JIT needs libLLVM (hundreds of MB); without its provider PostgreSQL simply does not JIT.
rm -rf "$root/usr/lib/postgresql/$major/lib/llvmjit"* "$root/usr/lib/postgresql/$major/lib/bitcode"
cp -L /bin/dash "$root/bin/sh"
# The few tools the entrypoint and initdb call (initdb runs `locale -a`).
for tool in rm cat mkdir ls locale; do cp -L "$(command -v "$tool")" "$root/bin/$tool"; done

# Every shared library the binaries, extension modules and the shell load, with the loader.
{
  for f in "$root"/usr/lib/postgresql/$major/bin/* "$root"/usr/lib/postgresql/$major/lib/*.so "$root"/bin/*; do
    ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
  done
} | sort -u | while read -r lib; do
  [ -e "$lib" ] && cp -L --parents "$lib" "$root"
done

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
postgres:x:999:
GROUP
chmod 1777 "$root/tmp"
chown -R 999:999 "$root/var/lib/postgresql" "$root/var/run/postgresql"

cat > "$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
# A small stand-in for the official image's entrypoint: initialise once, then run postgres.
set -e
if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "error: POSTGRES_PASSWORD is not set; set it, or POSTGRES_HOST_AUTH_METHOD=trust" >&2
    exit 1
  fi
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > /tmp/pwfile
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/pwfile -E UTF8 --locale=C \
    --auth-local=trust --auth-host="$auth" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f /tmp/pwfile
  printf 'host all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    printf 'CREATE DATABASE "%s"\n' "$POSTGRES_DB" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
if [ "$1" = postgres ]; then
  shift
  exec postgres -c listen_addresses='*' "$@"
fi
exec "$@"
ENTRY
chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"

tar --numeric-owner -C "$root" -c . | docker import \
  -c "ENV PATH=/usr/lib/postgresql/$major/bin:/usr/local/bin:/bin" \
  -c 'ENV PGDATA=/var/lib/postgresql/data' \
  -c 'USER postgres' \
  -c 'EXPOSE 5432' \
  -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  -c 'CMD ["postgres"]' \
  - "$tag" >/dev/null
echo "pg-image: built $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
