#!/usr/bin/python3
# The SigV4 signer through GObject Introspection: sign an arbitrary request,
# read back the canonical request and the headers, and check the signatures
# against botocore's SigV4Auth / S3SigV4Auth (Debian's python3-botocore).
import datetime
import os
import sys
from unittest import mock

import gi
gi.require_version('GLib', '2.0')
gi.require_version('Imgproc', '1.0')
from gi.repository import GLib, Imgproc

results = []

ACCESS_KEY = 'AKIDEXAMPLE'
SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
TIME = datetime.datetime(2015, 8, 30, 12, 36, 0)


def check(name, condition):
    results.append((name, bool(condition)))


def sign(method, url, headers, body, region, service, when, token=None, s3=False):
    """Signs with libimgproc; returns (canonical request, [(name, value)])."""
    request = Imgproc.SigningRequest.new_from_uri(method, url)
    for name, value in headers:
        request.add_header(name, value)
    if body:
        request.set_body(GLib.Bytes.new(body))
    flags = Imgproc.SignerFlags.S3 if s3 else Imgproc.SignerFlags.NONE
    signer = Imgproc.Signer.new(region, service, flags)
    credentials = Imgproc.Credentials.new(ACCESS_KEY, SECRET_KEY, token, None, 'test')
    stamp = GLib.DateTime.new_utc(when.year, when.month, when.day,
                                  when.hour, when.minute, when.second)
    signer.sign(request, credentials, stamp)
    return (request.get_canonical_request(),
            list(zip(request.get_header_names(), request.get_header_values())))


def header(headers, name):
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def botocore_authorization(method, url, headers, body, region, service, when,
                           token=None, s3=False):
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    import botocore.auth

    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    auth_class = S3SigV4Auth if s3 else SigV4Auth
    auth = auth_class(Credentials(ACCESS_KEY, SECRET_KEY, token), service, region)
    fixed = mock.Mock(wraps=datetime.datetime)
    fixed.utcnow.return_value = when
    fixed.now.return_value = when
    with mock.patch.object(botocore.auth.datetime, 'datetime', fixed):
        auth.add_auth(request)
    return request.headers['Authorization']


# An arbitrary request, read back: the suite's get-vanilla.
canonical, headers = sign('GET', 'https://example.amazonaws.com/', [], None,
                          'us-east-1', 'service', TIME)
check('canonical request of get-vanilla',
      canonical == 'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n'
                   'host;x-amz-date\n'
                   'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
check('Authorization header of get-vanilla',
      header(headers, 'Authorization') ==
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, '
      'SignedHeaders=host;x-amz-date, '
      'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')
check('X-Amz-Date header added', header(headers, 'X-Amz-Date') == '20150830T123600Z')

suite = os.path.join(os.environ.get('IMGPROC_TESTDATA', '../shared/testdata'),
                     'aws-sigv4-test-suite', 'get-vanilla', 'header-signature.txt')
if os.path.exists(suite):
    with open(suite) as f:
        check('signature equals the suite file',
              header(headers, 'Authorization').endswith('Signature=' + f.read().strip()))

# A presigned URL through GI.
presign_request = Imgproc.SigningRequest.new_from_uri(
    'GET', 'https://examplebucket.s3.amazonaws.com/test.txt')
presigned = Imgproc.Signer.new('us-east-1', 's3', Imgproc.SignerFlags.S3).presign(
    presign_request,
    Imgproc.Credentials.new('AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
                            None, None, None),
    GLib.DateTime.new_utc(2013, 5, 24, 0, 0, 0), 86400)
check('presigned URL of the S3 documentation',
      presigned.endswith('X-Amz-Signature='
                         'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'))

# Errors are GLib.Error in the credentials domain, without the secret.
try:
    Imgproc.Signer.new('us-east-1', 'sqs', Imgproc.SignerFlags.NONE).sign(
        Imgproc.SigningRequest.new('GET', 'h', '/', None),
        Imgproc.Credentials.new('AKID', '', None, None, None), None)
    check('empty secret raises', False)
except GLib.Error as e:
    check('empty secret raises INVALID', e.code == Imgproc.CredentialsError.INVALID)

# Cross-checks with botocore.
cases = [
    ('sqs json with session token', 'POST', 'https://sqs.eu-west-1.amazonaws.com/',
     [('Content-Type', 'application/x-amz-json-1.0'), ('X-Amz-Target', 'AmazonSQS.ReceiveMessage')],
     b'{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/111122223333/jobs","MaxNumberOfMessages":10}',
     'eu-west-1', 'sqs', 'FwoGZXIvYXdzEBaaDH+token/=', False),
    ('dynamodb on a loopback port', 'POST', 'http://127.0.0.1:8000/',
     [('Content-Type', 'application/x-amz-json-1.0'), ('X-Amz-Target', 'DynamoDB_20120810.GetItem')],
     b'{"TableName":"jobs","Key":{"pk":{"S":"job#1"}}}', 'us-west-2', 'dynamodb', None, False),
    ('sts query string', 'GET',
     'https://sts.eu-central-1.amazonaws.com/?Version=2011-06-15&Action=GetCallerIdentity',
     [], None, 'eu-central-1', 'sts', None, False),
    ('s3 put of a hostile key', 'PUT',
     'https://my-bucket.s3.eu-west-1.amazonaws.com/incoming/my%20file%2B1%26x%3Dy/%C3%BC.jpg',
     [('Content-Type', 'image/jpeg'), ('x-amz-meta-source', 'ingest 1'),
      ('x-amz-server-side-encryption', 'aws:kms')],
     b'\xff\xd8\xff\xe0 not really a jpeg', 'eu-west-1', 's3', 'tok', True),
    ('s3 get with range and query', 'GET',
     'https://s3.us-east-1.amazonaws.com/my.dotted.bucket/a//b?versionId=3%2Fx&response-content-type=text%2Fplain',
     [('Range', 'bytes=0-9')], None, 'us-east-1', 's3', None, True),
]

for name, method, url, extra, body, region, service, token, s3 in cases:
    canonical, headers = sign(method, url, extra, body, region, service, TIME, token, s3)
    expected = botocore_authorization(method, url, extra, body, region, service, TIME, token, s3)
    check('botocore agrees: ' + name, header(headers, 'Authorization') == expected)
    if token is not None:
        check('token header: ' + name, header(headers, 'X-Amz-Security-Token') == token)
    if s3:
        check('payload hash header: ' + name,
              header(headers, 'x-amz-content-sha256') == canonical.rsplit('\n', 1)[1])

print('1..%d' % len(results))
for i, (name, ok) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
sys.exit(0 if all(ok for _, ok in results) else 1)
