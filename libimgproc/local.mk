# libimgproc: an internal convenience library holds every object, so tests can
# reach private functions; the installed library exports only the public API.
imgproc_public_headers = libimgproc/imgproc.h
imgproc_sources = \
	libimgproc/imgproc-private.h \
	libimgproc/imgproc-version.c

include $(top_srcdir)/libimgproc/image/local.mk
include $(top_srcdir)/libimgproc/aws/local.mk
include $(top_srcdir)/libimgproc/aws/clients.mk
include $(top_srcdir)/libimgproc/pipeline/local.mk
include $(top_srcdir)/libimgproc/runtime/local.mk

imgproc_generated_headers = \
	libimgproc/imgproc-enums.h \
	libimgproc/imgproc-version.h
imgproc_generated_sources = libimgproc/imgproc-enums.c

imgproc_enum_headers = $(filter-out libimgproc/imgproc.h,$(imgproc_public_headers))

libimgproc/imgproc-enums.h: $(imgproc_enum_headers) libimgproc/imgproc-enums.h.template
	$(AM_V_GEN)$(GLIB_MKENUMS) --template $(srcdir)/libimgproc/imgproc-enums.h.template \
		$(addprefix $(srcdir)/,$(imgproc_enum_headers)) > $@.tmp && mv $@.tmp $@
libimgproc/imgproc-enums.c: $(imgproc_enum_headers) libimgproc/imgproc-enums.c.template libimgproc/imgproc-enums.h
	$(AM_V_GEN)$(GLIB_MKENUMS) --template $(srcdir)/libimgproc/imgproc-enums.c.template \
		$(addprefix $(srcdir)/,$(imgproc_enum_headers)) > $@.tmp && mv $@.tmp $@

BUILT_SOURCES += libimgproc/imgproc-enums.h libimgproc/imgproc-enums.c
CLEANFILES += libimgproc/imgproc-enums.h libimgproc/imgproc-enums.c
EXTRA_DIST += \
	libimgproc/imgproc-enums.h.template \
	libimgproc/imgproc-enums.c.template \
	libimgproc/imgproc-version.h.in \
	libimgproc/imgproc-1.0.pc.in

imgproc_cflags = \
	-DIMGPROC_COMPILATION \
	-fvisibility=hidden \
	$(GLIB_CFLAGS) $(SOUP_CFLAGS) $(PIXBUF_CFLAGS) $(JSON_CFLAGS) \
	$(OPENSSL_CFLAGS) $(ZLIB_CFLAGS) $(JPEG_CFLAGS)
imgproc_libs = \
	$(GLIB_LIBS) $(SOUP_LIBS) $(PIXBUF_LIBS) $(JSON_LIBS) \
	$(ZLIB_LIBS) $(JPEG_LIBS) $(DL_LIBS) -lm

noinst_LTLIBRARIES += libimgproc/libimgproc-internal.la
libimgproc_libimgproc_internal_la_SOURCES = \
	$(imgproc_public_headers) \
	$(imgproc_sources)
nodist_libimgproc_libimgproc_internal_la_SOURCES = \
	$(imgproc_generated_headers) \
	$(imgproc_generated_sources)
libimgproc_libimgproc_internal_la_CFLAGS = $(AM_CFLAGS) $(imgproc_cflags)
libimgproc_libimgproc_internal_la_LIBADD = $(imgproc_libs)

lib_LTLIBRARIES += libimgproc/libimgproc.la
libimgproc_libimgproc_la_SOURCES =
libimgproc_libimgproc_la_LIBADD = libimgproc/libimgproc-internal.la $(imgproc_libs)
libimgproc_libimgproc_la_LDFLAGS = \
	$(AM_LDFLAGS) \
	-version-info $(LT_VERSION_INFO) \
	-no-undefined -Wl,--no-undefined \
	-export-symbols-regex '^imgproc_'

imgprocincludedir = $(includedir)/imgproc-1.0
imgprocinclude_HEADERS = $(imgproc_public_headers)
nodist_imgprocinclude_HEADERS = $(imgproc_generated_headers)

pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = libimgproc/imgproc-1.0.pc
DISTCLEANFILES += libimgproc/imgproc-1.0.pc libimgproc/imgproc-version.h

-include $(INTROSPECTION_MAKEFILE)
INTROSPECTION_GIRS =
INTROSPECTION_SCANNER_ARGS = --warn-all --warn-error --add-include-path=$(srcdir)
INTROSPECTION_COMPILER_ARGS = --includedir=$(srcdir)

if HAVE_INTROSPECTION
libimgproc/Imgproc-1.0.gir: libimgproc/libimgproc.la
libimgproc_Imgproc_1_0_gir_NAMESPACE = Imgproc
libimgproc_Imgproc_1_0_gir_VERSION = 1.0
libimgproc_Imgproc_1_0_gir_INCLUDES = GObject-2.0 Gio-2.0 GdkPixbuf-2.0 Soup-3.0 Json-1.0
libimgproc_Imgproc_1_0_gir_PACKAGES = gio-2.0 gdk-pixbuf-2.0 libsoup-3.0 json-glib-1.0
libimgproc_Imgproc_1_0_gir_EXPORT_PACKAGES = imgproc-1.0
libimgproc_Imgproc_1_0_gir_CFLAGS = $(AM_CPPFLAGS) -DIMGPROC_COMPILATION $(GLIB_CFLAGS) $(PIXBUF_CFLAGS) $(SOUP_CFLAGS) $(JSON_CFLAGS)
libimgproc_Imgproc_1_0_gir_LIBS = libimgproc/libimgproc.la
libimgproc_Imgproc_1_0_gir_FILES = \
	$(imgproc_public_headers) \
	$(filter %.c,$(imgproc_sources)) \
	$(imgproc_generated_headers) \
	$(imgproc_generated_sources)
libimgproc_Imgproc_1_0_gir_SCANNERFLAGS = \
	--identifier-prefix=Imgproc \
	--symbol-prefix=imgproc \
	--c-include=imgproc.h
INTROSPECTION_GIRS += libimgproc/Imgproc-1.0.gir

girdir = $(datadir)/gir-1.0
gir_DATA = $(INTROSPECTION_GIRS)
typelibdir = $(libdir)/girepository-1.0
typelib_DATA = $(INTROSPECTION_GIRS:.gir=.typelib)
CLEANFILES += $(gir_DATA) $(typelib_DATA)
endif
