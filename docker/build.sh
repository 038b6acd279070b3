#!/usr/bin/env bash
# Builds Outrigger's images from this checkout with docker or podman (whichever has a running
# engine; CONTAINER_ENGINE=podman to choose):
#   docker/build.sh [TAG]            -> outrigger/proxy:TAG and outrigger/init:TAG (TAG: dev)
# Build args passed through: JDK_IMAGE, RUNTIME_IMAGE, BASE_IMAGE (see the Dockerfiles).
# Without an engine it says so and exits 1; docker/jlink-runtime.sh builds the proxy's runtime
# (same jlink and AOT steps) without one.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${1:-dev}"
registry="${REGISTRY:-outrigger}"

engine=""
for candidate in ${CONTAINER_ENGINE:-docker podman}; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" info >/dev/null 2>&1; then
    engine="$candidate"; break
  fi
done
if [[ -z "$engine" ]]; then
  echo "build.sh: no container engine is running here (docker or podman: the client alone is not enough)." >&2
  echo "build.sh: docker/jlink-runtime.sh OUT_DIR builds the proxy's jlink'd runtime and AOT cache without one." >&2
  exit 1
fi

args=(--build-arg "OUTRIGGER_VERSION=$tag")
for arg in JDK_IMAGE RUNTIME_IMAGE BASE_IMAGE; do
  if [[ -n "${!arg:-}" ]]; then args+=(--build-arg "$arg=${!arg}"); fi
done

echo "build.sh: $engine build $registry/proxy:$tag" >&2
"$engine" build -f "$root/docker/Dockerfile.proxy" -t "$registry/proxy:$tag" "${args[@]}" "$root"
echo "build.sh: $engine build $registry/init:$tag" >&2
"$engine" build -f "$root/docker/Dockerfile.init" -t "$registry/init:$tag" "${args[@]}" "$root"
echo "build.sh: built $registry/proxy:$tag and $registry/init:$tag" >&2
