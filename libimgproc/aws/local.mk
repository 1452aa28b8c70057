# The AWS area: credentials, providers, SigV4 and endpoint/region resolution.
# The clients list their files in clients.mk.
imgproc_public_headers += \
	libimgproc/aws/imgproc-credentials.h \
	libimgproc/aws/imgproc-credentials-provider.h \
	libimgproc/aws/imgproc-environment-credentials-provider.h \
	libimgproc/aws/imgproc-profile-credentials-provider.h \
	libimgproc/aws/imgproc-web-identity-credentials-provider.h \
	libimgproc/aws/imgproc-container-credentials-provider.h \
	libimgproc/aws/imgproc-imds-credentials-provider.h \
	libimgproc/aws/imgproc-chain-credentials-provider.h \
	libimgproc/aws/imgproc-cached-credentials-provider.h \
	libimgproc/aws/imgproc-aws-config.h \
	libimgproc/aws/imgproc-signing-request.h \
	libimgproc/aws/imgproc-signer.h
imgproc_sources += \
	libimgproc/aws/imgproc-aws-config-private.h \
	libimgproc/aws/imgproc-aws-config.c \
	libimgproc/aws/imgproc-aws-proxy-private.h \
	libimgproc/aws/imgproc-aws-proxy.c \
	libimgproc/aws/imgproc-aws-shared-files-private.h \
	libimgproc/aws/imgproc-aws-shared-files.c \
	libimgproc/aws/imgproc-credentials-private.h \
	libimgproc/aws/imgproc-credentials.c \
	libimgproc/aws/imgproc-credentials-provider.c \
	libimgproc/aws/imgproc-environment-credentials-provider.c \
	libimgproc/aws/imgproc-profile-credentials-provider.c \
	libimgproc/aws/imgproc-web-identity-credentials-provider.c \
	libimgproc/aws/imgproc-container-credentials-provider.c \
	libimgproc/aws/imgproc-imds-client-private.h \
	libimgproc/aws/imgproc-imds-client.c \
	libimgproc/aws/imgproc-imds-credentials-provider.c \
	libimgproc/aws/imgproc-libcrypto-private.h \
	libimgproc/aws/imgproc-libcrypto.c \
	libimgproc/aws/imgproc-chain-credentials-provider.c \
	libimgproc/aws/imgproc-cached-credentials-provider.c \
	libimgproc/aws/imgproc-signing-request-private.h \
	libimgproc/aws/imgproc-signing-request.c \
	libimgproc/aws/imgproc-signer-private.h \
	libimgproc/aws/imgproc-signer.c
