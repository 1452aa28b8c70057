# The AWS area: credentials, providers, SigV4 and endpoint/region resolution.
# The clients list their files in clients.mk.
imgproc_public_headers += \
	libimgproc/aws/imgproc-credentials.h \
	libimgproc/aws/imgproc-credentials-provider.h \
	libimgproc/aws/imgproc-signing-request.h \
	libimgproc/aws/imgproc-signer.h
imgproc_sources += \
	libimgproc/aws/imgproc-credentials-private.h \
	libimgproc/aws/imgproc-credentials.c \
	libimgproc/aws/imgproc-credentials-provider.c \
	libimgproc/aws/imgproc-signing-request-private.h \
	libimgproc/aws/imgproc-signing-request.c \
	libimgproc/aws/imgproc-signer-private.h \
	libimgproc/aws/imgproc-signer.c
