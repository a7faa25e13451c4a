package pipegen.xtable;

import java.util.ArrayList;
import java.util.List;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;

/**
 * What a Delta table must not hold for its Hudi translation to be readable.
 *
 * <p>XTable writes a TIMESTAMP_NTZ column into the Hudi schema as Avro {@code
 * local-timestamp-micros}. Hudi's Spark reader (hudi-spark3.5-bundle 0.15.0) maps that logical type
 * to BIGINT and then fails on the column's Parquet TIMESTAMP values ("Datatype not supported"), so
 * no row of such a table can be read. The HUDI target of such a table is refused before XTable
 * writes anything.
 */
final class HudiTarget {
  private HudiTarget() {}

  /** Dotted paths of the TIMESTAMP_NTZ columns, nested ones included, in schema order. */
  static List<String> timestampNtzColumns(StructType schema) {
    List<String> found = new ArrayList<>();
    for (StructField f : schema.fields()) {
      collect(f.getDataType(), f.getName(), found);
    }
    return found;
  }

  private static void collect(DataType type, String path, List<String> found) {
    if (type instanceof TimestampNTZType) {
      found.add(path);
    } else if (type instanceof StructType) {
      for (StructField f : ((StructType) type).fields()) {
        collect(f.getDataType(), path + "." + f.getName(), found);
      }
    } else if (type instanceof ArrayType) {
      collect(((ArrayType) type).getElementType(), path + ".element", found);
    } else if (type instanceof MapType) {
      collect(((MapType) type).getKeyType(), path + ".key", found);
      collect(((MapType) type).getValueType(), path + ".value", found);
    }
  }

  /** The failure of a HUDI target refused for those columns. */
  static String timestampNtzRefusal(List<String> columns) {
    return "not synced to HUDI: the TIMESTAMP_NTZ column"
        + (columns.size() == 1 ? " " : "s ")
        + String.join(", ", columns)
        + " would make the Hudi table unreadable (XTable writes TIMESTAMP_NTZ as Avro local-timestamp-micros,"
        + " which Hudi's Spark reader reads as BIGINT and then fails on). Cast the column"
        + (columns.size() == 1 ? "" : "s")
        + " to TIMESTAMP, or target ICEBERG only. XTable was not run for HUDI.";
  }
}
