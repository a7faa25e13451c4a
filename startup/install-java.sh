# pipegen startup fragment: a headless Java 17 for the XTable step.
# Sourced into the generated startup.sh; it only defines functions.

# Components that never run tasks need no Java.
pipegen_runs_tasks() {
  case "${MWAA_AIRFLOW_COMPONENT:-worker}" in
    webserver | migrate-db) return 1 ;;
    *) return 0 ;;
  esac
}

# Installs Amazon Corretto 17 (headless) unless a Java 17+ is already there,
# then proves it runs and exports JAVA_HOME for the XTable operator.
pipegen_install_java() {
  local major=""
  if command -v java >/dev/null 2>&1; then
    major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  fi
  if [[ -z "$major" || "$major" -lt 17 ]]; then
    echo "pipegen: installing java-17-amazon-corretto-headless"
    sudo yum install -y -q java-17-amazon-corretto-headless
  fi
  if ! command -v java >/dev/null 2>&1 || ! java -version >/dev/null 2>&1; then
    echo "pipegen: Java is not usable after installing java-17-amazon-corretto-headless" >&2
    return 1
  fi
  java -version 2>&1 | head -n 1
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  export JAVA_HOME
}
