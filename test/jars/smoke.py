"""End-to-end smoke test of the pipegen XTable runner (jars/).

Writes real Delta tables with `deltalake`, runs `java -jar jars/target/pipegen-xtable.jar` on
them (local paths, Iceberg target, no catalog), reads the Iceberg metadata back with pyiceberg
and compares rows with the Delta read. Also checks the result-line protocol for a failing
dataset and for bad input, and, against a moto server on loopback, the S3 (S3A) path and the
Glue catalog with S3FileIO. Run through test/jars/smoke.sh, which builds the jar and the venv.

usage: python smoke.py <path to pipegen-xtable.jar>
"""

import datetime
import decimal
import glob
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import deltalake
import pyarrow as pa
from pyiceberg.io.pyarrow import ArrowScan
from pyiceberg.table import StaticTable

PREFIX = "pipegen-xtable-result: "
FALLBACK = "FULL snapshot sync after the incremental sync failed"  # the launcher's note
JAR = sys.argv[1]
checks = {"passed": 0, "failed": 0}


def check(cond, what, detail=""):
    if cond:
        checks["passed"] += 1
        print(f"ok   - {what}")
    else:
        checks["failed"] += 1
        print(f"FAIL - {what}" + (f"\n       {detail}" if detail else ""))


def run(*args, env=None):
    """Runs the launcher; returns (exit code, result dict or None, stdout, stderr)."""
    proc = subprocess.run(
        ["java", "-jar", JAR, *args], capture_output=True, text=True, timeout=300,
        env=None if env is None else {**os.environ, **env},
    )
    lines = proc.stdout.rstrip("\n").split("\n")
    result = None
    if lines and lines[-1].startswith(PREFIX):
        result = json.loads(lines[-1][len(PREFIX):])
    n = sum(1 for line in lines if line.startswith(PREFIX))
    check(n == 1 and result is not None, f"exactly one result line, and it is the last ({' '.join(args[:2])})",
          proc.stdout[-2000:])
    return proc.returncode, result, proc.stdout, proc.stderr


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def sales_batch(ids):
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "qty": pa.array([i * 10 for i in ids], pa.int32()),
        "name": [f"item-{i}" for i in ids],
        "region": ["eu" if i % 2 else "us" for i in ids],
        "amount": pa.array([decimal.Decimal(i) / 4 for i in ids], pa.decimal128(10, 2)),
        "price": pa.array([i * 1.5 for i in ids], pa.float64()),
        "active": [i % 3 == 0 for i in ids],
        "day": pa.array([datetime.date(2024, 1, 1) + datetime.timedelta(days=i) for i in ids]),
        "ts": pa.array([datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc)
                        + datetime.timedelta(minutes=i) for i in ids], pa.timestamp("us", tz="UTC")),
    })


def rows(table):
    return sorted(table.to_pylist(), key=lambda r: r["id"])


def iceberg_table(base):
    """The newest vN.metadata.json under <base>/metadata, read without a catalog."""
    metadata = sorted(glob.glob(os.path.join(base, "metadata", "v*.metadata.json")),
                      key=lambda p: int(os.path.basename(p)[1:].split(".")[0]))
    return StaticTable.from_metadata(metadata[-1]) if metadata else None


def iceberg_rows_and_files(table):
    # File by file: files rewritten by delta-rs may carry string_view where older ones carry
    # string, and pyiceberg's to_arrow() cannot concatenate the two.
    scan = table.scan()
    reader = ArrowScan(table.metadata, table.io, scan.projection(), scan.row_filter)
    out, files = [], []
    for task in scan.plan_files():
        files.append(task.file.file_path)
        out.extend(reader.to_table([task]).to_pylist())
    return sorted(out, key=lambda r: r["id"]), files


def same_as_delta(base, what):
    dt = deltalake.DeltaTable(base)
    delta = rows(dt.to_pyarrow_table())
    table = iceberg_table(base)
    check(table is not None, f"{what}: Iceberg metadata written under {base}/metadata")
    if table is None:
        return
    ice, files = iceberg_rows_and_files(table)
    check(sorted(os.path.normpath(f.removeprefix("file:")) for f in files)
          == sorted(os.path.normpath(f.removeprefix("file://")) for f in dt.file_uris()),
          f"{what}: Iceberg data files are the Delta table's active files",
          f"iceberg={sorted(files)} delta={sorted(dt.file_uris())}")
    check(ice == delta, f"{what}: Iceberg rows equal Delta rows ({len(delta)} rows)",
          f"delta={delta[:3]}... iceberg={ice[:3]}...")


def main():
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="pipegen-xtable-smoke-")
    sales = os.path.join(work, "sales")
    events = os.path.join(work, "events")

    deltalake.write_deltalake(sales, sales_batch([1, 2, 3, 4]), partition_by=["region"])
    deltalake.write_deltalake(sales, sales_batch([5, 6]), mode="append", partition_by=["region"])
    deltalake.write_deltalake(events, pa.table({"id": pa.array([1, 2], pa.int64()), "kind": ["a", "b"]}))

    one = write(os.path.join(work, "one.yaml"), f"""\
sourceFormat: DELTA
targetFormats:
  - ICEBERG
datasets:
  - tableBasePath: {sales}
    tableName: sales
    namespace: pipegen.smoke
""")

    # 1. first sync: snapshot
    code, result, out, err = run("--datasetConfig", one)
    check(code == 0, "first sync exits 0", err[-3000:])
    check(result == {"ok": True, "datasets": [
        {"table": "sales", "format": "ICEBERG", "status": "SUCCESS", "error": None}]},
        "first sync result line", json.dumps(result))
    same_as_delta(sales, "after snapshot sync")

    # 2. incremental: an append and a delete (file rewrite, no deletion vectors)
    deltalake.write_deltalake(sales, sales_batch([7, 8]), mode="append", partition_by=["region"])
    deltalake.DeltaTable(sales).delete("id = 2")
    code, result, out, err = run("--datasetConfig", one)
    check(code == 0 and result and result["ok"], "incremental sync exits 0 and ok", err[-3000:])
    check(FALLBACK not in out, "the incremental sync did not need the FULL fallback", out[-2000:])
    same_as_delta(sales, "after incremental sync (append + delete)")

    # 2b. a checkpoint, then more commits: snapshot state read from the checkpoint parquet
    deltalake.DeltaTable(sales).create_checkpoint()
    deltalake.write_deltalake(sales, sales_batch([9, 10, 11]), mode="append", partition_by=["region"])
    code, result, out, err = run("--datasetConfig", one)
    check(code == 0 and result and result["ok"], "incremental sync across a checkpoint exits 0", err[-3000:])
    check(FALLBACK not in out, "the incremental sync across a checkpoint did not need the FULL fallback",
          out[-2000:])
    same_as_delta(sales, "after a checkpoint and another append")
    code, result, out, err = run("--datasetConfig", one, "--syncMode", "FULL")
    check(code == 0 and result and result["ok"], "FULL sync of an already synced table exits 0", err[-3000:])
    same_as_delta(sales, "after a FULL re-sync")

    # 3. nothing new: still a success
    code, result, out, err = run("--datasetConfig", one)
    check(code == 0 and result and result["datasets"][0]["status"] == "SUCCESS",
          "sync with no new commits is a SUCCESS", out[-2000:])

    # 4. a bad dataset among good ones: the good ones sync, exit 1, the bad one is named
    missing = os.path.join(work, "no-such-table")
    two = write(os.path.join(work, "two.yaml"), f"""\
sourceFormat: DELTA
targetFormats: [ICEBERG]
datasets:
  - {{tableBasePath: {missing}, tableName: ghost}}
  - {{tableBasePath: {events}, tableName: events}}
""")
    code, result, out, err = run("--datasetConfig", two)
    check(code == 1, "a failing dataset makes the launcher exit 1", f"exit {code}")
    ds = (result or {}).get("datasets", [])
    check(result is not None and result["ok"] is False and len(ds) == 2, "result has ok=false and two rows",
          json.dumps(result))
    if len(ds) == 2:
        check(ds[0]["table"] == "ghost" and ds[0]["format"] == "ICEBERG" and ds[0]["status"] == "FAILED"
              and isinstance(ds[0]["error"], str) and ds[0]["error"],
              "the bad dataset is FAILED with an error message", json.dumps(ds[0]))
        check(ds[1] == {"table": "events", "format": "ICEBERG", "status": "SUCCESS", "error": None},
              "the good dataset still syncs", json.dumps(ds[1]))
    check("ghost" in out and "FAILED" in out, "stdout log line names the failed table")
    same_as_delta(events, "second dataset")

    # 5. bad input: exit 2, a message on stderr, still a result line
    bad_cases = {
        "unknown key": f"sourceFormat: DELTA\ntargetFormats: [ICEBERG]\ndatasets:\n"
                       f"  - {{tableBasePath: {sales}, tableName: sales, tablename: x}}\n",
        "missing tableBasePath": "sourceFormat: DELTA\ntargetFormats: [ICEBERG]\ndatasets:\n  - {tableName: t}\n",
        "invalid yaml": "sourceFormat: DELTA\ntargetFormats: [ICEBERG\n",
        "relative tableBasePath": "sourceFormat: DELTA\ntargetFormats: [ICEBERG]\n"
                                  "datasets:\n  - {tableBasePath: data/t, tableName: t}\n",
    }
    for name, text in bad_cases.items():
        path = write(os.path.join(work, name.replace(" ", "-") + ".yaml"), text)
        code, result, out, err = run("--datasetConfig", path)
        check(code == 2 and result is not None and result["ok"] is False and err.strip(),
              f"bad input ({name}) exits 2 with a message", f"exit {code}; stderr: {err[-500:]}")
    code, result, out, err = run("--datasetConfig", os.path.join(work, "absent.yaml"))
    check(code == 2 and "not found" in err, "missing datasetConfig file exits 2", err[-500:])
    catalog = write(os.path.join(work, "catalog.yaml"), "catalogImpl: org.apache.iceberg.hadoop.HadoopCatalog\n"
                    "catalogName: x\ncatalogOption: {}\n")
    code, result, out, err = run("--datasetConfig", one, "--icebergCatalogConfig", catalog)
    check(code == 2 and "catalogOption" in err, "unknown key in icebergCatalogConfig exits 2", err[-500:])

    s3_and_glue(work)

    elapsed = time.monotonic() - started
    print(f"smoke: took {elapsed:.1f}s, work dir {work}")
    print(f"smoke: {checks['passed']} passed, {checks['failed']} failed")
    return 0 if checks["failed"] == 0 else 1


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def s3_and_glue(work):
    """S3A source + HadoopTables, and Glue catalog + S3FileIO, against moto on loopback."""
    import boto3
    from pyiceberg.catalog import load_catalog

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "moto_server"),
                             "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # dummy credentials, and every AWS client pointed at moto
        aws = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint}
        clients = {name: boto3.client(name, endpoint_url=endpoint, region_name="us-east-1",
                                      aws_access_key_id="testing", aws_secret_access_key="testing")
                   for name in ("s3", "glue")}
        for _ in range(100):
            try:
                clients["s3"].list_buckets()
                break
            except Exception:
                time.sleep(0.1)
        clients["s3"].create_bucket(Bucket="lake")
        clients["glue"].create_database(DatabaseInput={"Name": "db"})
        storage = {"AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": "true", "AWS_S3_ALLOW_UNSAFE_RENAME": "true",
                   "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        for name in ("sales", "orders"):
            deltalake.write_deltalake(f"s3://lake/{name}", sales_batch([1, 2, 3]), partition_by=["region"],
                                      storage_options=storage)
        hadoop = write(os.path.join(work, "s3a.xml"), f"""\
<configuration>
  <property><name>fs.s3a.endpoint</name><value>{endpoint}</value></property>
  <property><name>fs.s3a.endpoint.region</name><value>us-east-1</value></property>
  <property><name>fs.s3a.path.style.access</name><value>true</value></property>
  <property><name>fs.s3a.connection.ssl.enabled</name><value>false</value></property>
</configuration>
""")
        s3_props = {"s3.endpoint": endpoint, "s3.access-key-id": "testing", "s3.secret-access-key": "testing",
                    "s3.region": "us-east-1", "s3.path-style-access": "true"}

        def delta_rows(name):
            return rows(deltalake.DeltaTable(f"s3://lake/{name}", storage_options=storage).to_pyarrow_table())

        # S3A + HadoopTables (no catalog): metadata under s3://lake/sales/metadata/
        ds = write(os.path.join(work, "s3.yaml"), "sourceFormat: DELTA\ntargetFormats: [ICEBERG]\n"
                   "datasets:\n  - {tableBasePath: 's3://lake/sales', tableName: sales}\n")
        code, result, out, err = run("--datasetConfig", ds, "--hadoopConfig", hadoop, env=aws)
        check(code == 0 and result and result["ok"], "S3: sync of s3://lake/sales exits 0", err[-3000:])
        keys = [o["Key"] for o in clients["s3"].list_objects_v2(Bucket="lake", Prefix="sales/metadata/")
                .get("Contents", [])]
        versions = sorted((k for k in keys if k.endswith(".metadata.json")),
                          key=lambda k: int(k.rsplit("/v", 1)[1].split(".")[0]))
        check(bool(versions), "S3: Iceberg metadata written under s3://lake/sales/metadata/", str(keys))
        if versions:
            table = StaticTable.from_metadata(f"s3://lake/{versions[-1]}", properties=s3_props)
            ice, _ = iceberg_rows_and_files(table)
            check(ice == delta_rows("sales"), "S3: Iceberg rows equal Delta rows")

        # Glue catalog + S3FileIO, then an incremental sync
        glue = write(os.path.join(work, "glue.yaml"), f"""\
catalogImpl: org.apache.iceberg.aws.glue.GlueCatalog
catalogName: glue
catalogOptions:
  warehouse: s3://lake/warehouse
  io-impl: org.apache.iceberg.aws.s3.S3FileIO
  glue.endpoint: {endpoint}
  s3.endpoint: {endpoint}
  s3.path-style-access: true
  client.region: us-east-1
""")
        ds = write(os.path.join(work, "glue-ds.yaml"), "sourceFormat: DELTA\ntargetFormats: [ICEBERG]\n"
                   "datasets:\n  - {tableBasePath: 's3://lake/orders', tableName: orders, namespace: db}\n")
        catalog = load_catalog("glue", **{"type": "glue", "glue.endpoint": endpoint, "glue.region": "us-east-1",
                                          "glue.access-key-id": "testing", "glue.secret-access-key": "testing",
                                          **s3_props})
        for step in ("first", "incremental"):
            if step == "incremental":
                deltalake.write_deltalake("s3://lake/orders", sales_batch([4, 5]), mode="append",
                                          partition_by=["region"], storage_options=storage)
            code, result, out, err = run("--datasetConfig", ds, "--icebergCatalogConfig", glue,
                                         "--hadoopConfig", hadoop, env=aws)
            check(code == 0 and result and result["ok"] and FALLBACK not in out,
                  f"Glue: {step} sync of db.orders exits 0", (out + err)[-3000:])
            try:
                ice, _ = iceberg_rows_and_files(catalog.load_table("db.orders"))
            except Exception as e:  # noqa: BLE001 - reported as a failed check
                ice = repr(e)
            check(ice == delta_rows("orders"), f"Glue: {step} sync, rows read through the Glue catalog "
                  "equal Delta rows", str(ice)[:500])
    finally:
        moto.terminate()
        moto.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
