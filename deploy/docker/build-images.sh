#!/usr/bin/env bash
# Builds every EDP image from the jars of a Maven build (run ./mvnw -B -DskipTests package first).
# Needs a Docker engine (or any builder that reads Dockerfiles: podman, buildah).
#
#   deploy/docker/build-images.sh [tag]          default tag: the Maven version
#   EDP_IMAGE_PREFIX=registry.example.com/edp deploy/docker/build-images.sh 0.1.0
set -euo pipefail
cd "$(dirname "$0")/../.."
TAG="${1:-$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | sed -n 2p)}"
PREFIX="${EDP_IMAGE_PREFIX:-edp}"
BUILDER="${DOCKER:-docker}"
# module and management port (application port + 1000; E3: 9443)
SERVICES=(service-registry:9761 portal-gateway:9080 masterdata:9081 onboarding:9082 device-management:9083
  monitoring:9084 e3-proxy:9443)
for entry in "${SERVICES[@]}"; do
  module="${entry%%:*}"
  port="${entry##*:}"
  [[ -f "$module/target/$module.jar" ]] || { echo "missing $module/target/$module.jar: run ./mvnw -B -DskipTests package" >&2; exit 1; }
  "$BUILDER" build -f deploy/docker/Dockerfile --build-arg "MODULE=$module" --build-arg "MANAGEMENT_PORT=$port" \
    -t "$PREFIX/$module:$TAG" .
done
"$BUILDER" build -f deploy/docker/Dockerfile.agent -t "$PREFIX/edp-agent:$TAG" .
"$BUILDER" build -f deploy/docker/Dockerfile.pgbackup -t "$PREFIX/pgbackup:$TAG" .
echo "Built $PREFIX/{service-registry,portal-gateway,masterdata,onboarding,device-management,monitoring,e3-proxy,edp-agent,pgbackup}:$TAG"
