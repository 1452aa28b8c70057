# The runtime area: the Lambda Runtime API client, batch responses, logging,
# metrics and X-Ray.
imgproc_public_headers += \
	libimgproc/runtime/imgproc-batch-response.h \
	libimgproc/runtime/imgproc-invocation.h \
	libimgproc/runtime/imgproc-lambda-runtime.h \
	libimgproc/runtime/imgproc-log.h \
	libimgproc/runtime/imgproc-metrics.h \
	libimgproc/runtime/imgproc-runtime-error.h \
	libimgproc/runtime/imgproc-trace-header.h \
	libimgproc/runtime/imgproc-xray-emitter.h
imgproc_sources += \
	libimgproc/runtime/imgproc-batch-response.c \
	libimgproc/runtime/imgproc-invocation.c \
	libimgproc/runtime/imgproc-lambda-runtime.c \
	libimgproc/runtime/imgproc-log-private.h \
	libimgproc/runtime/imgproc-log.c \
	libimgproc/runtime/imgproc-metrics.c \
	libimgproc/runtime/imgproc-runtime-error.c \
	libimgproc/runtime/imgproc-trace-header.c \
	libimgproc/runtime/imgproc-xray-emitter.c
