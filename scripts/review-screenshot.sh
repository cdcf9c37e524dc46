#!/usr/bin/env bash
# Retake the README's screenshots of the reviewers' pages (docs/review-*.png): headless Chromium
# (apt-get install -y chromium) on a copy of db/nhs.db with a throwaway reviews.db, so no verdict
# of yours is touched. Build the database first (make).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python scripts/review_screenshots.py "$@"
