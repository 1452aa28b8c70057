/* A compact store for the whole-image DCT coefficient arrays that libjpeg
 * keeps while it decodes a progressive (multi-scan) JPEG. */
#pragma once

#include <glib.h>
#include <stdio.h>
#include <jpeglib.h>

G_BEGIN_DECLS

/* The error code, past libjpeg's own, with which the store fails a decode
 * that would pass its reservation. */
#define IMGPROC_JERR_OVER_RESERVATION 1000

/* Takes over @cinfo's whole-image coefficient arrays: between accesses each
 * row of 8x8 blocks is kept packed (which coefficients are not zero, and
 * their values in a byte when they fit), about a tenth of libjpeg's 128
 * bytes per block on photographs, or raw when that is smaller. Call it after
 * jpeg_read_header() and before jpeg_start_decompress(); it uses
 * @cinfo->client_data. It turns off block smoothing and supports one output
 * pass, not buffered-image mode: rows are dropped once the output has read
 * them.
 *
 * The store fails the decode through libjpeg's error exit, with
 * IMGPROC_JERR_OVER_RESERVATION, rather than hold more than @reservation
 * bytes (or max_memory_to_use, when that is set), and with
 * JERR_OUT_OF_MEMORY when an allocation fails. */
void imgproc_coefficient_store_install (j_decompress_ptr cinfo,
                                        gsize            reservation);

/* The most bytes the store of @cinfo held at once, so far. */
gsize imgproc_coefficient_store_peak_bytes (j_decompress_ptr cinfo);

/* The 8x8 blocks of the whole-image arrays libjpeg asks for, once
 * jpeg_read_header() has read @cinfo's frame. */
guint64 imgproc_coefficient_store_blocks (j_decompress_ptr cinfo);

/* What a store for @cinfo reserves: the store's typical peak for a file of
 * @file_len bytes, or its worst when that is smaller, plus what it holds
 * whatever the data. */
guint64 imgproc_coefficient_store_reservation (j_decompress_ptr cinfo,
                                               gsize            file_len);

/* Lets @err's format_message() word IMGPROC_JERR_OVER_RESERVATION. */
void imgproc_coefficient_store_add_messages (struct jpeg_error_mgr *err);

/* For tests: makes the @n-th next allocation of any store fail as out of
 * memory (0 for the very next one), or none with -1. Gives the count left
 * from the previous call: -1 once that failure happened. Not thread-safe. */
gint imgproc_coefficient_store_fail_allocation (gint n);

G_END_DECLS
