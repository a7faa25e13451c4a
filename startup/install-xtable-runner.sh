# pipegen startup fragment: the XTable runner that `pipegen deploy` uploads.
# Sourced into the generated startup.sh; it only defines functions.

# Fetches the runner archive onto local disk (under $AIRFLOW_HOME, outside the
# DAGs folder), checks its SHA-256, unpacks it and exports
# PIPEGEN_XTABLE_CLASSPATH, which the XTable operator reads.
# The runner lands in a folder named after the hash, by one rename once it is
# verified and unpacked: when that folder is there, it is complete and
# verified, and nothing is downloaded.
#   pipegen_install_xtable_runner <s3 uri> <sha256> <size in bytes>
pipegen_install_xtable_runner() {
  local uri=$1 sha256=$2 bytes=$3
  local root="${AIRFLOW_HOME:-/usr/local/airflow}/pipegen/xtable-runner"
  local dir="$root/$sha256"
  if [[ -d "$dir" ]]; then
    echo "pipegen: the XTable runner ${sha256:0:12} is already in $dir; nothing to download"
  else
    local started fetched verified work got
    started=$(date +%s%N)
    mkdir -p "$root"
    work=$(mktemp -d "$root/.incoming.XXXXXX")
    echo "pipegen: fetching the XTable runner ($bytes bytes) from $uri"
    if ! aws s3 cp --only-show-errors "$uri" "$work/runner.zip"; then
      rm -rf "$work"
      echo "pipegen: could not fetch the XTable runner from $uri (the aws error is above). pipegen deploy uploads it with the bundle: deploy again, and check that the execution role may s3:GetObject it (pipegen iam grants that)." >&2
      return 1
    fi
    fetched=$(date +%s%N)
    got=$(sha256sum "$work/runner.zip" | cut -d ' ' -f 1)
    if [[ "$got" != "$sha256" ]]; then
      rm -rf "$work"
      echo "pipegen: refusing the XTable runner from $uri: its SHA-256 is $got, but this startup.sh expects $sha256; nothing was installed. Deploy the bundle again with pipegen deploy, which uploads the archive this startup.sh names." >&2
      return 1
    fi
    verified=$(date +%s%N)
    if ! unzip -q "$work/runner.zip" -d "$work/lib" || [[ ! -f "$work/lib/pipegen-xtable.jar" ]]; then
      rm -rf "$work"
      echo "pipegen: the XTable runner from $uri did not unpack into a runner (no pipegen-xtable.jar); nothing was installed" >&2
      return 1
    fi
    # Another start may have installed it meanwhile: its folder is as good as this one.
    if ! mv -T "$work/lib" "$dir" 2>/dev/null && [[ ! -d "$dir" ]]; then
      rm -rf "$work"
      echo "pipegen: could not move the XTable runner into $dir" >&2
      return 1
    fi
    rm -rf "$work"
    echo "pipegen: the XTable runner ${sha256:0:12} is in $dir (fetched, verified and unpacked in $((($(date +%s%N) - started) / 1000000)) ms: fetch $(((fetched - started) / 1000000)) ms, SHA-256 $(((verified - fetched) / 1000000)) ms, unzip and rename $((($(date +%s%N) - verified) / 1000000)) ms)"
  fi
  PIPEGEN_XTABLE_CLASSPATH="$dir/*"
  export PIPEGEN_XTABLE_CLASSPATH
}
