#!/bin/sh
# Regenerate every picture in docs/img from the shipped data, in one command:
#
#     sh docs/img/pictures.sh
#
# (from anywhere, with the project's venv active so that `kg` is on PATH, and Graphviz
# installed). tests/test_pictures.py runs these same lines and checks that the
# committed pictures show what they draw now.
set -e
cd "$(dirname "$0")/../.."
kg chart Alibaba --as-of 2026-03-15 -o docs/img/alibaba-chart-2026-03-15.svg
kg chart Alibaba --as-of 2026-03-20 -o docs/img/alibaba-chart-2026-03-20.svg
kg chart Alibaba --as-of 2026-07-01 -o docs/img/alibaba-chart-2026-07-01.svg
kg diff Alibaba --from 2026-03-15 --to 2026-03-20 -o docs/img/alibaba-diff-2026-03-15-2026-03-20.svg
kg diff Alibaba --from 2026-03-20 --to 2026-07-01 -o docs/img/alibaba-diff-2026-03-20-2026-07-01.svg
kg timeline -o docs/img/timeline.svg
