# Shared by the bin/ scripts: which java, and a module's runtime class path (built when stale).

SRRRS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# JAVA_HOME if set; else Temurin 25 when installed (its AES-GCM is about twice as fast as 17's,
# see docs/PERFORMANCE.md); else the java on PATH. The build itself stays Java 17 bytecode.
srrrs_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    echo "$JAVA_HOME/bin/java"
  elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    echo /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  else
    command -v java
  fi
}

# Flags for that java: JDK 24+ warns when Kafka's and Guava's jars use sun.misc.Unsafe; allow it
# quietly there (older JDKs do not know the flag).
srrrs_java_flags() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  echo "--enable-native-access=ALL-UNNAMED"
  if [ "${v%%.*}" -ge 24 ] 2>/dev/null; then echo "--sun-misc-unsafe-memory-access=allow"; fi
}

# Maven, quiet, its output on stderr without the colour codes Debian's Maven prints even with -B.
srrrs_mvn() {
  (cd "$SRRRS_ROOT" && mvn -B -q -ntp -Dstyle.color=never "$@") 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' >&2
  return "${PIPESTATUS[0]}"
}

# srrrs_classpath MODULE: builds MODULE and what it needs when any source is newer than the last
# build, then prints its runtime class path.
srrrs_classpath() {
  local module=$1
  local cp_file="$SRRRS_ROOT/$module/target/runtime-classpath.txt"
  local stale=0
  if [ ! -f "$cp_file" ] || [ ! -d "$SRRRS_ROOT/$module/target/classes" ]; then
    stale=1
  elif [ -n "$(find "$SRRRS_ROOT" -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.avsc' \) \
      -newer "$cp_file" -print -quit)" ]; then
    stale=1
  fi
  if [ "$stale" = 1 ]; then
    echo "building $module (first use, or sources changed)..." >&2
    srrrs_mvn -pl "$module" -am install -DskipTests \
      && srrrs_mvn -pl "$module" dependency:build-classpath -DincludeScope=runtime \
           -Dmdep.outputFile=target/runtime-classpath.txt || { echo "build failed" >&2; exit 1; }
    touch "$cp_file" # the plugin leaves an unchanged file alone; its time marks this build
  fi
  echo "$SRRRS_ROOT/$module/target/classes:$(srrrs_own_classes "$(cat "$cp_file")")"
}

# The class path Maven resolves names this project's own modules by their jars in ~/.m2, which
# another checkout may have overwritten since; use this checkout's target/classes instead.
srrrs_own_classes() {
  local out="" entry artifact dir
  local IFS=:
  for entry in $1; do
    if [[ $entry == */io/srrrs/* ]]; then
      artifact=$(basename "$(dirname "$(dirname "$entry")")") # .../io/srrrs/<artifact>/<version>/<jar>
      case $artifact in
        srrrs-s3-sink) dir=sink-connector ;;
        *) dir=${artifact#srrrs-} ;;
      esac
      if [ -d "$SRRRS_ROOT/$dir/target/classes" ]; then
        entry="$SRRRS_ROOT/$dir/target/classes"
      fi
    fi
    out="${out:+$out:}$entry"
  done
  echo "$out"
}
