"""Delta fixtures for test/xtable/*.test.ts, and Iceberg metadata over them.

The Delta tables are written by a real Delta writer (deltalake, i.e. delta-rs).
The Iceberg metadata for each one is NOT written by XTable, so that the tests
of `pipegen xtable verify` control every detail of it (the real runner's output
is tested in test/xtable/real-runner.test.ts): pyiceberg writes, independently
of pipegen, what a correct Delta -> Iceberg translation must contain: a table at the Delta
table's location with the mapped schema and identity partition spec, one
snapshot with exactly the Delta table's active files (record counts read from
the Parquet footers, partition values from the Delta log as deltalake reports
them), the name mapping, and an XTABLE_METADATA property in XTable's format.
The metadata is then laid out as XTable's HadoopTables writes it
(metadata/vN.metadata.json + version-hint.text), except for the case
`catalog_naming`, which keeps pyiceberg's own NNNNN-<uuid>.metadata.json names.

Negative cases change exactly one thing in that translation (a file left out,
a wrong type, ...). Feature cases are Delta tables XTable would mistranslate.

usage:
  python xtable_fixtures.py build <root> [case,case,...]
      builds the cases under <root>/<case>, prints {"cases": {case: {...}}} as JSON;
      each positive case has "rows": {"delta": [...], "iceberg": [...]}, both
      sorted, read back through deltalake and through pyiceberg.
  python xtable_fixtures.py delta <root> case,folder=case,...
      builds only the Delta tables of the cases (for the real XTable runner to
      translate), prints {"cases": {folder: {"path", "version"}}}.
  python xtable_fixtures.py append <table> <commits>
      appends <commits> commits of two rows each to a table (partitioned or not,
      as it already is), prints {"version": N}.
  python xtable_fixtures.py rows <table> [<table> ...]
      prints {table: {"delta": [...], "iceberg": [...]}} for tables synced by anything.
  python xtable_fixtures.py glue-rows <delta table> <namespace.table>
      prints {"metadataLocation", "delta": [...], "iceberg": [...]}: the local Delta
      table's rows, and the rows of the Iceberg table that the Glue catalog at
      AWS_ENDPOINT_URL names (pyiceberg's Glue catalog; boto3 and the AWS_* variables).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import glob
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from typing import Any

import deltalake
import deltalake.exceptions
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import GreaterThanOrEqual
from pyiceberg.io.pyarrow import ArrowScan
from pyiceberg.manifest import DataFile, DataFileContent, FileFormat
from pyiceberg.partitioning import (
    PartitionField,
    PartitionSpec,
    _to_partition_representation,
)
from pyiceberg.schema import Schema
from pyiceberg.table import StaticTable
from pyiceberg.transforms import IdentityTransform
from pyiceberg.typedef import Record
from pyiceberg.types import (
    BinaryType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IcebergType,
    IntegerType,
    ListType,
    LongType,
    MapType,
    NestedField,
    StringType,
    StructType,
    TimestampType,
    TimestamptzType,
)

UTC = dt.UTC

# ---------------------------------------------------------------- Delta side


def batch(
    ids: list[int], *, region: Callable[[int], str] | None = None, extra: bool = False
) -> pa.Table:
    cols: dict[str, Any] = {
        "id": pa.array(ids, pa.int64()),
        "name": pa.array([f"item-{i}" for i in ids], pa.string()),
        "day": pa.array([dt.date(2024, 1, 1 + i % 3) for i in ids], pa.date32()),
        "region": pa.array(
            [(region or (lambda i: ["eu", "us", "apac"][i % 3]))(i) for i in ids],
            pa.string(),
        ),
        "amount": pa.array([i * 1.5 for i in ids], pa.float64()),
    }
    if extra:
        cols["note"] = pa.array([f"note-{i}" for i in ids], pa.string())
    return pa.table(cols)


def all_types(ids: list[int]) -> pa.Table:
    schema = pa.schema(
        [
            pa.field("id", pa.int64(), nullable=False),
            pa.field("i", pa.int32()),
            pa.field("d", pa.float64()),
            pa.field("f", pa.float32()),
            pa.field("dec", pa.decimal128(10, 2)),
            pa.field("s", pa.string()),
            pa.field("b", pa.bool_()),
            pa.field("day", pa.date32()),
            pa.field("ts", pa.timestamp("us", tz="UTC")),
            pa.field("ts_ntz", pa.timestamp("us")),
            pa.field("bin", pa.binary()),
            pa.field("st", pa.struct([("x", pa.int32()), ("y", pa.string())])),
            pa.field("li", pa.list_(pa.int64())),
            pa.field("m", pa.map_(pa.string(), pa.int64())),
        ]
    )
    return pa.table(
        {
            "id": ids,
            "i": [i * 10 for i in ids],
            "d": [i / 3 for i in ids],
            "f": [i / 4 for i in ids],
            "dec": [decimal.Decimal(i) / 4 for i in ids],
            "s": [None if i == 2 else f"s{i}" for i in ids],
            "b": [i % 2 == 0 for i in ids],
            "day": [dt.date(2024, 2, 1) + dt.timedelta(days=i) for i in ids],
            "ts": [
                dt.datetime(2024, 1, 1, 12, tzinfo=UTC) + dt.timedelta(minutes=i)
                for i in ids
            ],
            "ts_ntz": [
                dt.datetime(2024, 1, 1, 8) + dt.timedelta(seconds=i) for i in ids
            ],
            "bin": [bytes([i, 255 - i]) for i in ids],
            "st": [{"x": i, "y": f"y{i}"} for i in ids],
            "li": [[i, i + 1] for i in ids],
            "m": [[("k", i)] for i in ids],
        },
        schema=schema,
    )


def write(path: str, data: pa.Table, **kw: Any) -> None:
    deltalake.write_deltalake(path, data, **kw)


def make_unpartitioned(p: str) -> None:
    write(p, batch([1, 2, 3]))


def make_partitioned_date(p: str) -> None:
    write(p, batch([1, 2, 3]), partition_by=["day"])
    write(p, batch([4, 5]), mode="append", partition_by=["day"])


def make_partitioned_string(p: str) -> None:
    write(p, batch([1, 2, 3, 4]), partition_by=["region"])
    write(p, batch([5, 6]), mode="append", partition_by=["region"])


def make_appends(p: str) -> None:
    for k in range(5):
        write(
            p, batch([k * 10 + 1, k * 10 + 2]), mode="append", partition_by=["region"]
        )


def make_overwrite(p: str) -> None:
    write(p, batch([1, 2, 3]))
    write(p, batch([4, 5]), mode="append")
    write(p, batch([100, 101]), mode="overwrite")


def make_delete(p: str) -> None:
    write(p, batch([1, 2, 3, 4, 5, 6]), partition_by=["region"])
    write(p, batch([7, 8, 9]), mode="append", partition_by=["region"])
    DeltaTable(p).delete("id % 3 = 0")


def make_merge(p: str) -> None:
    write(p, batch([1, 2, 3, 4]))
    write(p, batch([5, 6]), mode="append")
    t = DeltaTable(p)
    t.update(updates={"name": "'renamed'"}, predicate="id = 2")
    source = batch([4, 5, 20, 21]).set_column(
        1, "name", pa.array(["m4", "m5", "m20", "m21"])
    )
    (
        DeltaTable(p)
        .merge(source, predicate="t.id = s.id", source_alias="s", target_alias="t")
        .when_matched_update_all()
        .when_not_matched_insert_all()
        .execute()
    )


def make_schema_evolution(p: str) -> None:
    write(p, batch([1, 2]))
    write(p, batch([3, 4], extra=True), mode="append", schema_mode="merge")


def make_all_types(p: str) -> None:
    write(p, all_types([1, 2]))
    write(p, all_types([3, 4, 5]), mode="append")


def make_all_types_zoned(p: str) -> None:
    """all_types without its TIMESTAMP_NTZ column, which a Hudi target cannot carry."""
    write(p, all_types([1, 2]).drop_columns(["ts_ntz"]))
    write(p, all_types([3, 4, 5]).drop_columns(["ts_ntz"]), mode="append")


def make_checkpoint(p: str) -> None:
    for k in range(4):
        write(p, batch([k * 10 + 1, k * 10 + 2]), mode="append", partition_by=["day"])
    DeltaTable(p).create_checkpoint()
    write(p, batch([91, 92]), mode="append", partition_by=["day"])
    DeltaTable(p).delete("id = 11")  # removes a file that only the checkpoint lists


def make_multipart_checkpoint(p: str) -> None:
    """A classic checkpoint split into two parts by hand: delta-rs writes single-part ones."""
    make_checkpoint(p)
    log = os.path.join(p, "_delta_log")
    with open(os.path.join(log, "_last_checkpoint")) as f:
        last = json.load(f)
    version = last["version"]
    single = os.path.join(log, f"{version:020d}.checkpoint.parquet")
    table = pq.read_table(single)
    half = table.num_rows // 2
    for part, piece in enumerate([table.slice(0, half), table.slice(half)], start=1):
        pq.write_table(
            piece,
            os.path.join(
                log, f"{version:020d}.checkpoint.{part:010d}.{2:010d}.parquet"
            ),
        )
    os.remove(single)
    last.update(parts=2, size=table.num_rows)
    with open(os.path.join(log, "_last_checkpoint"), "w") as f:
        json.dump(last, f)


def make_escaped_paths(p: str) -> None:
    write(
        p,
        batch([1, 2, 3], region=lambda i: ["north east", "a=b%c", "sü/d&x"][i % 3]),
        partition_by=["region"],
    )


def make_ts_micros(p: str) -> None:
    ts = [
        dt.datetime(2024, 1, 1, 12, 0, 0, 123456, tzinfo=UTC),
        dt.datetime(2024, 1, 1, 11, 0, tzinfo=UTC),
    ]
    write(
        p,
        pa.table(
            {
                "id": pa.array([1, 2], pa.int64()),
                "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
            }
        ),
    )


def make_dv_enabled(p: str) -> None:
    """Real writer: delta-rs turns the deletionVectors feature on (it still deletes by rewriting files)."""
    write(p, batch([1, 2, 3]), configuration={"delta.enableDeletionVectors": "true"})
    DeltaTable(p).delete("id = 2")


def make_dv_file(p: str) -> None:
    """Hand-edited log: no writer installable here writes deletion vectors, so the
    last commit re-adds a file with an inline deletion vector, as Delta Spark would."""
    write(p, batch([1, 2, 3]))
    t = DeltaTable(p)
    add = pa.table(t.get_add_actions(flatten=True))
    path, size = add.column("path")[0].as_py(), add.column("size_bytes")[0].as_py()
    now = 1_700_000_000_000
    actions = [
        {
            "commitInfo": {
                "timestamp": now,
                "operation": "DELETE",
                "engineInfo": "pipegen test: hand-written",
            }
        },
        {
            "protocol": {
                "minReaderVersion": 3,
                "minWriterVersion": 7,
                "readerFeatures": ["deletionVectors"],
                "writerFeatures": ["deletionVectors"],
            }
        },
        {
            "remove": {
                "path": path,
                "deletionTimestamp": now,
                "dataChange": True,
                "size": size,
            }
        },
        {
            "add": {
                "path": path,
                "partitionValues": {},
                "size": size,
                "modificationTime": now,
                "dataChange": True,
                "stats": json.dumps({"numRecords": 3}),
                "deletionVector": {
                    "storageType": "i",
                    "pathOrInlineDv": "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
                    "sizeInBytes": 40,
                    "cardinality": 1,
                },
            }
        },
    ]
    with open(os.path.join(p, "_delta_log", f"{t.version() + 1:020d}.json"), "w") as f:
        f.write("\n".join(json.dumps(a) for a in actions) + "\n")


def make_small_ints(p: str) -> None:
    data = batch([1, 2])
    data = data.append_column("tiny", pa.array([1, 2], pa.int8())).append_column(
        "small", pa.array([1, 2], pa.int16())
    )
    write(p, data)


def make_generated(p: str) -> None:
    schema = deltalake.Schema(
        [
            deltalake.Field("id", "long", nullable=True),
            deltalake.Field(
                "twice",
                "long",
                nullable=True,
                metadata={"delta.generationExpression": "id * 2"},
            ),
        ]
    )
    DeltaTable.create(p, schema)
    write(p, pa.table({"id": pa.array([1, 2], pa.int64())}), mode="append")


def make_column_mapping(p: str) -> None:
    write(p, batch([1, 2]), configuration={"delta.columnMapping.mode": "name"})


def make_variant(p: str) -> None:
    """Hand-edited log: a variant column (Delta 4 / Spark 4 write them; nothing here does)
    added by a metadata-only commit, as ALTER TABLE ADD COLUMNS would."""
    write(p, batch([1, 2]))
    t = DeltaTable(p)
    schema = json.loads(t.schema().to_json())
    schema["fields"].append(
        {"name": "payload", "type": "variant", "nullable": True, "metadata": {}}
    )
    meta = t.metadata()
    actions = [
        {
            "commitInfo": {
                "timestamp": 1_700_000_000_000,
                "operation": "ADD COLUMNS",
                "engineInfo": "pipegen test: hand-written",
            }
        },
        {
            "protocol": {
                "minReaderVersion": 3,
                "minWriterVersion": 7,
                "readerFeatures": ["variantType"],
                "writerFeatures": ["variantType"],
            }
        },
        {
            "metaData": {
                "id": meta.id,
                "format": {"provider": "parquet", "options": {}},
                "schemaString": json.dumps(schema),
                "partitionColumns": list(meta.partition_columns),
                "configuration": dict(meta.configuration),
                "createdTime": meta.created_time,
            }
        },
    ]
    with open(os.path.join(p, "_delta_log", f"{t.version() + 1:020d}.json"), "w") as f:
        f.write("\n".join(json.dumps(a) for a in actions) + "\n")


# ---------------------------------------------------------------- Iceberg side (pyiceberg)

PRIMITIVES: dict[str, Callable[[], IcebergType]] = {
    "boolean": BooleanType,
    "integer": IntegerType,
    "long": LongType,
    "float": FloatType,
    "double": DoubleType,
    "string": StringType,
    "binary": BinaryType,
    "date": DateType,
    "timestamp": TimestamptzType,
    "timestamp_ntz": TimestampType,
}


class Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def iceberg_type(
    t: Any, ids: Ids, overrides: dict[str, IcebergType], path: str = ""
) -> IcebergType:
    if isinstance(t, str):
        m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", t)
        if m:
            return DecimalType(int(m[1]), int(m[2]))
        return PRIMITIVES[t]()
    if t["type"] == "struct":
        fields = []
        for f in t["fields"]:
            fid = ids.next()
            fpath = f"{path}.{f['name']}" if path else f["name"]
            ftype = overrides.get(fpath) or iceberg_type(
                f["type"], ids, overrides, fpath
            )
            fields.append(
                NestedField(fid, f["name"], ftype, required=not f.get("nullable", True))
            )
        return StructType(*fields)
    if t["type"] == "array":
        eid = ids.next()
        return ListType(
            eid,
            iceberg_type(t["elementType"], ids, overrides),
            element_required=not t.get("containsNull", True),
        )
    kid, vid = ids.next(), ids.next()
    return MapType(
        kid,
        iceberg_type(t["keyType"], ids, overrides),
        vid,
        iceberg_type(t["valueType"], ids, overrides),
        value_required=not t.get("valueContainsNull", True),
    )


def partition_python_value(delta_type: str, value: str | None) -> Any:
    if value is None:
        return None
    if delta_type == "date":
        return dt.date.fromisoformat(value)
    if delta_type in ("integer", "long"):
        return int(value)
    return value


class Translation:
    """What a correct Delta -> Iceberg translation holds; mutations change one thing."""

    def __init__(self, path: str) -> None:
        t = DeltaTable(path)
        self.path = path
        self.version = t.version()
        self.delta_schema = json.loads(t.schema().to_json())
        self.partition_columns = list(t.metadata().partition_columns)
        adds = pa.table(t.get_add_actions(flatten=True))
        uris = t.file_uris()
        self.files = []
        for k, uri in enumerate(uris):
            values = {
                c: adds.column(f"partition.{c}")[k].as_py()
                for c in self.partition_columns
            }
            self.files.append(
                {
                    "path": uri,
                    "partition": {
                        c: None if v is None else str(v) for c, v in values.items()
                    },
                }
            )
        self.type_overrides: dict[str, IcebergType] = {}
        self.partitioned = True
        self.location_style = (
            "file:"  # how file paths are written: "file:", "file://", or "plain"
        )
        self.extra_files: list[str] = []
        self.drop_files = 0
        self.count_delta = 0
        self.source_identifier: str | None = str(self.version)
        self.hadoop_layout = True
        # Column bounds as Spark's Delta statistics give them: timestamps cut to milliseconds.
        self.cut_timestamp_bounds = False


def file_location(path: str, style: str) -> str:
    return {"file:": f"file:{path}", "file://": f"file://{path}", "plain": path}[style]


def write_iceberg(tr: Translation, catalog: SqlCatalog, name: str) -> None:
    ids = Ids()
    struct = iceberg_type(tr.delta_schema, ids, tr.type_overrides)
    schema = Schema(*struct.fields)
    fields = []
    if tr.partitioned:
        for k, col in enumerate(tr.partition_columns):
            fields.append(
                PartitionField(
                    source_id=schema.find_field(col).field_id,
                    field_id=1000 + k,
                    transform=IdentityTransform(),
                    name=col,
                )
            )
    spec = PartitionSpec(*fields)
    sync_state = {
        "lastInstantSynced": "2026-01-01T00:00:00Z",
        "instantsToConsiderForNextSync": [],
        "version": 0,
        "sourceTableFormat": "DELTA",
    }
    if tr.source_identifier is not None:
        sync_state["sourceIdentifier"] = tr.source_identifier
    table = catalog.create_table(
        ("fixtures", name),
        schema=schema,
        location=f"file://{tr.path}",
        partition_spec=spec,
    )
    with table.transaction() as tx:
        tx.set_properties(
            {
                "schema.name-mapping.default": tx.table_metadata.schema().name_mapping.model_dump_json(),
                "XTABLE_METADATA": json.dumps(sync_state),
            }
        )
    table = catalog.load_table(("fixtures", name))
    ice_schema, ice_spec = table.schema(), table.spec()
    delta_types = {f["name"]: f["type"] for f in tr.delta_schema["fields"]}
    files = tr.files[: len(tr.files) - tr.drop_files] + [
        {"path": p, "partition": None} for p in tr.extra_files
    ]
    with (
        table.transaction() as tx,
        tx.update_snapshot(
            snapshot_properties={"XTABLE_METADATA": json.dumps(sync_state)}
        ).fast_append() as append,
    ):
        for k, f in enumerate(files):
            values = []
            for pf in ice_spec.fields:
                col = ice_schema.find_column_name(pf.source_id)
                raw = (f["partition"] or {}).get(col)
                values.append(
                    _to_partition_representation(
                        ice_schema.find_type(pf.source_id),
                        partition_python_value(delta_types[col], raw),
                    )
                )
            records = pq.read_metadata(f["path"]).num_rows + (
                tr.count_delta if k == 0 else 0
            )
            bounds: dict[str, Any] = {}
            if tr.cut_timestamp_bounds:
                column = pq.read_table(f["path"], columns=["ts"]).column("ts")
                lo, hi = (
                    int(v.cast(pa.int64()).as_py())
                    for v in (pc.min(column), pc.max(column))
                )
                field_id = ice_schema.find_field("ts").field_id
                bounds = {
                    "lower_bounds": {
                        field_id: (lo - lo % 1000).to_bytes(8, "little", signed=True)
                    },
                    "upper_bounds": {
                        field_id: (hi - hi % 1000).to_bytes(8, "little", signed=True)
                    },
                }
            append.append_data_file(
                DataFile.from_args(
                    content=DataFileContent.DATA,
                    file_path=file_location(f["path"], tr.location_style),
                    file_format=FileFormat.PARQUET,
                    partition=Record(*values),
                    record_count=records,
                    file_size_in_bytes=os.path.getsize(f["path"]),
                    spec_id=ice_spec.spec_id,
                    **bounds,
                )
            )
    if tr.hadoop_layout:
        to_hadoop_layout(tr.path)


def to_hadoop_layout(path: str) -> None:
    """Renames pyiceberg's NNNNN-<uuid>.metadata.json to HadoopTables' vN.metadata.json + version-hint.text."""
    meta = os.path.join(path, "metadata")
    files = sorted(glob.glob(os.path.join(meta, "[0-9]*-*.metadata.json")))
    for n, f in enumerate(files, start=1):
        os.rename(f, os.path.join(meta, f"v{n}.metadata.json"))
    with open(os.path.join(meta, "version-hint.text"), "w") as f:
        f.write(str(len(files)))


# ---------------------------------------------------------------- rows


def plain(v: Any) -> Any:
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.astimezone(UTC).isoformat() if v.tzinfo else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, tuple):
        return [plain(x) for x in v]
    return v


def sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = [{k: plain(v) for k, v in r.items()} for r in rows]
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True))


def newest_metadata(path: str) -> str:
    meta = os.path.join(path, "metadata")
    hint = os.path.join(meta, "version-hint.text")
    if os.path.exists(hint):
        with open(hint) as f:
            return os.path.join(meta, f"v{f.read().strip()}.metadata.json")
    files = glob.glob(os.path.join(meta, "*.metadata.json"))
    return max(files, key=lambda f: int(re.match(r"v?(\d+)", os.path.basename(f))[1]))


def read_rows(path: str) -> dict[str, Any]:
    """Rows through deltalake and pyiceberg; "delta" is None for a table deltalake cannot read."""
    try:
        delta = DeltaTable(path).to_pyarrow_table().to_pylist()
    except deltalake.exceptions.DeltaProtocolError:  # e.g. reader feature v2Checkpoint
        delta = None
    table = StaticTable.from_metadata(newest_metadata(path))
    out: dict[str, Any] = {}
    if delta is not None and "ts" in (f.name for f in table.schema().fields):
        # A filter at the largest value: the manifests' bounds must not skip its file.
        largest = max(r["ts"] for r in delta if r["ts"] is not None)
        literal = largest.isoformat()
        out["tsProbe"] = {
            "filter": f"ts >= {literal}",
            "delta": sum(
                1 for r in delta if r["ts"] is not None and r["ts"] >= largest
            ),
            "iceberg": len(
                table.scan(row_filter=GreaterThanOrEqual("ts", literal)).to_arrow()
            ),
        }
    return {
        "delta": None if delta is None else sorted_rows(delta),
        "iceberg": iceberg_rows(table),
        **out,
    }


def iceberg_rows(table: Any) -> list[dict[str, Any]]:
    """Every row of a pyiceberg table, sorted."""
    # File by file: files rewritten by delta-rs may carry string_view where older
    # ones carry string, and pyiceberg's to_arrow() cannot concatenate the two.
    scan = table.scan()
    reader = ArrowScan(table.metadata, table.io, scan.projection(), scan.row_filter)
    iceberg: list[dict[str, Any]] = []
    for task in scan.plan_files():
        iceberg.extend(reader.to_table([task]).to_pylist())
    return sorted_rows(iceberg)


def glue_rows(delta_path: str, identifier: str) -> dict[str, Any]:
    """The rows of a local Delta table, and of the Iceberg table `identifier` read
    through pyiceberg's own Glue catalog (boto3) and S3 FileIO (pyarrow), both
    pointed by AWS_ENDPOINT_URL and the AWS_* credentials at a local server."""
    from pyiceberg.catalog import load_catalog

    endpoint = os.environ["AWS_ENDPOINT_URL"]
    keys = {
        "access-key-id": os.environ["AWS_ACCESS_KEY_ID"],
        "secret-access-key": os.environ["AWS_SECRET_ACCESS_KEY"],
        **(
            {"session-token": os.environ["AWS_SESSION_TOKEN"]}
            if os.environ.get("AWS_SESSION_TOKEN")
            else {}
        ),
    }
    region = os.environ["AWS_REGION"]
    catalog = load_catalog(
        "glue",
        **{
            "type": "glue",
            "glue.endpoint": endpoint,
            "glue.region": region,
            **{f"glue.{k}": v for k, v in keys.items()},
            "s3.endpoint": endpoint,
            "s3.region": region,
            "s3.path-style-access": "true",
            **{f"s3.{k}": v for k, v in keys.items()},
        },
    )
    table = catalog.load_table(identifier)
    return {
        "metadataLocation": table.metadata_location,
        "delta": sorted_rows(DeltaTable(delta_path).to_pyarrow_table().to_pylist()),
        "iceberg": iceberg_rows(table),
    }


# ---------------------------------------------------------------- cases


def base(
    make: Callable[[str], None],
    mutate: Callable[[Translation], None] | None = None,
    iceberg: bool = True,
    rows: bool = True,
) -> dict[str, Any]:
    return {"make": make, "mutate": mutate, "iceberg": iceberg, "rows": rows}


def m(**changes: Any) -> Callable[[Translation], None]:
    def apply(tr: Translation) -> None:
        for k, v in changes.items():
            setattr(tr, k, v)

    return apply


def extra_removed_file(tr: Translation) -> None:
    """Adds a file the overwrite removed (still on disk: nothing vacuumed)."""
    active = {f["path"] for f in tr.files}
    on_disk = sorted(glob.glob(os.path.join(tr.path, "*.parquet")))
    tr.extra_files = [next(p for p in on_disk if p not in active)]


def rotate_partition_values(tr: Translation) -> None:
    """Each file gets the next file's partition values (files of different partitions)."""
    values = [f["partition"] for f in tr.files]
    for f, v in zip(tr.files, values[1:] + values[:1]):
        f["partition"] = v


CASES: dict[str, dict[str, Any]] = {
    # positive: a correct translation; verify passes and rows match
    "unpartitioned": base(make_unpartitioned, m(location_style="plain")),
    "partitioned_date": base(make_partitioned_date, m(location_style="file://")),
    "partitioned_string": base(make_partitioned_string),
    "appends": base(make_appends),
    "overwrite": base(make_overwrite),
    "delete": base(make_delete),
    "merge": base(make_merge),
    "schema_evolution": base(make_schema_evolution),
    "all_types": base(make_all_types),
    "all_types_zoned": base(make_all_types_zoned),
    "checkpoint": base(make_checkpoint),
    "multipart_checkpoint": base(make_multipart_checkpoint),
    "escaped_paths": base(make_escaped_paths, m(location_style="plain")),
    "catalog_naming": base(make_unpartitioned, m(hadoop_layout=False)),
    "spare": base(
        make_unpartitioned, rows=False
    ),  # for tests that damage the Iceberg metadata in place
    # negative: one thing wrong in the translation
    "missing_file": base(make_partitioned_string, m(drop_files=1), rows=False),
    "extra_file": base(make_overwrite, extra_removed_file, rows=False),
    "wrong_type": base(
        make_unpartitioned,
        m(type_overrides={"id": IntegerType(), "amount": FloatType()}),
        rows=False,
    ),
    "wrong_partition_spec": base(
        make_partitioned_date, m(partitioned=False), rows=False
    ),
    "wrong_partition_values": base(
        make_partitioned_date, rotate_partition_values, rows=False
    ),
    "wrong_record_count": base(make_unpartitioned, m(count_delta=1), rows=False),
    "stale_version": base(
        make_appends,
        lambda tr: setattr(tr, "source_identifier", str(tr.version - 1)),
        rows=False,
    ),
    "no_source_version": base(
        make_unpartitioned, m(source_identifier=None), rows=False
    ),
    "cut_timestamp_bound": base(
        make_ts_micros, m(cut_timestamp_bounds=True), rows=False
    ),
    # Delta features XTable mistranslates (Iceberg translated correctly all the same)
    "dv_enabled": base(make_dv_enabled, rows=False),
    "dv_file": base(make_dv_file, rows=False),
    "small_ints": base(make_small_ints, iceberg=False, rows=False),
    "generated": base(make_generated, rows=False),
    "column_mapping": base(make_column_mapping, rows=False),
    "variant": base(make_variant, iceberg=False, rows=False),
}


def build_delta(root: str, names: list[str]) -> dict[str, Any]:
    """Each name is a case, or "<folder>=<case>" for another copy of a case."""
    out: dict[str, Any] = {}
    for entry in names:
        name, _, case = entry.partition("=")
        path = os.path.join(root, name)
        shutil.rmtree(path, ignore_errors=True)
        CASES[case or name]["make"](path)
        out[name] = {"path": path, "version": DeltaTable(path).version()}
    return {"cases": out}


def append(path: str, commits: int) -> dict[str, Any]:
    t = DeltaTable(path)
    partition_by = list(t.metadata().partition_columns) or None
    start = 1000 + t.version() * 10
    for k in range(commits):
        ids = [start + 2 * k, start + 2 * k + 1]
        write(path, batch(ids), mode="append", partition_by=partition_by)
    return {"version": DeltaTable(path).version()}


def build(root: str, names: list[str]) -> dict[str, Any]:
    os.makedirs(root, exist_ok=True)
    catalog = SqlCatalog(
        "fixtures",
        uri=f"sqlite:///{os.path.join(root, 'catalog.db')}",
        warehouse=f"file://{os.path.join(root, 'warehouse')}",
    )
    catalog.create_namespace_if_not_exists("fixtures")
    out: dict[str, Any] = {}
    for name in names:
        case = CASES[name]
        path = os.path.join(root, name)
        shutil.rmtree(path, ignore_errors=True)
        case["make"](path)
        info: dict[str, Any] = {"path": path, "version": DeltaTable(path).version()}
        if case["iceberg"]:
            tr = Translation(path)
            if case["mutate"]:
                case["mutate"](tr)
            write_iceberg(tr, catalog, name)
        if case["rows"]:
            info["rows"] = read_rows(path)
        out[name] = info
    return {"cases": out}


def main() -> None:
    if sys.argv[1] == "build":
        names = (
            sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else list(CASES)
        )
        print(json.dumps(build(os.path.abspath(sys.argv[2]), names)))
    elif sys.argv[1] == "delta":
        print(
            json.dumps(
                build_delta(os.path.abspath(sys.argv[2]), sys.argv[3].split(","))
            )
        )
    elif sys.argv[1] == "append":
        print(json.dumps(append(os.path.abspath(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1] == "rows":
        tables = [os.path.abspath(t) for t in sys.argv[2:]]
        # pyiceberg prints warnings (e.g. on nanosecond timestamps) to stdout: keep it for the JSON.
        with contextlib.redirect_stdout(sys.stderr):
            result = {t: read_rows(t) for t in tables}
        print(json.dumps(result))
    elif sys.argv[1] == "glue-rows":
        with contextlib.redirect_stdout(sys.stderr):
            result = glue_rows(os.path.abspath(sys.argv[2]), sys.argv[3])
        print(json.dumps(result))
    else:
        sys.exit(f"unknown command {sys.argv[1]!r}")


if __name__ == "__main__":
    main()
