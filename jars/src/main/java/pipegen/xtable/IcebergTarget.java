package pipegen.xtable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.MappedField;
import org.apache.iceberg.mapping.MappedFields;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;

import org.apache.xtable.iceberg.IcebergCatalogConfig;

/**
 * The Iceberg table XTable writes for one dataset, opened the way XTable opens it (HadoopTables at
 * the table's base path, or the configured catalog with the dataset's namespace and name).
 */
final class IcebergTarget {
  /**
   * Columns Delta's change data feed adds to the data files that UPDATE, MERGE and DELETE write
   * (always null there). They are not in the table schema, so the Iceberg name mapping must name
   * them, or readers that resolve file columns through it (pyiceberg) refuse the file.
   */
  static final List<String> CHANGE_DATA_FEED_COLUMNS = List.of("_change_type", "_commit_version", "_commit_timestamp");

  /**
   * Field ids for those names: far above any id Iceberg assigns to columns (they count up from 1),
   * and below the ids Iceberg reserves for metadata columns (from Integer.MAX_VALUE down).
   */
  static final int CHANGE_DATA_FEED_FIRST_ID = 2_000_000_000;

  private final Configuration conf;
  private final String basePath;
  private final TableIdentifier identifier;
  private final IcebergCatalogConfig catalogConfig;

  IcebergTarget(Configuration conf, Configs.Dataset d, IcebergCatalogConfig catalogConfig) {
    this.conf = conf;
    this.basePath = d.tableBasePath;
    this.identifier = d.namespace == null ? TableIdentifier.of(d.tableName) : TableIdentifier.of(Namespace.of(d.namespace), d.tableName);
    this.catalogConfig = catalogConfig;
  }

  /** Where the table is, for messages. */
  String describe() {
    return catalogConfig == null ? basePath + "/metadata" : catalogConfig.getCatalogName() + "." + identifier;
  }

  private Optional<Catalog> catalog() {
    if (catalogConfig == null) {
      return Optional.empty();
    }
    return Optional.of(
        CatalogUtil.loadCatalog(
            catalogConfig.getCatalogImpl(), catalogConfig.getCatalogName(), catalogConfig.getCatalogOptions(), conf));
  }

  /** The table, or empty when there is none yet. */
  Optional<Table> load() {
    Optional<Catalog> catalog = catalog();
    if (catalog.isPresent()) {
      return catalog.get().tableExists(identifier) ? Optional.of(catalog.get().loadTable(identifier)) : Optional.empty();
    }
    HadoopTables tables = new HadoopTables(conf);
    return tables.exists(basePath) ? Optional.of(tables.load(basePath)) : Optional.empty();
  }

  /**
   * Why the table cannot be read, or null when it can (or does not exist): its metadata file, the
   * current snapshot's manifest list and every manifest are read, as a reader planning a scan does.
   */
  String unreadable() {
    Optional<Table> table;
    try {
      table = load();
    } catch (RuntimeException e) {
      return "its metadata cannot be loaded (" + Launcher.describe(e) + ")";
    }
    if (table.isEmpty() || table.get().currentSnapshot() == null) {
      return null;
    }
    try (CloseableIterable<FileScanTask> tasks = table.get().newScan().planFiles()) {
      for (FileScanTask ignored : tasks) {
        // reading every manifest entry is the check
      }
      return null;
    } catch (Exception e) {
      return "snapshot " + table.get().currentSnapshot().snapshotId() + " cannot be planned (" + Launcher.describe(e) + ")";
    }
  }

  /**
   * Adds the change data feed columns to the table's name mapping when it lacks them.
   *
   * @return the names added (empty when nothing changed)
   */
  List<String> mapChangeDataFeedColumns() {
    Optional<Table> found = load();
    if (found.isEmpty()) {
      return List.of();
    }
    Table table = found.get();
    String json = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    if (json == null) {
      return List.of();
    }
    NameMapping mapping = NameMappingParser.fromJson(json);
    Set<String> mapped =
        mapping.asMappedFields().fields().stream().flatMap(f -> f.names().stream()).collect(Collectors.toSet());
    Set<String> columns =
        table.schema().columns().stream().map(org.apache.iceberg.types.Types.NestedField::name).collect(Collectors.toSet());
    List<MappedField> fields = new ArrayList<>(mapping.asMappedFields().fields());
    List<String> added = new ArrayList<>();
    for (int i = 0; i < CHANGE_DATA_FEED_COLUMNS.size(); i++) {
      String name = CHANGE_DATA_FEED_COLUMNS.get(i);
      if (!mapped.contains(name) && !columns.contains(name)) {
        fields.add(MappedField.of(CHANGE_DATA_FEED_FIRST_ID + i, name));
        added.add(name);
      }
    }
    if (!added.isEmpty()) {
      String updated = NameMappingParser.toJson(NameMapping.of(MappedFields.of(fields)));
      table.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING, updated).commit();
    }
    return added;
  }

  /** True when the Delta table has the change data feed on (delta.enableChangeDataFeed). */
  static boolean changeDataFeed(Map<String, String> deltaProperties) {
    return "true".equalsIgnoreCase(deltaProperties.getOrDefault("delta.enableChangeDataFeed", "false"));
  }
}
