#!/usr/bin/env bash
# Smoke test of the XTable runner: builds jars/ (cheap when fresh), prepares a Python venv with
# deltalake + pyarrow + pyiceberg, then runs test/jars/smoke.py against the jar.
#
# Exit codes: 0 all checks passed, 1 a check failed or the runner could not be built (XTable
# from Maven or from PIPEGEN_XTABLE_SOURCE, see jars/build.sh).
#
# Environment: PIPEGEN_XTABLE_VENV (default <repo>/.cache/venvs/xtable-proof), PYTHON (python3),
# and whatever jars/build.sh reads (PIPEGEN_MAVEN_REPO, ...).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/../.." && pwd)
venv=${PIPEGEN_XTABLE_VENV:-$repo/.cache/venvs/xtable-proof}
requirements=$here/requirements.txt

jar=$("$repo/jars/build.sh") || exit 1

# Reuse the venv while requirements.txt is unchanged.
stamp=$venv/.pipegen-requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -x $venv/bin/python || ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "smoke: creating $venv" >&2
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
  printf '%s\n' "$want" >"$stamp"
fi

exec "$venv/bin/python" "$here/smoke.py" "$jar"
