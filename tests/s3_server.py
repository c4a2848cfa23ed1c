"""A real S3-compatible server (moto's threaded server) on 127.0.0.1, one per test session."""

import os

import pytest


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture()
def s3_bucket(s3_endpoint):
    """A fresh bucket on the server; returns the settings that point the app at it."""
    import uuid

    import boto3

    name = f"crm-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing").create_bucket(Bucket=name)
    return {"S3_ENDPOINT_URL": s3_endpoint, "S3_BUCKET": name, "S3_ACCESS_KEY": "testing",
            "S3_SECRET_KEY": "testing", "S3_REGION": "us-east-1"}
