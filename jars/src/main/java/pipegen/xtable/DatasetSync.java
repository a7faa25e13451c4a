package pipegen.xtable;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import org.apache.xtable.conversion.ConversionConfig;
import org.apache.xtable.conversion.ConversionController;
import org.apache.xtable.conversion.ConversionTargetFactory;
import org.apache.xtable.conversion.SourceTable;
import org.apache.xtable.conversion.TargetTable;
import org.apache.xtable.hudi.HudiSourceConfig;
import org.apache.xtable.iceberg.IcebergCatalogConfig;
import org.apache.xtable.model.metadata.TableSyncMetadata;
import org.apache.xtable.model.sync.ErrorDetails;
import org.apache.xtable.model.sync.SyncMode;
import org.apache.xtable.model.sync.SyncResult;
import org.apache.xtable.model.sync.SyncStatusCode;
import org.apache.xtable.spi.extractor.ConversionSource;

/**
 * Syncs one dataset to one target format through XTable's ConversionController, and works around
 * two gaps of XTable 0.4.0's Delta Kernel source:
 *
 * <ul>
 *   <li>an incremental sync when the Delta table has no commit newer than the last sync fails
 *       ("startVersion must be <= endVersion"), so such a target is reported up to date without
 *       calling XTable;
 *   <li>an incremental sync that fails on a target synced before (e.g. the Delta log was cleaned
 *       up past the last synced commit, apache/incubator-xtable#779) is retried once as a FULL
 *       snapshot sync, which is what XTable does itself when it sees that incremental is unsafe.
 * </ul>
 */
final class DatasetSync {
  private static final Logger LOG = LogManager.getLogger(DatasetSync.class);

  /** The outcome of one (dataset, format) sync: error == null means success. */
  static final class Outcome {
    final String error;
    final String note; // for the human log line, may be null
    /** How the target was brought up to date: INCREMENTAL, FULL or UP_TO_DATE; null when unknown. */
    final String sync;

    private Outcome(String error, String note, String sync) {
      this.error = error;
      this.note = note;
      this.sync = sync;
    }

    static Outcome ok(String note, String sync) {
      return new Outcome(null, note, sync);
    }

    static Outcome failed(String error) {
      return new Outcome(error, null, null);
    }
  }

  /** One XTable call: error == null means success; mode is the SyncMode XTable reports it used. */
  private static final class Attempt {
    final String error;
    final String mode;

    Attempt(String error, String mode) {
      this.error = error;
      this.mode = mode;
    }
  }

  private final Configuration hadoopConf;
  private final ConversionController controller;
  private final TimestampBounds.Provider source;
  private final SyncMode mode;

  DatasetSync(Configuration hadoopConf, SyncMode mode) {
    this.hadoopConf = hadoopConf;
    this.mode = mode;
    this.controller = new ConversionController(hadoopConf);
    this.source = new TimestampBounds.Provider();
    this.source.init(hadoopConf);
  }

  Outcome sync(String sourceFormat, Configs.Dataset d, String format, IcebergCatalogConfig catalog) {
    SourceTable sourceTable;
    TargetTable targetTable;
    try {
      Properties sourceProps = new Properties();
      if (d.partitionSpec != null) {
        sourceProps.put(HudiSourceConfig.PARTITION_FIELD_SPEC_CONFIG, d.partitionSpec);
      }
      sourceTable =
          SourceTable.builder()
              .name(d.tableName)
              .basePath(d.tableBasePath)
              .dataPath(d.tableDataPath)
              .namespace(d.namespace)
              .formatName(sourceFormat)
              .additionalProperties(sourceProps)
              .build();
      targetTable =
          TargetTable.builder()
              .name(d.tableName)
              .basePath(d.tableBasePath)
              .namespace(d.namespace)
              .catalogConfig(catalog)
              .formatName(format)
              .build();
    } catch (RuntimeException e) {
      return Outcome.failed(Launcher.describe(e));
    }

    if ("HUDI".equals(format)) {
      List<String> ntz = deltaSchema(d).map(HudiTarget::timestampNtzColumns).orElse(List.of());
      if (!ntz.isEmpty()) {
        return Outcome.failed(HudiTarget.timestampNtzRefusal(ntz));
      }
    }
    IcebergTarget iceberg = "ICEBERG".equals(format) ? new IcebergTarget(hadoopConf, d, catalog) : null;
    if (iceberg != null) {
      String broken = iceberg.unreadable();
      if (broken != null) {
        return Outcome.failed(vacuumMessage(iceberg, d, broken, false));
      }
    }
    Outcome outcome = syncModes(sourceTable, targetTable, d, format);
    if (iceberg == null || outcome.error != null || "UP_TO_DATE".equals(outcome.sync)) {
      return outcome;
    }
    // XTable reports success from what it wrote; a reader must be able to read it too.
    String broken = iceberg.unreadable();
    if (broken != null) {
      return Outcome.failed(vacuumMessage(iceberg, d, broken, true));
    }
    if (changeDataFeed(d)) {
      try {
        List<String> added = iceberg.mapChangeDataFeedColumns();
        if (!added.isEmpty()) {
          LOG.info("Mapped the change data feed columns {} of {} in the Iceberg name mapping", added, d.tableName);
        }
      } catch (RuntimeException e) {
        return Outcome.failed("synced, but the change data feed columns could not be added to the Iceberg name mapping: " + Launcher.describe(e));
      }
    }
    return outcome;
  }

  /** One sync of one format, in the requested mode, with the up-to-date and fallback rules. */
  private Outcome syncModes(SourceTable sourceTable, TargetTable targetTable, Configs.Dataset d, String format) {
    if (mode == SyncMode.FULL) {
      return toOutcome(attempt(sourceTable, targetTable, SyncMode.FULL));
    }
    Optional<TableSyncMetadata> synced = syncState(targetTable);
    if (synced.isPresent() && isUpToDate(synced.get(), sourceTable)) {
      return Outcome.ok("up to date, no Delta commit since the last sync", "UP_TO_DATE");
    }
    Attempt first = attempt(sourceTable, targetTable, SyncMode.INCREMENTAL);
    if (first.error == null || synced.isEmpty()) { // never synced: XTable already did a snapshot sync
      return toOutcome(first);
    }
    String error = first.error;
    LOG.warn("Incremental sync of {} to {} failed ({}); retrying as a FULL snapshot sync", d.tableName, format, error);
    Attempt full = attempt(sourceTable, targetTable, SyncMode.FULL);
    return full.error == null
        ? Outcome.ok("FULL snapshot sync after the incremental sync failed: " + error, "FULL")
        : Outcome.failed("incremental sync failed: " + error + "; FULL snapshot sync failed too: " + full.error);
  }

  /** A readable failure for an Iceberg table with missing metadata files. */
  private static String vacuumMessage(IcebergTarget iceberg, Configs.Dataset d, String problem, boolean afterSync) {
    return (afterSync ? "XTable reported success, but " : "")
        + "the Iceberg table of "
        + d.tableName
        + " ("
        + iceberg.describe()
        + ") cannot be read: "
        + problem
        + ". Files it needs are missing from "
        + d.tableBasePath
        + "/metadata; Delta's VACUUM deletes them (it removes every file older than its retention that"
        + " the Delta log does not name, Iceberg's manifests included)."
        + (afterSync ? "" : " Nothing was synced.")
        + " Run VACUUM ... LITE (Delta Lake 3.3+), which deletes only files the Delta log removed."
        + " To rebuild the Iceberg table, remove its metadata folder (its snapshot history is lost; with a"
        + " catalog, drop the table too) and sync again.";
  }

  /** Whether the Delta table has the change data feed on; false when that cannot be read. */
  private boolean changeDataFeed(Configs.Dataset d) {
    return latestSnapshot(d)
        .map(s -> IcebergTarget.changeDataFeed(s.getTableProperties()))
        .orElse(false);
  }

  /** The Delta table's schema; empty when it cannot be read (XTable then fails on it itself). */
  private Optional<io.delta.kernel.types.StructType> deltaSchema(Configs.Dataset d) {
    return latestSnapshot(d).map(io.delta.kernel.Snapshot::getSchema);
  }

  private Optional<io.delta.kernel.Snapshot> latestSnapshot(Configs.Dataset d) {
    try {
      io.delta.kernel.engine.Engine engine = io.delta.kernel.defaults.engine.DefaultEngine.create(hadoopConf);
      return Optional.of(io.delta.kernel.Table.forPath(engine, d.tableBasePath).getLatestSnapshot(engine));
    } catch (RuntimeException e) {
      LOG.debug("Cannot read the latest snapshot of {}", d.tableBasePath, e);
      return Optional.empty();
    }
  }

  private static Outcome toOutcome(Attempt attempt) {
    return attempt.error == null
        ? Outcome.ok(attempt.mode == null ? null : attempt.mode + " sync", attempt.mode)
        : Outcome.failed(attempt.error);
  }

  private Attempt attempt(SourceTable sourceTable, TargetTable targetTable, SyncMode syncMode) {
    String format = targetTable.getFormatName();
    try {
      ConversionConfig config =
          ConversionConfig.builder()
              .sourceTable(sourceTable)
              .targetTables(List.of(targetTable))
              .syncMode(syncMode)
              .build();
      Map<String, SyncResult> results = controller.sync(config, source);
      SyncResult result = results.get(format);
      if (result == null) {
        // XTable returns no result for a format whose incremental sync found nothing to apply.
        return new Attempt(
            results.isEmpty() ? null : "XTable returned results for " + results.keySet() + " but not " + format,
            null);
      }
      SyncResult.SyncStatus status = result.getTableFormatSyncStatus();
      String mode = result.getMode() == null ? null : result.getMode().name();
      return new Attempt(
          status != null && status.getStatusCode() == SyncStatusCode.SUCCESS ? null : explain(describe(status)), mode);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError)) {
        throw (VirtualMachineError) t;
      }
      LOG.error("{} sync of {} to {} failed", syncMode, sourceTable.getName(), format, t);
      return new Attempt(explain(Launcher.describe(t)), null);
    }
  }

  /** The target's XTABLE_METADATA, if the target exists and has been synced before. */
  private Optional<TableSyncMetadata> syncState(TargetTable targetTable) {
    try {
      return ConversionTargetFactory.getInstance().createForFormat(targetTable, hadoopConf).getTableMetadata();
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Cannot read the sync state of {}; syncing normally", targetTable.getBasePath(), e);
      return Optional.empty();
    }
  }

  /** True when no Delta commit is newer than the last synced one and none is pending. */
  private boolean isUpToDate(TableSyncMetadata synced, SourceTable sourceTable) {
    List<Instant> pending = synced.getInstantsToConsiderForNextSync();
    if (synced.getLastInstantSynced() == null || (pending != null && !pending.isEmpty())) {
      return false;
    }
    return latestCommit(sourceTable).map(latest -> !latest.isAfter(synced.getLastInstantSynced())).orElse(false);
  }

  private Optional<Instant> latestCommit(SourceTable sourceTable) {
    try (ConversionSource<Long> conversionSource = source.getConversionSourceInstance(sourceTable)) {
      return Optional.ofNullable(conversionSource.getCurrentTable().getLatestCommitTime());
    } catch (Exception | LinkageError e) {
      LOG.debug("Cannot read the latest commit of {}; syncing normally", sourceTable.getBasePath(), e);
      return Optional.empty();
    }
  }

  /** XTable errors whose cause is known, said plainly. */
  static String explain(String error) {
    if (error.contains("Unparseable date") || error.contains("Unable to parse time from column stats")) {
      return "XTable 0.4.0 cannot parse this table's Delta statistics of a timestamp column: Spark writes"
          + " TIMESTAMP_NTZ statistics without a zone (e.g. \"2024-03-10T01:30:00.654\"), which XTable's"
          + " parser rejects. Such tables cannot be translated by this runner; pipegen xtable run refuses"
          + " them before syncing (" + error + ")";
    }
    return error;
  }

  private static String describe(SyncResult.SyncStatus status) {
    if (status == null) {
      return "XTable returned a result without a status";
    }
    ErrorDetails details = status.getErrorDetails();
    StringBuilder sb = new StringBuilder(String.valueOf(status.getStatusCode()));
    if (details != null) {
      if (details.getErrorDescription() != null) {
        sb.append(": ").append(details.getErrorDescription());
      }
      if (details.getErrorMessage() != null) {
        sb.append(": ").append(details.getErrorMessage());
      }
    }
    return Configs.oneLine(sb.toString());
  }
}
