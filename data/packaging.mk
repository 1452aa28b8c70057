# Packages from this build tree: `make rpm` (binary and source RPMs from `make dist`) and
# `make lambda-layer` (the Lambda layer zip). The Debian packages build from debian/.

EXTRA_DIST += \
	data/imgproc.rpmlintrc \
	build-aux/build-layer \
	build-aux/test-layer \
	build-aux/test-layer-e2e.py \
	build-aux/check-packages

RPMBUILD ?= rpmbuild
RPMBUILD_FLAGS ?= --without check
LAYER_ARCH ?= $(shell uname -m | sed -e 's/aarch64/arm64/')
LAYER_ZIP = imgproc-lambda-layer-$(LAYER_ARCH).zip

rpm: imgproc.spec
	$(MAKE) $(AM_MAKEFLAGS) dist-xz
	rm -rf rpmbuild
	$(MKDIR_P) rpmbuild/SOURCES
	cp $(PACKAGE)-$(VERSION).tar.xz rpmbuild/SOURCES/
	$(RPMBUILD) --nodeps $(RPMBUILD_FLAGS) --define "_topdir $(abs_builddir)/rpmbuild" \
		-ba imgproc.spec

rpmlint: rpm
	rpmlint -r $(srcdir)/data/imgproc.rpmlintrc rpmbuild/RPMS/*/*.rpm rpmbuild/SRPMS/*.rpm

lambda-layer: all
	$(SHELL) $(srcdir)/build-aux/build-layer --arch $(LAYER_ARCH) \
		--srcdir $(abs_srcdir) --builddir $(abs_builddir) --output $(LAYER_ZIP)

clean-local: clean-packaging
clean-packaging:
	rm -rf rpmbuild $(LAYER_ZIP)

.PHONY: rpm rpmlint lambda-layer clean-packaging
