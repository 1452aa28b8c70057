/* Finds (and rewrites in place) the orientation tag in IFD0 of an EXIF block,
 * with every offset bounds-checked because the block comes from untrusted files. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-exif-private.h"

#include <string.h>

#define TAG_ORIENTATION 0x0112
#define TYPE_SHORT 3

static guint
read16 (const guint8 *p,
        gboolean      big_endian)
{
  return big_endian ? (guint) (p[0] << 8 | p[1]) : (guint) (p[1] << 8 | p[0]);
}

static guint32
read32 (const guint8 *p,
        gboolean      big_endian)
{
  return big_endian
    ? ((guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3])
    : ((guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0]);
}

/* Containers disagree on whether the "Exif\0\0" preamble is kept in front of
 * the TIFF header (JPEG always, WebP and PNG sometimes), so accept both. */
const guint8 *
imgproc_exif_skip_prefix (const guint8 *data,
                          gsize        *len)
{
  if (*len >= 6 && memcmp (data, "Exif\0\0", 6) == 0)
    {
      *len -= 6;
      return data + 6;
    }
  return data;
}

static const guint8 *
find_orientation_entry (const guint8 *tiff,
                        gsize         len,
                        gboolean     *big_endian)
{
  guint32 ifd;
  guint n_entries;

  if (len < 8)
    return NULL;
  if (memcmp (tiff, "MM\0*", 4) == 0)
    *big_endian = TRUE;
  else if (memcmp (tiff, "II*\0", 4) == 0)
    *big_endian = FALSE;
  else
    return NULL;

  ifd = read32 (tiff + 4, *big_endian);
  if (ifd < 8 || ifd > len - 2)
    return NULL;
  n_entries = read16 (tiff + ifd, *big_endian);
  for (guint i = 0; i < n_entries; i++)
    {
      gsize entry = (gsize) ifd + 2 + (gsize) i * 12;

      if (entry + 12 > len)
        return NULL;
      if (read16 (tiff + entry, *big_endian) == TAG_ORIENTATION)
        {
          if (read16 (tiff + entry + 2, *big_endian) != TYPE_SHORT ||
              read32 (tiff + entry + 4, *big_endian) != 1)
            return NULL;
          return tiff + entry;
        }
    }
  return NULL;
}

/* Returns 1 to 8; anything absent or out of range counts as the normal 1. */
guint
imgproc_exif_get_orientation (const guint8 *tiff,
                              gsize         len)
{
  gboolean big_endian = FALSE;
  const guint8 *entry = find_orientation_entry (tiff, len, &big_endian);
  guint value;

  if (entry == NULL)
    return IMGPROC_EXIF_ORIENTATION_NORMAL;
  value = read16 (entry + 8, big_endian);
  return value >= 1 && value <= 8 ? value : IMGPROC_EXIF_ORIENTATION_NORMAL;
}

/* Used when EXIF is kept on an auto-oriented output, which must not be rotated twice. */
gboolean
imgproc_exif_set_orientation (guint8 *tiff,
                              gsize   len,
                              guint   orientation)
{
  gboolean big_endian = FALSE;
  guint8 *entry = (guint8 *) find_orientation_entry (tiff, len, &big_endian);

  if (entry == NULL)
    return FALSE;
  entry[8] = big_endian ? 0 : (guint8) orientation;
  entry[9] = big_endian ? (guint8) orientation : 0;
  return TRUE;
}
