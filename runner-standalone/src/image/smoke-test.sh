#!/usr/bin/env bash
# Runs the image tarball Jib built, without a container engine: unpacks its layers into a root
# filesystem and runs its entrypoint in a chroot, with the image's environment, user and working
# directory. Checks `--version`, then runs the quickstart (NDJSON into a DuckDB file, dead letters
# kept) and queries the file: the JRE, the native DuckDB library and the non-root user all work.
# Needs root (chroot) and python3 (to read the image's JSON).
#
# usage: smoke-test.sh IMAGE.tar QUICKSTART_DIR
set -euo pipefail

image=${1:?usage: smoke-test.sh IMAGE.tar QUICKSTART_DIR}
quickstart=${2:?usage: smoke-test.sh IMAGE.tar QUICKSTART_DIR}
if [ "$(id -u)" != 0 ]; then
  echo "smoke-test.sh needs root to chroot into the image; run it as root" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'umount "$work/rootfs/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
tar -xf "$image" -C "$work"
rootfs=$work/rootfs
mkdir "$rootfs"
image_json() {
  python3 -c "import json, sys; c = json.load(open(sys.argv[1])); $1" "$work/$2"
}
for layer in $(image_json 'print(" ".join(c[0]["Layers"]))' manifest.json); do
  tar -xzf "$work/$layer" -C "$rootfs" --warning=no-unknown-keyword
done
mapfile -t entrypoint < <(image_json 'print("\n".join(c["config"]["Entrypoint"]))' config.json)
mapfile -t environment < <(image_json 'print("\n".join(c["config"]["Env"]))' config.json)
user=$(image_json 'print(c["config"]["User"])' config.json)
workdir=$(image_json 'print(c["config"]["WorkingDir"])' config.json)
# The JVM reads /proc for its memory and CPU limits; it also starts without it.
mount -t proc proc "$rootfs/proc" 2>/dev/null || echo "image smoke test: running without /proc" >&2

dcp() {
  chroot --userspec="$user" "$rootfs" /usr/bin/env -i "${environment[@]}" \
    /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "${entrypoint[@]}" "$@"
}

expect() {
  local what=$1 output=$2 wanted=$3
  if ! grep -qF -- "$wanted" <<<"$output"; then
    printf 'image smoke test: %s printed no "%s":\n%s\n' "$what" "$wanted" "$output" >&2
    exit 1
  fi
}

expect "dcp --version" "$(dcp --version 2>&1)" "dcp "
mkdir -p "$rootfs$workdir/examples"
cp -r "$quickstart" "$rootfs$workdir/examples/quickstart"
chmod -R a+rX "$rootfs$workdir/examples"
expect "dcp run (quickstart)" "$(dcp run --config examples/quickstart/dcp.yaml 2>&1)" \
  "1,000 rows written"
counts="SELECT 'rows=' || (SELECT count(*) FROM quotes) || ' dead=' || (SELECT count(*) FROM dead_letters) AS c"
expect "dcp query" "$(dcp query target/quickstart.duckdb "$counts" 2>&1)" "rows=1000 dead=5"
echo "image smoke test passed: $(image_json 'print(c[0]["RepoTags"][0])' manifest.json) runs dcp as $user"
