package pipegen.xtable;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.apache.xtable.conversion.ConversionSourceProvider;
import org.apache.xtable.conversion.SourceTable;
import org.apache.xtable.kernel.DeltaKernelConversionSourceProvider;
import org.apache.xtable.model.CommitsBacklog;
import org.apache.xtable.model.InstantsForIncrementalSync;
import org.apache.xtable.model.InternalSnapshot;
import org.apache.xtable.model.InternalTable;
import org.apache.xtable.model.TableChange;
import org.apache.xtable.model.schema.InternalSchema;
import org.apache.xtable.model.schema.InternalType;
import org.apache.xtable.model.stat.ColumnStat;
import org.apache.xtable.model.stat.Range;
import org.apache.xtable.model.storage.InternalDataFile;
import org.apache.xtable.model.storage.InternalFile;
import org.apache.xtable.model.storage.InternalFilesDiff;
import org.apache.xtable.model.storage.PartitionFileGroup;
import org.apache.xtable.spi.extractor.ConversionSource;

/**
 * Widens the upper bounds of timestamp columns that the Delta statistics may have cut short, so
 * that no Iceberg (or Hudi) reader skips a file that holds matching rows.
 *
 * <p>Spark writes the min/max statistics of TIMESTAMP and TIMESTAMP_NTZ columns with millisecond
 * precision ({@code "2024-01-01T12:00:00.123Z"} for a value of {@code 12:00:00.123456}), and XTable
 * 0.4.0 reads zone-less values with a seconds-only pattern that drops the fraction. Copied as they
 * are, such an upper bound is below the column's real maximum, and a filter such as {@code ts >=
 * '…12:00:00.123456'} skips the file. Delta's own data skipping adds one millisecond to the
 * maximum for that reason. Here an upper bound that is a whole second is raised to the last
 * instant of that second, and one that is a whole millisecond to the last microsecond of that
 * millisecond; a bound with finer digits is exact and kept.
 * Lower bounds are cut downwards, so they stay valid.
 */
final class TimestampBounds {
  private TimestampBounds() {}

  /** A Delta Kernel source whose data files carry widened timestamp upper bounds. */
  static final class Provider extends ConversionSourceProvider<Long> {
    private final DeltaKernelConversionSourceProvider delegate = new DeltaKernelConversionSourceProvider();

    @Override
    public void init(org.apache.hadoop.conf.Configuration conf) {
      super.init(conf);
      delegate.init(conf);
    }

    @Override
    public ConversionSource<Long> getConversionSourceInstance(SourceTable table) {
      return new Source(delegate.getConversionSourceInstance(table));
    }
  }

  /** Delegates everything; rewrites the data files of snapshots and commits. */
  static final class Source implements ConversionSource<Long> {
    private final ConversionSource<Long> delegate;

    Source(ConversionSource<Long> delegate) {
      this.delegate = delegate;
    }

    @Override
    public InternalTable getTable(Long commit) {
      return delegate.getTable(commit);
    }

    @Override
    public InternalTable getCurrentTable() {
      return delegate.getCurrentTable();
    }

    @Override
    public InternalSnapshot getCurrentSnapshot() {
      InternalSnapshot s = delegate.getCurrentSnapshot();
      List<PartitionFileGroup> groups = new ArrayList<>();
      for (PartitionFileGroup g : s.getPartitionedDataFiles()) {
        groups.add(PartitionFileGroup.builder().partitionValues(g.getPartitionValues()).files(widen(g.getFiles())).build());
      }
      return InternalSnapshot.builder()
          .version(s.getVersion())
          .table(s.getTable())
          .partitionedDataFiles(groups)
          .pendingCommits(s.getPendingCommits())
          .sourceIdentifier(s.getSourceIdentifier())
          .build();
    }

    @Override
    public TableChange getTableChangeForCommit(Long commit) {
      TableChange change = delegate.getTableChangeForCommit(commit);
      InternalFilesDiff diff = change.getFilesDiff();
      if (diff == null) {
        return change;
      }
      InternalFilesDiff widened =
          InternalFilesDiff.builder()
              .filesAdded(new HashSet<>(widen(diff.getFilesAdded())))
              .filesRemoved(diff.getFilesRemoved())
              .build();
      return change.toBuilder().filesDiff(widened).build();
    }

    @Override
    public CommitsBacklog<Long> getCommitsBacklog(InstantsForIncrementalSync instants) {
      return delegate.getCommitsBacklog(instants);
    }

    @Override
    public boolean isIncrementalSyncSafeFrom(Instant instant) {
      return delegate.isIncrementalSyncSafeFrom(instant);
    }

    @Override
    public String getCommitIdentifier(Long commit) {
      return delegate.getCommitIdentifier(commit);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }

  static List<InternalFile> widen(java.util.Collection<? extends InternalFile> files) {
    List<InternalFile> out = new ArrayList<>(files.size());
    for (InternalFile f : files) {
      out.add(f instanceof InternalDataFile ? widen((InternalDataFile) f) : f);
    }
    return out;
  }

  static InternalDataFile widen(InternalDataFile file) {
    List<ColumnStat> stats = new ArrayList<>(file.getColumnStats().size());
    boolean changed = false;
    for (ColumnStat stat : file.getColumnStats()) {
      ColumnStat widened = widen(stat);
      changed |= widened != stat;
      stats.add(widened);
    }
    return changed ? file.toBuilder().columnStats(stats).build() : file;
  }

  static ColumnStat widen(ColumnStat stat) {
    if (stat.getField() == null || stat.getRange() == null || !(stat.getRange().getMaxValue() instanceof Long)) {
      return stat;
    }
    InternalSchema schema = stat.getField().getSchema();
    InternalType type = schema.getDataType();
    if (type != InternalType.TIMESTAMP && type != InternalType.TIMESTAMP_NTZ) {
      return stat;
    }
    boolean millis =
        schema.getMetadata() != null
            && schema.getMetadata().get(InternalSchema.MetadataKey.TIMESTAMP_PRECISION)
                == InternalSchema.MetadataValue.MILLIS;
    long max = (Long) stat.getRange().getMaxValue();
    long second = millis ? 1_000L : 1_000_000L;
    long milli = millis ? 1L : 1_000L;
    long widened;
    if (Math.floorMod(max, second) == 0) {
      widened = max + second - 1; // the last instant of that second
    } else if (!millis && Math.floorMod(max, milli) == 0) {
      widened = max + milli - 1; // up to the last microsecond of that millisecond
    } else {
      return stat;
    }
    return stat.toBuilder().range(Range.vector(stat.getRange().getMinValue(), widened)).build();
  }
}
