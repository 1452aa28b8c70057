/* ImgprocImageInfo: what an image's header says, probed from its first bytes
 * without decoding pixels, so limits can be enforced before any allocation. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-image-info-private.h"
#include "imgproc-exif-private.h"

#include <string.h>

struct _ImgprocImageInfo
{
  gatomicrefcount ref_count;
  ImgprocImageFormat format;
  guint width;
  guint height;
  guint orientation;
  gboolean has_alpha;
  gsize byte_size;
};

G_DEFINE_BOXED_TYPE (ImgprocImageInfo, imgproc_image_info,
                     imgproc_image_info_ref, imgproc_image_info_unref)

/**
 * imgproc_image_format_get_mime_type:
 * @format: an image format
 *
 * Gives the MIME type of @format, as stored in a Content-Type header.
 * [enum@Imgproc.ImageFormat.UNKNOWN] gives "application/octet-stream".
 *
 * Returns: (transfer none): the MIME type, such as "image/jpeg"
 */
const char *
imgproc_image_format_get_mime_type (ImgprocImageFormat format)
{
  switch (format)
    {
    case IMGPROC_IMAGE_FORMAT_JPEG:
      return "image/jpeg";
    case IMGPROC_IMAGE_FORMAT_PNG:
      return "image/png";
    case IMGPROC_IMAGE_FORMAT_WEBP:
      return "image/webp";
    case IMGPROC_IMAGE_FORMAT_GIF:
      return "image/gif";
    case IMGPROC_IMAGE_FORMAT_TIFF:
      return "image/tiff";
    case IMGPROC_IMAGE_FORMAT_BMP:
      return "image/bmp";
    case IMGPROC_IMAGE_FORMAT_UNKNOWN:
    default:
      return "application/octet-stream";
    }
}

/**
 * imgproc_image_format_get_extension:
 * @format: an image format
 *
 * Gives the usual file name extension of @format, without the dot.
 * [enum@Imgproc.ImageFormat.UNKNOWN] gives "bin".
 *
 * Returns: (transfer none): the extension, such as "jpg"
 */
const char *
imgproc_image_format_get_extension (ImgprocImageFormat format)
{
  switch (format)
    {
    case IMGPROC_IMAGE_FORMAT_JPEG:
      return "jpg";
    case IMGPROC_IMAGE_FORMAT_PNG:
      return "png";
    case IMGPROC_IMAGE_FORMAT_WEBP:
      return "webp";
    case IMGPROC_IMAGE_FORMAT_GIF:
      return "gif";
    case IMGPROC_IMAGE_FORMAT_TIFF:
      return "tif";
    case IMGPROC_IMAGE_FORMAT_BMP:
      return "bmp";
    case IMGPROC_IMAGE_FORMAT_UNKNOWN:
    default:
      return "bin";
    }
}

const char *
imgproc_image_format_get_name (ImgprocImageFormat format)
{
  switch (format)
    {
    case IMGPROC_IMAGE_FORMAT_JPEG:
      return "JPEG";
    case IMGPROC_IMAGE_FORMAT_PNG:
      return "PNG";
    case IMGPROC_IMAGE_FORMAT_WEBP:
      return "WebP";
    case IMGPROC_IMAGE_FORMAT_GIF:
      return "GIF";
    case IMGPROC_IMAGE_FORMAT_TIFF:
      return "TIFF";
    case IMGPROC_IMAGE_FORMAT_BMP:
      return "BMP";
    case IMGPROC_IMAGE_FORMAT_UNKNOWN:
    default:
      return "?";
    }
}

ImgprocImageFormat
imgproc_image_format_sniff (const guint8 *data,
                            gsize         len)
{
  if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return IMGPROC_IMAGE_FORMAT_JPEG;
  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return IMGPROC_IMAGE_FORMAT_PNG;
  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return IMGPROC_IMAGE_FORMAT_WEBP;
  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return IMGPROC_IMAGE_FORMAT_GIF;
  if (len >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return IMGPROC_IMAGE_FORMAT_TIFF;
  if (len >= 2 && data[0] == 'B' && data[1] == 'M')
    return IMGPROC_IMAGE_FORMAT_BMP;
  return IMGPROC_IMAGE_FORMAT_UNKNOWN;
}

static guint
be16 (const guint8 *p)
{
  return (guint) p[0] << 8 | p[1];
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint
le16 (const guint8 *p)
{
  return (guint) p[1] << 8 | p[0];
}

static guint32
le24 (const guint8 *p)
{
  return (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

typedef enum {
  PARSE_OK,
  PARSE_TRUNCATED,
  PARSE_CORRUPT,
} ParseResult;

static ParseResult
parse_jpeg (ImgprocImageInfo *info,
            const guint8     *data,
            gsize             len)
{
  gsize pos = 2;
  gboolean have_exif = FALSE;

  for (;;)
    {
      guint marker;
      gsize seg_len;
      const guint8 *seg;

      if (pos >= len)
        return PARSE_TRUNCATED;
      /* Between segments only a marker may stand: anything else is garbage. */
      if (data[pos] != 0xff)
        return PARSE_CORRUPT;
      while (pos < len && data[pos] == 0xff)
        pos++;
      if (pos >= len)
        return PARSE_TRUNCATED;
      marker = data[pos++];

      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        continue;
      if (marker == 0xd9 || marker == 0x00)
        return PARSE_CORRUPT;
      if (pos + 2 > len)
        return PARSE_TRUNCATED;
      seg_len = be16 (data + pos);
      if (seg_len < 2)
        return PARSE_CORRUPT;
      seg = data + pos + 2;
      seg_len -= 2;

      if (marker == 0xda)
        return info->width > 0 ? PARSE_OK : PARSE_CORRUPT;

      if (pos + 2 + seg_len > len)
        return PARSE_TRUNCATED;

      if (marker >= 0xc0 && marker <= 0xcf &&
          marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (seg_len < 6)
            return PARSE_CORRUPT;
          if (info->width > 0)
            return PARSE_CORRUPT;
          info->height = be16 (seg + 1);
          info->width = be16 (seg + 3);
          /* A zero height defers it to a DNL marker, which nobody writes. */
          if (info->width == 0 || info->height == 0)
            return PARSE_CORRUPT;
        }
      else if (marker == 0xe1 && !have_exif && seg_len > 6 && memcmp (seg, "Exif\0\0", 6) == 0)
        {
          have_exif = TRUE;
          info->orientation = imgproc_exif_get_orientation (seg + 6, seg_len - 6);
        }
      pos += 2 + seg_len;
    }
}

static ParseResult
parse_png (ImgprocImageInfo *info,
           const guint8     *data,
           gsize             len)
{
  gsize pos = 8;
  guint color_type;

  if (len < 8 + 8 + 13)
    return PARSE_TRUNCATED;
  if (be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return PARSE_CORRUPT;
  info->width = be32 (data + 16);
  info->height = be32 (data + 20);
  color_type = data[25];
  if (info->width == 0 || info->height == 0 ||
      info->width > G_MAXINT32 || info->height > G_MAXINT32)
    return PARSE_CORRUPT;
  info->has_alpha = color_type == 4 || color_type == 6;

  /* The eXIf and tRNS chunks may come anywhere before IEND; when the data
   * ends early the header is still whole, and decoding reports the rest. */
  while (pos + 8 <= len)
    {
      guint32 chunk_len = be32 (data + pos);
      const guint8 *type = data + pos + 4;

      if (chunk_len > G_MAXINT32)
        return PARSE_CORRUPT;
      if (memcmp (type, "IEND", 4) == 0)
        break;
      if (pos + 8 + chunk_len <= len)
        {
          if (memcmp (type, "tRNS", 4) == 0)
            info->has_alpha = TRUE;
          else if (memcmp (type, "eXIf", 4) == 0)
            {
              gsize exif_len = chunk_len;
              const guint8 *exif = imgproc_exif_skip_prefix (data + pos + 8, &exif_len);

              info->orientation = imgproc_exif_get_orientation (exif, exif_len);
            }
        }
      pos += 12 + (gsize) chunk_len;
    }
  return PARSE_OK;
}

static ParseResult
parse_webp (ImgprocImageInfo *info,
            const guint8     *data,
            gsize             len)
{
  gsize pos = 12;
  gboolean extended = FALSE;

  while (pos + 8 <= len)
    {
      const guint8 *fourcc = data + pos;
      guint32 chunk_len = le32 (data + pos + 4);
      const guint8 *chunk = data + pos + 8;
      gsize avail = len - pos - 8;

      if (info->width == 0)
        {
          if (memcmp (fourcc, "VP8X", 4) == 0)
            {
              if (chunk_len < 10 || avail < 10)
                return chunk_len < 10 ? PARSE_CORRUPT : PARSE_TRUNCATED;
              extended = TRUE;
              info->has_alpha = (chunk[0] & 0x10) != 0;
              info->width = le24 (chunk + 4) + 1;
              info->height = le24 (chunk + 7) + 1;
            }
          else if (memcmp (fourcc, "VP8 ", 4) == 0)
            {
              if (avail < 10)
                return PARSE_TRUNCATED;
              if (chunk[3] != 0x9d || chunk[4] != 0x01 || chunk[5] != 0x2a)
                return PARSE_CORRUPT;
              info->width = le16 (chunk + 6) & 0x3fff;
              info->height = le16 (chunk + 8) & 0x3fff;
              return info->width > 0 && info->height > 0 ? PARSE_OK : PARSE_CORRUPT;
            }
          else if (memcmp (fourcc, "VP8L", 4) == 0)
            {
              guint32 bits;

              if (avail < 5)
                return PARSE_TRUNCATED;
              if (chunk[0] != 0x2f)
                return PARSE_CORRUPT;
              bits = le32 (chunk + 1);
              info->width = (bits & 0x3fff) + 1;
              info->height = ((bits >> 14) & 0x3fff) + 1;
              info->has_alpha = (bits >> 28) & 1;
              return PARSE_OK;
            }
          else
            return PARSE_CORRUPT;
        }
      else if (extended && memcmp (fourcc, "EXIF", 4) == 0 && chunk_len <= avail)
        {
          gsize exif_len = chunk_len;
          const guint8 *exif = imgproc_exif_skip_prefix (chunk, &exif_len);

          info->orientation = imgproc_exif_get_orientation (exif, exif_len);
        }
      pos += 8 + (gsize) chunk_len + (chunk_len & 1);
    }
  return info->width > 0 ? PARSE_OK : PARSE_TRUNCATED;
}

static ParseResult
parse_gif (ImgprocImageInfo *info,
           const guint8     *data,
           gsize             len)
{
  gsize pos = 13;

  if (len < 13)
    return PARSE_TRUNCATED;
  info->width = le16 (data + 6);
  info->height = le16 (data + 8);
  if (info->width == 0 || info->height == 0)
    return PARSE_CORRUPT;
  if (data[10] & 0x80)
    pos += 3 * ((gsize) 2 << (data[10] & 7));

  /* Transparency is declared by a graphic control extension before the first frame. */
  while (pos < len && data[pos] == 0x21)
    {
      if (pos + 2 >= len)
        break;
      if (data[pos + 1] == 0xf9 && pos + 4 < len)
        info->has_alpha = (data[pos + 3] & 1) != 0;
      pos += 2;
      while (pos < len && data[pos] != 0)
        pos += 1 + (gsize) data[pos];
      pos++;
    }
  return PARSE_OK;
}

static ParseResult
parse_tiff (ImgprocImageInfo *info,
            const guint8     *data,
            gsize             len)
{
  gboolean big_endian = data[0] == 'M';
  guint32 ifd;
  guint n_entries;
  guint samples = 1;
  guint photometric = 2;
  gboolean extra_samples = FALSE;

  if (len < 8)
    return PARSE_TRUNCATED;
  ifd = big_endian ? be32 (data + 4) : le32 (data + 4);
  if (ifd < 8)
    return PARSE_CORRUPT;
  if ((gsize) ifd + 2 > len)
    return PARSE_TRUNCATED;
  n_entries = big_endian ? be16 (data + ifd) : le16 (data + ifd);
  if ((gsize) ifd + 2 + (gsize) n_entries * 12 > len)
    return PARSE_TRUNCATED;

  for (guint i = 0; i < n_entries; i++)
    {
      const guint8 *e = data + ifd + 2 + (gsize) i * 12;
      guint tag = big_endian ? be16 (e) : le16 (e);
      guint type = big_endian ? be16 (e + 2) : le16 (e + 2);
      guint32 value;

      if (type == 3)
        value = big_endian ? be16 (e + 8) : le16 (e + 8);
      else if (type == 4)
        value = big_endian ? be32 (e + 8) : le32 (e + 8);
      else
        continue;

      switch (tag)
        {
        case 256:
          info->width = value;
          break;
        case 257:
          info->height = value;
          break;
        case 262:
          photometric = value;
          break;
        case 274:
          info->orientation = value >= 1 && value <= 8 ? value : 1;
          break;
        case 277:
          samples = value;
          break;
        case 338:
          extra_samples = TRUE;
          break;
        default:
          break;
        }
    }
  if (info->width == 0 || info->height == 0 ||
      info->width > G_MAXINT32 || info->height > G_MAXINT32)
    return PARSE_CORRUPT;
  info->has_alpha = extra_samples ||
                    (photometric == 2 && samples >= 4) ||
                    (photometric <= 1 && samples >= 2);
  return PARSE_OK;
}

static ParseResult
parse_bmp (ImgprocImageInfo *info,
           const guint8     *data,
           gsize             len)
{
  guint32 dib_size;
  gint32 width, height;
  guint bpp;

  if (len < 14 + 12)
    return PARSE_TRUNCATED;
  dib_size = le32 (data + 14);
  if (dib_size == 12)
    {
      width = (gint32) le16 (data + 18);
      height = (gint32) le16 (data + 20);
      bpp = le16 (data + 24);
    }
  else if (dib_size >= 40)
    {
      if (len < 14 + 40)
        return PARSE_TRUNCATED;
      width = (gint32) le32 (data + 18);
      height = (gint32) le32 (data + 22);
      bpp = le16 (data + 28);
      if (bpp == 32 && le32 (data + 30) == 3 && dib_size >= 56 && len >= 14 + 56)
        info->has_alpha = le32 (data + 14 + 52) != 0;
    }
  else
    return PARSE_CORRUPT;

  /* A negative height means the rows are stored top-down. */
  if (width <= 0 || height == 0 || height == G_MININT32 || bpp == 0)
    return PARSE_CORRUPT;
  info->width = (guint) width;
  info->height = (guint) ABS (height);
  return PARSE_OK;
}

ImgprocImageInfo *
imgproc_image_info_parse (const guint8  *data,
                          gsize          len,
                          GError       **error)
{
  g_autoptr(ImgprocImageInfo) info = NULL;
  ParseResult result = PARSE_CORRUPT;

  imgproc_ensure_i18n ();

  if (len == 0)
    {
      g_set_error_literal (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_EMPTY,
                           _("The image is empty: it has no bytes"));
      return NULL;
    }

  info = g_new0 (ImgprocImageInfo, 1);
  g_atomic_ref_count_init (&info->ref_count);
  info->format = imgproc_image_format_sniff (data, len);
  info->orientation = IMGPROC_EXIF_ORIENTATION_NORMAL;
  info->byte_size = len;

  switch (info->format)
    {
    case IMGPROC_IMAGE_FORMAT_JPEG:
      result = parse_jpeg (info, data, len);
      break;
    case IMGPROC_IMAGE_FORMAT_PNG:
      result = parse_png (info, data, len);
      break;
    case IMGPROC_IMAGE_FORMAT_WEBP:
      result = parse_webp (info, data, len);
      break;
    case IMGPROC_IMAGE_FORMAT_GIF:
      result = parse_gif (info, data, len);
      break;
    case IMGPROC_IMAGE_FORMAT_TIFF:
      result = parse_tiff (info, data, len);
      break;
    case IMGPROC_IMAGE_FORMAT_BMP:
      result = parse_bmp (info, data, len);
      break;
    case IMGPROC_IMAGE_FORMAT_UNKNOWN:
    default:
      g_set_error_literal (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_UNSUPPORTED,
                           _("The data is not an image in a supported format "
                             "(JPEG, PNG, WebP, GIF, TIFF or BMP)"));
      return NULL;
    }

  switch (result)
    {
    case PARSE_OK:
      return g_steal_pointer (&info);
    case PARSE_TRUNCATED:
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TRUNCATED,
                   _("The %s image is truncated: it ends inside its header"),
                   imgproc_image_format_get_name (info->format));
      return NULL;
    case PARSE_CORRUPT:
    default:
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_CORRUPT,
                   _("The %s image is corrupt: its header is damaged"),
                   imgproc_image_format_get_name (info->format));
      return NULL;
    }
}

/**
 * imgproc_image_info_new_from_bytes:
 * @data: the bytes of an image file
 * @error: return location for a #GError in the `IMGPROC_IMAGE_ERROR` domain
 *
 * Probes the header of the image in @data: its format (detected from the
 * content, never from a name), dimensions, EXIF orientation and whether it
 * has alpha. No pixel is decoded, so this is cheap even for huge images.
 *
 * Returns: (transfer full): the facts of the image, or %NULL with @error set
 */
ImgprocImageInfo *
imgproc_image_info_new_from_bytes (GBytes  *data,
                                   GError **error)
{
  gsize len = 0;
  const guint8 *bytes;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_bytes_get_data (data, &len);
  return imgproc_image_info_parse (bytes, len, error);
}

/**
 * imgproc_image_info_new_from_file:
 * @path: (type filename): the path of an image file
 * @error: return location for a #GError
 *
 * Probes the header of the image file at @path, like
 * [ctor@Imgproc.ImageInfo.new_from_bytes]. The file is mapped, not read, so
 * only the pages that hold the header are touched.
 *
 * Returns: (transfer full): the facts of the image, or %NULL with @error set
 *   (in the `G_FILE_ERROR` domain when the file cannot be opened)
 */
ImgprocImageInfo *
imgproc_image_info_new_from_file (const char  *path,
                                  GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  return imgproc_image_info_parse ((const guint8 *) g_mapped_file_get_contents (file),
                                   g_mapped_file_get_length (file), error);
}

/**
 * imgproc_image_info_ref:
 * @self: image facts
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocImageInfo *
imgproc_image_info_ref (ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_image_info_unref:
 * @self: (transfer full): image facts
 *
 * Drops a reference to @self, and frees it with the last one.
 */
void
imgproc_image_info_unref (ImgprocImageInfo *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    g_free (self);
}

/**
 * imgproc_image_info_get_format:
 * @self: image facts
 *
 * Gives the format detected from the content.
 *
 * Returns: the format
 */
ImgprocImageFormat
imgproc_image_info_get_format (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, IMGPROC_IMAGE_FORMAT_UNKNOWN);
  return self->format;
}

/**
 * imgproc_image_info_get_mime_type:
 * @self: image facts
 *
 * Gives the MIME type of the detected format.
 *
 * Returns: (transfer none): the MIME type, such as "image/png"
 */
const char *
imgproc_image_info_get_mime_type (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return imgproc_image_format_get_mime_type (self->format);
}

/**
 * imgproc_image_info_get_width:
 * @self: image facts
 *
 * Gives the width as stored in the file, before EXIF orientation.
 *
 * Returns: the stored width in pixels
 */
guint
imgproc_image_info_get_width (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->width;
}

/**
 * imgproc_image_info_get_height:
 * @self: image facts
 *
 * Gives the height as stored in the file, before EXIF orientation.
 *
 * Returns: the stored height in pixels
 */
guint
imgproc_image_info_get_height (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->height;
}

/**
 * imgproc_image_info_get_orientation:
 * @self: image facts
 *
 * Gives the EXIF orientation, from 1 (as stored) to 8. Images without an
 * orientation tag, or with an invalid one, give 1.
 *
 * Returns: the orientation, 1 to 8
 */
guint
imgproc_image_info_get_orientation (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, IMGPROC_EXIF_ORIENTATION_NORMAL);
  return self->orientation;
}

gboolean
imgproc_image_info_get_transposed (const ImgprocImageInfo *self)
{
  return self->orientation >= 5;
}

/**
 * imgproc_image_info_get_display_width:
 * @self: image facts
 *
 * Gives the width as shown, after the EXIF orientation is applied: the
 * stored height for orientations 5 to 8, which turn the image by 90°.
 *
 * Returns: the displayed width in pixels
 */
guint
imgproc_image_info_get_display_width (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return imgproc_image_info_get_transposed (self) ? self->height : self->width;
}

/**
 * imgproc_image_info_get_display_height:
 * @self: image facts
 *
 * Gives the height as shown, after the EXIF orientation is applied.
 *
 * Returns: the displayed height in pixels
 */
guint
imgproc_image_info_get_display_height (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return imgproc_image_info_get_transposed (self) ? self->width : self->height;
}

/**
 * imgproc_image_info_get_has_alpha:
 * @self: image facts
 *
 * Tells whether the header declares an alpha channel or a transparent colour.
 *
 * Returns: %TRUE if the image may have transparent pixels
 */
gboolean
imgproc_image_info_get_has_alpha (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->has_alpha;
}

/**
 * imgproc_image_info_get_byte_size:
 * @self: image facts
 *
 * Gives the size of the whole file.
 *
 * Returns: the size in bytes
 */
gsize
imgproc_image_info_get_byte_size (const ImgprocImageInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->byte_size;
}
