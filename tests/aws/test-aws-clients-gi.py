#!/usr/bin/python3
# The AWS clients through GObject Introspection, against a loopback HTTP
# server: results come back as Python values, and a failed call raises a
# GLib.Error whose HTTP status, AWS code and request id stay reachable.
import http.server
import json
import os
import threading
import urllib.parse
import zlib

import gi
gi.require_version('GLib', '2.0')
gi.require_version('Json', '1.0')
gi.require_version('Imgproc', '1.0')
from gi.repository import GLib, Imgproc, Json

results = []
list_queries = []


def check(name, condition):
    results.append((name, bool(condition)))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def reply(self, status, content_type, body, headers=()):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if 'list-type=2' in self.path:
            list_queries.append(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))
            self.reply(200, 'application/xml',
                       b'<ListBucketResult><Contents><Key>in/b.png</Key><Size>7</Size></Contents>'
                       b'<IsTruncated>true</IsTruncated><NextContinuationToken>T-2</NextContinuationToken>'
                       b'</ListBucketResult>')
        elif self.path.endswith('/denied'):
            self.reply(403, 'application/xml',
                       b'<Error><Code>AccessDenied</Code><Message>Access Denied</Message>'
                       b'<RequestId>RID-42</RequestId></Error>')
        else:
            self.reply(200, 'image/png', b'\x89PNG', [('ETag', '"abc"'), ('x-amz-meta-width', '10')])

    def do_POST(self):
        length = int(self.headers.get('Content-Length', '0'))
        request = json.loads(self.rfile.read(length) or b'{}')
        target = self.headers.get('X-Amz-Target', '')
        if target == 'DynamoDB_20120810.PutItem':
            body = json.dumps({'__type': 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
                               'message': 'The conditional request failed'}).encode()
            self.reply(400, 'application/x-amz-json-1.0', body,
                       [('x-amz-crc32', str(zlib.crc32(body))), ('x-amzn-RequestId', 'DDB-1')])
        elif target == 'DynamoDB_20120810.GetItem':
            body = json.dumps({'Item': dict(request['Key'], n={'N': '12345678901234567890'})}).encode()
            self.reply(200, 'application/x-amz-json-1.0', body, [('x-amz-crc32', str(zlib.crc32(body)))])
        elif target == 'AmazonSQS.ReceiveMessage':
            body = json.dumps({'Messages': [{'MessageId': 'm-1', 'ReceiptHandle': 'rh-1', 'Body': 'hello',
                                             'Attributes': {'ApproximateReceiveCount': '3'}}]}).encode()
            self.reply(200, 'application/x-amz-json-1.0', body)
        else:
            self.reply(400, 'application/x-amz-json-1.0', b'{"__type":"UnknownOperationException"}')

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
os.environ.update({
    'AWS_ENDPOINT_URL': 'http://127.0.0.1:%d' % server.server_port,
    'AWS_ACCESS_KEY_ID': 'AKIDGITEST',
    'AWS_SECRET_ACCESS_KEY': 'gi-test-secret',
    'AWS_CONFIG_FILE': '/dev/null',
    'AWS_SHARED_CREDENTIALS_FILE': '/dev/null',
    'AWS_EC2_METADATA_DISABLED': 'true',
})
for name in ('AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_WEB_IDENTITY_TOKEN_FILE',
             'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'):
    os.environ.pop(name, None)

config = Imgproc.AwsConfig.new('us-east-1')
s3 = Imgproc.S3Client.new(config, None)
ddb = Imgproc.DynamodbClient.new(config, None)
sqs = Imgproc.SqsClient.new(config, None)

body, info = s3.get_object_sync('images', 'in/a b.png', 1024, None)
check('get_object returns the bytes', body.get_data() == b'\x89PNG')
check('get_object returns the facts', info.get_content_type() == 'image/png' and info.get_etag() == '"abc"')
check('metadata is a dict', info.get_metadata() == {'width': '10'})

try:
    s3.get_object_sync('images', 'denied', 0, None)
    check('a 403 raises', False)
except GLib.Error as error:
    check('a 403 raises in the AWS domain', error.matches(Imgproc.aws_error_quark(), Imgproc.AwsError.ACCESS_DENIED))
    details = Imgproc.aws_error_get_details(error)
    check('details survive the trip through Python',
          details is not None and details.get_status() == 403 and details.get_code() == 'AccessDenied'
          and details.get_request_id() == 'RID-42')

objects, token = s3.list_objects_after_sync('images', 'in/', 'in/a é.png', None, 5, None)
check('list_objects_after returns the page and the next token',
      [o.get_key() for o in objects] == ['in/b.png'] and objects[0].get_size() == 7 and token == 'T-2')
check('list_objects_after sends start-after, prefix and max-keys',
      list_queries[-1] == {'list-type': ['2'], 'prefix': ['in/'], 'start-after': ['in/a é.png'],
                           'max-keys': ['5']})
objects, token = s3.list_objects_sync('images', 'in/', 'T-1', 0, None)
check('list_objects sends no start-after',
      len(objects) == 1 and list_queries[-1] == {'list-type': ['2'], 'prefix': ['in/'],
                                                 'continuation-token': ['T-1']})

key = Json.Object.new()
key.set_member('source_key', Imgproc.dynamodb_attribute_new_string('in/a.png'))
item = Json.Object.new()
item.set_member('source_key', Imgproc.dynamodb_attribute_new_string('in/a.png'))
try:
    ddb.put_item_sync('jobs', item, 'attribute_not_exists(source_key)', None, None,
                      Imgproc.DynamodbReturnValues.NONE, None)
    check('a failed condition raises', False)
except GLib.Error as error:
    check('a failed condition has its own code',
          error.matches(Imgproc.aws_error_quark(), Imgproc.AwsError.CONDITIONAL_CHECK_FAILED))
    details = Imgproc.aws_error_get_details(error)
    check('the DynamoDB code loses its namespace', details.get_code() == 'ConditionalCheckFailedException')

got = ddb.get_item_sync('jobs', key, True, None, None, None)
check('get_item returns the item',
      Imgproc.dynamodb_attribute_get_string(got.get_member('source_key')) == 'in/a.png')
check('numbers keep every digit',
      Imgproc.dynamodb_attribute_get_number(got.get_member('n')) == '12345678901234567890')
check('attribute types are named',
      Imgproc.dynamodb_attribute_type_of(got.get_member('n')) == Imgproc.DynamodbType.N)

messages = sqs.receive_message_sync('http://127.0.0.1:1/1/jobs', 10, 0, -1, None)
check('receive returns messages', len(messages) == 1 and messages[0].get_body() == 'hello')
check('receive count is a number', messages[0].get_receive_count() == 3)

# A CA file that cannot be read fails the https request, and is read again
# for the next one. Nothing listens on port 9, so a request that gets past
# the CA file fails to connect instead.
ca_dir = GLib.dir_make_tmp('imgproc-ca-XXXXXX')
ca_file = os.path.join(ca_dir, 'ca.pem')
plain_endpoint = os.environ['AWS_ENDPOINT_URL']
os.environ.update({'AWS_ENDPOINT_URL': 'https://127.0.0.1:9', 'IMGPROC_CA_FILE': ca_file, 'AWS_MAX_ATTEMPTS': '1'})
https_config = Imgproc.AwsConfig.new('us-east-1')
os.environ['AWS_ENDPOINT_URL'] = plain_endpoint
del os.environ['IMGPROC_CA_FILE']
https_s3 = Imgproc.S3Client.new(https_config, Imgproc.EnvironmentCredentialsProvider.new())


def https_error():
    try:
        https_s3.list_objects_sync('b', '', None, 10, None)
    except GLib.Error as error:
        return error.message
    return None


first = https_error()
check('an unreadable CA file fails an https request', first is not None and ca_file in first)
with open('/etc/ssl/certs/ca-certificates.crt', 'rb') as src, open(ca_file, 'wb') as dst:
    dst.write(src.read())
second = https_error()
check('the CA file is read again for the next request', second is not None and ca_file not in second)
os.unlink(ca_file)
os.rmdir(ca_dir)

server.shutdown()
print('1..%d' % len(results))
for number, (name, ok) in enumerate(results, 1):
    print('%sok %d %s' % ('' if ok else 'not ', number, name))
