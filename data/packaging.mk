# Packages from this build tree: `make rpm` (binary and source RPMs from `make dist`) and
# `make lambda-layer` (the Lambda layer zips). The Debian packages build from debian/.

EXTRA_DIST += \
	data/imgproc.rpmlintrc \
	build-aux/build-layer \
	build-aux/test-layer \
	build-aux/test-layer-e2e.py \
	build-aux/test-layer-qemu \
	build-aux/check-packages

RPMBUILD ?= rpmbuild
RPMBUILD_FLAGS ?= --without check
LAYER_ARCH ?= $(shell uname -m | sed -e 's/aarch64/arm64/')
LAYER_ZIP = imgproc-lambda-layer-$(LAYER_ARCH).zip
# On x86_64 the arm64 layer is cross-built too, in a tree of its own, when Debian's cross
# toolchain and qemu-user-static are installed (build-aux/install-deps --package).
LAYER_CROSS_ARCH = $(if $(filter x86_64,$(LAYER_ARCH)),arm64)
LAYER_CROSS_BUILDDIR = layer-build-arm64

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
	@if test -z "$(LAYER_CROSS_ARCH)"; then :; \
	elif $(SHELL) $(srcdir)/build-aux/build-layer --arch $(LAYER_CROSS_ARCH) --check-cross; then \
		$(MAKE) $(AM_MAKEFLAGS) lambda-layer-$(LAYER_CROSS_ARCH); \
	else \
		echo "lambda-layer: skipped the $(LAYER_CROSS_ARCH) layer: the cross toolchain above is incomplete;" \
			"build-aux/install-deps --package installs it"; \
	fi

# Fails, saying what is missing, when the toolchain is incomplete.
lambda-layer-arm64:
	$(SHELL) $(srcdir)/build-aux/build-layer --arch arm64 --configure \
		--srcdir $(abs_srcdir) --builddir $(abs_builddir)/$(LAYER_CROSS_BUILDDIR) \
		--output imgproc-lambda-layer-arm64.zip

clean-local: clean-packaging
clean-packaging:
	rm -rf rpmbuild $(LAYER_ZIP) imgproc-lambda-layer-arm64.zip $(LAYER_CROSS_BUILDDIR)

.PHONY: rpm rpmlint lambda-layer lambda-layer-arm64 clean-packaging
