# The imgproc command-line tool: a dispatcher and one file per subcommand.
# It links the installed shared library, so it sees only the public API.
bin_PROGRAMS += service/imgproc
service_imgproc_SOURCES = \
	service/imgproc.c \
	service/imgproc-aws-command.c \
	service/imgproc-backfill-command.c \
	service/imgproc-command.c \
	service/imgproc-command.h \
	service/imgproc-info-command.c \
	service/imgproc-resize-command.c
service_imgproc_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(PIXBUF_CFLAGS) $(JSON_CFLAGS)
service_imgproc_LDADD = libimgproc/libimgproc.la $(GLIB_LIBS) $(JSON_LIBS)

# The service: SQS daemon on hosts, custom runtime on Lambda.
bin_PROGRAMS += service/imgproc-service
service_imgproc_service_SOURCES = \
	service/imgproc-service.c \
	service/imgproc-layer-environment.c \
	service/imgproc-layer-environment.h
service_imgproc_service_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(SOUP_CFLAGS) $(JSON_CFLAGS) $(PIXBUF_CFLAGS)
service_imgproc_service_LDADD = libimgproc/libimgproc.la $(GLIB_LIBS) $(SOUP_LIBS) $(JSON_LIBS)

# The Lambda layer's /opt/bootstrap (build-aux/build-layer copies it there): static, on libc
# alone, without the sanitizers, as it runs before anything of the layer is set up.
noinst_PROGRAMS += service/imgproc-bootstrap
service_imgproc_bootstrap_SOURCES = \
	service/imgproc-bootstrap.c \
	service/imgproc-layer-environment.c \
	service/imgproc-layer-environment.h
service_imgproc_bootstrap_CFLAGS = $(WARN_CFLAGS)
service_imgproc_bootstrap_LDFLAGS = -all-static
