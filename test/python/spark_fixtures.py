"""Delta tables written the way AWS Glue writes them: Apache Spark 3.5 + Delta Lake 3.3.

Run in the `spark` venv (test/python/requirements/spark.txt) with the jars of
test/tools/setup-spark-jars.sh. One Spark session writes every table, to keep
the cost down; a second one reads the Iceberg side back with Spark's own
Iceberg reader (iceberg-spark-runtime) after the real XTable runner synced.

usage:
  python spark_fixtures.py write <jars dir> <root>
      writes every case under <root>/<case>; prints {"cases": {case: {"path", "version"}}}.
  python spark_fixtures.py read <jars dir> <table> [<table> ...] [--vacuum <table>=<hours> ...]
      prints {table: {"delta": rows, "iceberg": rows, "tsProbe": {...}}}: the sorted rows
      read by Spark's Delta reader and by Spark's Iceberg reader (path-based
      HadoopTables load), and, for tables with a column `ts`, how many rows each
      reader returns for `ts >= <the table's largest ts>`. Then, in the same session,
      VACUUM <table> [LITE] RETAIN <hours> HOURS for each --vacuum <table>=<hours>[:lite]
      (Delta Lake's own VACUUM, retention check off).
  python spark_fixtures.py hudi <jars dir> <hudi bundle jar> <table> [<table> ...]
      prints {table: {"hudi": rows, "hudiFiles": [...], "delta": rows | null,
      "deltaFiles": [...] | null, "deltaError"?: str, "withoutMetadataTable"?: int | str}}:
      the sorted rows and data files that Spark's Hudi reader (hudi-spark bundle) finds
      through the table's Hudi metadata table, and those Spark's Delta reader finds
      (null, with deltaError, where it refuses the table). For the first table only,
      withoutMetadataTable is the row count, or the root error, of a Hudi read with Hudi's
      default for readers (no metadata table). Rows are typed by the table's schema and
      spelled as xtable_fixtures.py spells deltalake's rows, so they compare with those.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import glob
import json
import os
import shutil
import sys
from typing import Any

from py4j.protocol import Py4JJavaError
from pyspark.sql import SparkSession
from pyspark.sql import types as T


def session(
    jars: str, iceberg: bool = False, extra_jars: tuple[str, ...] = ()
) -> SparkSession:
    extensions = ["io.delta.sql.DeltaSparkSessionExtension"]
    if iceberg:
        extensions.append(
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
        )
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("pipegen-spark-fixtures")
        .config(
            "spark.jars",
            ",".join(sorted(glob.glob(os.path.join(jars, "*.jar"))) + list(extra_jars)),
        )
        .config("spark.sql.extensions", ",".join(extensions))
        .config(
            "spark.sql.catalog.spark_catalog",
            "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        )
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Delta rebuilds table state in 50 partitions by default: far too many for 2 cores.
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .config("spark.databricks.delta.retentionDurationCheck.enabled", "false")
        # Glue 5 and OSS Delta 3.3 leave deletion vectors off unless asked.
        .config(
            "spark.databricks.delta.properties.defaults.enableDeletionVectors", "false"
        )
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ---------------------------------------------------------------- writing


def create(spark: SparkSession, path: str, columns: str, extra: str = "") -> None:
    spark.sql(f"CREATE TABLE delta.`{path}` ({columns}) USING delta {extra}")


def write_basic(spark: SparkSession, p: str) -> None:
    """Partitioned by date; appends, UPDATE, MERGE and DELETE, as a Glue job does them."""
    create(
        spark,
        p,
        "id BIGINT NOT NULL, name STRING, day DATE, amount DECIMAL(10,2), ts TIMESTAMP,"
        " tags ARRAY<STRING>, info STRUCT<a: INT, b: STRING>",
        "PARTITIONED BY (day)",
    )
    spark.sql(
        f"""INSERT INTO delta.`{p}` VALUES
        (1, 'a', DATE'2024-01-01', 1.50, TIMESTAMP'2024-01-01 10:00:00.000001', array('x'), named_struct('a', 1, 'b', 'p')),
        (2, 'b', DATE'2024-01-01', 2.25, TIMESTAMP'2024-01-01 11:00:00', array('y', 'z'), named_struct('a', 2, 'b', 'q')),
        (3, 'c', DATE'2024-01-02', 3.00, TIMESTAMP'2024-01-02 12:00:00.5', array(), named_struct('a', 3, 'b', NULL))"""
    )
    spark.sql(
        f"""INSERT INTO delta.`{p}` VALUES
        (4, 'd', DATE'2024-01-02', 4.75, TIMESTAMP'2024-01-02 13:00:00', NULL, NULL),
        (5, 'e', DATE'2024-01-03', 5.00, TIMESTAMP'2024-01-03 14:00:00.999999', array('w'), named_struct('a', 5, 'b', 'r'))"""
    )
    spark.sql(f"UPDATE delta.`{p}` SET name = 'renamed' WHERE id = 2")
    spark.sql(
        f"""MERGE INTO delta.`{p}` t
        USING (SELECT 4L AS id, 'merged' AS name UNION ALL SELECT 6L, 'new') s ON t.id = s.id
        WHEN MATCHED THEN UPDATE SET t.name = s.name
        WHEN NOT MATCHED THEN INSERT (id, name, day, amount, ts, tags, info)
          VALUES (s.id, s.name, DATE'2024-01-03', 6.00, TIMESTAMP'2024-01-03 15:00:00', NULL, NULL)"""
    )
    spark.sql(f"DELETE FROM delta.`{p}` WHERE id = 1")


def write_ts_bounds(spark: SparkSession, p: str) -> None:
    """Defect 1: timestamps with microseconds; Spark's stats cut min/max to milliseconds."""
    create(spark, p, "id BIGINT, ts TIMESTAMP")
    spark.sql(
        f"""INSERT INTO delta.`{p}` VALUES
        (1, TIMESTAMP'2024-01-01 11:59:59.000200'), (2, TIMESTAMP'2024-01-01 12:00:00.123456')"""
    )


def write_ts_ntz(spark: SparkSession, p: str) -> None:
    """Defect 2: TIMESTAMP_NTZ stats are written without a zone ("2024-03-10T01:30:00.654")."""
    create(spark, p, "id BIGINT, ts_ntz TIMESTAMP_NTZ")
    spark.sql(
        f"""INSERT INTO delta.`{p}` VALUES
        (1, TIMESTAMP_NTZ'2024-03-10 01:30:00.654321'), (2, TIMESTAMP_NTZ'2024-03-11 02:00:00')"""
    )


def write_cdf(spark: SparkSession, p: str) -> None:
    """Defect 4: with the change data feed on, UPDATE/MERGE files carry an all-null _change_type."""
    create(
        spark,
        p,
        "id BIGINT, name STRING",
        "TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')",
    )
    spark.sql(f"INSERT INTO delta.`{p}` VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    spark.sql(f"UPDATE delta.`{p}` SET name = 'bb' WHERE id = 2")
    spark.sql(
        f"""MERGE INTO delta.`{p}` t USING (SELECT 3L AS id, 'cc' AS name UNION ALL SELECT 4L, 'd') s
        ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"""
    )


def write_v2_checkpoint(spark: SparkSession, p: str) -> None:
    """Defect 5: v2 checkpoints (NNN.checkpoint.<uuid>.json + _sidecars/), older commits cleaned up."""
    create(
        spark,
        p,
        "id BIGINT, name STRING",
        "TBLPROPERTIES ('delta.checkpointPolicy' = 'v2', 'delta.checkpointInterval' = '3')",
    )
    for k in range(4):
        spark.sql(
            f"INSERT INTO delta.`{p}` VALUES ({k * 2 + 1}, 'x{k}'), ({k * 2 + 2}, 'y{k}')"
        )
    log = os.path.join(p, "_delta_log")
    checkpoints = sorted(glob.glob(os.path.join(log, "*.checkpoint.*")))
    newest = int(os.path.basename(checkpoints[-1]).split(".")[0])
    # What Delta's log cleanup does once the commits are past their retention: every
    # commit before the newest checkpoint goes, and so do older checkpoints.
    for f in glob.glob(os.path.join(log, "*.json")) + checkpoints[:-1]:
        name = os.path.basename(f)
        if name[:20].isdigit() and int(name[:20]) < newest and f != checkpoints[-1]:
            os.remove(f)
    for f in glob.glob(os.path.join(log, "*.crc")):
        os.remove(f)


def write_escaped(spark: SparkSession, p: str) -> None:
    """Defect 6: a partition value with a space: the log holds city=New%2520York/…"""
    create(spark, p, "id BIGINT, city STRING", "PARTITIONED BY (city)")
    spark.sql(f"INSERT INTO delta.`{p}` VALUES (1, 'New York'), (2, 'Paris')")


def write_dv(spark: SparkSession, p: str) -> None:
    """Refused: deletion vectors on (Databricks' default, and Delta 3.3's when asked); 100
    rows inserted, 15 deleted, which Delta records as deletion vectors, not rewritten files."""
    create(
        spark,
        p,
        "id BIGINT, name STRING",
        "TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')",
    )
    spark.sql(f"INSERT INTO delta.`{p}` SELECT id, concat('n', id) FROM range(1, 101)")
    spark.sql(f"DELETE FROM delta.`{p}` WHERE id <= 15")


def write_column_mapping(spark: SparkSession, p: str) -> None:
    """Refused: column mapping by name, then a column renamed (what it is for), partitioned."""
    create(
        spark,
        p,
        "id BIGINT, name STRING, region STRING",
        "PARTITIONED BY (region) TBLPROPERTIES ('delta.columnMapping.mode' = 'name',"
        " 'delta.minReaderVersion' = '2', 'delta.minWriterVersion' = '5')",
    )
    spark.sql(f"INSERT INTO delta.`{p}` VALUES (1, 'a', 'eu'), (2, 'b', 'us')")
    spark.sql(f"ALTER TABLE delta.`{p}` RENAME COLUMN name TO label")
    spark.sql(f"INSERT INTO delta.`{p}` VALUES (3, 'c', 'eu')")


def write_vacuum(spark: SparkSession, p: str) -> None:
    """Defect 3: a plain table that is VACUUMed after XTable wrote Iceberg metadata into it."""
    create(spark, p, "id BIGINT, name STRING")
    spark.sql(f"INSERT INTO delta.`{p}` VALUES (1, 'a'), (2, 'b')")
    spark.sql(f"INSERT INTO delta.`{p}` VALUES (3, 'c')")


CASES = {
    "spark_basic": write_basic,
    "spark_ts_bounds": write_ts_bounds,
    "spark_ts_ntz": write_ts_ntz,
    "spark_cdf": write_cdf,
    "spark_v2_checkpoint": write_v2_checkpoint,
    "spark_escaped": write_escaped,
    "spark_dv": write_dv,
    "spark_column_mapping": write_column_mapping,
    "spark_vacuum_partial": write_vacuum,
    "spark_vacuum_all": write_vacuum,
    "spark_vacuum_lite": write_vacuum,
}


def version(path: str) -> int:
    names = [
        os.path.basename(f) for f in glob.glob(os.path.join(path, "_delta_log", "0*"))
    ]
    return max(int(n[:20]) for n in names)


def write(jars: str, root: str) -> dict[str, Any]:
    spark = session(jars)
    out = {}
    for name, make in CASES.items():
        path = os.path.join(root, name)
        shutil.rmtree(path, ignore_errors=True)
        make(spark, path)
        out[name] = {"path": path, "version": version(path)}
    spark.stop()
    return {"cases": out}


# ---------------------------------------------------------------- reading


def plain(v: Any) -> Any:
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


def rows(df: Any) -> list[dict[str, Any]]:
    out = [
        {k: plain(v) for k, v in r.asDict(recursive=True).items()} for r in df.collect()
    ]
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True))


def read(jars: str, tables: list[str], vacuums: list[str]) -> dict[str, Any]:
    spark = session(jars, iceberg=True)
    out: dict[str, Any] = {}
    for t in tables:
        delta = spark.read.format("delta").load(t)
        entry: dict[str, Any] = {"delta": rows(delta)}
        iceberg = spark.read.format("iceberg").load(t)
        entry["iceberg"] = rows(iceberg)
        if "ts" in delta.columns:
            largest = delta.agg({"ts": "max"}).collect()[0][0]
            probe = f"ts >= TIMESTAMP'{largest.strftime('%Y-%m-%d %H:%M:%S.%f')}'"
            entry["tsProbe"] = {
                "filter": probe,
                "delta": delta.where(probe).count(),
                "iceberg": iceberg.where(probe).count(),
            }
        out[t] = entry
    for v in vacuums:
        table, how = v.rsplit("=", 1)
        hours, _, mode = how.partition(":")
        lite = " LITE" if mode == "lite" else ""
        spark.sql(
            f"VACUUM delta.`{os.path.abspath(table)}`{lite} RETAIN {int(hours)} HOURS"
        )
    spark.stop()
    return out


def typed(v: Any, t: T.DataType) -> Any:
    """A value as xtable_fixtures.plain spells deltalake's (pyarrow's) value of that type."""
    if v is None:
        return None
    if isinstance(t, T.TimestampType):
        # pyspark gives the instant as a naive local time; pyarrow as an aware UTC one.
        return dt.datetime.fromtimestamp(v.timestamp(), dt.UTC).isoformat()
    if isinstance(t, T.StructType):
        return {f.name: typed(v[f.name], f.dataType) for f in t.fields}
    if isinstance(t, T.ArrayType):
        return [typed(x, t.elementType) for x in v]
    if isinstance(t, T.MapType):
        # pyarrow gives a map as its list of (key, value) pairs, in stored order.
        return [[typed(k, t.keyType), typed(x, t.valueType)] for k, x in v.items()]
    return plain(v)


def typed_rows(df: Any) -> list[dict[str, Any]]:
    fields = df.schema.fields
    out = [{f.name: typed(r[f.name], f.dataType) for f in fields} for r in df.collect()]
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True))


def read_hudi(jars: str, bundle: str, tables: list[str]) -> dict[str, Any]:
    spark = session(jars, extra_jars=(bundle,))
    out: dict[str, Any] = {}
    for t in tables:
        # XTable registers Delta's files, under their own names, in Hudi's metadata
        # table only: a listing of the folder would not recognise them.
        hudi = (
            spark.read.format("hudi").option("hoodie.metadata.enable", "true").load(t)
        )
        entry: dict[str, Any] = {
            "hudi": typed_rows(hudi),
            "hudiFiles": sorted(hudi.inputFiles()),
        }
        if not out:
            # What a reader that keeps Hudi's default (no metadata table) gets.
            try:
                entry["withoutMetadataTable"] = len(
                    spark.read.format("hudi").load(t).collect()
                )
            except Py4JJavaError as e:
                cause = e.java_exception
                while cause.getCause() is not None:
                    cause = cause.getCause()
                entry["withoutMetadataTable"] = cause.toString()
        try:
            delta = spark.read.format("delta").load(t)
            entry["delta"] = typed_rows(delta)
            entry["deltaFiles"] = sorted(delta.inputFiles())
        except Py4JJavaError as e:  # e.g. delta-rs's invariants without the feature
            entry["delta"] = entry["deltaFiles"] = None
            entry["deltaError"] = str(e.java_exception)
        out[t] = entry
    spark.stop()
    return out


def main() -> None:
    command, jars = sys.argv[1], sys.argv[2]
    if command == "write":
        result = write(jars, os.path.abspath(sys.argv[3]))
    elif command == "read":
        args = sys.argv[3:]
        vacuums = [args[i + 1] for i, a in enumerate(args) if a == "--vacuum"]
        tables = [
            a
            for i, a in enumerate(args)
            if a != "--vacuum" and (i == 0 or args[i - 1] != "--vacuum")
        ]
        result = read(jars, [os.path.abspath(t) for t in tables], vacuums)
    elif command == "hudi":
        result = read_hudi(
            jars, sys.argv[3], [os.path.abspath(t) for t in sys.argv[4:]]
        )
    else:
        sys.exit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
