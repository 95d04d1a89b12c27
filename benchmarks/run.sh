#!/usr/bin/env bash
# Runs oauth-filter's JMH benchmarks and prints the report (about 5 minutes on 2 cores).
# Usage: benchmarks/run.sh        (from anywhere; needs Java 17 and Maven)
# Writes the tables to benchmarks/target/benchmarks.md; docs/BENCHMARKS.md holds one run of them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mvn -B -q -f "$here/../pom.xml" -pl benchmarks -am -DskipTests package
cd "$here"
exec java -jar target/benchmarks.jar
