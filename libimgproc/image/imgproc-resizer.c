/* ImgprocResizer: decodes an image once, at the smallest scale that serves
 * the largest rendition, and resamples every rendition from that decode.
 * All configuration is construct-only, so one resizer serves many threads. */
#include "config.h"

#include <inttypes.h>

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-image-info-private.h"
#include "imgproc-exif-private.h"
#include "imgproc-jpeg-private.h"
#include "imgproc-pixbuf-private.h"
#include "imgproc-rendition-private.h"
#include "imgproc-resample-private.h"

#include <string.h>

/* The DCT-scaled decode must be at least this many times the rendition.
 * Measured on the 8-25 MP test photos against Lanczos from the full decode
 * (PSNR of a quality-85 rendition; the reference itself saved at quality 85
 * is the ceiling): at 1.0 picos loses 1.5 dB; at 1.3 the worst loss is
 * 0.45 dB (dragonfly, 37.4 dB) and four of six photos sit at the ceiling;
 * 1.5 reaches it everywhere but decodes two of them at 1/2 instead of 1/4,
 * for 1.45x the instructions of `djpeg -scale 1/4 | cjpeg` instead of 1.17x. */
#define DECODE_OVERSAMPLING 1.3

/**
 * ImgprocResizer:
 *
 * Makes resized renditions of an image. It reads JPEG (baseline,
 * progressive, grayscale, CMYK), PNG, WebP, GIF, TIFF and BMP, detected
 * from the content; applies the EXIF orientation; never upscales; and
 * encodes JPEG, PNG or WebP.
 *
 * Each input is decoded once, at the smallest scale that still serves the
 * largest rendition (JPEG is decoded with DCT scaling), then every
 * rendition is resampled from that decode with a Lanczos3 filter.
 *
 * Its configuration is fixed at construction, so one resizer may be used
 * from several threads at once.
 */
struct _ImgprocResizer
{
  GObject parent_instance;

  guint *widths;
  gsize n_widths;
  guint max_height;
  ImgprocOutputFormat output_format;
  guint quality;
  gboolean strip_metadata;
  gboolean auto_orient;
  guint32 background;
  guint64 max_bytes;
  guint64 max_pixels;
  guint64 decode_memory_budget;

  GMutex budget_lock;
  guint64 decode_memory_in_use;
  GQueue waiting_for_memory;
};

G_DEFINE_FINAL_TYPE (ImgprocResizer, imgproc_resizer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WIDTHS,
  PROP_MAX_HEIGHT,
  PROP_OUTPUT_FORMAT,
  PROP_QUALITY,
  PROP_STRIP_METADATA,
  PROP_AUTO_ORIENT,
  PROP_BACKGROUND,
  PROP_MAX_BYTES,
  PROP_MAX_PIXELS,
  PROP_DECODE_MEMORY_BUDGET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_widths (ImgprocResizer *self,
            const guint    *widths,
            gsize           n_widths)
{
  gsize n = 0;

  g_free (self->widths);
  self->widths = g_new (guint, MAX (n_widths, 1));
  for (gsize i = 0; i < n_widths; i++)
    {
      if (widths[i] == 0)
        {
          g_critical ("%s: a target width of 0 is ignored", G_STRFUNC);
          continue;
        }
      self->widths[n++] = widths[i];
    }
  if (n == 0)
    self->widths[n++] = IMGPROC_RESIZER_DEFAULT_WIDTH;
  self->n_widths = n;
}

static GVariant *
widths_to_variant (const guint *widths,
                   gsize        n_widths)
{
  G_STATIC_ASSERT (sizeof (guint) == sizeof (guint32));
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, widths, n_widths, sizeof (guint32));
}

static void
imgproc_resizer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ImgprocResizer *self = IMGPROC_RESIZER (object);

  switch (prop_id)
    {
    case PROP_WIDTHS:
      g_value_take_variant (value, g_variant_ref_sink (widths_to_variant (self->widths, self->n_widths)));
      break;
    case PROP_MAX_HEIGHT:
      g_value_set_uint (value, self->max_height);
      break;
    case PROP_OUTPUT_FORMAT:
      g_value_set_enum (value, self->output_format);
      break;
    case PROP_QUALITY:
      g_value_set_uint (value, self->quality);
      break;
    case PROP_STRIP_METADATA:
      g_value_set_boolean (value, self->strip_metadata);
      break;
    case PROP_AUTO_ORIENT:
      g_value_set_boolean (value, self->auto_orient);
      break;
    case PROP_BACKGROUND:
      g_value_set_uint (value, self->background);
      break;
    case PROP_DECODE_MEMORY_BUDGET:
      g_value_set_uint64 (value, self->decode_memory_budget);
      break;
    case PROP_MAX_BYTES:
      g_value_set_uint64 (value, self->max_bytes);
      break;
    case PROP_MAX_PIXELS:
      g_value_set_uint64 (value, self->max_pixels);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_resizer_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ImgprocResizer *self = IMGPROC_RESIZER (object);

  switch (prop_id)
    {
    case PROP_WIDTHS:
      {
        GVariant *widths = g_value_get_variant (value);
        gsize n = 0;
        const guint32 *array = NULL;

        if (widths != NULL)
          array = g_variant_get_fixed_array (widths, &n, sizeof (guint32));
        set_widths (self, array, n);
      }
      break;
    case PROP_MAX_HEIGHT:
      self->max_height = g_value_get_uint (value);
      break;
    case PROP_OUTPUT_FORMAT:
      self->output_format = g_value_get_enum (value);
      break;
    case PROP_QUALITY:
      self->quality = g_value_get_uint (value);
      break;
    case PROP_STRIP_METADATA:
      self->strip_metadata = g_value_get_boolean (value);
      break;
    case PROP_AUTO_ORIENT:
      self->auto_orient = g_value_get_boolean (value);
      break;
    case PROP_BACKGROUND:
      self->background = g_value_get_uint (value);
      break;
    case PROP_MAX_BYTES:
      self->max_bytes = g_value_get_uint64 (value);
      break;
    case PROP_MAX_PIXELS:
      self->max_pixels = g_value_get_uint64 (value);
      break;
    case PROP_DECODE_MEMORY_BUDGET:
      self->decode_memory_budget = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_resizer_finalize (GObject *object)
{
  ImgprocResizer *self = IMGPROC_RESIZER (object);

  g_free (self->widths);
  g_mutex_clear (&self->budget_lock);

  G_OBJECT_CLASS (imgproc_resizer_parent_class)->finalize (object);
}

static void
imgproc_resizer_class_init (ImgprocResizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  guint default_width = IMGPROC_RESIZER_DEFAULT_WIDTH;
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                      G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = imgproc_resizer_get_property;
  object_class->set_property = imgproc_resizer_set_property;
  object_class->finalize = imgproc_resizer_finalize;

  /**
   * ImgprocResizer:widths:
   *
   * The target widths, one rendition each, as an array of unsigned 32-bit
   * integers (GVariant type "au"). Renditions come back in this order.
   * Widths of 0 are ignored; an empty array means the default, 800.
   */
  properties[PROP_WIDTHS] =
    g_param_spec_variant ("widths", NULL, NULL,
                          G_VARIANT_TYPE ("au"),
                          widths_to_variant (&default_width, 1),
                          flags);

  /**
   * ImgprocResizer:max-height:
   *
   * The maximum height of a rendition, or 0 for none. A rendition that
   * would be taller is made smaller, keeping the aspect ratio.
   */
  properties[PROP_MAX_HEIGHT] =
    g_param_spec_uint ("max-height", NULL, NULL,
                       0, G_MAXUINT, 0, flags);

  /**
   * ImgprocResizer:output-format:
   *
   * The format of the renditions.
   */
  properties[PROP_OUTPUT_FORMAT] =
    g_param_spec_enum ("output-format", NULL, NULL,
                       IMGPROC_TYPE_OUTPUT_FORMAT,
                       IMGPROC_OUTPUT_FORMAT_SAME, flags);

  /**
   * ImgprocResizer:quality:
   *
   * The quality of lossy output (JPEG, WebP), from 1 to 100.
   */
  properties[PROP_QUALITY] =
    g_param_spec_uint ("quality", NULL, NULL,
                       1, 100, IMGPROC_RESIZER_DEFAULT_QUALITY, flags);

  /**
   * ImgprocResizer:strip-metadata:
   *
   * Whether to leave all metadata out of the renditions, so that no EXIF
   * (and no GPS position) survives. When off, the EXIF block of a JPEG
   * input is copied into JPEG renditions, with the orientation reset when
   * it was applied.
   */
  properties[PROP_STRIP_METADATA] =
    g_param_spec_boolean ("strip-metadata", NULL, NULL,
                          TRUE, flags);

  /**
   * ImgprocResizer:auto-orient:
   *
   * Whether to apply the EXIF orientation (all eight of them), so that the
   * renditions look right without it.
   */
  properties[PROP_AUTO_ORIENT] =
    g_param_spec_boolean ("auto-orient", NULL, NULL,
                          TRUE, flags);

  /**
   * ImgprocResizer:background:
   *
   * The colour, as 0xRRGGBB, that transparent pixels are flattened onto
   * when the output is JPEG. The default is white.
   */
  properties[PROP_BACKGROUND] =
    g_param_spec_uint ("background", NULL, NULL,
                       0, 0xffffff, 0xffffff, flags);

  /**
   * ImgprocResizer:max-bytes:
   *
   * The largest input accepted, in bytes, or 0 for no limit.
   */
  properties[PROP_MAX_BYTES] =
    g_param_spec_uint64 ("max-bytes", NULL, NULL,
                         0, G_MAXUINT64, 0, flags);

  /**
   * ImgprocResizer:max-pixels:
   *
   * The largest image accepted, in pixels (width times height), or 0 for no
   * limit. It is checked from the header, before anything is decoded.
   */
  properties[PROP_MAX_PIXELS] =
    g_param_spec_uint64 ("max-pixels", NULL, NULL,
                         0, G_MAXUINT64, IMGPROC_RESIZER_DEFAULT_MAX_PIXELS, flags);

  /**
   * ImgprocResizer:decode-memory-budget:
   *
   * The memory, in bytes, that the decodes started by
   * [method@Imgproc.Resizer.process_async] may hold at once, or 0 for no
   * budget beyond the one decode per processor.
   *
   * Each input's need is estimated from its header and size before it is
   * queued: a multi-scan JPEG (progressive, or one scan per component)
   * keeps all its DCT coefficients until the last scan, whatever the output
   * scale (packed above 8 MiB, to about a tenth), a single-scan JPEG
   * streams, and other formats hold their full decode. Inputs wait, in
   * order, until their estimate fits; one that needs more than the whole
   * budget runs alone. Synchronous calls are not counted.
   *
   * Packed coefficients are estimated from the file's size, and the decode
   * fails rather than take more than that estimate. A JPEG that needs more
   * is decoded again in libjpeg's own arrays, charged their full size, if
   * that fits in the budget, and fails with %IMGPROC_IMAGE_ERROR_TOO_LARGE
   * otherwise. With no budget it is always decoded again. A `JPEGMEM`
   * limit in the environment (libjpeg's own) caps packed coefficients as it
   * caps libjpeg's arrays.
   */
  properties[PROP_DECODE_MEMORY_BUDGET] =
    g_param_spec_uint64 ("decode-memory-budget", NULL, NULL,
                         0, G_MAXUINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_resizer_init (ImgprocResizer *self)
{
  set_widths (self, NULL, 0);
  self->quality = IMGPROC_RESIZER_DEFAULT_QUALITY;
  self->strip_metadata = TRUE;
  self->auto_orient = TRUE;
  self->background = 0xffffff;
  self->max_pixels = IMGPROC_RESIZER_DEFAULT_MAX_PIXELS;
  g_mutex_init (&self->budget_lock);
  g_queue_init (&self->waiting_for_memory);
}

/**
 * imgproc_resizer_new:
 * @widths: (array length=n_widths) (nullable): the target widths
 * @n_widths: the number of target widths
 *
 * Creates a resizer with one rendition per width in @widths, and the
 * defaults for everything else. Use g_object_new() to set other properties.
 *
 * Returns: (transfer full): a new resizer
 */
ImgprocResizer *
imgproc_resizer_new (const guint *widths,
                     gsize        n_widths)
{
  g_autoptr(GVariant) variant = NULL;

  g_return_val_if_fail (widths != NULL || n_widths == 0, NULL);

  variant = g_variant_ref_sink (widths_to_variant (widths, n_widths));
  return g_object_new (IMGPROC_TYPE_RESIZER, "widths", variant, NULL);
}

/**
 * imgproc_resizer_get_widths:
 * @self: a resizer
 * @n_widths: (out) (optional): the number of widths
 *
 * Gives the target widths, in the order renditions come back.
 *
 * Returns: (array length=n_widths) (transfer none): the widths
 */
const guint *
imgproc_resizer_get_widths (ImgprocResizer *self,
                            gsize          *n_widths)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), NULL);

  if (n_widths != NULL)
    *n_widths = self->n_widths;
  return self->widths;
}

/**
 * imgproc_resizer_get_max_height:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:max-height].
 *
 * Returns: the maximum height in pixels, or 0 for none
 */
guint
imgproc_resizer_get_max_height (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), 0);
  return self->max_height;
}

/**
 * imgproc_resizer_get_output_format:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:output-format].
 *
 * Returns: the output format
 */
ImgprocOutputFormat
imgproc_resizer_get_output_format (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), IMGPROC_OUTPUT_FORMAT_SAME);
  return self->output_format;
}

/**
 * imgproc_resizer_get_quality:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:quality].
 *
 * Returns: the quality, 1 to 100
 */
guint
imgproc_resizer_get_quality (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), 0);
  return self->quality;
}

/**
 * imgproc_resizer_get_strip_metadata:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:strip-metadata].
 *
 * Returns: whether metadata is stripped
 */
gboolean
imgproc_resizer_get_strip_metadata (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), TRUE);
  return self->strip_metadata;
}

/**
 * imgproc_resizer_get_auto_orient:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:auto-orient].
 *
 * Returns: whether the EXIF orientation is applied
 */
gboolean
imgproc_resizer_get_auto_orient (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), TRUE);
  return self->auto_orient;
}

/**
 * imgproc_resizer_get_background:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:background].
 *
 * Returns: the background colour as 0xRRGGBB
 */
guint32
imgproc_resizer_get_background (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), 0xffffff);
  return self->background;
}

/**
 * imgproc_resizer_get_max_bytes:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:max-bytes].
 *
 * Returns: the input byte limit, or 0 for none
 */
guint64
imgproc_resizer_get_max_bytes (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), 0);
  return self->max_bytes;
}

/**
 * imgproc_resizer_get_max_pixels:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:max-pixels].
 *
 * Returns: the input pixel limit, or 0 for none
 */
guint64
imgproc_resizer_get_max_pixels (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), 0);
  return self->max_pixels;
}

/**
 * imgproc_resizer_get_decode_memory_budget:
 * @self: a resizer
 *
 * Gives [property@Imgproc.Resizer:decode-memory-budget].
 *
 * Returns: the decode memory budget in bytes, or 0 for none
 */
guint64
imgproc_resizer_get_decode_memory_budget (ImgprocResizer *self)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), 0);
  return self->decode_memory_budget;
}

/* One rendition in flight: its size as displayed and as stored (before the
 * orientation turns it), and the scaler that feeds it, which renditions of
 * the same size share. */
typedef struct
{
  guint target_width;
  guint width;
  guint height;
  guint stored_width;
  guint stored_height;
  guint scaler;
} Plan;

typedef struct
{
  Plan *plans;
  gsize n_plans;
  ImgprocScaler **scalers;
  gsize n_scalers;
  guint channels;
} Job;

static void
job_clear (Job *job)
{
  for (gsize i = 0; i < job->n_scalers; i++)
    imgproc_scaler_free (job->scalers[i]);
  g_free (job->scalers);
  g_free (job->plans);
}

static guint
scale_round (guint64 value,
             guint64 numerator,
             guint64 denominator)
{
  guint64 v = (value * numerator * 2 + denominator) / (denominator * 2);

  return (guint) CLAMP (v, 1, G_MAXUINT);
}

/* Width w of W×H gives round(H·w/W), at least 1; a maximum height then fits
 * the box. Nothing is ever made larger than it is. */
static void
plan_geometry (ImgprocResizer *self,
               guint           display_width,
               guint           display_height,
               gboolean        transposed,
               Job            *job)
{
  job->n_plans = self->n_widths;
  job->plans = g_new0 (Plan, job->n_plans);
  job->scalers = g_new0 (ImgprocScaler *, job->n_plans);

  for (gsize i = 0; i < job->n_plans; i++)
    {
      Plan *p = &job->plans[i];

      p->target_width = self->widths[i];
      if (p->target_width >= display_width)
        {
          p->width = display_width;
          p->height = display_height;
        }
      else
        {
          p->width = p->target_width;
          p->height = scale_round (display_height, p->target_width, display_width);
        }
      if (self->max_height > 0 && p->height > self->max_height)
        {
          p->height = self->max_height;
          p->width = MIN (display_width, scale_round (display_width, self->max_height, display_height));
        }
      p->stored_width = transposed ? p->height : p->width;
      p->stored_height = transposed ? p->width : p->height;

      p->scaler = (guint) job->n_scalers;
      for (gsize j = 0; j < i; j++)
        if (job->plans[j].stored_width == p->stored_width &&
            job->plans[j].stored_height == p->stored_height)
          {
            p->scaler = job->plans[j].scaler;
            break;
          }
      if (p->scaler == job->n_scalers)
        job->n_scalers++;
    }
}

static gboolean
job_begin (gpointer   user_data,
           guint      width,
           guint      height,
           guint      channels,
           GError   **error)
{
  Job *job = user_data;

  job->channels = channels;
  for (gsize i = 0; i < job->n_plans; i++)
    {
      Plan *p = &job->plans[i];

      /* The plan came from the header; a decoder that disagrees with it
       * means a damaged file, and must not make us read past a buffer. */
      if (width < p->stored_width || height < p->stored_height)
        {
          g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_CORRUPT,
                       _("The image is corrupt: it decodes to %u×%u pixels, smaller than its header says"),
                       width, height);
          return FALSE;
        }
      if (job->scalers[p->scaler] == NULL)
        job->scalers[p->scaler] = imgproc_scaler_new (width, height,
                                                      p->stored_width, p->stored_height,
                                                      channels);
    }
  return TRUE;
}

static void
job_row (gpointer      user_data,
         const guint8 *row)
{
  Job *job = user_data;

  for (gsize i = 0; i < job->n_scalers; i++)
    imgproc_scaler_push_row (job->scalers[i], row);
}

static const ImgprocRowSink job_sink = { job_begin, job_row };

static gboolean
pixbuf_is_opaque (GdkPixbuf *pixbuf)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);

  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    return TRUE;
  for (int y = 0; y < height; y++)
    {
      const guint8 *row = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        if (row[4 * x + 3] != 255)
          return FALSE;
    }
  return TRUE;
}

static gboolean
decode_with_pixbuf (const guint8        *data,
                    gsize                len,
                    ImgprocImageFormat   format,
                    Job                 *job,
                    GError             **error)
{
  g_autoptr(GdkPixbuf) pixbuf = imgproc_pixbuf_decode (data, len, format, error);
  g_autofree guint8 *rgb = NULL;
  const guint8 *pixels;
  guint width, height, channels;
  int stride;

  if (pixbuf == NULL)
    return FALSE;
  width = (guint) gdk_pixbuf_get_width (pixbuf);
  height = (guint) gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);

  /* Loaders give alpha to opaque GIFs and TIFFs too; dropping it keeps
   * those JPEG-able and PNGs smaller. */
  channels = pixbuf_is_opaque (pixbuf) ? 3 : 4;
  if (channels == 3 && gdk_pixbuf_get_has_alpha (pixbuf))
    rgb = g_malloc ((gsize) width * 3);

  if (!job_begin (job, width, height, channels, error))
    return FALSE;
  for (guint y = 0; y < height; y++)
    {
      const guint8 *row = pixels + (gsize) y * stride;

      if (rgb != NULL)
        {
          for (guint x = 0; x < width; x++)
            memcpy (rgb + 3 * x, row + 4 * x, 3);
          row = rgb;
        }
      job_row (job, row);
    }
  return TRUE;
}

static ImgprocImageFormat
choose_output_format (ImgprocOutputFormat requested,
                      ImgprocImageFormat  input,
                      gboolean            has_alpha)
{
  switch (requested)
    {
    case IMGPROC_OUTPUT_FORMAT_JPEG:
      return IMGPROC_IMAGE_FORMAT_JPEG;
    case IMGPROC_OUTPUT_FORMAT_PNG:
      return IMGPROC_IMAGE_FORMAT_PNG;
    case IMGPROC_OUTPUT_FORMAT_WEBP:
      return IMGPROC_IMAGE_FORMAT_WEBP;
    case IMGPROC_OUTPUT_FORMAT_SAME:
    default:
      if (input == IMGPROC_IMAGE_FORMAT_JPEG || input == IMGPROC_IMAGE_FORMAT_PNG ||
          input == IMGPROC_IMAGE_FORMAT_WEBP)
        return input;
      return has_alpha ? IMGPROC_IMAGE_FORMAT_PNG : IMGPROC_IMAGE_FORMAT_JPEG;
    }
}

/* Converts between 1, 3 and 4 channels as the
 * output format needs: JPEG takes gray or RGB, PNG and WebP RGB or RGBA. */
static guint8 *
convert_channels (const guint8 *pixels,
                  gsize         n_pixels,
                  guint         channels,
                  guint         wanted,
                  guint32       background)
{
  guint8 *out = g_malloc (n_pixels * wanted);
  guint bg[3] = { (background >> 16) & 0xff, (background >> 8) & 0xff, background & 0xff };

  for (gsize i = 0; i < n_pixels; i++)
    {
      const guint8 *s = pixels + i * channels;
      guint8 *d = out + i * wanted;

      if (channels == 1)
        d[0] = d[1] = d[2] = s[0];
      else
        {
          guint a = s[3];

          for (guint c = 0; c < 3; c++)
            d[c] = (guint8) ((s[c] * a + bg[c] * (255 - a) + 127) / 255);
        }
    }
  return out;
}

static GBytes *
encode (ImgprocResizer      *self,
        const guint8        *pixels,
        guint                width,
        guint                height,
        guint                channels,
        ImgprocImageFormat   format,
        const guint8        *exif,
        gsize                exif_len,
        GError             **error)
{
  g_autofree guint8 *converted = NULL;
  gsize n_pixels = (gsize) width * height;

  if (format == IMGPROC_IMAGE_FORMAT_JPEG)
    {
      if (channels == 4)
        {
          converted = convert_channels (pixels, n_pixels, 4, 3, self->background);
          pixels = converted;
          channels = 3;
        }
      return imgproc_jpeg_encode (pixels, width, height, channels, self->quality,
                                  exif, exif_len, error);
    }

  if (channels == 1)
    {
      converted = convert_channels (pixels, n_pixels, 1, 3, 0);
      pixels = converted;
      channels = 3;
    }
  return imgproc_pixbuf_encode (pixels, width, height, channels, format, self->quality, error);
}

/* @arrays_too_large is set when the JPEG decode with @arrays failed as
 * too large, where another choice of arrays might not. */
static GPtrArray *
process_data (ImgprocResizer     *self,
              const guint8       *data,
              gsize               len,
              ImgprocJpegArrays   arrays,
              gboolean           *arrays_too_large,
              GCancellable       *cancellable,
              GError            **error)
{
  g_autoptr(ImgprocImageInfo) info = NULL;
  g_autoptr(GPtrArray) renditions = NULL;
  g_autofree guint8 *exif = NULL;
  g_autofree guint8 **outputs = NULL;
  Job job = { 0 };
  ImgprocImageFormat input_format;
  guint orientation;
  gboolean transposed;
  gsize exif_len = 0;
  gboolean ok;

  imgproc_ensure_i18n ();
  *arrays_too_large = FALSE;

  if (self->max_bytes > 0 && len > self->max_bytes)
    {
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE,
                   _("The image is too large: %" PRIu64 " bytes, the limit is %" PRIu64),
                   (guint64) len, self->max_bytes);
      return NULL;
    }
  info = imgproc_image_info_parse (data, len, error);
  if (info == NULL)
    return NULL;
  input_format = imgproc_image_info_get_format (info);
  if (self->max_pixels > 0 &&
      (guint64) imgproc_image_info_get_width (info) * imgproc_image_info_get_height (info) > self->max_pixels)
    {
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE,
                   _("The image is too large: %u×%u pixels, the limit is %" PRIu64 " pixels"),
                   imgproc_image_info_get_width (info), imgproc_image_info_get_height (info),
                   self->max_pixels);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  orientation = self->auto_orient ? imgproc_image_info_get_orientation (info)
                                  : IMGPROC_EXIF_ORIENTATION_NORMAL;
  transposed = orientation >= 5;
  plan_geometry (self,
                 transposed ? imgproc_image_info_get_height (info) : imgproc_image_info_get_width (info),
                 transposed ? imgproc_image_info_get_width (info) : imgproc_image_info_get_height (info),
                 transposed, &job);

  if (input_format == IMGPROC_IMAGE_FORMAT_JPEG)
    {
      guint min_width = 0, min_height = 0;
      GError *decode_error = NULL;

      for (gsize i = 0; i < job.n_plans; i++)
        {
          min_width = MAX (min_width, (guint) (job.plans[i].stored_width * DECODE_OVERSAMPLING));
          min_height = MAX (min_height, (guint) (job.plans[i].stored_height * DECODE_OVERSAMPLING));
        }
      ok = imgproc_jpeg_decode (data, len, min_width, min_height, arrays, &job_sink, &job, NULL,
                                cancellable, &decode_error);
      if (!ok)
        {
          *arrays_too_large = g_error_matches (decode_error, IMGPROC_IMAGE_ERROR,
                                               IMGPROC_IMAGE_ERROR_TOO_LARGE);
          g_propagate_error (error, decode_error);
        }

      if (ok && !self->strip_metadata)
        {
          const guint8 *found = imgproc_jpeg_find_exif (data, len, &exif_len);

          if (found != NULL)
            {
              exif = g_memdup2 (found, exif_len);
              if (orientation != IMGPROC_EXIF_ORIENTATION_NORMAL)
                imgproc_exif_set_orientation (exif, exif_len, IMGPROC_EXIF_ORIENTATION_NORMAL);
            }
        }
    }
  else
    ok = decode_with_pixbuf (data, len, input_format, &job, error);

  if (ok)
    ok = !g_cancellable_set_error_if_cancelled (cancellable, error);
  if (!ok)
    {
      job_clear (&job);
      return NULL;
    }

  outputs = g_new0 (guint8 *, job.n_scalers);
  for (gsize i = 0; i < job.n_scalers; i++)
    {
      outputs[i] = imgproc_scaler_finish (job.scalers[i]);
      if (outputs[i] == NULL)
        {
          g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TRUNCATED,
                       _("The %s image is truncated: it has fewer rows than its header says"),
                       imgproc_image_format_get_name (input_format));
          ok = FALSE;
          break;
        }
    }

  renditions = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_rendition_unref);
  for (gsize i = 0; ok && i < job.n_plans; i++)
    {
      const Plan *p = &job.plans[i];
      g_autofree guint8 *oriented = NULL;
      g_autoptr(GBytes) bytes = NULL;
      const guint8 *pixels = outputs[p->scaler];
      guint width = p->stored_width;
      guint height = p->stored_height;
      ImgprocImageFormat format;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      if (orientation != IMGPROC_EXIF_ORIENTATION_NORMAL)
        {
          oriented = imgproc_orient (pixels, width, height, job.channels, orientation, &width, &height);
          pixels = oriented;
        }
      format = choose_output_format (self->output_format, input_format, job.channels == 4);
      bytes = encode (self, pixels, width, height, job.channels, format, exif, exif_len, error);
      if (bytes == NULL)
        {
          ok = FALSE;
          break;
        }
      g_ptr_array_add (renditions, imgproc_rendition_new (bytes, p->target_width, width, height, format));
    }

  for (gsize i = 0; i < job.n_scalers; i++)
    g_free (outputs[i]);
  job_clear (&job);
  return ok ? g_steal_pointer (&renditions) : NULL;
}

/* A generous bound on what decoding @data holds: see the
 * decode-memory-budget property. A header that does not parse costs
 * nothing, as its decode fails at once. */
static guint64
estimate_decode_memory (GBytes            *input,
                        ImgprocJpegArrays  arrays)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (input, &len);
  g_autoptr(ImgprocImageInfo) info = imgproc_image_info_parse (data, len, NULL);
  guint64 pixels;

  if (info == NULL)
    return 0;
  pixels = (guint64) imgproc_image_info_get_width (info) * imgproc_image_info_get_height (info);
  if (imgproc_image_info_get_format (info) == IMGPROC_IMAGE_FORMAT_JPEG)
    return imgproc_jpeg_decode_memory (data, len, arrays) + pixels * 3 / 16;
  return pixels * 4 * 2;
}

/* A packed decode that outgrows its reservation is a file whose
 * coefficients pack far worse than the file's size promised: hostile, or
 * very unusual. It gets one more decode in libjpeg's own arrays, whose size
 * the header fixes, if those fit in the whole budget, and that decode is
 * charged their size: the file is not lost, and no decode holds more than
 * it was charged. Otherwise it is refused as too large, a permanent
 * failure: letting it run alone, as an honest estimate over the budget
 * does, would let any upload take its plain arrays' worth (up to 6 bytes
 * a pixel) by lying about its packing. Without a budget nothing was
 * charged, and the plain decode is what libjpeg itself does. */
static gboolean
may_retry_plain (ImgprocResizer *self,
                 GBytes         *input)
{
  return self->decode_memory_budget == 0 ||
         estimate_decode_memory (input, IMGPROC_JPEG_ARRAYS_PLAIN) <= self->decode_memory_budget;
}

/**
 * imgproc_resizer_process:
 * @self: a resizer
 * @input: the bytes of an image file
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError in the `IMGPROC_IMAGE_ERROR` domain
 *
 * Makes one rendition of @input per target width, in the order of
 * [property@Imgproc.Resizer:widths]. The input is checked against the byte
 * and pixel limits before it is decoded, and decoded once (twice for a
 * rare JPEG: see [property@Imgproc.Resizer:decode-memory-budget]).
 *
 * A damaged or unsupported input gives an error, never a partial rendition.
 * @cancellable is checked between the stages (decode, resample, encode).
 *
 * The array owns its renditions (it frees them with itself), hence the
 * container transfer: unreffing the array is all a caller does.
 *
 * Returns: (transfer container) (element-type ImgprocRendition): the
 *   renditions, or %NULL with @error set
 */
GPtrArray *
imgproc_resizer_process (ImgprocResizer  *self,
                         GBytes          *input,
                         GCancellable    *cancellable,
                         GError         **error)
{
  gsize len = 0;
  const guint8 *data;
  gboolean arrays_too_large;
  GError *local_error = NULL;
  GPtrArray *renditions;

  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), NULL);
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (input, &len);
  renditions = process_data (self, data, len, IMGPROC_JPEG_ARRAYS_PACKED, &arrays_too_large,
                             cancellable, &local_error);
  if (renditions == NULL && arrays_too_large && may_retry_plain (self, input))
    {
      g_clear_error (&local_error);
      renditions = process_data (self, data, len, IMGPROC_JPEG_ARRAYS_PLAIN, &arrays_too_large,
                                 cancellable, &local_error);
    }
  if (renditions == NULL)
    g_propagate_error (error, local_error);
  return renditions;
}

typedef struct {
  GBytes *input;
  ImgprocJpegArrays arrays;
  guint64 decode_memory;
} PoolJob;

static void
pool_job_free (PoolJob *job)
{
  g_bytes_unref (job->input);
  g_free (job);
}

static GThreadPool *decode_pool (void);

static gboolean
fits_budget (ImgprocResizer *self,
             guint64         decode_memory)
{
  return self->decode_memory_in_use == 0 ||
         self->decode_memory_in_use + decode_memory <= self->decode_memory_budget;
}

/* Takes the task's reference. */
static void
queue_decode (ImgprocResizer *self,
              GTask          *task)
{
  PoolJob *job = g_task_get_task_data (task);
  gboolean start;

  if (self->decode_memory_budget == 0)
    {
      g_thread_pool_push (decode_pool (), task, NULL);
      return;
    }

  g_mutex_lock (&self->budget_lock);
  start = g_queue_is_empty (&self->waiting_for_memory) && fits_budget (self, job->decode_memory);
  if (start)
    self->decode_memory_in_use += job->decode_memory;
  else
    g_queue_push_tail (&self->waiting_for_memory, task);
  g_mutex_unlock (&self->budget_lock);

  if (start)
    g_thread_pool_push (decode_pool (), task, NULL);
}

static void
release_decode_memory (ImgprocResizer *self,
                       guint64         decode_memory)
{
  GPtrArray *ready;

  if (self->decode_memory_budget == 0)
    return;

  ready = g_ptr_array_new ();
  g_mutex_lock (&self->budget_lock);
  self->decode_memory_in_use -= decode_memory;
  while (!g_queue_is_empty (&self->waiting_for_memory))
    {
      GTask *next = g_queue_peek_head (&self->waiting_for_memory);
      PoolJob *next_job = g_task_get_task_data (next);

      if (!fits_budget (self, next_job->decode_memory))
        break;
      self->decode_memory_in_use += next_job->decode_memory;
      g_ptr_array_add (ready, g_queue_pop_head (&self->waiting_for_memory));
    }
  g_mutex_unlock (&self->budget_lock);

  for (guint i = 0; i < ready->len; i++)
    g_thread_pool_push (decode_pool (), g_ptr_array_index (ready, i), NULL);
  g_ptr_array_unref (ready);
}

static void
process_in_pool (gpointer task_data,
                 gpointer unused)
{
  g_autoptr(GTask) task = task_data;
  ImgprocResizer *self = g_task_get_source_object (task);
  PoolJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *renditions;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (job->input, &len);
  gboolean arrays_too_large;

  renditions = process_data (self, data, len, job->arrays, &arrays_too_large,
                             g_task_get_cancellable (task), &error);
  release_decode_memory (self, job->decode_memory);
  if (renditions == NULL && arrays_too_large && job->arrays == IMGPROC_JPEG_ARRAYS_PACKED &&
      may_retry_plain (self, job->input))
    {
      g_clear_error (&error);
      job->arrays = IMGPROC_JPEG_ARRAYS_PLAIN;
      if (self->decode_memory_budget > 0)
        job->decode_memory = estimate_decode_memory (job->input, IMGPROC_JPEG_ARRAYS_PLAIN);
      queue_decode (self, g_steal_pointer (&task));
      return;
    }
  if (renditions == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, renditions, (GDestroyNotify) g_ptr_array_unref);
}

static gpointer
create_decode_pool (gpointer unused)
{
  return g_thread_pool_new (process_in_pool, NULL, (gint) g_get_num_processors (), FALSE, NULL);
}

/* One pool for every resizer in the process: a decode is CPU-bound, so
 * running more decodes than there are processors only multiplies the memory
 * held without finishing sooner. GTask's own pool grows with the number of
 * waiting tasks. */
static GThreadPool *
decode_pool (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, create_decode_pool, NULL);
  return once.retval;
}

/**
 * imgproc_resizer_process_async:
 * @self: a resizer
 * @input: the bytes of an image file
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the renditions are ready
 * @user_data: data for @callback
 *
 * Makes the renditions of @input like [method@Imgproc.Resizer.process],
 * in a worker thread. Finish with [method@Imgproc.Resizer.process_finish].
 *
 * All resizers of a process share one pool of worker threads, as many as
 * there are processors; calls beyond that wait in turn. With a
 * [property@Imgproc.Resizer:decode-memory-budget], calls also wait until
 * their decode fits in it.
 */
void
imgproc_resizer_process_async (ImgprocResizer      *self,
                               GBytes              *input,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PoolJob *job;

  g_return_if_fail (IMGPROC_IS_RESIZER (self));
  g_return_if_fail (input != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_resizer_process_async);
  job = g_new0 (PoolJob, 1);
  job->input = g_bytes_ref (input);
  if (self->decode_memory_budget > 0)
    job->decode_memory = estimate_decode_memory (input, IMGPROC_JPEG_ARRAYS_PACKED);
  g_task_set_task_data (task, job, (GDestroyNotify) pool_job_free);
  queue_decode (self, g_steal_pointer (&task));
}

/**
 * imgproc_resizer_process_finish:
 * @self: a resizer
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Imgproc.Resizer.process_async].
 *
 * Returns: (transfer container) (element-type ImgprocRendition): the
 *   renditions, or %NULL with @error set; unref the array when done
 */
GPtrArray *
imgproc_resizer_process_finish (ImgprocResizer  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (IMGPROC_IS_RESIZER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, imgproc_resizer_process_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
