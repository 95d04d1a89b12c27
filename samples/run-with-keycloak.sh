#!/usr/bin/env bash
# Runs the sample against a real Keycloak instead of its built-in demo authorization server:
#   samples/run-with-keycloak.sh            (from the repository root; stop with Ctrl-C, which stops both)
# Keycloak 26.4.7 (from Maven) starts in dev mode on 127.0.0.1:${KEYCLOAK_PORT:-8180} with the realm
# samples/keycloak/oauth-filter-demo-realm.json (clients notes-backend and notes-reports, whose service accounts have
# the realm role notes.read, mapped into the tokens as `groups`, plus `upn` and the audience notes-service that
# Liberty's mpJwt wants); the backend's default client and its "reports" client get their tokens there, and the
# notes service trusts Keycloak's keys instead of the demo server's. Keycloak needs Java 21+: set KEYCLOAK_JAVA_HOME,
# or have one under /usr/lib/jvm.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${KEYCLOAK_PORT:-8180}"
realm="oauth-filter-demo"
version="26.4.7"
home="samples/target/keycloak/keycloak-$version"

java_home="${KEYCLOAK_JAVA_HOME:-}"
if [ -z "$java_home" ]; then
  for jdk in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V); do
    major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${jdk%/}/release" 2>/dev/null || true)"
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ -x "${jdk%/}/bin/java" ]; then java_home="${jdk%/}"; fi
  done
fi
if [ -z "$java_home" ] || [ ! -x "$java_home/bin/java" ]; then
  echo "Keycloak $version needs Java 21+: install one (e.g. Temurin 21) and set KEYCLOAK_JAVA_HOME to it" >&2
  exit 1
fi

if [ ! -x "$home/bin/kc.sh" ]; then
  # copied out of whatever local repository Maven uses (settings.xml, -Dmaven.repo.local), not looked up in ~/.m2
  mvn -q -B -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" -DoutputDirectory=samples/target/keycloak-dist
  zip="samples/target/keycloak-dist/keycloak-quarkus-dist-$version.zip"
  mkdir -p samples/target/keycloak
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$zip" -d samples/target/keycloak
  else
    (cd samples/target/keycloak && "$java_home/bin/jar" xf "$zip")
  fi
  chmod +x "$home"/bin/*.sh
fi
rm -rf "$home/data/h2" "$home/data/import"
mkdir -p "$home/data/import"
cp "samples/keycloak/$realm-realm.json" "$home/data/import/"

echo "starting Keycloak on http://127.0.0.1:$port (log: samples/target/keycloak/keycloak.log)"
JAVA_HOME="$java_home" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="sample-$RANDOM$RANDOM" \
  setsid "$home/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$port" --import-realm \
  >samples/target/keycloak/keycloak.log 2>&1 &
keycloak=$!
trap 'kill -TERM -- -$keycloak 2>/dev/null || true' EXIT

issuer="http://127.0.0.1:$port/realms/$realm"
for _ in $(seq 1 240); do
  if curl -fsS -o /dev/null "$issuer/.well-known/openid-configuration" 2>/dev/null; then break; fi
  if ! kill -0 "$keycloak" 2>/dev/null; then echo "Keycloak stopped; see samples/target/keycloak/keycloak.log" >&2; exit 1; fi
  sleep 1
done
curl -fsS -o /dev/null "$issuer/.well-known/openid-configuration" || { echo "Keycloak did not start in 240 s" >&2; exit 1; }
echo "Keycloak is ready: $issuer"

# MicroProfile Config reads these environment variables in place of the sample's properties (an environment variable
# wins over microprofile-config.properties)
export OAUTH_TOKEN_URL="$issuer/protocol/openid-connect/token"
export OAUTH_CLIENT_ID=notes-backend
export OAUTH_CLIENT_SECRET=sample-only-notes-backend-secret
export OAUTH_REPORTS_TOKEN_URL="$issuer/protocol/openid-connect/token"
export OAUTH_REPORTS_CLIENT_ID=notes-reports
export OAUTH_REPORTS_CLIENT_SECRET=sample-only-notes-reports-secret
export OAUTH_REPORTS_SCOPE=
export MP_JWT_VERIFY_PUBLICKEY_LOCATION="$issuer/protocol/openid-connect/certs"
export MP_JWT_VERIFY_ISSUER="$issuer"

mvn -B -pl samples -am -DskipTests package liberty:run
