# The imgproc command-line tool.
bin_PROGRAMS += service/imgproc
service_imgproc_SOURCES = service/imgproc.c
service_imgproc_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(PIXBUF_CFLAGS)
service_imgproc_LDADD = libimgproc/libimgproc.la $(GLIB_LIBS)
