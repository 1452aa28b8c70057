/* Builds small synthetic images, with exact content, for the image tests. */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

guint8 *test_image_fill (guint   width,
                         guint   height,
                         guint   channels,
                         guint32 rgba);
void test_image_fill_rect (guint8  *pixels,
                           guint    width,
                           guint    channels,
                           guint    x0,
                           guint    y0,
                           guint    w,
                           guint    h,
                           guint32  rgba);

GBytes *test_image_exif_with_orientation (guint orientation);

GBytes *test_image_jpeg (const guint8 *pixels,
                         guint         width,
                         guint         height,
                         guint         channels,
                         guint         orientation);
GBytes *test_image_png (const guint8 *pixels,
                        guint         width,
                        guint         height,
                        guint         channels,
                        guint         orientation);
GBytes *test_image_webp (const guint8 *pixels,
                         guint         width,
                         guint         height,
                         guint         channels);

GBytes *test_image_webp_with_orientation (const guint8 *pixels,
                                          guint         width,
                                          guint         height,
                                          guint         channels,
                                          guint         orientation);

GdkPixbuf *test_image_decode (GBytes *bytes);

gboolean test_image_has_exif (GBytes *bytes);

G_END_DECLS
