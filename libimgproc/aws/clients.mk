# The AWS clients: S3, SQS, DynamoDB and STS over one HTTP core with the
# standard retry mode, and the AWS error domain.
imgproc_public_headers += \
	libimgproc/aws/imgproc-aws-error.h \
	libimgproc/aws/imgproc-caller-identity.h \
	libimgproc/aws/imgproc-dynamodb-attribute.h \
	libimgproc/aws/imgproc-dynamodb-client.h \
	libimgproc/aws/imgproc-s3-client.h \
	libimgproc/aws/imgproc-s3-object-info.h \
	libimgproc/aws/imgproc-s3-put-options.h \
	libimgproc/aws/imgproc-sqs-batch-result.h \
	libimgproc/aws/imgproc-sqs-client.h \
	libimgproc/aws/imgproc-sqs-message.h \
	libimgproc/aws/imgproc-sts-client.h
imgproc_sources += \
	libimgproc/aws/imgproc-aws-client-private.h \
	libimgproc/aws/imgproc-aws-client.c \
	libimgproc/aws/imgproc-aws-clients-private.h \
	libimgproc/aws/imgproc-aws-error-private.h \
	libimgproc/aws/imgproc-aws-error.c \
	libimgproc/aws/imgproc-aws-xml-private.h \
	libimgproc/aws/imgproc-aws-xml.c \
	libimgproc/aws/imgproc-caller-identity.c \
	libimgproc/aws/imgproc-dynamodb-attribute.c \
	libimgproc/aws/imgproc-dynamodb-client.c \
	libimgproc/aws/imgproc-s3-client.c \
	libimgproc/aws/imgproc-s3-object-info.c \
	libimgproc/aws/imgproc-s3-private.h \
	libimgproc/aws/imgproc-s3-put-options.c \
	libimgproc/aws/imgproc-sqs-batch-result.c \
	libimgproc/aws/imgproc-sqs-client.c \
	libimgproc/aws/imgproc-sqs-message.c \
	libimgproc/aws/imgproc-sqs-private.h \
	libimgproc/aws/imgproc-sts-client.c
