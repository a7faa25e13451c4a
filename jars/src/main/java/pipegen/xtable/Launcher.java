package pipegen.xtable;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;

import org.apache.xtable.iceberg.IcebergCatalogConfig;
import org.apache.xtable.model.sync.SyncMode;

/**
 * Runs an Apache XTable metadata sync for every dataset of a RunSync-style datasetConfig and
 * reports the outcome per dataset and target format.
 *
 * <pre>
 * --datasetConfig &lt;yaml&gt; [--icebergCatalogConfig &lt;yaml&gt;] [--hadoopConfig &lt;xml&gt;]
 * [--syncMode INCREMENTAL|FULL]
 * </pre>
 *
 * <p>Output protocol: log lines (XTable/Hadoop/Iceberg on stderr, one line per sync on stdout),
 * then exactly one final stdout line {@code pipegen-xtable-result: {json}}. Exit 0 iff every sync
 * succeeded, 1 when any failed or was refused ({@link DeltaSafetyCheck}), 2 for bad input (nothing
 * synced).
 */
public final class Launcher {
  static final String RESULT_PREFIX = "pipegen-xtable-result: ";
  static final int EXIT_OK = 0;
  static final int EXIT_SYNC_FAILED = 1;
  static final int EXIT_BAD_INPUT = 2;

  private static final String LOG_CONFIG = "pipegen-xtable-log4j2.xml";
  private static final String HADOOP_DEFAULTS = "pipegen-xtable-hadoop-defaults.xml";

  private static final String USAGE =
      "usage: java -jar pipegen-xtable.jar --datasetConfig <yaml> [--icebergCatalogConfig <yaml>]"
          + " [--hadoopConfig <xml>] [--syncMode INCREMENTAL|FULL]";

  private Launcher() {}

  public static void main(String[] args) {
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", LOG_CONFIG);
    }
    utf8Output();
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    Report report = new Report();
    int code;
    try {
      code = run(args, report, System.out);
    } catch (InputException e) {
      System.err.println("pipegen-xtable: " + e.getMessage());
      System.err.println(USAGE);
      report.abort(e.getMessage());
      code = EXIT_BAD_INPUT;
    } catch (Throwable t) { // last resort: still honour the protocol
      System.err.println("pipegen-xtable: internal error: " + t);
      t.printStackTrace(System.err);
      report.abort("internal error: " + describe(t));
      code = EXIT_SYNC_FAILED;
    }
    stopLogging();
    System.err.flush();
    System.out.println(RESULT_PREFIX + report.toJson());
    System.out.flush();
    System.exit(code);
  }

  static int run(String[] argv, Report report, PrintStream out) throws InputException {
    Args args = Args.parse(argv);
    Set<String> targets = supportedTargets();
    Configs.DatasetConfig datasets = Configs.readDatasetConfig(args.datasetConfig, targets);
    report.plan(datasets); // from here on every dataset/format has a row, FAILED until it succeeds
    Configs.CatalogConfig catalog =
        args.icebergCatalogConfig == null ? null : Configs.readCatalogConfig(args.icebergCatalogConfig);
    if (catalog != null) {
      requireClass(catalog.catalogImpl, "icebergCatalogConfig catalogImpl");
    }
    Configuration hadoopConf = hadoopConf(args.hadoopConfig);
    for (Configs.Dataset d : datasets.datasets) {
      if (d.partitionSpec != null) {
        System.err.println(
            "pipegen-xtable: note: partitionSpec of " + d.tableName + " is ignored (it applies to Hudi sources only).");
      }
    }

    DatasetSync syncer = new DatasetSync(hadoopConf, args.syncMode);
    IcebergCatalogConfig icebergCatalog =
        catalog == null
            ? null
            : IcebergCatalogConfig.builder()
                .catalogImpl(catalog.catalogImpl)
                .catalogName(catalog.catalogName)
                .catalogOptions(catalog.catalogOptions)
                .build();

    DeltaSafetyCheck safety = new DeltaSafetyCheck(hadoopConf);
    for (Configs.Dataset d : datasets.datasets) {
      // Before any target format: a table XTable would mistranslate gets no metadata at all.
      if (refused(d, datasets, safety, report, out)) {
        continue;
      }
      // One sync call per target format, so that a failure is attributed to exactly one format
      // and cannot stop the others (XTable fails the whole call when one target cannot start).
      for (String format : datasets.targetFormats) {
        long start = System.nanoTime();
        DatasetSync.Outcome outcome =
            syncer.sync(datasets.sourceFormat, d, format, "ICEBERG".equals(format) ? icebergCatalog : null);
        report.set(d.tableName, format, outcome.error, outcome.sync);
        out.printf(
            "pipegen-xtable: %s %s -> %s: %s (%.1fs)%s%n",
            d.tableName,
            datasets.sourceFormat,
            format,
            outcome.error == null ? "SUCCESS" : "FAILED",
            (System.nanoTime() - start) / 1e9,
            outcome.error != null ? ": " + outcome.error : outcome.note != null ? " - " + outcome.note : "");
        out.flush();
      }
    }
    return report.ok() ? EXIT_OK : EXIT_SYNC_FAILED;
  }

  /**
   * Runs the safety check on a dataset; when it refuses the table (or cannot read it), reports
   * every target format of the dataset as REFUSED (or FAILED) and returns true.
   */
  private static boolean refused(
      Configs.Dataset d, Configs.DatasetConfig datasets, DeltaSafetyCheck safety, Report report, PrintStream out) {
    long start = System.nanoTime();
    DeltaSafetyCheck.Verdict verdict = safety.check(d.tableBasePath);
    if (verdict.safe()) {
      return false;
    }
    String error =
        verdict.error != null
            ? DeltaSafetyCheck.unreadable(d.tableBasePath, verdict.error)
            : DeltaSafetyCheck.message(d.tableName, d.tableBasePath, verdict.refusals);
    for (String format : datasets.targetFormats) {
      if (verdict.error != null) {
        report.set(d.tableName, format, error, null);
      } else {
        report.refuse(d.tableName, format, error, verdict.refusals);
      }
      out.printf(
          "pipegen-xtable: %s %s -> %s: %s (%.1fs): %s%n",
          d.tableName,
          datasets.sourceFormat,
          format,
          verdict.error != null ? "FAILED" : "REFUSED",
          (System.nanoTime() - start) / 1e9,
          error);
    }
    out.flush();
    return true;
  }

  /**
   * stdout and stderr in UTF-8 whatever the locale: Java writes them in the locale's charset, and
   * under a POSIX locale every non-ASCII character (a table name, an em dash in a refusal) would
   * reach the operator as '?'.
   */
  static void utf8Output() {
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
  }

  /** "Type: message", plus the root cause when it says something else. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.getClass().getSimpleName());
    if (t.getMessage() != null) {
      sb.append(": ").append(t.getMessage());
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t && root.getMessage() != null && !sb.toString().contains(root.getMessage())) {
      sb.append(" (caused by ").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage()).append(')');
    }
    String s = Configs.oneLine(sb.toString());
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }

  /** ICEBERG always; HUDI only when the Hudi libraries are on the classpath. */
  static Set<String> supportedTargets() {
    Set<String> targets = new LinkedHashSet<>();
    targets.add("ICEBERG");
    if (classPresent("org.apache.hudi.client.HoodieJavaWriteClient")) {
      targets.add("HUDI");
    }
    return targets;
  }

  private static boolean classPresent(String name) {
    try {
      Class.forName(name, false, Launcher.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static void requireClass(String name, String what) throws InputException {
    if (!classPresent(name)) {
      throw new InputException(what + " " + name + " is not on the classpath of this build.");
    }
  }

  static Configuration hadoopConf(Path extra) throws InputException {
    Configuration conf = new Configuration();
    conf.addResource(HADOOP_DEFAULTS);
    if (extra != null) {
      if (!Files.isRegularFile(extra)) {
        throw new InputException("hadoopConfig " + extra + ": file not found.");
      }
      conf.addResource(new org.apache.hadoop.fs.Path(extra.toAbsolutePath().toUri()));
    }
    try {
      conf.size(); // forces parsing, so a broken XML file is an input error
    } catch (RuntimeException e) {
      throw new InputException("hadoopConfig " + extra + ": cannot parse: " + describe(e), e);
    }
    return conf;
  }

  private static void stopLogging() {
    try {
      org.apache.logging.log4j.LogManager.shutdown();
    } catch (Throwable ignored) {
      // logging is best effort; the result line is not
    }
  }

  /** Command line, RunSync-compatible spelling (long and short names, "--k v" or "--k=v"). */
  static final class Args {
    Path datasetConfig;
    Path icebergCatalogConfig;
    Path hadoopConfig;
    SyncMode syncMode = SyncMode.INCREMENTAL;

    static Args parse(String[] argv) throws InputException {
      Args a = new Args();
      List<String> list = new ArrayList<>(List.of(argv));
      for (int i = 0; i < list.size(); i++) {
        String arg = list.get(i);
        String name = arg;
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          name = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        }
        switch (name) {
          case "-d":
          case "--datasetConfig":
          case "-i":
          case "--icebergCatalogConfig":
          case "-p":
          case "--hadoopConfig":
          case "--syncMode":
            break;
          case "-c":
          case "--convertersConfig":
          case "-m":
          case "--continuousMode":
          case "-t":
          case "--continuousModeInterval":
            throw new InputException(
                name + " is a RunSync option this runner does not support (it always uses Delta Kernel"
                    + " for the source and runs once).");
          default:
            throw new InputException("unknown argument '" + arg + "'.");
        }
        if (value == null) {
          if (i + 1 >= list.size() || list.get(i + 1).startsWith("-")) {
            throw new InputException(name + " needs a value.");
          }
          value = list.get(++i);
        }
        if (value.isBlank()) {
          throw new InputException(name + " has an empty value.");
        }
        switch (name) {
          case "-d":
          case "--datasetConfig":
            a.datasetConfig = once(a.datasetConfig, name, value);
            break;
          case "-i":
          case "--icebergCatalogConfig":
            a.icebergCatalogConfig = once(a.icebergCatalogConfig, name, value);
            break;
          case "-p":
          case "--hadoopConfig":
            a.hadoopConfig = once(a.hadoopConfig, name, value);
            break;
          default: // --syncMode
            try {
              a.syncMode = SyncMode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
              throw new InputException("--syncMode must be INCREMENTAL or FULL, got '" + value + "'.");
            }
        }
      }
      if (a.datasetConfig == null) {
        throw new InputException("--datasetConfig is required.");
      }
      return a;
    }

    private static Path once(Path previous, String name, String value) throws InputException {
      if (previous != null) {
        throw new InputException(name + " given twice.");
      }
      return Paths.get(value);
    }
  }

  /** The result line: one row per (dataset, target format), in config order. */
  static final class Report {
    private final List<String[]> rows = new ArrayList<>(); // table, format, error-or-null, sync-or-null, refusals-json-or-null
    private String abortReason; // set when the run stopped before syncing everything

    void plan(Configs.DatasetConfig config) {
      rows.clear();
      for (Configs.Dataset d : config.datasets) {
        for (String format : config.targetFormats) {
          rows.add(new String[] {d.tableName, format, "not run", null, null});
        }
      }
    }

    void set(String table, String format, String error, String sync) {
      put(new String[] {table, format, error, sync, null});
    }

    /** A dataset the safety check refused: status REFUSED, with the features as a list. */
    void refuse(String table, String format, String error, List<DeltaSafetyCheck.Refusal> refusals) {
      put(new String[] {table, format, error, null, DeltaSafetyCheck.refusalsJson(refusals)});
    }

    private void put(String[] entry) {
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i)[0].equals(entry[0]) && rows.get(i)[1].equals(entry[1])) {
          rows.set(i, entry);
          return;
        }
      }
      rows.add(entry);
    }

    void abort(String message) {
      abortReason = message;
      for (String[] row : rows) {
        if ("not run".equals(row[2])) {
          row[2] = "not run: " + message;
        }
      }
    }

    boolean ok() {
      return abortReason == null && !rows.isEmpty() && rows.stream().allMatch(r -> r[2] == null);
    }

    String toJson() {
      StringBuilder sb = new StringBuilder("{\"ok\":").append(ok()).append(",\"datasets\":[");
      for (int i = 0; i < rows.size(); i++) {
        String[] r = rows.get(i);
        if (i > 0) {
          sb.append(',');
        }
        sb.append("{\"table\":").append(json(r[0]))
            .append(",\"format\":").append(json(r[1]))
            .append(",\"status\":").append(json(r[2] == null ? "SUCCESS" : r[4] != null ? "REFUSED" : "FAILED"))
            .append(",\"error\":").append(json(r[2]))
            .append(",\"sync\":").append(json(r[3]));
        if (r[4] != null) {
          sb.append(",\"refusals\":").append(r[4]);
        }
        sb.append('}');
      }
      sb.append(']');
      if (abortReason != null) {
        sb.append(",\"error\":").append(json(abortReason));
      }
      return sb.append('}').toString();
    }

    private static String json(String s) {
      if (s == null) {
        return "null";
      }
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
            if (c < 0x20 || c == 0x2028 || c == 0x2029) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
        }
      }
      return sb.append('"').toString();
    }
  }
}
