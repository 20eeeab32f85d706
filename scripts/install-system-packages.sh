#!/usr/bin/env bash
# Debian packages Earshot uses, installed with apt-get (run as root); does nothing when present.
#   (always)  ffmpeg: decodes containerized and compressed audio (WebM, Ogg, MP3, FLAC, MP4);
#             python3, make, g++: node-gyp builds better-sqlite3 (the request log) when no prebuilt binary downloads
#   --test    festival with the natural cmu_us_slt_arctic_hts voice, and sox: the tests' real speech;
#             tmux: a real terminal for the test of `earshot stream`'s live display;
#             chromium: the browser page's end-to-end test (driven by playwright-core, which downloads no browser);
#             postgresql and nginx: the scale-out test (two replicas, one database, one load balancer, on loopback;
#             the test starts its own servers, so the packages' own services need not run)
set -euo pipefail
need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v python3 >/dev/null || need+=(python3)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
if [ "${1:-}" = "--test" ]; then
  command -v text2wave >/dev/null || need+=(festival)
  [ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || need+=(festvox-us-slt-hts)
  command -v sox >/dev/null || need+=(sox)
  command -v tmux >/dev/null || need+=(tmux)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  [ -x /usr/sbin/nginx ] || need+=(nginx)
fi
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi
