# The AWS area: credentials, SigV4, endpoints, and the S3/SQS/DynamoDB/STS clients.
imgproc_public_headers += \
	libimgproc/aws/imgproc-credentials.h \
	libimgproc/aws/imgproc-credentials-provider.h \
	libimgproc/aws/imgproc-signing-request.h \
	libimgproc/aws/imgproc-signer.h
imgproc_sources += \
	libimgproc/aws/imgproc-credentials.c \
	libimgproc/aws/imgproc-credentials-provider.c \
	libimgproc/aws/imgproc-signing-request.c \
	libimgproc/aws/imgproc-signer.c
