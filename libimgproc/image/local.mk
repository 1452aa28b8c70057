# The image area: format probing, decoding, resampling, encoding.
imgproc_public_headers += \
	libimgproc/image/imgproc-image-error.h \
	libimgproc/image/imgproc-image-info.h \
	libimgproc/image/imgproc-rendition.h \
	libimgproc/image/imgproc-resizer.h
imgproc_sources += \
	libimgproc/image/imgproc-image-error.c \
	libimgproc/image/imgproc-image-info.c \
	libimgproc/image/imgproc-rendition.c \
	libimgproc/image/imgproc-resizer.c
