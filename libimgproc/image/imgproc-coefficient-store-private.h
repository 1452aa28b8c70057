/* A compact store for the whole-image DCT coefficient arrays that libjpeg
 * keeps while it decodes a progressive (multi-scan) JPEG. */
#pragma once

#include <glib.h>
#include <stdio.h>
#include <jpeglib.h>

G_BEGIN_DECLS

/* Takes over @cinfo's whole-image coefficient arrays: between accesses each
 * row of 8x8 blocks is kept packed (which coefficients are not zero, and
 * their values in a byte when they fit), about a tenth of libjpeg's 128
 * bytes per block on photographs. Call it after jpeg_read_header() and before
 * jpeg_start_decompress(); it uses @cinfo->client_data. It turns off block
 * smoothing and supports one output pass, not buffered-image mode: rows are
 * dropped once the output has read them. */
void imgproc_coefficient_store_install (j_decompress_ptr cinfo);

/* The most bytes the store of @cinfo held at once, so far. */
gsize imgproc_coefficient_store_peak_bytes (j_decompress_ptr cinfo);

/* A typical-case estimate of the store's peak for a progressive JPEG of
 * @blocks 8x8 blocks whose file takes @file_len bytes. */
guint64 imgproc_coefficient_store_estimate (guint64 blocks,
                                            gsize   file_len);

G_END_DECLS
