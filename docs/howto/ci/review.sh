#!/usr/bin/env bash
# Plain shell (any CI, or a laptop): plan, review, keep SARIF and JUnit for the CI to pick up.
# Exit code: 0 clean, 1 findings at or above the threshold, 2 bad input, 3 internal error.
set -euo pipefail
cd "${1:-.}"
terraform init -input=false >/dev/null
terraform plan -input=false -out tfplan >/dev/null
terraform show -json tfplan > plan.json
tfreview scan plan.json --source . -o text -o sarif -o junit \
  --output-file - --output-file tfreview.sarif --output-file tfreview.xml
