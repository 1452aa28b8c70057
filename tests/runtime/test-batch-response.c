/* Tests of ImgprocBatchResponse. */
#include "config.h"

#include "imgproc.h"

#include <string.h>

static void
test_empty (void)
{
  g_autoptr(ImgprocBatchResponse) response = imgproc_batch_response_new ();
  g_autofree char *json = imgproc_batch_response_to_json (response);
  g_auto(GStrv) ids = imgproc_batch_response_list_failures (response);

  g_assert_cmpstr (json, ==, "{\"batchItemFailures\":[]}");
  g_assert_cmpuint (imgproc_batch_response_get_n_failures (response), ==, 0);
  g_assert_cmpuint (g_strv_length (ids), ==, 0);
}

static void
test_failures (void)
{
  g_autoptr(ImgprocBatchResponse) response = imgproc_batch_response_new ();
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_auto(GStrv) ids = NULL;

  imgproc_batch_response_add_failure (response, "059f36b4-87a3-44ab-83d2-661975830a7d");
  imgproc_batch_response_add_failure (response, "id \"quoted\"");
  imgproc_batch_response_add_failure (response, "059f36b4-87a3-44ab-83d2-661975830a7d");

  json = imgproc_batch_response_to_json (response);
  g_assert_cmpstr (json, ==,
                   "{\"batchItemFailures\":[{\"itemIdentifier\":\"059f36b4-87a3-44ab-83d2-661975830a7d\"},"
                   "{\"itemIdentifier\":\"id \\\"quoted\\\"\"}]}");
  g_assert_cmpuint (imgproc_batch_response_get_n_failures (response), ==, 2);
  ids = imgproc_batch_response_list_failures (response);
  g_assert_cmpstr (ids[1], ==, "id \"quoted\"");
  bytes = imgproc_batch_response_to_bytes (response);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), json, strlen (json));
}

static gpointer
add_many (gpointer data)
{
  ImgprocBatchResponse *response = data;
  int i;

  for (i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("m-%d", i);
      imgproc_batch_response_add_failure (response, id);
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(ImgprocBatchResponse) response = imgproc_batch_response_new ();
  GThread *threads[4];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("adder", add_many, response);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (imgproc_batch_response_get_n_failures (response), ==, 200);
}

static void
test_empty_id (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(ImgprocBatchResponse) response = imgproc_batch_response_new ();

      imgproc_batch_response_add_failure (response, "");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*message_id*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/batch-response/empty", test_empty);
  g_test_add_func ("/batch-response/failures", test_failures);
  g_test_add_func ("/batch-response/threads", test_threads);
  g_test_add_func ("/batch-response/empty-id", test_empty_id);

  return g_test_run ();
}
