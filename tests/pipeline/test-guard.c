/* Tests of ImgprocGuard: the loop guard, the allow-list, hostile keys and the
 * rendition key layout. */
#include "config.h"

#include "imgproc.h"

#include <string.h>

static ImgprocObjectEvent *
created (const char *bucket,
         const char *key)
{
  return imgproc_object_event_new (IMGPROC_OBJECT_EVENT_KIND_CREATED, IMGPROC_EVENT_ORIGIN_S3,
                                   "ObjectCreated:Put", bucket, key, 10, NULL, NULL, NULL, NULL);
}

static void
test_prefixes (void)
{
  g_autoptr(ImgprocGuard) guard = imgproc_guard_new ("uploads", "thumbnails/", NULL);
  g_autoptr(ImgprocGuard) whole = imgproc_guard_new (NULL, "processed", NULL);

  g_assert_cmpstr (imgproc_guard_get_source_prefix (guard), ==, "uploads/");
  g_assert_cmpstr (imgproc_guard_get_destination_prefix (guard), ==, "thumbnails/");
  g_assert_null (imgproc_guard_get_allowed_buckets (guard));
  g_assert_false (imgproc_guard_get_accept_removals (guard));
  g_assert_cmpstr (imgproc_guard_get_source_prefix (whole), ==, "");
  g_assert_cmpstr (imgproc_guard_get_destination_prefix (whole), ==, "processed/");
}

static void
test_accepts (void)
{
  g_autoptr(ImgprocGuard) guard = imgproc_guard_new ("uploads/", "thumbnails/", NULL);
  g_autoptr(ImgprocObjectEvent) event = created ("b", "uploads/a/b c+d.JPG");
  g_autofree char *relative = NULL;

  g_assert_cmpint (imgproc_guard_check (guard, event, &relative), ==, IMGPROC_SKIP_REASON_NONE);
  g_assert_cmpstr (relative, ==, "a/b c+d.JPG");
}

static void
test_loop_guard (void)
{
  g_autoptr(ImgprocGuard) guard = imgproc_guard_new ("uploads/", "thumbnails/", NULL);
  g_autoptr(ImgprocGuard) whole = imgproc_guard_new ("", "thumbnails/", NULL);
  g_autoptr(ImgprocGuard) nested = imgproc_guard_new ("", "uploads/out/", NULL);
  g_autoptr(ImgprocObjectEvent) rendition = created ("b", "thumbnails/800/a.jpg");
  g_autoptr(ImgprocObjectEvent) nested_rendition = created ("b", "uploads/out/800/a.jpg");
  g_autofree char *relative = NULL;

  g_assert_cmpint (imgproc_guard_check (guard, rendition, &relative), ==,
                   IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX);
  g_assert_null (relative);
  /* With the whole bucket as source, the loop guard still holds. */
  g_assert_cmpint (imgproc_guard_check (whole, rendition, NULL), ==,
                   IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX);
  g_assert_cmpint (imgproc_guard_check (nested, nested_rendition, NULL), ==,
                   IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX);
}

static void
test_outside_source (void)
{
  g_autoptr(ImgprocGuard) guard = imgproc_guard_new ("uploads", "thumbnails", NULL);

  g_assert_cmpint (imgproc_guard_check_key (guard, NULL, "other/a.jpg", NULL), ==,
                   IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX);
  /* A prefix names a folder, not the start of a name. */
  g_assert_cmpint (imgproc_guard_check_key (guard, NULL, "uploads2/a.jpg", NULL), ==,
                   IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX);
  g_assert_cmpint (imgproc_guard_check_key (guard, NULL, "uploads", NULL), ==,
                   IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX);
}

static void
test_event_kinds (void)
{
  g_autoptr(ImgprocGuard) guard = imgproc_guard_new ("uploads/", "thumbnails/", NULL);
  g_autoptr(ImgprocGuard) removing =
    g_object_new (IMGPROC_TYPE_GUARD, "source-prefix", "uploads/",
                  "destination-prefix", "thumbnails/", "accept-removals", TRUE, NULL);
  g_autoptr(ImgprocObjectEvent) test =
    imgproc_object_event_new (IMGPROC_OBJECT_EVENT_KIND_TEST, IMGPROC_EVENT_ORIGIN_S3,
                              "TestEvent", "b", NULL, -1, NULL, NULL, NULL, NULL);
  g_autoptr(ImgprocObjectEvent) removed =
    imgproc_object_event_new (IMGPROC_OBJECT_EVENT_KIND_REMOVED, IMGPROC_EVENT_ORIGIN_S3,
                              "ObjectRemoved:Delete", "b", "uploads/a.jpg", -1, NULL, NULL, NULL, NULL);
  g_autoptr(ImgprocObjectEvent) other =
    imgproc_object_event_new (IMGPROC_OBJECT_EVENT_KIND_OTHER, IMGPROC_EVENT_ORIGIN_S3,
                              "ObjectRestore:Completed", "b", "uploads/a.jpg", -1, NULL, NULL, NULL, NULL);
  g_autofree char *relative = NULL;

  g_assert_cmpint (imgproc_guard_check (guard, test, NULL), ==, IMGPROC_SKIP_REASON_TEST_EVENT);
  g_assert_cmpint (imgproc_guard_check (guard, removed, NULL), ==, IMGPROC_SKIP_REASON_NOT_CREATED);
  g_assert_cmpint (imgproc_guard_check (guard, other, NULL), ==, IMGPROC_SKIP_REASON_NOT_CREATED);
  g_assert_true (imgproc_guard_get_accept_removals (removing));
  g_assert_cmpint (imgproc_guard_check (removing, removed, &relative), ==, IMGPROC_SKIP_REASON_NONE);
  g_assert_cmpstr (relative, ==, "a.jpg");
  g_assert_cmpint (imgproc_guard_check (removing, other, NULL), ==, IMGPROC_SKIP_REASON_NOT_CREATED);
}

static void
test_allow_list (void)
{
  const char *buckets[] = { "media", "photos", NULL };
  const char *none[] = { NULL };
  g_autoptr(ImgprocGuard) guard = imgproc_guard_new ("uploads/", "thumbnails/", buckets);
  g_autoptr(ImgprocGuard) open = imgproc_guard_new ("uploads/", "thumbnails/", none);
  g_autoptr(ImgprocObjectEvent) allowed = created ("photos", "uploads/a.jpg");
  g_autoptr(ImgprocObjectEvent) denied = created ("other", "uploads/a.jpg");

  g_assert_cmpuint (g_strv_length ((char **) imgproc_guard_get_allowed_buckets (guard)), ==, 2);
  g_assert_cmpint (imgproc_guard_check (guard, allowed, NULL), ==, IMGPROC_SKIP_REASON_NONE);
  g_assert_cmpint (imgproc_guard_check (guard, denied, NULL), ==, IMGPROC_SKIP_REASON_BUCKET_NOT_ALLOWED);
  g_assert_null (imgproc_guard_get_allowed_buckets (open));
  g_assert_cmpint (imgproc_guard_check (open, denied, NULL), ==, IMGPROC_SKIP_REASON_NONE);
}

static void
test_hostile_keys (void)
{
  g_autoptr(ImgprocGuard) guard = imgproc_guard_new ("uploads/", "thumbnails/", NULL);
  g_autoptr(ImgprocGuard) whole = imgproc_guard_new ("", "thumbnails/", NULL);
  struct { const char *key; ImgprocSkipReason reason; } cases[] = {
    { "uploads/", IMGPROC_SKIP_REASON_EMPTY_NAME },
    { "uploads/folder/", IMGPROC_SKIP_REASON_EMPTY_NAME },
    { "uploads//a.jpg", IMGPROC_SKIP_REASON_LEADING_SLASH },
    { "uploads/../a.jpg", IMGPROC_SKIP_REASON_DOT_SEGMENT },
    { "uploads/a/../../b.jpg", IMGPROC_SKIP_REASON_DOT_SEGMENT },
    { "uploads/a/./b.jpg", IMGPROC_SKIP_REASON_DOT_SEGMENT },
    { "uploads/a/..", IMGPROC_SKIP_REASON_DOT_SEGMENT },
    { "uploads/a\nb.jpg", IMGPROC_SKIP_REASON_CONTROL_CHARACTER },
    { "uploads/a\tb.jpg", IMGPROC_SKIP_REASON_CONTROL_CHARACTER },
    { "uploads/a\x7f" "b.jpg", IMGPROC_SKIP_REASON_CONTROL_CHARACTER },
    { "uploads/a\xc2\x85" "b.jpg", IMGPROC_SKIP_REASON_CONTROL_CHARACTER },
    { "uploads/..a.jpg", IMGPROC_SKIP_REASON_NONE },
    { "uploads/a../b.jpg", IMGPROC_SKIP_REASON_NONE },
    { "uploads/.hidden", IMGPROC_SKIP_REASON_NONE },
    { "uploads/a//b.jpg", IMGPROC_SKIP_REASON_NONE },
    { "uploads/日本語 ü.jpg", IMGPROC_SKIP_REASON_NONE },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_cmpint (imgproc_guard_check_key (guard, "b", cases[i].key, NULL), ==, cases[i].reason);
    }

  g_assert_cmpint (imgproc_guard_check_key (whole, "b", "/a.jpg", NULL), ==,
                   IMGPROC_SKIP_REASON_LEADING_SLASH);

  {
    g_autofree char *name = g_strnfill (1100, 'x');
    g_autofree char *key = g_strconcat ("uploads/", name, NULL);

    g_assert_cmpint (imgproc_guard_check_key (guard, "b", key, NULL), ==,
                     IMGPROC_SKIP_REASON_KEY_TOO_LONG);
  }
  {
    /* Fits S3's limit as a source, not once the rendition prefix is added. */
    g_autofree char *name = g_strnfill (1010, 'x');
    g_autofree char *key = g_strconcat ("uploads/", name, NULL);

    g_assert_cmpuint (strlen (key), <=, IMGPROC_GUARD_MAX_KEY_BYTES);
    g_assert_cmpint (imgproc_guard_check_key (guard, "b", key, NULL), ==,
                     IMGPROC_SKIP_REASON_RENDITION_KEY_TOO_LONG);
  }
}

static void
test_rendition_keys (void)
{
  g_autoptr(ImgprocGuard) guard = imgproc_guard_new ("uploads/", "thumbnails/", NULL);
  struct { const char *relative; guint width; ImgprocImageFormat format; const char *key; } cases[] = {
    { "a/b.JPG", 800, IMGPROC_IMAGE_FORMAT_JPEG, "thumbnails/800/a/b.jpg" },
    { "a/b.png", 320, IMGPROC_IMAGE_FORMAT_WEBP, "thumbnails/320/a/b.webp" },
    { "photo.tar.gz", 10, IMGPROC_IMAGE_FORMAT_PNG, "thumbnails/10/photo.tar.png" },
    { "noext", 800, IMGPROC_IMAGE_FORMAT_JPEG, "thumbnails/800/noext.jpg" },
    { ".hidden", 800, IMGPROC_IMAGE_FORMAT_JPEG, "thumbnails/800/.hidden.jpg" },
    { "dir.d/file", 800, IMGPROC_IMAGE_FORMAT_PNG, "thumbnails/800/dir.d/file.png" },
    { "a b+c.jpeg", 1600, IMGPROC_IMAGE_FORMAT_JPEG, "thumbnails/1600/a b+c.jpg" },
    { "x.gif", 800, IMGPROC_IMAGE_FORMAT_GIF, "thumbnails/800/x.gif" },
    { "x.TIFF", 800, IMGPROC_IMAGE_FORMAT_TIFF, "thumbnails/800/x.tif" },
    { "x.Bmp", 800, IMGPROC_IMAGE_FORMAT_BMP, "thumbnails/800/x.bmp" },
    { "x.heic", 800, IMGPROC_IMAGE_FORMAT_UNKNOWN, "thumbnails/800/x.heic" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = imgproc_guard_rendition_key (guard, cases[i].relative, cases[i].width,
                                                          cases[i].format);
      g_assert_cmpstr (key, ==, cases[i].key);
    }
}

static void
test_skip_reasons (void)
{
  int reason;

  for (reason = IMGPROC_SKIP_REASON_NONE; reason <= IMGPROC_SKIP_REASON_RENDITION_KEY_TOO_LONG; reason++)
    {
      g_assert_cmpstr (imgproc_skip_reason_to_string (reason), !=, "unknown");
      g_assert_cmpstr (imgproc_skip_reason_describe (reason), !=, "Unknown reason.");
    }
  g_assert_cmpstr (imgproc_skip_reason_to_string (IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX), ==,
                   "under-destination-prefix");
  g_assert_cmpstr (imgproc_skip_reason_to_string (99), ==, "unknown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/guard/prefixes", test_prefixes);
  g_test_add_func ("/guard/accepts", test_accepts);
  g_test_add_func ("/guard/loop-guard", test_loop_guard);
  g_test_add_func ("/guard/outside-source", test_outside_source);
  g_test_add_func ("/guard/event-kinds", test_event_kinds);
  g_test_add_func ("/guard/allow-list", test_allow_list);
  g_test_add_func ("/guard/hostile-keys", test_hostile_keys);
  g_test_add_func ("/guard/rendition-keys", test_rendition_keys);
  g_test_add_func ("/guard/skip-reasons", test_skip_reasons);

  return g_test_run ();
}
