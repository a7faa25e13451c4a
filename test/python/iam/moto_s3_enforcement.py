"""Runs S3 calls as an IAM user that holds the given policies, with moto's IAM access control on.

    moto_s3_enforcement.py < {"policies": [FILE, ...], "objects": [[BUCKET, KEY], ...], "checks": [CHECK, ...]}

CHECK is {"op": "list", "bucket", "prefix"} or {"op": "head" | "get" | "put" | "delete", "bucket", "key"}.
Prints the checks back with "allowed": true or false (false only for AccessDenied / 403).

What moto enforces (moto 5.2.5, moto/core/authorization.py and moto/iam/access_control.py):
the Action and Resource of each S3 request, matched against the user's policies
with IAM's `*` wildcard. It does not evaluate Condition values from the
request (an s3:prefix condition always passes), and it authorizes services
other than S3, IAM, SQS and STS against Resource "*" only, so their scoped
statements cannot be checked here.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_SESSION_TOKEN", None)

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws, settings


def run(spec: dict) -> list[dict]:
    with mock_aws():
        # Set-up runs unauthenticated; every request after it is checked.
        settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")
        admin_s3 = boto3.client("s3", region_name="us-east-1")
        buckets = sorted(
            {c["bucket"] for c in spec["checks"]} | {b for b, _ in spec["objects"]}
        )
        for bucket in buckets:
            admin_s3.create_bucket(Bucket=bucket)
        for bucket, key in spec["objects"]:
            admin_s3.put_object(Bucket=bucket, Key=key, Body=b"x")
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="pipeline")
        for i, path in enumerate(spec["policies"]):
            with open(path, encoding="utf-8") as f:
                document = f.read()
            arn = iam.create_policy(PolicyName=f"pipegen-{i}", PolicyDocument=document)[
                "Policy"
            ]["Arn"]
            iam.attach_user_policy(UserName="pipeline", PolicyArn=arn)
        key = iam.create_access_key(UserName="pipeline")["AccessKey"]
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
        try:
            s3 = boto3.client(
                "s3",
                region_name="us-east-1",
                aws_access_key_id=key["AccessKeyId"],
                aws_secret_access_key=key["SecretAccessKey"],
            )
            return [
                {**check, "allowed": allowed(s3, check)} for check in spec["checks"]
            ]
        finally:
            settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")


def allowed(s3, check: dict) -> bool:
    op, bucket = check["op"], check["bucket"]
    try:
        if op == "list":
            s3.list_objects_v2(Bucket=bucket, Prefix=check["prefix"])
        elif op == "head":
            s3.head_object(Bucket=bucket, Key=check["key"])
        elif op == "get":
            s3.get_object(Bucket=bucket, Key=check["key"])
        elif op == "put":
            s3.put_object(Bucket=bucket, Key=check["key"], Body=b"y")
        elif op == "delete":
            s3.delete_object(Bucket=bucket, Key=check["key"])
        else:
            raise ValueError(f"unknown op {op}")
    except ClientError as error:
        code = error.response["Error"]["Code"]
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        if code == "AccessDenied" or status == 403:
            return False
        if status == 404:
            return True  # authorized, just not there
        raise
    return True


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout, indent=2)
    sys.stdout.write("\n")
