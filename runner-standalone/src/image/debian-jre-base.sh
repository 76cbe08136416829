#!/usr/bin/env bash
# Builds the dcp image's base from Debian's own packages, for machines that reach a Debian
# package mirror but no container registry: Debian 12 (bookworm) minbase with
# openjdk-17-jre-headless and ca-certificates, written as a docker-archive tarball that Jib takes
# as its base. At .image/debian-jre-base.tar it turns the build's image profile on (.ci/run puts
# it there); elsewhere, pass -Pimage -Dimage.base=tar://$PWD/OUTPUT.tar. Needs root and
# debootstrap (apt-get install debootstrap).
#
# usage: debian-jre-base.sh OUTPUT.tar [MIRROR]   (MIRROR: debootstrap's default when omitted)
set -euo pipefail

out=${1:?usage: debian-jre-base.sh OUTPUT.tar [MIRROR]}
mirror=${2:-}
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

# shellcheck disable=SC2086 # an empty mirror means debootstrap's default
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
  bookworm "$rootfs" $mirror

# Nothing of the build host, and no package caches, goes into the image.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/dev/* "$rootfs"/proc/* "$rootfs"/sys/* "$rootfs"/run/* "$rootfs"/tmp/* \
  "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname
touch "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname

image=$work/image
mkdir "$image"
tar --numeric-owner --sort=name --mtime=@0 -C "$rootfs" -cf "$image/layer.tar" .
layer_sha=$(sha256sum "$image/layer.tar" | cut -d' ' -f1)
cat >"$image/config.json" <<JSON
{"architecture":"$arch","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$arch","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer_sha"]}}
JSON
cat >"$image/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["dcp-base/debian-jre:17"],"Layers":["layer.tar"]}]
JSON
mkdir -p "$(dirname "$out")"
tar -C "$image" -cf "$out" manifest.json config.json layer.tar
echo "base image written to $out ($(du -h "$out" | cut -f1))"
