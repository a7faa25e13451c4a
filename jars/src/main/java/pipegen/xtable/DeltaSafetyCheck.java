package pipegen.xtable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.ScanImpl;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.actions.AddFile;
import io.delta.kernel.internal.actions.Metadata;
import io.delta.kernel.internal.actions.Protocol;
import io.delta.kernel.utils.CloseableIterator;

import org.apache.hadoop.conf.Configuration;

/**
 * The Delta features that Apache XTable 0.4.0 (its Delta Kernel source) translates to Iceberg
 * wrongly instead of failing. The launcher runs this check on every dataset before any sync, so
 * that no Iceberg (or Hudi) metadata is ever written for such a table, whatever starts the runner:
 * the MWAA operator, {@code pipegen xtable run}, a local path or an {@code s3://} URI.
 *
 * <p>The rules and their words are those of pipegen's {@code src/xtable/delta-features.ts}, which
 * {@code pipegen xtable run} applies to local tables before it starts a JVM and {@code pipegen xtable
 * verify} reports; test/xtable/verify.test.ts (deltalake fixtures) and spark.test.ts (Spark-written
 * ones) prove the two give the same features and details. Change both together. Why each is refused
 * is documented there and in jars/README.md.
 *
 * <p>What is read: the newest snapshot's protocol, metadata (raw {@code schemaString} and
 * configuration) and active {@code add} actions with their statistics and deletion vectors,
 * through Delta Kernel (checkpoints of every kind included), without reading any data file.
 *
 * <p>Also a diagnostic entry point: {@code java -cp 'lib/*' pipegen.xtable.DeltaSafetyCheck
 * [--hadoopConfig xml] <table>...} prints one JSON line per table: {@code {"table", "refusals":
 * [{"feature", "detail"}]}} or {@code {"table", "error"}}.
 */
final class DeltaSafetyCheck {
  /** One feature XTable would mistranslate: a stable id and what was found. */
  static final class Refusal {
    final String feature;
    final String detail;

    Refusal(String feature, String detail) {
      this.feature = feature;
      this.detail = detail;
    }
  }

  /** The outcome for one table: refused features (maybe none), or the error that kept it unread. */
  static final class Verdict {
    final List<Refusal> refusals;
    final String error;

    private Verdict(List<Refusal> refusals, String error) {
      this.refusals = refusals;
      this.error = error;
    }

    /** True when nothing stands in the way of a sync. */
    boolean safe() {
      return error == null && refusals.isEmpty();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GENERATION_EXPRESSION = "delta.generationExpression";
  private static final String EM_DASH = " \u2014 ";
  private static final String ELLIPSIS = "\u2026";

  /** What XTable 0.4.0's statistics parser accepts: ISO with an offset, or "yyyy-MM-dd HH:mm:ss…". */
  private static final Pattern XTABLE_PARSES_TIMESTAMP =
      Pattern.compile(
          "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})|\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}.*)$");

  private static final Pattern REMOTE_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*", Pattern.DOTALL);
  private static final Pattern DECIMAL = Pattern.compile("^decimal\\(\\s*(\\d+)\\s*,\\s*(-?\\d+)\\s*\\)$");
  /** Delta primitives with an Iceberg type in XTable's mapping (src/xtable/verify/type-mapping.ts). */
  private static final Set<String> MAPPED_PRIMITIVES =
      Set.of("boolean", "integer", "long", "float", "double", "string", "binary", "date", "timestamp", "timestamp_ntz");

  private final Engine engine;

  DeltaSafetyCheck(Configuration hadoopConf) {
    this.engine = DefaultEngine.create(hadoopConf);
  }

  /** Checks one table; never throws (an unreadable table is a verdict with an error). */
  Verdict check(String tableBasePath) {
    try {
      return new Verdict(Collections.unmodifiableList(refusals(tableBasePath)), null);
    } catch (Exception | LinkageError e) {
      return new Verdict(List.of(), Launcher.describe(e));
    }
  }

  /**
   * The refusal message of a dataset, worded as pipegen's UnsupportedDeltaFeatureError words it
   * for a local table, so that the operator and {@code pipegen xtable run} give the same reasons.
   */
  static String message(String tableName, String tableBasePath, List<Refusal> refusals) {
    StringBuilder sb =
        new StringBuilder("refusing to translate the Delta table ")
            .append(tableName)
            .append(" (")
            .append(tableBasePath)
            .append("): ");
    for (int i = 0; i < refusals.size(); i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(refusals.get(i).feature).append(EM_DASH).append(refusals.get(i).detail);
    }
    return sb.append(
            ". XTable would fail on it or produce an Iceberg table with wrong data or a wrong schema;"
                + " nothing was synced.")
        .toString();
  }

  /** The message of a dataset whose table could not be read for the check. */
  static String unreadable(String tableBasePath, String error) {
    return "cannot read the Delta table at "
        + tableBasePath
        + " to check it for features XTable mistranslates, so nothing was synced: "
        + error;
  }

  // ---------------------------------------------------------------- the rules

  /** An active data file, with its path as the log holds it and as the TypeScript check sorts it. */
  private static final class ActiveFile {
    final String logPath;
    final String path; // root + "/" + the decoded path, or the log's URI as it is
    final String display; // relative to the root where it is under it
    final boolean deletionVector;
    final JsonNode stats; // null when absent or not JSON

    ActiveFile(String logPath, String path, String display, boolean deletionVector, JsonNode stats) {
      this.logPath = logPath;
      this.path = path;
      this.display = display;
      this.deletionVector = deletionVector;
      this.stats = stats;
    }
  }

  private List<Refusal> refusals(String tableBasePath) throws Exception {
    Table table = Table.forPath(engine, tableBasePath);
    SnapshotImpl snapshot = (SnapshotImpl) table.getLatestSnapshot(engine);
    Protocol protocol = snapshot.getProtocol();
    Metadata metadata = snapshot.getMetadata();
    Map<String, String> configuration = metadata.getConfiguration();
    JsonNode schema = JSON.readTree(metadata.getSchemaString());
    String root = stripTrailingSlash(tableBasePath);
    List<ActiveFile> files = activeFiles(snapshot, root);

    List<Refusal> found = new ArrayList<>();
    deletionVectors(protocol, configuration, files, found);

    String mode = lower(configuration.get("delta.columnMapping.mode"));
    if (mode != null && !mode.isEmpty() && !"none".equals(mode)) {
      found.add(
          new Refusal(
              "columnMapping",
              "column mapping mode '"
                  + mode
                  + "': XTable's Delta Kernel source ignores physical column names, so Iceberg would read the"
                  + " data files' columns and partition values by the wrong names"));
    }

    List<String> small = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    List<String> generated = new ArrayList<>();
    List<String[]> primitives = new ArrayList<>(); // {path, type name}
    JsonNode fields = schemaFields(schema, "schema");
    walkFields(fields, "", generated);
    for (JsonNode field : fields) {
      primitiveTypes(field.get("type"), field.get("name").asText(), primitives);
    }
    for (String[] p : primitives) {
      if ("byte".equals(p[1]) || "short".equals(p[1])) {
        small.add(p[0] + " (" + ("byte".equals(p[1]) ? "TINYINT" : "SMALLINT") + ")");
      } else if (!hasIcebergType(p[1])) {
        unsupported.add(p[0] + " (" + p[1] + ")");
      }
    }
    if (!small.isEmpty()) {
      found.add(
          new Refusal(
              "smallIntegers",
              "column"
                  + plural(small.size())
                  + " "
                  + String.join(", ", small)
                  + ": XTable's Delta schema extractor does not support TINYINT or SMALLINT; cast to INT"));
    }
    if (!generated.isEmpty()) {
      found.add(
          new Refusal(
              "generatedColumns",
              "generated column"
                  + plural(generated.size())
                  + " "
                  + String.join(", ", generated)
                  + ": XTable drops generated columns from the Iceberg schema"));
    }
    if (!unsupported.isEmpty()) {
      found.add(
          new Refusal(
              "unsupportedTypes",
              "column"
                  + plural(unsupported.size())
                  + " "
                  + String.join(", ", unsupported)
                  + ": no Iceberg type in XTable's mapping"));
    }

    List<String> unparseable = new ArrayList<>();
    for (String[] p : primitives) {
      if (!"timestamp_ntz".equals(p[1])) {
        continue;
      }
      for (ActiveFile f : files) {
        String value = firstUnparseable(f.stats, p[0]);
        if (value != null) {
          unparseable.add(p[0] + " (e.g. " + jsString(value) + " in " + f.display + ")");
          break;
        }
      }
    }
    if (!unparseable.isEmpty()) {
      found.add(
          new Refusal(
              "timestampNtzStats",
              "the Delta statistics of the TIMESTAMP_NTZ column"
                  + plural(unparseable.size())
                  + " "
                  + String.join(", ", unparseable)
                  + " have no zone, as Spark writes them; XTable 0.4.0 cannot parse them and every sync fails."
                  + " Cast the column to TIMESTAMP, or recompute the statistics with a writer that records them"
                  + " as \"yyyy-MM-dd HH:mm:ss\" (delta-rs does)"));
    }

    // Quoted as the log holds them: that is what XTable copies into Iceberg.
    List<String> escaped = new ArrayList<>();
    for (ActiveFile f : files) {
      if (f.logPath.contains("%")) {
        escaped.add(f.logPath);
      }
    }
    if (!escaped.isEmpty()) {
      int n = escaped.size();
      found.add(
          new Refusal(
              "escapedPaths",
              n
                  + " active data file"
                  + plural(n)
                  + " ha"
                  + (n == 1 ? "s" : "ve")
                  + " a percent-escaped path in the Delta log ("
                  + String.join(", ", escaped.subList(0, Math.min(2, n)))
                  + (n > 2 ? " and " + (n - 2) + " more" : "")
                  + "), typically from partition values with spaces or special characters: XTable 0.4.0 copies"
                  + " the log's encoded path into Iceberg without decoding it, so Iceberg points at files that"
                  + " do not exist"));
    }
    return found;
  }

  private static void deletionVectors(
      Protocol protocol, Map<String, String> configuration, List<ActiveFile> files, List<Refusal> found) {
    boolean enabled = "true".equals(lower(configuration.get("delta.enableDeletionVectors")));
    boolean feature =
        protocol.getReaderFeatures().contains("deletionVectors")
            || protocol.getWriterFeatures().contains("deletionVectors");
    List<String> withDv = new ArrayList<>();
    for (ActiveFile f : files) {
      if (f.deletionVector) {
        withDv.add(f.display);
      }
    }
    if (!enabled && withDv.isEmpty()) {
      return;
    }
    List<String> parts = new ArrayList<>();
    if (!withDv.isEmpty()) {
      int n = withDv.size();
      parts.add(
          n
              + " active data file"
              + (n == 1 ? " has" : "s have")
              + " a deletion vector ("
              + String.join(", ", withDv.subList(0, Math.min(2, n)))
              + (n > 2 ? " and " + (n - 2) + " more" : "")
              + ")");
    }
    if (enabled) {
      parts.add(
          "deletion vectors are enabled (delta.enableDeletionVectors=true"
              + (feature ? ", table feature deletionVectors" : "")
              + "), so any Delta writer may delete rows with them");
    }
    found.add(
        new Refusal(
            "deletionVectors",
            String.join("; ", parts)
                + ". XTable ignores deletion vectors, so deleted rows reappear in Iceberg"
                + " (apache/incubator-xtable#339). Set delta.enableDeletionVectors=false and rewrite the files"
                + " that have them (REORG TABLE "
                + ELLIPSIS
                + " APPLY (PURGE))"));
  }

  /** The live add actions of the snapshot, with statistics, sorted by path. */
  private List<ActiveFile> activeFiles(SnapshotImpl snapshot, String root) throws Exception {
    List<ActiveFile> files = new ArrayList<>();
    ScanImpl scan = (ScanImpl) snapshot.getScanBuilder().build();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine, true)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            Row row = rows.next();
            AddFile add = new AddFile(row.getStruct(row.getSchema().indexOf("add")));
            String logPath = add.getPath();
            String path = resolve(root, logPath);
            files.add(
                new ActiveFile(
                    logPath,
                    path,
                    display(root, path),
                    add.getDeletionVector().isPresent(),
                    stats(add.getStatsJson())));
          }
        }
      }
    }
    files.sort((a, b) -> a.path.compareTo(b.path));
    return files;
  }

  private static JsonNode stats(Optional<String> json) {
    if (json.isEmpty() || json.get().isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(json.get());
    } catch (Exception e) {
      return null;
    }
  }

  /** The first of a file's min and max statistics of a column that XTable cannot parse. */
  private static String firstUnparseable(JsonNode stats, String column) {
    if (stats == null) {
      return null;
    }
    for (String key : new String[] {"minValues", "maxValues"}) {
      JsonNode v = at(stats.get(key), column);
      if (v != null && v.isTextual() && !XTABLE_PARSES_TIMESTAMP.matcher(v.asText()).matches()) {
        return v.asText();
      }
    }
    return null;
  }

  /** The statistic at a dotted column path in Delta's nested minValues/maxValues. */
  private static JsonNode at(JsonNode values, String path) {
    JsonNode v = values;
    for (String part : path.split("\\.", -1)) {
      if (v == null || !v.isContainerNode()) {
        return null;
      }
      v = v.get(part);
    }
    return v;
  }

  // ---------------------------------------------------------------- the schema, as the log writes it

  private static JsonNode schemaFields(JsonNode type, String where) {
    if (type == null || !type.isObject() || !"struct".equals(type.path("type").asText()) || !type.path("fields").isArray()) {
      throw new IllegalStateException("the Delta schema at " + where + " is not a struct with fields");
    }
    for (JsonNode f : type.get("fields")) {
      if (!f.isObject() || !f.path("name").isTextual()) {
        throw new IllegalStateException("the Delta schema at " + where + " has a field without a name");
      }
    }
    return type.get("fields");
  }

  /** Every field with a generation expression, nested ones included: "path (expression)". */
  private static void walkFields(JsonNode fields, String prefix, List<String> out) {
    for (JsonNode field : fields) {
      String path = prefix.isEmpty() ? field.get("name").asText() : prefix + "." + field.get("name").asText();
      JsonNode expr = field.path("metadata").get(GENERATION_EXPRESSION);
      if (expr != null && field.path("metadata").isObject()) {
        out.add(path + " (" + (expr.isTextual() ? expr.asText() : expr.toString()) + ")");
      }
      walkNested(field.get("type"), path, out);
    }
  }

  private static void walkNested(JsonNode type, String path, List<String> out) {
    if (type == null || type.isTextual()) {
      return;
    }
    switch (type.path("type").asText()) {
      case "struct":
        walkFields(schemaFields(type, path), path, out);
        break;
      case "array":
        walkNested(type.get("elementType"), path + ".element", out);
        break;
      case "map":
        walkNested(type.get("keyType"), path + ".key", out);
        walkNested(type.get("valueType"), path + ".value", out);
        break;
      default:
        throw new IllegalStateException("the Delta schema at " + path + " has an unknown nested type");
    }
  }

  /** Every primitive type name used in a type, with its dotted path. */
  private static void primitiveTypes(JsonNode type, String path, List<String[]> out) {
    if (type == null) {
      throw new IllegalStateException("the Delta schema at " + path + " has a field without a type");
    }
    if (type.isTextual()) {
      out.add(new String[] {path, type.asText()});
      return;
    }
    switch (type.path("type").asText()) {
      case "struct":
        for (JsonNode f : schemaFields(type, path)) {
          primitiveTypes(f.get("type"), path.isEmpty() ? f.get("name").asText() : path + "." + f.get("name").asText(), out);
        }
        break;
      case "array":
        primitiveTypes(type.get("elementType"), path + ".element", out);
        break;
      case "map":
        primitiveTypes(type.get("keyType"), path + ".key", out);
        primitiveTypes(type.get("valueType"), path + ".value", out);
        break;
      default:
        throw new IllegalStateException("the Delta schema at " + path + " has an unknown nested type");
    }
  }

  private static boolean hasIcebergType(String deltaType) {
    return MAPPED_PRIMITIVES.contains(deltaType) || DECIMAL.matcher(deltaType).matches();
  }

  // ---------------------------------------------------------------- paths, as src/xtable/verify/paths.ts has them

  /** The absolute location of a log path: a remote URI as it is, else decoded once under the root. */
  static String resolve(String root, String logPath) {
    if (REMOTE_SCHEME.matcher(logPath).matches() && !logPath.startsWith("file:")) {
      return logPath;
    }
    String decoded = stripFileScheme(percentDecode(logPath));
    return decoded.startsWith("/") ? normalize(decoded) : normalize(root + "/" + decoded);
  }

  static String display(String root, String absolute) {
    String prefix = root.endsWith("/") ? root : root + "/";
    return absolute.startsWith(prefix) ? absolute.substring(prefix.length()) : absolute;
  }

  private static String stripFileScheme(String location) {
    if (!location.startsWith("file:")) {
      return location;
    }
    String rest = location.substring("file:".length());
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
      int slash = rest.indexOf('/');
      rest = slash < 0 ? "/" : rest.substring(slash);
    }
    return rest;
  }

  /** "." and ".." segments and repeated slashes resolved, keeping a scheme's "//" (s3://b/t). */
  private static String normalize(String path) {
    String head = "";
    String rest = path;
    java.util.regex.Matcher m = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://[^/]*)(/.*)?$").matcher(path);
    if (m.matches()) {
      head = m.group(1);
      rest = m.group(2) == null ? "/" : m.group(2);
    }
    List<String> out = new ArrayList<>();
    for (String seg : rest.split("/", -1)) {
      if (seg.isEmpty() || ".".equals(seg)) {
        continue;
      }
      if ("..".equals(seg)) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(seg);
    }
    return head + "/" + String.join("/", out);
  }

  /** decodeURIComponent: %XX sequences as UTF-8; a malformed one is an error, '+' stays '+'. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '%') {
        if (bytes.size() > 0) {
          out.append(utf8(bytes, s));
        }
        out.append(c);
        i++;
        continue;
      }
      if (i + 2 >= s.length()) {
        throw new IllegalArgumentException("the file path \"" + s + "\" in the Delta log is not valid percent-encoding");
      }
      int hi = Character.digit(s.charAt(i + 1), 16);
      int lo = Character.digit(s.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("the file path \"" + s + "\" in the Delta log is not valid percent-encoding");
      }
      bytes.write(hi * 16 + lo);
      i += 3;
    }
    if (bytes.size() > 0) {
      out.append(utf8(bytes, s));
    }
    return out.toString();
  }

  private static String utf8(ByteArrayOutputStream bytes, String whole) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
      bytes.reset();
      return text;
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("the file path \"" + whole + "\" in the Delta log is not valid percent-encoding", e);
    }
  }

  // ---------------------------------------------------------------- small helpers

  private static String stripTrailingSlash(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/") && !p.endsWith("://")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static String plural(int n) {
    return n == 1 ? "" : "s";
  }

  /** A string as JavaScript's JSON.stringify writes it. */
  static String jsString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || (Character.isSurrogate(c) && !pairedSurrogate(s, i))) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    return Character.isHighSurrogate(c)
        ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  // ---------------------------------------------------------------- diagnostic entry point

  /** Checks each table given and prints one JSON line per table; exit 2 on bad arguments. */
  public static void main(String[] args) {
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "pipegen-xtable-log4j2.xml");
    }
    Launcher.utf8Output();
    List<String> tables = new ArrayList<>();
    String hadoopXml = null;
    for (Iterator<String> it = List.of(args).iterator(); it.hasNext(); ) {
      String arg = it.next();
      if ("--hadoopConfig".equals(arg) && it.hasNext()) {
        hadoopXml = it.next();
      } else if (arg.startsWith("-")) {
        System.err.println("usage: java -cp 'lib/*' pipegen.xtable.DeltaSafetyCheck [--hadoopConfig xml] <table>...");
        System.exit(2);
        return;
      } else {
        tables.add(arg);
      }
    }
    Configuration conf;
    try {
      conf = Launcher.hadoopConf(hadoopXml == null ? null : java.nio.file.Paths.get(hadoopXml));
    } catch (InputException e) {
      System.err.println("pipegen-xtable: " + e.getMessage());
      System.exit(2);
      return;
    }
    DeltaSafetyCheck check = new DeltaSafetyCheck(conf);
    for (String table : tables) {
      Verdict v = check.check(table);
      StringBuilder sb = new StringBuilder("{\"table\":").append(jsString(table));
      if (v.error != null) {
        sb.append(",\"error\":").append(jsString(v.error));
      } else {
        sb.append(",\"refusals\":").append(refusalsJson(v.refusals));
      }
      System.out.println(sb.append('}'));
    }
    System.out.flush();
    System.exit(0);
  }

  /** [{"feature": …, "detail": …}, …] */
  static String refusalsJson(List<Refusal> refusals) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < refusals.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"feature\":")
          .append(jsString(refusals.get(i).feature))
          .append(",\"detail\":")
          .append(jsString(refusals.get(i).detail))
          .append('}');
    }
    return sb.append(']').toString();
  }
}
