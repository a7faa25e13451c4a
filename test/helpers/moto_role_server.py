"""moto in server mode that accepts only the credentials of one IAM role session.

    python moto_role_server.py POLICY.json [POLICY.json ...]

Starts moto on a free loopback port, creates the role ``mwaa-execution`` with
the given policies inline, assumes it (STS) and then turns moto's IAM access
control on: from then on every request must be signed with a key moto knows,
and S3 requests must be allowed by the role's policies (moto 5.2.5 matches
their Action and Resource, not Condition; other services it authorizes against
Resource "*" only). Static dummy keys such as ``testing`` are refused with
InvalidAccessKeyId. The user ``admin`` (allowed everything) is for the test's
own set-up and checks.

Prints one JSON line once it serves: {"port", "roleArn", "credentials":
{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}} (the shape a
container credentials endpoint serves), "admin": {"AccessKeyId",
"SecretAccessKey"}}, then serves until stdin closes, so the server never
outlives the process that started it.
"""

import json
import sys

import boto3
from moto import settings
from moto.server import ThreadedMotoServer

ROLE = "mwaa-execution"
# MWAA's execution role trusts the Airflow service principals.
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {
                "Service": ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
            },
            "Action": "sts:AssumeRole",
        }
    ],
}


def main() -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    # Set-up runs before access control is on, with moto's own dummy keys.
    admin = {
        "endpoint_url": f"http://127.0.0.1:{port}",
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    iam = boto3.client("iam", **admin)
    role = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(TRUST))
    for i, path in enumerate(sys.argv[1:]):
        with open(path, encoding="utf-8") as f:
            iam.put_role_policy(
                RoleName=ROLE, PolicyName=f"policy-{i}", PolicyDocument=f.read()
            )
    iam.create_user(UserName="admin")
    iam.put_user_policy(
        UserName="admin",
        PolicyName="everything",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )
    admin_key = iam.create_access_key(UserName="admin")["AccessKey"]
    session = boto3.client("sts", **admin).assume_role(
        RoleArn=role["Role"]["Arn"], RoleSessionName="airflow-worker"
    )["Credentials"]
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    print(
        json.dumps(
            {
                "port": port,
                "roleArn": role["Role"]["Arn"],
                "credentials": {
                    "AccessKeyId": session["AccessKeyId"],
                    "SecretAccessKey": session["SecretAccessKey"],
                    "Token": session["SessionToken"],
                    "Expiration": session["Expiration"].isoformat(),
                },
                "admin": {
                    "AccessKeyId": admin_key["AccessKeyId"],
                    "SecretAccessKey": admin_key["SecretAccessKey"],
                },
            }
        ),
        flush=True,
    )
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
