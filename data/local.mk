# Installed data: the documented default configuration file.
imgprocconfdir = $(sysconfdir)/imgproc
dist_imgprocconf_DATA = data/imgproc.conf

# The systemd unit: its ExecStart names imgproc-service in this prefix's bindir.
systemdsystemunit_DATA = data/imgproc.service
data/imgproc.service: data/imgproc.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
		sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/data/imgproc.service.in > $@.tmp && mv $@.tmp $@
CLEANFILES += data/imgproc.service
EXTRA_DIST += data/imgproc.service.in

# The man pages carry the version; imgproc.conf(5) also lists the settings of the
# documented default configuration.
nodist_man_MANS = data/imgproc.1 data/imgproc-service.8 data/imgproc.conf.5
data/imgproc.1 data/imgproc-service.8: data/%: data/%.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
		sed -e 's|@VERSION[@]|$(VERSION)|g' $(srcdir)/$@.in > $@.tmp && mv $@.tmp $@
data/imgproc.conf.5: data/imgproc.conf.5.in data/imgproc.conf build-aux/conf-to-man Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
		$(AWK) -f $(srcdir)/build-aux/conf-to-man $(srcdir)/data/imgproc.conf > $@.settings && \
		sed -e 's|@VERSION[@]|$(VERSION)|g' -e '/@SETTINGS@/r $@.settings' -e '/@SETTINGS@/d' \
			$(srcdir)/$@.in > $@.tmp && \
		rm -f $@.settings && mv $@.tmp $@
CLEANFILES += $(nodist_man_MANS)
EXTRA_DIST += $(nodist_man_MANS:=.in) build-aux/conf-to-man

include $(top_srcdir)/data/packaging.mk
