#!/usr/bin/env bash
# Debian packages the tests use to make real speech and convert audio: festival with the natural
# cmu_us_slt_arctic_hts voice, and sox. Needs root (apt-get); does nothing when they are present.
set -euo pipefail
need=()
command -v text2wave >/dev/null || need+=(festival)
[ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || need+=(festvox-us-slt-hts)
command -v sox >/dev/null || need+=(sox)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi
