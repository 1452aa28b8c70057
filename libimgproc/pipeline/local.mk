# The pipeline area: event parsing, the guard, and the service configuration.
imgproc_public_headers += \
	libimgproc/pipeline/imgproc-event-parser.h \
	libimgproc/pipeline/imgproc-guard.h \
	libimgproc/pipeline/imgproc-object-event.h \
	libimgproc/pipeline/imgproc-pipeline-error.h \
	libimgproc/pipeline/imgproc-processor.h \
	libimgproc/pipeline/imgproc-queue-message.h \
	libimgproc/pipeline/imgproc-record-result.h \
	libimgproc/pipeline/imgproc-service-config.h
imgproc_sources += \
	libimgproc/pipeline/imgproc-event-parser.c \
	libimgproc/pipeline/imgproc-guard.c \
	libimgproc/pipeline/imgproc-object-event.c \
	libimgproc/pipeline/imgproc-pipeline-error.c \
	libimgproc/pipeline/imgproc-processor.c \
	libimgproc/pipeline/imgproc-queue-message-private.h \
	libimgproc/pipeline/imgproc-queue-message.c \
	libimgproc/pipeline/imgproc-record-result-private.h \
	libimgproc/pipeline/imgproc-record-result.c \
	libimgproc/pipeline/imgproc-service-config-private.h \
	libimgproc/pipeline/imgproc-service-config.c
