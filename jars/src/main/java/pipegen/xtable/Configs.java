package pipegen.xtable;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The two YAML files XTable's RunSync documents, read and checked strictly: unknown keys, wrong
 * types, missing required keys and duplicate keys are {@link InputException}s that name the file
 * and the key.
 */
final class Configs {
  private Configs() {}

  static final String SOURCE_FORMAT = "DELTA";

  /** One entry of datasets[]. */
  static final class Dataset {
    final String tableBasePath;
    final String tableDataPath; // may be null
    final String tableName;
    final String[] namespace; // may be null
    final String partitionSpec; // may be null (only meaningful for Hudi sources)

    Dataset(
        String tableBasePath,
        String tableDataPath,
        String tableName,
        String[] namespace,
        String partitionSpec) {
      this.tableBasePath = tableBasePath;
      this.tableDataPath = tableDataPath;
      this.tableName = tableName;
      this.namespace = namespace;
      this.partitionSpec = partitionSpec;
    }
  }

  static final class DatasetConfig {
    final String sourceFormat;
    final List<String> targetFormats;
    final List<Dataset> datasets;

    DatasetConfig(String sourceFormat, List<String> targetFormats, List<Dataset> datasets) {
      this.sourceFormat = sourceFormat;
      this.targetFormats = Collections.unmodifiableList(targetFormats);
      this.datasets = Collections.unmodifiableList(datasets);
    }
  }

  static final class CatalogConfig {
    final String catalogImpl;
    final String catalogName;
    final Map<String, String> catalogOptions;

    CatalogConfig(String catalogImpl, String catalogName, Map<String, String> catalogOptions) {
      this.catalogImpl = catalogImpl;
      this.catalogName = catalogName;
      this.catalogOptions = Collections.unmodifiableMap(catalogOptions);
    }
  }

  private static final Set<String> DATASET_CONFIG_KEYS =
      keys("sourceFormat", "targetFormats", "datasets");
  private static final Set<String> TABLE_KEYS =
      keys("tableBasePath", "tableDataPath", "tableName", "namespace", "partitionSpec");
  private static final Set<String> CATALOG_KEYS =
      keys("catalogImpl", "catalogName", "catalogOptions");

  /**
   * Reads a datasetConfig file.
   *
   * @param supportedTargets target formats this build can write (upper case)
   */
  static DatasetConfig readDatasetConfig(Path file, Set<String> supportedTargets)
      throws InputException {
    String where = "datasetConfig " + file;
    Map<String, Object> root = readYamlMapping(file, where);
    checkKeys(root, DATASET_CONFIG_KEYS, where);

    String sourceFormat = upper(requiredString(root, "sourceFormat", where));
    if (!SOURCE_FORMAT.equals(sourceFormat)) {
      throw new InputException(
          where
              + ": sourceFormat "
              + sourceFormat
              + " is not supported by this runner; it reads Delta Lake tables through Delta"
              + " Kernel only (sourceFormat: DELTA).");
    }

    List<String> targets = new ArrayList<>();
    for (Object item : requiredList(root, "targetFormats", where)) {
      if (!(item instanceof String) || ((String) item).isBlank()) {
        throw new InputException(where + ": targetFormats must be a list of format names, got " + describe(item) + ".");
      }
      String format = upper((String) item);
      if (format.equals(sourceFormat)) {
        throw new InputException(
            where + ": targetFormats contains the source format " + format + "; nothing to sync.");
      }
      if (!supportedTargets.contains(format)) {
        throw new InputException(
            where
                + ": target format "
                + format
                + " is not supported by this build (supported: "
                + String.join(", ", supportedTargets)
                + ").");
      }
      if (targets.contains(format)) {
        throw new InputException(where + ": targetFormats lists " + format + " twice.");
      }
      targets.add(format);
    }

    List<Dataset> datasets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<Object> items = requiredList(root, "datasets", where);
    for (int i = 0; i < items.size(); i++) {
      String at = where + ": datasets[" + i + "]";
      if (!(items.get(i) instanceof Map)) {
        throw new InputException(at + " must be a mapping, got " + describe(items.get(i)) + ".");
      }
      Map<String, Object> table = asStringKeyed(items.get(i), at);
      checkKeys(table, TABLE_KEYS, at);
      String basePath = absolutePath(requiredString(table, "tableBasePath", at), "tableBasePath", at);
      String dataPath = optionalString(table, "tableDataPath", at);
      if (dataPath != null) {
        dataPath = absolutePath(dataPath, "tableDataPath", at);
      }
      String name = requiredString(table, "tableName", at);
      if (!names.add(name)) {
        throw new InputException(
            at
                + ": tableName "
                + name
                + " appears twice; results are reported per tableName, so each dataset needs its"
                + " own.");
      }
      String namespace = optionalString(table, "namespace", at);
      String[] ns = null;
      if (namespace != null) {
        ns = namespace.split("\\.", -1);
        if (Arrays.stream(ns).anyMatch(String::isEmpty)) {
          throw new InputException(at + ": namespace '" + namespace + "' has an empty level.");
        }
      }
      String partitionSpec = optionalString(table, "partitionSpec", at);
      datasets.add(new Dataset(basePath, dataPath, name, ns, partitionSpec));
    }
    return new DatasetConfig(sourceFormat, targets, datasets);
  }

  static CatalogConfig readCatalogConfig(Path file) throws InputException {
    String where = "icebergCatalogConfig " + file;
    Map<String, Object> root = readYamlMapping(file, where);
    checkKeys(root, CATALOG_KEYS, where);
    String impl = requiredString(root, "catalogImpl", where);
    String name = requiredString(root, "catalogName", where);
    Map<String, String> options = new LinkedHashMap<>();
    Object raw = root.get("catalogOptions");
    if (raw != null) {
      if (!(raw instanceof Map)) {
        throw new InputException(where + ": catalogOptions must be a mapping, got " + describe(raw) + ".");
      }
      for (Map.Entry<String, Object> e : asStringKeyed(raw, where + ": catalogOptions").entrySet()) {
        Object v = e.getValue();
        if (v == null || v instanceof Map || v instanceof List) {
          throw new InputException(
              where + ": catalogOptions." + e.getKey() + " must be a scalar, got " + describe(v) + ".");
        }
        options.put(e.getKey(), String.valueOf(v));
      }
    }
    return new CatalogConfig(impl, name, options);
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, Object> readYamlMapping(Path file, String where)
      throws InputException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    Object doc;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      doc = new Yaml(new SafeConstructor(options)).load(reader);
    } catch (NoSuchFileException e) {
      throw new InputException(where + ": file not found.");
    } catch (IOException e) {
      throw new InputException(where + ": cannot read file: " + e, e);
    } catch (YAMLException e) {
      throw new InputException(where + ": invalid YAML: " + oneLine(e.getMessage()), e);
    }
    if (!(doc instanceof Map)) {
      throw new InputException(where + ": expected a YAML mapping at the top, got " + describe(doc) + ".");
    }
    return asStringKeyed(doc, where);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asStringKeyed(Object map, String where) throws InputException {
    for (Object key : ((Map<Object, Object>) map).keySet()) {
      if (!(key instanceof String)) {
        throw new InputException(where + ": key " + key + " is not a string.");
      }
    }
    return (Map<String, Object>) map;
  }

  private static void checkKeys(Map<String, Object> map, Set<String> allowed, String where)
      throws InputException {
    for (String key : map.keySet()) {
      if (!allowed.contains(key)) {
        throw new InputException(
            where
                + ": unknown key '"
                + key
                + "' (allowed keys: "
                + String.join(", ", allowed)
                + ").");
      }
    }
  }

  private static String requiredString(Map<String, Object> map, String key, String where)
      throws InputException {
    String value = optionalString(map, key, where);
    if (value == null) {
      throw new InputException(where + ": required key '" + key + "' is missing.");
    }
    return value;
  }

  private static String optionalString(Map<String, Object> map, String key, String where)
      throws InputException {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String)) {
      throw new InputException(where + ": '" + key + "' must be a string, got " + describe(value) + ".");
    }
    String s = ((String) value).trim();
    if (s.isEmpty()) {
      throw new InputException(where + ": '" + key + "' is empty.");
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> requiredList(Map<String, Object> map, String key, String where)
      throws InputException {
    Object value = map.get(key);
    if (value == null) {
      throw new InputException(where + ": required key '" + key + "' is missing.");
    }
    if (!(value instanceof List) || ((List<Object>) value).isEmpty()) {
      throw new InputException(where + ": '" + key + "' must be a non-empty list, got " + describe(value) + ".");
    }
    return (List<Object>) value;
  }

  /** Absolute local path ("/x") or a URI with a scheme ("s3://b/x", "file:///x"). */
  private static String absolutePath(String path, String key, String where) throws InputException {
    if (path.startsWith("/")) {
      return path;
    }
    try {
      URI uri = new URI(path);
      if (uri.getScheme() != null && uri.getPath() != null && uri.getPath().startsWith("/")) {
        return path;
      }
    } catch (Exception ignored) {
      // fall through to the message below
    }
    throw new InputException(
        where
            + ": "
            + key
            + " '"
            + path
            + "' must be absolute: a local path starting with '/' or a URI such as"
            + " s3://bucket/prefix/table.");
  }

  private static String upper(String s) {
    return s.trim().toUpperCase(Locale.ROOT);
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing (null)";
    }
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return ((List<?>) value).isEmpty() ? "an empty list" : "a list";
    }
    return "'" + value + "' (" + value.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ")";
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }

  private static Set<String> keys(String... keys) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(keys)));
  }
}
