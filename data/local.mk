# Installed data: the documented default configuration file.
imgprocconfdir = $(sysconfdir)/imgproc
dist_imgprocconf_DATA = data/imgproc.conf
