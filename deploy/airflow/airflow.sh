#!/usr/bin/env bash
# Run one Airflow command with the production configuration (deploy/airflow/celery.env):
#
#   deploy/airflow/airflow.sh db migrate
#   deploy/airflow/airflow.sh scheduler | dag-processor | triggerer | api-server | celery worker
#
# The DEPLOY_* values (docs/airflow.md) come from the environment. The configuration is
# exported, then the command replaces this shell, so a service manager (or the test) that
# stops this process stops Airflow. AIRFLOW_BIN overrides the `airflow` executable; by
# default the one of the checkout's .venv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DEPLOY_REPO="${DEPLOY_REPO:-$(cd "$here/../.." && pwd)}"
set -a
# shellcheck source=celery.env
. "$here/celery.env"
set +a
exec "${AIRFLOW_BIN:-$DEPLOY_REPO/.venv/bin/airflow}" "$@"
