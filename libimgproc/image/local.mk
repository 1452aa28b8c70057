# The image area: format probing, decoding, resampling, encoding.
imgproc_public_headers += \
	libimgproc/image/imgproc-image-error.h \
	libimgproc/image/imgproc-image-info.h \
	libimgproc/image/imgproc-rendition.h \
	libimgproc/image/imgproc-resizer.h
imgproc_sources += \
	libimgproc/image/imgproc-coefficient-store-private.h \
	libimgproc/image/imgproc-coefficient-store.c \
	libimgproc/image/imgproc-exif-private.h \
	libimgproc/image/imgproc-exif.c \
	libimgproc/image/imgproc-image-error.c \
	libimgproc/image/imgproc-image-info-private.h \
	libimgproc/image/imgproc-image-info.c \
	libimgproc/image/imgproc-jpeg-private.h \
	libimgproc/image/imgproc-jpeg.c \
	libimgproc/image/imgproc-pixbuf-private.h \
	libimgproc/image/imgproc-pixbuf.c \
	libimgproc/image/imgproc-rendition-private.h \
	libimgproc/image/imgproc-rendition.c \
	libimgproc/image/imgproc-resample-private.h \
	libimgproc/image/imgproc-resample.c \
	libimgproc/image/imgproc-resizer.c
