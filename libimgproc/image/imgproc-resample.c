/* Separable Lanczos3 in fixed point, vertical pass first so that decoded rows
 * stream through a small ring instead of a whole-image buffer. RGBA is
 * resampled premultiplied, so transparent pixels do not bleed their colour. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-resample-private.h"

#include <math.h>
#include <string.h>

#define LANCZOS_SUPPORT 3.0
#define WEIGHT_BITS 14
/* The intermediate rows keep extra fractional bits, so two roundings to 8
 * bits do not add up. */
#define EXTRA_BITS 6
#define INTERMEDIATE_MAX (255 << EXTRA_BITS)
#define BLOCK 16

/* Debian builds at -O2, where GCC 12 vectorizes only loops without an
 * epilogue; the vertical pass is 3x faster with the full cost model. */
#if defined(__GNUC__) && !defined(__clang__)
#define VECTORIZE __attribute__ ((optimize ("tree-vectorize", "vect-cost-model=dynamic")))
#else
#define VECTORIZE
#endif

typedef struct
{
  guint out_size;
  guint ksize;
  guint *start;
  guint *count;
  gint16 *weights;
} Coeffs;

struct _ImgprocScaler
{
  guint src_width;
  guint src_height;
  guint dst_width;
  guint dst_height;
  guint channels;

  Coeffs horizontal;
  Coeffs vertical;

  gsize row_stride;
  guint ring_rows;
  guint8 *ring;
  gint32 *accumulator;
  gint16 *intermediate;

  guint rows_in;
  guint rows_out;
  guint8 *output;
};

static double
sinc (double x)
{
  if (x == 0.0)
    return 1.0;
  x *= G_PI;
  return sin (x) / x;
}

static double
lanczos3 (double x)
{
  if (x <= -LANCZOS_SUPPORT || x >= LANCZOS_SUPPORT)
    return 0.0;
  return sinc (x) * sinc (x / LANCZOS_SUPPORT);
}

/* The same sampling grid as Pillow's resample: pixel centres at +0.5, the
 * kernel widened by the scale factor when shrinking. */
static void
coeffs_init (Coeffs *c,
             guint   in_size,
             guint   out_size)
{
  double scale = (double) in_size / out_size;
  double filter_scale = MAX (scale, 1.0);
  double support = LANCZOS_SUPPORT * filter_scale;
  g_autofree double *k = NULL;

  c->out_size = out_size;
  c->ksize = (guint) ceil (support) * 2 + 1;
  c->start = g_new (guint, out_size);
  c->count = g_new (guint, out_size);
  c->weights = g_new0 (gint16, (gsize) out_size * c->ksize);
  k = g_new (double, c->ksize);

  for (guint xx = 0; xx < out_size; xx++)
    {
      double center = (xx + 0.5) * scale;
      double sum = 0.0;
      gint64 xmin = (gint64) floor (center - support + 0.5);
      gint64 xmax = (gint64) floor (center + support + 0.5);
      gint16 *w = c->weights + (gsize) xx * c->ksize;
      gint total = 0;
      guint biggest = 0;

      xmin = MAX (xmin, 0);
      xmax = MIN (xmax, (gint64) in_size);
      if (xmax - xmin > (gint64) c->ksize)
        xmax = xmin + c->ksize;
      if (xmax <= xmin)
        {
          xmin = MIN ((gint64) center, (gint64) in_size - 1);
          xmax = xmin + 1;
        }
      c->start[xx] = (guint) xmin;
      c->count[xx] = (guint) (xmax - xmin);

      for (guint x = 0; x < c->count[xx]; x++)
        {
          k[x] = lanczos3 ((x + xmin - center + 0.5) / filter_scale);
          sum += k[x];
        }
      for (guint x = 0; x < c->count[xx]; x++)
        {
          double v = sum != 0.0 ? k[x] / sum : (x == 0 ? 1.0 : 0.0);

          w[x] = (gint16) lround (v * (1 << WEIGHT_BITS));
          total += w[x];
          if (w[x] > w[biggest])
            biggest = x;
        }
      /* Rounding must not change the brightness: a flat area stays flat. */
      w[biggest] += (gint16) ((1 << WEIGHT_BITS) - total);
    }
}

static void
coeffs_clear (Coeffs *c)
{
  g_free (c->start);
  g_free (c->count);
  g_free (c->weights);
}

ImgprocScaler *
imgproc_scaler_new (guint src_width,
                    guint src_height,
                    guint dst_width,
                    guint dst_height,
                    guint channels)
{
  ImgprocScaler *self;
  gsize src_row = ((gsize) src_width * channels + BLOCK - 1) / BLOCK * BLOCK;

  g_return_val_if_fail (src_width > 0 && src_height > 0, NULL);
  g_return_val_if_fail (dst_width > 0 && dst_height > 0, NULL);
  g_return_val_if_fail (channels == 1 || channels == 3 || channels == 4, NULL);

  self = g_new0 (ImgprocScaler, 1);
  self->src_width = src_width;
  self->src_height = src_height;
  self->dst_width = dst_width;
  self->dst_height = dst_height;
  self->channels = channels;
  self->row_stride = src_row;
  coeffs_init (&self->horizontal, src_width, dst_width);
  coeffs_init (&self->vertical, src_height, dst_height);

  self->ring_rows = 1;
  for (guint y = 0; y < dst_height; y++)
    self->ring_rows = MAX (self->ring_rows, self->vertical.count[y]);
  self->ring_rows = MIN (self->ring_rows, src_height);
  self->ring = g_malloc0 (src_row * self->ring_rows);
  self->accumulator = g_new (gint32, src_row);
  self->intermediate = g_new (gint16, src_row);
  self->output = g_malloc ((gsize) dst_width * dst_height * channels);
  return self;
}

void
imgproc_scaler_free (ImgprocScaler *self)
{
  if (self == NULL)
    return;
  coeffs_clear (&self->horizontal);
  coeffs_clear (&self->vertical);
  g_free (self->ring);
  g_free (self->accumulator);
  g_free (self->intermediate);
  g_free (self->output);
  g_free (self);
}

static inline gint16
clamp_intermediate (gint32 v)
{
  v = (v + (1 << (WEIGHT_BITS - EXTRA_BITS - 1))) >> (WEIGHT_BITS - EXTRA_BITS);
  return (gint16) CLAMP (v, 0, INTERMEDIATE_MAX);
}

static inline guint8
clamp_output (gint32 v)
{
  v = (v + (1 << (WEIGHT_BITS + EXTRA_BITS - 1))) >> (WEIGHT_BITS + EXTRA_BITS);
  return (guint8) CLAMP (v, 0, 255);
}

static inline const guint8 *
ring_row (const ImgprocScaler *self,
          guint                y)
{
  return self->ring + (gsize) (y % self->ring_rows) * self->row_stride;
}

static VECTORIZE void
vertical_pass (ImgprocScaler *self,
               guint          y)
{
  gsize n_blocks = self->row_stride / BLOCK;
  guint start = self->vertical.start[y];
  guint count = self->vertical.count[y];
  const gint16 *w = self->vertical.weights + (gsize) y * self->vertical.ksize;
  gint32 *acc = self->accumulator;
  gint16 *out = self->intermediate;

  if (count == 1)
    {
      const guint8 *src = ring_row (self, start);

      for (gsize i = 0; i < self->row_stride; i++)
        out[i] = (gint16) (src[i] << EXTRA_BITS);
      return;
    }

  /* Fixed-size inner blocks let the compiler vectorize at -O2 without a
   * scalar epilogue: rows are padded to a multiple of BLOCK. */
  {
    const guint8 *src = ring_row (self, start);
    gint32 weight = w[0];

    for (gsize b = 0; b < n_blocks; b++)
      for (gsize i = 0; i < BLOCK; i++)
        acc[b * BLOCK + i] = weight * src[b * BLOCK + i];
  }
  for (guint k = 1; k < count; k++)
    {
      const guint8 *src = ring_row (self, start + k);
      gint32 weight = w[k];

      for (gsize b = 0; b < n_blocks; b++)
        for (gsize i = 0; i < BLOCK; i++)
          acc[b * BLOCK + i] += weight * src[b * BLOCK + i];
    }
  for (gsize b = 0; b < n_blocks; b++)
    for (gsize i = 0; i < BLOCK; i++)
      out[b * BLOCK + i] = clamp_intermediate (acc[b * BLOCK + i]);
}

static void
horizontal_pass_1 (const Coeffs *c,
                   const gint16 *src,
                   guint8       *dst)
{
  for (guint x = 0; x < c->out_size; x++)
    {
      const gint16 *w = c->weights + (gsize) x * c->ksize;
      const gint16 *s = src + c->start[x];
      gint32 a = 0;

      for (guint k = 0; k < c->count[x]; k++)
        a += w[k] * s[k];
      dst[x] = clamp_output (a);
    }
}

static void
horizontal_pass_3 (const Coeffs *c,
                   const gint16 *src,
                   guint8       *dst)
{
  for (guint x = 0; x < c->out_size; x++)
    {
      const gint16 *w = c->weights + (gsize) x * c->ksize;
      const gint16 *s = src + (gsize) c->start[x] * 3;
      gint32 a0 = 0, a1 = 0, a2 = 0;

      for (guint k = 0; k < c->count[x]; k++, s += 3)
        {
          a0 += w[k] * s[0];
          a1 += w[k] * s[1];
          a2 += w[k] * s[2];
        }
      dst[3 * x] = clamp_output (a0);
      dst[3 * x + 1] = clamp_output (a1);
      dst[3 * x + 2] = clamp_output (a2);
    }
}

static void
horizontal_pass_4 (const Coeffs *c,
                   const gint16 *src,
                   guint8       *dst)
{
  for (guint x = 0; x < c->out_size; x++)
    {
      const gint16 *w = c->weights + (gsize) x * c->ksize;
      const gint16 *s = src + (gsize) c->start[x] * 4;
      gint32 a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      guint8 *d = dst + 4 * x;

      for (guint k = 0; k < c->count[x]; k++, s += 4)
        {
          a0 += w[k] * s[0];
          a1 += w[k] * s[1];
          a2 += w[k] * s[2];
          a3 += w[k] * s[3];
        }
      d[3] = clamp_output (a3);
      if (d[3] == 0)
        {
          d[0] = d[1] = d[2] = 0;
          continue;
        }
      d[0] = MIN (255, (clamp_output (a0) * 255 + d[3] / 2) / d[3]);
      d[1] = MIN (255, (clamp_output (a1) * 255 + d[3] / 2) / d[3]);
      d[2] = MIN (255, (clamp_output (a2) * 255 + d[3] / 2) / d[3]);
    }
}

static void
emit_row (ImgprocScaler *self,
          guint          y)
{
  guint8 *dst = self->output + (gsize) y * self->dst_width * self->channels;

  vertical_pass (self, y);
  switch (self->channels)
    {
    case 1:
      horizontal_pass_1 (&self->horizontal, self->intermediate, dst);
      break;
    case 3:
      horizontal_pass_3 (&self->horizontal, self->intermediate, dst);
      break;
    case 4:
    default:
      horizontal_pass_4 (&self->horizontal, self->intermediate, dst);
      break;
    }
}

/* Rows beyond the height are ignored, so a decoder may push what it has. */
void
imgproc_scaler_push_row (ImgprocScaler *self,
                         const guint8  *row)
{
  gsize n = (gsize) self->src_width * self->channels;
  guint8 *slot;

  if (self->rows_in >= self->src_height)
    return;

  slot = self->ring + (gsize) (self->rows_in % self->ring_rows) * self->row_stride;
  if (self->channels == 4)
    {
      for (gsize i = 0; i < n; i += 4)
        {
          guint a = row[i + 3];

          slot[i] = (guint8) ((row[i] * a + 127) / 255);
          slot[i + 1] = (guint8) ((row[i + 1] * a + 127) / 255);
          slot[i + 2] = (guint8) ((row[i + 2] * a + 127) / 255);
          slot[i + 3] = (guint8) a;
        }
    }
  else
    memcpy (slot, row, n);
  self->rows_in++;

  while (self->rows_out < self->dst_height &&
         self->vertical.start[self->rows_out] + self->vertical.count[self->rows_out] <= self->rows_in)
    emit_row (self, self->rows_out++);
}

/* Returns the packed output, owned by the caller, or NULL if rows are missing. */
guint8 *
imgproc_scaler_finish (ImgprocScaler *self)
{
  if (self->rows_out < self->dst_height)
    return NULL;
  return g_steal_pointer (&self->output);
}

/* Maps a stored pixel to its displayed place for each EXIF orientation. */
guint8 *
imgproc_orient (const guint8 *pixels,
                guint         width,
                guint         height,
                guint         channels,
                guint         orientation,
                guint        *out_width,
                guint        *out_height)
{
  gboolean transposed = orientation >= 5 && orientation <= 8;
  guint ow = transposed ? height : width;
  guint oh = transposed ? width : height;
  guint8 *out = g_malloc ((gsize) ow * oh * channels);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *src = pixels + (gsize) y * width * channels;

      for (guint x = 0; x < width; x++)
        {
          guint dx, dy;

          switch (orientation)
            {
            case 2:
              dx = width - 1 - x, dy = y;
              break;
            case 3:
              dx = width - 1 - x, dy = height - 1 - y;
              break;
            case 4:
              dx = x, dy = height - 1 - y;
              break;
            case 5:
              dx = y, dy = x;
              break;
            case 6:
              dx = height - 1 - y, dy = x;
              break;
            case 7:
              dx = height - 1 - y, dy = width - 1 - x;
              break;
            case 8:
              dx = y, dy = width - 1 - x;
              break;
            default:
              dx = x, dy = y;
              break;
            }
          memcpy (out + ((gsize) dy * ow + dx) * channels, src + (gsize) x * channels, channels);
        }
    }
  *out_width = ow;
  *out_height = oh;
  return out;
}
