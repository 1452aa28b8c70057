/* JPEG decode and encode on libjpeg-turbo. Decoding picks the smallest DCT
 * scale that still serves the caller, which is what reaches the speed of
 * `djpeg -scale`: only 1/8, 1/4 and 1/2 have SIMD IDCTs, and measured on the
 * test photos the M/8 scales in between cost more time than they save.
 * Every libjpeg error and every data-damage warning becomes a GError: a
 * damaged file never yields a partial, grey-padded image. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-jpeg-private.h"
#include "imgproc-coefficient-store-private.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

#define ROWS_PER_READ 16

/* Below this, libjpeg's plain arrays come back warm from malloc's heap and
 * decode faster than packed ones, at little cost in memory. Above it, a
 * plain decode would hold the decode-memory budget long enough to stall
 * the images queued behind it, and the packed store is five to fifteen
 * times smaller (and faster when the arrays would be faulted in afresh). */
#define PACK_COEFFICIENTS_ABOVE (8 << 20)
#define MAX_MARKER_PAYLOAD 65533

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  ImgprocImageError code;
  char message[JMSG_LENGTH_MAX];
} ErrorManager;

static G_NORETURN void
fail_with (j_common_ptr      cinfo,
           ImgprocImageError code)
{
  ErrorManager *err = (ErrorManager *) cinfo->err;

  err->code = code;
  cinfo->err->format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
error_exit (j_common_ptr cinfo)
{
  switch (cinfo->err->msg_code)
    {
    case JERR_INPUT_EOF:
      fail_with (cinfo, IMGPROC_IMAGE_ERROR_TRUNCATED);
    case JERR_OUT_OF_MEMORY:
    case JERR_NO_BACKING_STORE:
    case IMGPROC_JERR_OVER_RESERVATION:
      fail_with (cinfo, IMGPROC_IMAGE_ERROR_TOO_LARGE);
    default:
      fail_with (cinfo, IMGPROC_IMAGE_ERROR_CORRUPT);
    }
}

/* libjpeg only warns about damaged data, then goes on and fills the rest
 * with grey; for a thumbnailer a wrong picture is worse than an error.
 * Stray bytes between segments (JWRN_EXTRANEOUS_DATA) are let through:
 * cameras pad before EOI, and damage inside a scan warns otherwise. */
static void
emit_message (j_common_ptr cinfo,
              int          msg_level)
{
  if (msg_level >= 0)
    return;

  switch (cinfo->err->msg_code)
    {
    case JWRN_JPEG_EOF:
      fail_with (cinfo, IMGPROC_IMAGE_ERROR_TRUNCATED);
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_NOT_SEQUENTIAL:
      fail_with (cinfo, IMGPROC_IMAGE_ERROR_CORRUPT);
    default:
      cinfo->err->num_warnings++;
      break;
    }
}

static void
output_message (j_common_ptr cinfo)
{
}

static void
error_manager_init (ErrorManager *err)
{
  jpeg_std_error (&err->pub);
  err->pub.error_exit = error_exit;
  err->pub.emit_message = emit_message;
  err->pub.output_message = output_message;
  imgproc_coefficient_store_add_messages (&err->pub);
  err->code = IMGPROC_IMAGE_ERROR_CORRUPT;
  err->message[0] = '\0';
}

static void
set_decode_error (GError            **error,
                  const ErrorManager *err)
{
  if (err->code == IMGPROC_IMAGE_ERROR_TRUNCATED)
    g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TRUNCATED,
                 _("The JPEG image is truncated: %s"), err->message);
  else if (err->code == IMGPROC_IMAGE_ERROR_TOO_LARGE)
    g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE,
                 _("The JPEG image needs more memory to decode than it was given: %s"), err->message);
  else
    g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_CORRUPT,
                 _("The JPEG image is corrupt: %s"), err->message);
}

/* Adobe writes CMYK inverted; the naive conversion (as Pillow, ImageMagick
 * and gdk-pixbuf do, without an ICC profile) is then R = C * K / 255. */
static void
cmyk_to_rgb (const guint8 *cmyk,
             guint8       *rgb,
             guint         width,
             gboolean      inverted)
{
  for (guint x = 0; x < width; x++, cmyk += 4, rgb += 3)
    {
      guint c = inverted ? cmyk[0] : 255 - cmyk[0];
      guint m = inverted ? cmyk[1] : 255 - cmyk[1];
      guint y = inverted ? cmyk[2] : 255 - cmyk[2];
      guint k = inverted ? cmyk[3] : 255 - cmyk[3];

      rgb[0] = (guint8) ((c * k + 127) / 255);
      rgb[1] = (guint8) ((m * k + 127) / 255);
      rgb[2] = (guint8) ((y * k + 127) / 255);
    }
}

static void
choose_scale (struct jpeg_decompress_struct *cinfo,
              guint                          min_width,
              guint                          min_height)
{
  cinfo->scale_denom = 8;
  for (guint m = 1; m <= 8; m *= 2)
    {
      cinfo->scale_num = m;
      jpeg_calc_output_dimensions (cinfo);
      if (cinfo->output_width >= min_width && cinfo->output_height >= min_height)
        return;
    }
}

typedef struct
{
  struct jpeg_decompress_struct cinfo;
  ErrorManager err;
} Decoder;

/* Multi-scan JPEGs (progressive, or sequential with one scan per
 * component) keep every DCT coefficient of the image until the last scan:
 * 64 shorts per 8x8 block of each component, whatever the output scale.
 * Single-scan ones stream. */
static guint64
plain_coefficient_bytes (j_decompress_ptr cinfo)
{
  if (!jpeg_has_multiple_scans (cinfo))
    return 0;
  return imgproc_coefficient_store_blocks (cinfo) * sizeof (JBLOCK);
}

/* The memory the coefficients of @cinfo's decode may take, once its header
 * is read, and whether they are packed. */
static guint64
coefficient_memory (j_decompress_ptr   cinfo,
                    gsize              len,
                    ImgprocJpegArrays  arrays,
                    gboolean          *packs)
{
  guint64 plain = plain_coefficient_bytes (cinfo);
  guint64 reservation;

  *packs = FALSE;
  if (arrays == IMGPROC_JPEG_ARRAYS_PLAIN || plain <= PACK_COEFFICIENTS_ABOVE)
    return plain;
  reservation = imgproc_coefficient_store_reservation (cinfo, len);
  if (reservation >= plain)
    return plain;
  *packs = TRUE;
  return reservation;
}

/* Split out so that nothing the setjmp caller reads after a longjmp lives
 * in a register that libjpeg's calls may have clobbered. */
static gboolean
decode_rows (Decoder              *d,
             const guint8         *data,
             gsize                 len,
             guint                 min_width,
             guint                 min_height,
             ImgprocJpegArrays     arrays,
             const ImgprocRowSink *sink,
             gpointer              user_data,
             gsize                *coefficient_peak,
             GCancellable         *cancellable,
             GError              **error)
{
  struct jpeg_decompress_struct *cinfo = &d->cinfo;
  JSAMPARRAY rows;
  guint8 *rgb = NULL;
  guint channels;
  gboolean cmyk;
  gboolean packs;
  guint64 coefficients;

  jpeg_mem_src (cinfo, data, (unsigned long) len);
  jpeg_read_header (cinfo, TRUE);

  cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
  if (cinfo->jpeg_color_space == JCS_GRAYSCALE)
    cinfo->out_color_space = JCS_GRAYSCALE;
  else if (cmyk)
    cinfo->out_color_space = JCS_CMYK;
  else
    cinfo->out_color_space = JCS_RGB;
  cinfo->dct_method = JDCT_ISLOW;
  cinfo->do_fancy_upsampling = TRUE;
  choose_scale (cinfo, min_width, min_height);
  /* Smoothing only changes files whose coefficients are never refined to
   * full precision; it is off in both paths so that packing or not never
   * changes a picture (the store cannot smooth). */
  cinfo->do_block_smoothing = FALSE;
  coefficients = coefficient_memory (cinfo, len, arrays, &packs);
  if (packs)
    imgproc_coefficient_store_install (cinfo, (gsize) MIN (coefficients, G_MAXSIZE));

  jpeg_start_decompress (cinfo);
  channels = cinfo->out_color_space == JCS_GRAYSCALE ? 1 : 3;
  if (!sink->begin (user_data, cinfo->output_width, cinfo->output_height, channels, error))
    return FALSE;

  rows = cinfo->mem->alloc_sarray ((j_common_ptr) cinfo, JPOOL_IMAGE,
                                   cinfo->output_width * cinfo->output_components,
                                   ROWS_PER_READ);
  if (cmyk)
    rgb = cinfo->mem->alloc_small ((j_common_ptr) cinfo, JPOOL_IMAGE,
                                   (size_t) cinfo->output_width * 3);

  while (cinfo->output_scanline < cinfo->output_height)
    {
      JDIMENSION n = jpeg_read_scanlines (cinfo, rows, ROWS_PER_READ);

      if (n == 0)
        fail_with ((j_common_ptr) cinfo, IMGPROC_IMAGE_ERROR_TRUNCATED);
      for (JDIMENSION i = 0; i < n; i++)
        {
          if (cmyk)
            {
              cmyk_to_rgb (rows[i], rgb, cinfo->output_width, cinfo->saw_Adobe_marker);
              sink->row (user_data, rgb);
            }
          else
            sink->row (user_data, rows[i]);
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (coefficient_peak != NULL && cinfo->client_data != NULL)
    *coefficient_peak = imgproc_coefficient_store_peak_bytes (cinfo);
  /* jpeg_finish_decompress would read on to EOI and fail files that merely
   * carry junk after the last scan, which every viewer shows. */
  return TRUE;
}

gboolean
imgproc_jpeg_decode (const guint8         *data,
                     gsize                 len,
                     guint                 min_width,
                     guint                 min_height,
                     ImgprocJpegArrays     arrays,
                     const ImgprocRowSink *sink,
                     gpointer              user_data,
                     gsize                *coefficient_peak,
                     GCancellable         *cancellable,
                     GError              **error)
{
  g_autofree Decoder *d = g_new0 (Decoder, 1);
  gboolean ok;

  error_manager_init (&d->err);
  d->cinfo.err = &d->err.pub;
  if (setjmp (d->err.jump))
    {
      jpeg_destroy_decompress (&d->cinfo);
      g_clear_error (error);
      set_decode_error (error, &d->err);
      return FALSE;
    }
  jpeg_create_decompress (&d->cinfo);
  if (coefficient_peak != NULL)
    *coefficient_peak = 0;
  ok = decode_rows (d, data, len, min_width, min_height, arrays, sink, user_data, coefficient_peak,
                    cancellable, error);
  jpeg_destroy_decompress (&d->cinfo);
  return ok;
}

typedef struct
{
  struct jpeg_compress_struct cinfo;
  ErrorManager err;
  unsigned char *buffer;
  unsigned long size;
} Encoder;

static void
encode_rows (Encoder      *e,
             const guint8 *pixels,
             guint         width,
             guint         height,
             guint         channels,
             guint         quality,
             const guint8 *exif,
             gsize         exif_len)
{
  struct jpeg_compress_struct *cinfo = &e->cinfo;
  gsize stride = (gsize) width * channels;

  jpeg_mem_dest (cinfo, &e->buffer, &e->size);
  cinfo->image_width = width;
  cinfo->image_height = height;
  cinfo->input_components = (int) channels;
  cinfo->in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (cinfo);
  jpeg_set_quality (cinfo, (int) quality, TRUE);
  cinfo->dct_method = JDCT_ISLOW;
  /* Huffman optimisation costs little at thumbnail sizes, and saves ~5%. */
  cinfo->optimize_coding = TRUE;
  if (channels == 3)
    {
      cinfo->comp_info[0].h_samp_factor = 2;
      cinfo->comp_info[0].v_samp_factor = 2;
    }

  jpeg_start_compress (cinfo, TRUE);
  if (exif != NULL && exif_len > 0 && exif_len + 6 <= MAX_MARKER_PAYLOAD)
    {
      g_autofree guint8 *app1 = g_malloc (exif_len + 6);

      memcpy (app1, "Exif\0\0", 6);
      memcpy (app1 + 6, exif, exif_len);
      jpeg_write_marker (cinfo, JPEG_APP0 + 1, app1, (unsigned int) (exif_len + 6));
    }
  while (cinfo->next_scanline < cinfo->image_height)
    {
      JSAMPROW row = (JSAMPROW) (pixels + stride * cinfo->next_scanline);

      jpeg_write_scanlines (cinfo, &row, 1);
    }
  jpeg_finish_compress (cinfo);
}

GBytes *
imgproc_jpeg_encode (const guint8  *pixels,
                     guint          width,
                     guint          height,
                     guint          channels,
                     guint          quality,
                     const guint8  *exif,
                     gsize          exif_len,
                     GError       **error)
{
  g_autofree Encoder *e = g_new0 (Encoder, 1);
  unsigned char *buffer;

  g_return_val_if_fail (channels == 1 || channels == 3, NULL);

  error_manager_init (&e->err);
  e->cinfo.err = &e->err.pub;
  if (setjmp (e->err.jump))
    {
      jpeg_destroy_compress (&e->cinfo);
      free (e->buffer);
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_FAILED,
                   _("Could not encode the JPEG rendition: %s"), e->err.message);
      return NULL;
    }
  jpeg_create_compress (&e->cinfo);
  encode_rows (e, pixels, width, height, channels, quality, exif, exif_len);
  jpeg_destroy_compress (&e->cinfo);

  buffer = g_steal_pointer (&e->buffer);
  return g_bytes_new_with_free_func (buffer, e->size, free, buffer);
}

typedef gboolean (*SegmentFilter) (guint         marker,
                                   const guint8 *payload,
                                   gsize         payload_len);

/* Walks the marker segments up to the first scan and gives the payload of
 * the first one @accept takes, or NULL. It only guards the bounds: headers
 * are validated by the probe. */
static const guint8 *
find_header_segment (const guint8  *data,
                     gsize          len,
                     SegmentFilter  accept,
                     guint         *marker_out,
                     gsize         *payload_len)
{
  gsize pos = 2;

  while (pos + 4 <= len && data[pos] == 0xff)
    {
      guint marker = data[pos + 1];
      gsize seg_len;

      if (marker == 0xff)
        {
          pos++;
          continue;
        }
      if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        {
          pos += 2;
          continue;
        }
      if (marker == 0xda || marker == 0xd9)
        break;
      seg_len = (gsize) data[pos + 2] << 8 | data[pos + 3];
      if (seg_len < 2 || pos + 2 + seg_len > len)
        break;
      if (accept (marker, data + pos + 4, seg_len - 2))
        {
          *marker_out = marker;
          *payload_len = seg_len - 2;
          return data + pos + 4;
        }
      pos += 2 + seg_len;
    }
  return NULL;
}

static gboolean
is_exif (guint         marker,
         const guint8 *payload,
         gsize         payload_len)
{
  return marker == 0xe1 && payload_len > 6 && memcmp (payload, "Exif\0\0", 6) == 0;
}

/* Gives the TIFF block of the first EXIF APP1 segment, or NULL. */
const guint8 *
imgproc_jpeg_find_exif (const guint8 *data,
                        gsize         len,
                        gsize        *exif_len)
{
  guint marker;
  gsize payload_len = 0;
  const guint8 *payload = find_header_segment (data, len, is_exif, &marker, &payload_len);

  *exif_len = payload != NULL ? payload_len - 6 : 0;
  return payload != NULL ? payload + 6 : NULL;
}

/* The decode reads the same header again, and sizes its arrays from it:
 * so this is what it then takes. Reading a header costs microseconds; a
 * header that does not read costs nothing, as its decode fails at once. */
static guint64
header_coefficient_memory (const guint8      *data,
                           gsize              len,
                           ImgprocJpegArrays  arrays)
{
  g_autofree Decoder *d = g_new0 (Decoder, 1);
  gboolean packs;
  guint64 bytes;

  error_manager_init (&d->err);
  d->cinfo.err = &d->err.pub;
  if (setjmp (d->err.jump))
    {
      jpeg_destroy_decompress (&d->cinfo);
      return 0;
    }
  jpeg_create_decompress (&d->cinfo);
  jpeg_mem_src (&d->cinfo, data, (unsigned long) len);
  jpeg_read_header (&d->cinfo, TRUE);
  bytes = coefficient_memory (&d->cinfo, len, arrays, &packs);
  jpeg_destroy_decompress (&d->cinfo);
  return bytes;
}

/* What libjpeg's own whole-image arrays for @data take: 0 for a JPEG that
 * streams. */
guint64
imgproc_jpeg_coefficient_bytes (const guint8 *data,
                                gsize         len)
{
  return header_coefficient_memory (data, len, IMGPROC_JPEG_ARRAYS_PLAIN);
}

/* What the decode of @data with @arrays keeps besides its output rows: its
 * coefficients, plain or packed. A packed decode fails rather than take
 * more. */
guint64
imgproc_jpeg_decode_memory (const guint8      *data,
                            gsize              len,
                            ImgprocJpegArrays  arrays)
{
  return header_coefficient_memory (data, len, arrays);
}
