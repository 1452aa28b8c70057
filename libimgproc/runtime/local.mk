# The runtime area: the Lambda Runtime API client, batch responses, logging,
# metrics and X-Ray.
imgproc_public_headers += \
	libimgproc/runtime/imgproc-invocation.h \
	libimgproc/runtime/imgproc-lambda-runtime.h \
	libimgproc/runtime/imgproc-runtime-error.h
imgproc_sources += \
	libimgproc/runtime/imgproc-invocation.c \
	libimgproc/runtime/imgproc-lambda-runtime.c \
	libimgproc/runtime/imgproc-runtime-error.c
