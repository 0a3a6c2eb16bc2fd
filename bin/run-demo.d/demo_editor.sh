#!/usr/bin/env bash
# The demo agenda editor (demo_editor/) on DEMO_EDITOR_PORT (8100): the demo's agenda source.
# Started in the background by bin/run-demo; its log is var/log/demo_editor.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEMO_EDITOR_PORT="${DEMO_EDITOR_PORT:-8100}"
export PLATFORM_URL="${PLATFORM_URL:-http://127.0.0.1:${PORT:-8000}}"
export DEMO_EDITOR_TOKEN="${DEMO_EDITOR_TOKEN:-demo-editeur-sas13}"
exec .venv/bin/python -m demo_editor
