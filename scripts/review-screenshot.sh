#!/usr/bin/env bash
# Retake docs/review-screenshot.png (the README's reviewers' section): the browser test
# drives headless Chromium through a review session and saves the audit page it shows.
set -euo pipefail
cd "$(dirname "$0")/.."
REVIEW_SCREENSHOT=docs/review-screenshot.png .venv/bin/python -m pytest -q tests/test_reviews_browser.py
