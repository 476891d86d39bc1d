#!/usr/bin/env bash
# Makes the screenshots of README.md from the real studio on a virtual X server (Xvfb): the
# design view, a run with live charts, the sequence chart and the inspector of a run, and a
# comparison of two stored runs.
#   docs/make-screenshots.sh [BUILD_DIR]     (default: build/release; needs xvfb installed)
# Runs go to a temporary run store and the window uses temporary settings, so a user's store
# and layout are untouched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$root/${1:-build/release}/bin
out=$root/docs/images
for p in "$bin/dais-studio" "$bin/dais"; do
    [ -x "$p" ] || { echo "make-screenshots: $p is missing; build first" >&2; exit 2; }
done
command -v Xvfb >/dev/null || { echo "make-screenshots: Xvfb is missing (apt-get install xvfb)" >&2; exit 2; }

tmp=$(mktemp -d)
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$tmp"' EXIT
export DISPLAY=$display XDG_CONFIG_HOME=$tmp/config XDG_RUNTIME_DIR=$tmp/runtime
export DAIS_STORE=$tmp/runs.sqlite
mkdir -p "$out" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done

shot() { "$bin/dais-studio" "$@" 2>&1 | grep -v '^dais-studio: wrote' || true; }

# Design: the hospitals scenario as it opens.
shot scenarios/hospitals.dais.json --screenshot "$out/design.png" --after 2
# A run with live charts: phones coming and going, animated at 100x.
mkdir -p "$XDG_CONFIG_HOME/dais"
printf '[run]\nspeed=8\n' >"$XDG_CONFIG_HOME/dais/dais-studio.conf"
shot scenarios/phones.dais.json --run --screenshot "$out/run.png" --after 6
# The sequence chart: a federated round between the coordinator and three hospitals.
printf '[run]\nspeed=0\n' >"$XDG_CONFIG_HOME/dais/dais-studio.conf"
shot scenarios/hospitals.dais.json --fast --show sequence-chart \
    --screenshot "$out/sequence-chart.png" --after 4
# The inspector: the federated clients of the same run.
shot scenarios/hospitals.dais.json --fast --show inspector \
    --screenshot "$out/inspector.png" --after 4
# Compare: FedAvg against FedProx with stragglers, run by the command-line tool first.
export DAIS_STORE=$tmp/compare.sqlite
"$bin/dais" run scenarios/fedprox.dais.json --set layers.federated.rounds=40 >/dev/null
"$bin/dais" run scenarios/fedprox.dais.json --set layers.federated.rounds=40 \
    --set layers.federated.stragglers=partial --set layers.federated.mu=1 >/dev/null
shot scenarios/fedprox.dais.json --compare 1,2 --metric federated.accuracy \
    --screenshot "$out/compare.png" --after 3
ls -l "$out"/design.png "$out"/run.png "$out"/sequence-chart.png "$out"/inspector.png \
    "$out"/compare.png
